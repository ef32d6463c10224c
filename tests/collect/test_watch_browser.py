"""Browser test: a built pledge page shows its watch state, the proposed wording's diff, the archived
copy and the wording history with diffs; publisher text never runs; nothing is fetched from elsewhere."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import UTC, date, datetime

import pytest

from pledges.watch.models import ProposedWording, Snapshot, WordChange
from pledges.yamlio import dump_record, write_atomic

from .test_watch_units import BT, EDF, FCA, _watch, real_text
from .watch_pages import copy_real

pytestmark = pytest.mark.skipif(not shutil.which("/usr/bin/chromium"), reason="Debian chromium not installed")


def test_the_built_pledge_page_shows_the_watch_state_and_the_history(tmp_path):
    from tests.site.browser import browser, serve

    data = copy_real(tmp_path / "data", [EDF, BT, FCA])
    shot = Snapshot(url="https://example.org/x", retrieved=datetime(2026, 12, 1, tzinfo=UTC), status=200,
                    sha256="a" * 64, archive_url="https://web.archive.org/web/20261201000000/https://example.org/x")
    changed = real_text(EDF).replace("5 working", "<img src=x onerror=alert(1)> 10 working")
    proposal = ProposedWording(text=changed, similarity=0.9, seen=date(2026, 11, 30),
                               changes=[WordChange(removed="5", added="10", context="within [-5-] {+10+} working")])
    write_atomic(data / "watch" / f"{EDF}.yaml", dump_record(_watch(EDF, "changed", proposed=proposal, snapshots=[shot])))
    run = subprocess.run([sys.executable, "-m", "pledges", "build", "--data", str(data), "--out", str(tmp_path / "site")],
                         capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-3000:]
    with serve(tmp_path / "site") as base, browser() as chromium:
        page = chromium.new_page()
        dialogs: list[str] = []
        foreign: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("request", lambda r: foreign.append(r.url) if not r.url.startswith((base, "data:")) else None)
        for lang, state_text, archived in (("en", "wording changed — under review", "archived copy"),
                                           ("nl", "tekst gewijzigd — wordt beoordeeld", "gearchiveerde kopie")):
            page.goto(f"{base}{lang}/pledges/{EDF}/")
            line = page.locator("#watch")
            assert line.is_visible()
            assert state_text in line.inner_text()
            link = line.get_by_role("link", name=archived)
            assert link.get_attribute("href") == shot.archive_url
            assert line.locator(".pt-diff del").first.inner_text() == "5"
            assert "10" in line.locator(".pt-diff ins").first.inner_text()
            assert "<img src=x onerror=alert(1)>" in line.locator(".pt-proposed").inner_text()  # shown as text
            assert page.locator("#watch img").count() == 0
            history = page.locator(".pt-version")
            assert history.count() == 2 and history.first.locator(".pt-diff del, .pt-diff ins").count() > 0
        assert dialogs == [] and foreign == []
