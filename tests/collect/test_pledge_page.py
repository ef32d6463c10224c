"""Pledge pages: extract the wording with a CSS selector and keep the old wording as a version."""

from __future__ import annotations

from datetime import date

from pledges import models as m
from pledges.dataset import load_dataset
from pledges.yamlio import read_yaml_file

from .conftest import SEED_PROVENANCE, make_data, provider, run_cli, serve_robots, snapshot, source

SID = "bt-pages"
PAGE_V1 = b"""<!DOCTYPE html><html><head><title>Our promise</title></head><body>
<nav>Menu</nav><div class="promise"><p>If we miss a repair,</p>
<p>we pay   you &pound;9.76 a day &amp; more.</p></div><footer>x</footer></body></html>"""


def pledge_world(tmp_path, httpserver, selector=".promise p"):
    serve_robots(httpserver)
    pledge = m.Pledge(
        id="bt-repair-promise", provider="bt", title="Repair promise", kind="guarantee", category="repair",
        text="If we miss a repair, we pay you £9.33 a day.", language="en", channels=["any"],
        published=date(2024, 4, 1), provenance=SEED_PROVENANCE,
    )
    params = {"base_url": httpserver.url_for("/"), "pages": [{"pledge": pledge.id, "url": "/promise", "selector": selector}]}
    return make_data(tmp_path / "data", [source(SID, "pledge_page", params, cadence="irregular")],
                     [provider("bt", "BT", {}, sector="telecoms")], [pledge])


def test_changed_wording_becomes_a_new_version(tmp_path, httpserver):
    root = pledge_world(tmp_path, httpserver)
    httpserver.expect_request("/promise").respond_with_data(PAGE_V1, content_type="text/html")
    assert run_cli("--data", str(root)) == 0
    ds = load_dataset(root)
    assert ds.problems == []
    pledge = ds.pledges["bt-repair-promise"]
    assert pledge.text == "If we miss a repair, we pay you £9.76 a day & more."
    assert len(pledge.previous_versions) == 1
    old = pledge.previous_versions[0]
    assert old.text == "If we miss a repair, we pay you £9.33 a day."
    assert old.valid_to == date.today() and old.valid_from == date(2024, 4, 1)
    assert old.provenance.collected_by == "contributor:test-suite"
    assert pledge.provenance.collected_by == "collector:pledge_page"
    assert pledge.provenance.url == httpserver.url_for("/promise")
    # same wording again: nothing is written
    before = snapshot(root)
    assert run_cli("--data", str(root)) == 0
    assert snapshot(root) == before


def test_selector_matching_nothing_fails_and_keeps_the_pledge(tmp_path, httpserver, capsys):
    root = pledge_world(tmp_path, httpserver, selector="#gone")
    httpserver.expect_request("/promise").respond_with_data(PAGE_V1, content_type="text/html")
    before = snapshot(root, skip_status=SID)
    assert run_cli("--data", str(root)) == 1
    assert snapshot(root, skip_status=SID) == before
    assert "matched nothing" in read_yaml_file(root / "status" / f"{SID}.yaml").data["last_error"]
    assert "Traceback" not in "".join(capsys.readouterr())
