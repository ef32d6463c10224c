"""The pledge watcher against a localhost server serving realistic pages around the REAL pledge texts."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date

import pytest
from werkzeug import Response as WResponse

from pledges.dataset import load_dataset
from pledges.watch.collector import watched

from .conftest import run_cli, serve_robots, snapshot
from .watch_pages import JS_SHELL, copy_real, page

SID = "pledge-pages"
EDF = "edf-energy-energy-switch-guarantee"
BT = "bt-ofcom-automatic-compensation"
FCA = "abrdn-fund-managers-limited--fca-disp-8-week-final-response"
TMOBILE = "t-mobile-nl-columnist-week-guarantee-proposal"
SLOGAN = "t-mobile-nl-life-is-for-sharing"
FEW = [EDF, BT, FCA, TMOBILE, SLOGAN]


def texts(root) -> dict[str, str]:
    ds = load_dataset(root)
    return {pid: p.text for pid, p in ds.pledges.items()}


def serve(httpserver, pages: dict[str, object]) -> None:
    """``pages``: pledge id → bytes (an HTML page) or a werkzeug Response (anything else)."""
    serve_robots(httpserver)

    def handler(request):
        answer = pages.get(request.path.strip("/"))
        if answer is None:
            return WResponse("not here", status=404)
        if isinstance(answer, bytes):
            return WResponse(answer, content_type="text/html; charset=utf-8")
        return answer

    httpserver.expect_request(re.compile(r"^/(?!robots\.txt).*$")).respond_with_handler(handler)


def collect(root, httpserver, *extra) -> int:
    return run_cli("--data", str(root), "--source", SID, "--endpoint", httpserver.url_for("/"), *extra)


def watch(root, pid):
    return load_dataset(root).records("watch")[pid]


def outside_watch(root) -> dict[str, str]:
    return {k: v for k, v in snapshot(root).items() if not k.startswith("watch/") and k != f"status/{SID}.yaml"}


@pytest.fixture
def few(tmp_path):
    return copy_real(tmp_path / "data", FEW)


def test_unchanged_pages_write_only_the_last_seen_state_and_a_second_run_nothing(few, httpserver, tmp_path):
    real = texts(few)
    serve(httpserver, {pid: page(pid, text) for pid, text in real.items()})
    before = outside_watch(few)
    summary = tmp_path / "summary.md"
    assert collect(few, httpserver, "--summary", str(summary)) == 0
    assert outside_watch(few) == before  # pledges, providers, sources: byte-identical
    ds = load_dataset(few)
    assert ds.problems == []
    for pid in FEW:
        record = ds.records("watch")[pid]
        assert record.state.value == "published", (pid, record)
        assert record.last_seen == date.today() and record.proposed is None
        shot = record.snapshots[-1]
        body = page(pid, real[pid])
        assert shot.sha256 == hashlib.sha256(body).hexdigest() and shot.status == 200
        assert shot.text_sha256 and shot.passage and shot.archive_url is None  # tests never archive
    assert "5 published" in summary.read_text()
    everything = snapshot(few)
    assert collect(few, httpserver) == 0
    assert snapshot(few) == everything  # the identical second run writes nothing at all


def test_one_number_changed_proposes_a_new_version_with_the_word_diff(few, httpserver, tmp_path):
    real = texts(few)
    changed = real[EDF].replace("within 5 working days", "within 10 working days")
    assert changed != real[EDF]
    serve(httpserver, {pid: page(pid, changed if pid == EDF else text) for pid, text in real.items()})
    before = outside_watch(few)
    summary = tmp_path / "summary.md"
    assert collect(few, httpserver, "--summary", str(summary)) == 0
    assert outside_watch(few) == before  # the pledge itself waits for a maintainer
    record = watch(few, EDF)
    assert record.state.value == "changed" and record.since == date.today()
    assert record.last_seen is None
    assert [(c.removed, c.added) for c in record.proposed.changes] == [("5", "10")]
    assert "within 10 working days" in record.proposed.text
    assert "cookies" not in record.proposed.text and "Privacy" not in record.proposed.text
    assert 0.9 < record.proposed.similarity < 1
    others = [watch(few, pid).state.value for pid in FEW if pid != EDF]
    assert others == ["published"] * 4
    text = summary.read_text()
    assert "Wording changed" in text and "removed **5**, added **10**" in text and "[-5-] {+10+}" in text


@pytest.mark.parametrize("answer", ["404", "410", "home"])
def test_a_removed_page_is_no_longer_published(few, httpserver, answer):
    real = texts(few)
    pages: dict[str, object] = {pid: page(pid, text) for pid, text in real.items()}
    home = page("home", "Welcome to our website. Find broadband, energy and mobile deals for your home.")
    pages[""] = home
    pages[BT] = {"404": WResponse("gone", status=404), "410": WResponse("gone", status=410),
                 "home": WResponse("", status=301, headers={"Location": "/"})}[answer]
    serve(httpserver, pages)
    assert collect(few, httpserver) == 0
    record = watch(few, BT)
    assert record.state.value == "gone" and record.since == date.today()
    assert ("HTTP" in record.detail) if answer != "home" else ("redirects" in record.detail)
    assert watch(few, EDF).state.value == "published"


SPA = page("spa", "x").replace(
    page("spa", "x")[page("spa", "x").index(b"<main>"):page("spa", "x").index(b"</main>") + 7],
    b'<div id="app"></div><script src="/static/chunk-vendors.js"></script>')


@pytest.mark.parametrize("kind", ["js-shell", "spa-with-menus", "pdf", "json", "image", "403", "451"])
def test_unreadable_pages_could_not_be_checked_never_changed(few, httpserver, kind):
    real = texts(few)
    pages: dict[str, object] = {pid: page(pid, text) for pid, text in real.items()}
    pages[EDF] = {
        "js-shell": WResponse(JS_SHELL, content_type="text/html"),
        "spa-with-menus": WResponse(SPA, content_type="text/html"),  # nav, banner and footer, no text
        "pdf": WResponse(b"%PDF-1.7\n" + real[EDF].encode(), content_type="application/pdf"),
        "json": WResponse(json.dumps({"text": real[EDF]}), content_type="application/json"),
        "image": WResponse(b"\x89PNG\r\n\x1a\n" + b"\0" * 64, content_type="image/png"),
        "403": WResponse("forbidden", status=403),
        "451": WResponse("unavailable", status=451),
    }[kind]
    serve(httpserver, pages)
    assert collect(few, httpserver) == 0
    record = watch(few, EDF)
    assert record.state.value == "unreadable", record
    assert record.proposed is None


def test_robots_disallow_means_could_not_be_checked(few, httpserver):
    real = texts(few)
    httpserver.expect_request("/robots.txt").respond_with_data(f"User-agent: *\nDisallow: /{BT}\n", content_type="text/plain")
    pages = {pid: page(pid, text) for pid, text in real.items()}
    httpserver.expect_request(re.compile(r"^/(?!robots\.txt).*$")).respond_with_handler(
        lambda request: WResponse(pages[request.path.strip("/")], content_type="text/html"))
    assert collect(few, httpserver) == 0
    assert watch(few, BT).state.value == "unreadable" and "robots.txt" in watch(few, BT).detail
    assert watch(few, EDF).state.value == "published"


def test_a_huge_page_is_refused_by_the_page_bounds(few, httpserver):
    real = texts(few)
    pages: dict[str, object] = {pid: page(pid, text) for pid, text in real.items()}
    # 6 MB, over the 5 MB page bound (common.MAX_HTML_MB): refused before any parser sees it
    pages[EDF] = page(EDF, real[EDF]).replace(b"<footer>", b"<p>" + b"x " * 3_000_000 + b"</p><footer>")
    serve(httpserver, pages)
    assert collect(few, httpserver) == 0
    huge = watch(few, EDF)
    assert huge.state.value == "unreadable" and "MB" in huge.detail and "max_html_mb" in huge.detail
    assert watch(few, BT).state.value == "published"


def test_a_slow_page_is_bounded_and_keeps_the_last_state(few, httpserver, monkeypatch):
    import time

    real = texts(few)
    pages: dict[str, object] = {pid: page(pid, text) for pid, text in real.items()}
    serve(httpserver, pages)
    assert collect(few, httpserver) == 0
    assert watch(few, SLOGAN).state.value == "published"

    def slow(request):
        time.sleep(1.5)  # past the read time-out (0.5 s in the tests) and the 1 s total deadline
        return WResponse(page(SLOGAN, real[SLOGAN]), content_type="text/html")

    httpserver.clear()
    serve_robots(httpserver)
    # the last page fetched (ids in order): the single-threaded test server holds no other page back
    httpserver.expect_request(f"/{SLOGAN}").respond_with_handler(slow)
    httpserver.expect_request(re.compile(r"^/(?!robots\.txt).*$")).respond_with_handler(
        lambda request: WResponse(pages[request.path.strip("/")], content_type="text/html"))
    monkeypatch.setenv("PLEDGES_HTTP_TOTAL_TIMEOUT", "1")
    monkeypatch.setenv("PLEDGES_HTTP_RETRIES", "0")
    before = snapshot(few)
    assert collect(few, httpserver) == 0
    record = watch(few, SLOGAN)
    assert record.state.value == "published" and record.error  # last state kept, the error beside it
    assert record.last_seen == date.today()
    changed = {k for k, v in snapshot(few).items() if before.get(k) != v}
    # that record, and the source's status (its last_success moves when a record is written)
    assert changed - {f"status/{SID}.yaml"} == {f"watch/{SLOGAN}.yaml"}, changed


def test_every_fetch_failing_fails_the_source_and_changes_nothing(few, httpserver, capsys):
    serve(httpserver, {pid: WResponse("down", status=500) for pid in FEW})
    before = snapshot(few)
    assert collect(few, httpserver) == 1
    after = snapshot(few)
    assert {k: v for k, v in after.items() if k != f"status/{SID}.yaml"} == before
    assert not (few / "watch").exists()
    assert "Traceback" not in "".join(capsys.readouterr())


def test_every_real_pledge_with_a_page_is_watched():
    ds = load_dataset(copy_real_root())
    with_url = {pid for pid, p in ds.pledges.items() if p.provenance.url}
    assert {p.id for p in watched(ds)} == with_url and len(with_url) == len(ds.pledges) > 300
    assert ds.sources[SID].collector == "pledge_watch"


def copy_real_root():
    from .watch_pages import REAL

    return REAL


def test_an_unchanged_page_answers_304_and_keeps_its_state(few, httpserver):
    real = texts(few)
    asked: list[str | None] = []
    serve_robots(httpserver)

    def handler(request):
        pid = request.path.strip("/")
        asked.append(request.headers.get("If-None-Match"))
        if request.headers.get("If-None-Match") == f'"{pid}-v1"':
            return WResponse(status=304, headers={"ETag": f'"{pid}-v1"'})
        return WResponse(page(pid, real[pid]), content_type="text/html", headers={"ETag": f'"{pid}-v1"'})

    httpserver.expect_request(re.compile(r"^/(?!robots\\.txt).*$")).respond_with_handler(handler)
    assert collect(few, httpserver) == 0
    everything = snapshot(few)
    asked.clear()
    assert collect(few, httpserver) == 0
    assert asked and all(tag and tag.endswith('-v1"') for tag in asked)  # conditional requests
    assert snapshot(few) == everything  # 304 on the same day: nothing written
    assert {watch(few, pid).state.value for pid in FEW} == {"published"}


def test_a_first_fetch_that_fails_is_could_not_be_checked_not_left_out(few, httpserver, monkeypatch, tmp_path):
    """No earlier state and a page that never finishes: the pledge is recorded as 'could not be checked' with the
    reason, so it shows in the data and the summary instead of silently disappearing from both."""
    import time

    real = texts(few)
    pages: dict[str, object] = {pid: page(pid, text) for pid, text in real.items()}

    def slow(request):
        time.sleep(1.5)  # past the read time-out (0.5 s in the tests) and the 1 s total deadline
        return WResponse(page(SLOGAN, real[SLOGAN]), content_type="text/html")

    serve_robots(httpserver)
    httpserver.expect_request(f"/{SLOGAN}").respond_with_handler(slow)
    httpserver.expect_request(re.compile(r"^/(?!robots\.txt).*$")).respond_with_handler(
        lambda request: WResponse(pages[request.path.strip("/")], content_type="text/html"))
    monkeypatch.setenv("PLEDGES_HTTP_TOTAL_TIMEOUT", "1")
    monkeypatch.setenv("PLEDGES_HTTP_RETRIES", "0")
    summary = tmp_path / "summary.md"
    assert collect(few, httpserver, "--summary", str(summary)) == 0
    record = watch(few, SLOGAN)
    assert record.state.value == "unreadable" and record.detail and record.last_seen is None
    assert SLOGAN in summary.read_text(encoding="utf-8")
