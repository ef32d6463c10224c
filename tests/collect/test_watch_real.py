"""Every watched REAL pledge served with its current text in varied realistic HTML, three of them with
one term changed: exactly those three come back as changed, with the changed words in the diff."""

from __future__ import annotations

import re

from werkzeug import Response as WResponse

from pledges.dataset import load_dataset
from pledges.watch.collector import watched

from .conftest import run_cli, serve_robots, snapshot
from .watch_pages import copy_real, page

SID = "pledge-pages"
WORD = re.compile(r"(?<![\w.,'’])(\d+|[A-Za-z]{5,})(?![\w’'])")


def change_one_term(text: str, pick: int) -> tuple[str, str, str]:
    """(new text, old term, new term): a number gets bigger, or a word is swapped for another."""
    terms = [m for m in WORD.finditer(text)]
    numbers = [m for m in terms if m.group().isdigit()]
    chosen = (numbers or terms)[pick % len(numbers or terms)]
    old = chosen.group()
    new = str(int(old) + 7) if old.isdigit() else "reconsidered"
    return text[: chosen.start()] + new + text[chosen.end() :], old, new


def test_all_real_pledges_three_changed_exactly_those_three(tmp_path, httpserver):
    root = copy_real(tmp_path / "data")
    ds = load_dataset(root)
    pledges = watched(ds)
    assert len(pledges) == len(ds.pledges) > 300
    ids = [p.id for p in pledges]
    # three of different kinds: an FCA rule, a scheme pledge, a Dutch text with elisions
    chosen = [next(i for i in ids if "fca-disp" in i), "edf-energy-energy-switch-guarantee",
              "t-mobile-nl-columnist-week-guarantee-proposal"]
    changes = {}
    pages = {}
    for index, pledge in enumerate(pledges):
        text = pledge.text
        if pledge.id in chosen:
            text, old, new = change_one_term(text, index)
            changes[pledge.id] = (old, new)
        pages[pledge.id] = page(pledge.id, text)
    serve_robots(httpserver)
    httpserver.expect_request(re.compile(r"^/(?!robots\.txt).*$")).respond_with_handler(
        lambda request: WResponse(pages[request.path.strip("/")], content_type="text/html; charset=utf-8"))
    summary = tmp_path / "summary.md"
    before = {k: v for k, v in snapshot(root).items() if not k.startswith(("watch/", "status/"))}
    assert run_cli("--data", str(root), "--source", SID, "--endpoint", httpserver.url_for("/"),
                   "--summary", str(summary)) == 0
    assert {k: v for k, v in snapshot(root).items() if not k.startswith(("watch/", "status/"))} == before
    records = load_dataset(root).records("watch")
    assert set(records) == set(ids)
    states = {pid: r.state.value for pid, r in records.items()}
    assert {pid for pid, s in states.items() if s == "changed"} == set(chosen)
    assert {pid for pid, s in states.items() if s != "changed"} == set(ids) - set(chosen)
    assert set(states.values()) == {"changed", "published"}
    text = summary.read_text()
    for pid, (old, new) in changes.items():
        diff = [(c.removed, c.added) for c in records[pid].proposed.changes]
        assert diff == [(old, new)], (pid, diff)
        assert f"`{pid}`" in text and f"removed **{old}**, added **{new}**" in text
    assert f"{len(ids) - 3} published" in text and "3 changed" in text
