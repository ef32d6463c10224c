"""The watcher's normal form and passage matching, on the REAL pledge texts (no network), and the
pledge page's watch line in English and Dutch (generated pages, no mkdocs)."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime

from pledges import models as m
from pledges.dataset import load_dataset
from pledges.watch.compare import compare
from pledges.watch.extract import page_text
from pledges.watch.models import ProposedWording, Snapshot, Watch, WordChange
from pledges.watch.normalise import normalise, tokens
from pledges.yamlio import dump_record, write_atomic

from .watch_pages import REAL, body_html, copy_real, page

EDF = "edf-energy-energy-switch-guarantee"
BT = "bt-ofcom-automatic-compensation"
FCA = "abrdn-fund-managers-limited--fca-disp-8-week-final-response"


def real_text(pid: str) -> str:
    from pledges.yamlio import read_yaml_file

    return read_yaml_file(REAL / "pledges" / f"{pid}.yaml").data["text"]


def test_typography_never_reads_as_a_change():
    assert normalise("it\u2019s \u201cfree\u201d \u2013 com\u00adpen\u200bsation\u00a0now") == 'it\'s "free" - compensation now'
    assert tokens("£9.76 a day").folded == tokens("£ 9.76 A DAY").folded == ("£", "9.76", "a", "day")
    assert tokens("24-hour").folded == tokens("24 hour").folded


def test_every_layout_of_a_real_text_is_found_in_the_page():
    for pid in (EDF, BT, FCA, "t-mobile-nl-columnist-week-guarantee-proposal", "t-mobile-nl-life-is-for-sharing"):
        text = real_text(pid)
        for layout in range(5):
            html = page(pid, text).decode()
            body = body_html(text, layout)
            html = html.replace(html[html.index("<main>"):html.index("</main>")], f"<main>{body}</main>")
            read = page_text(html, html.encode())
            match = compare(text, read.visible_tokens)
            assert match.found and match.similarity == 1.0, (pid, layout)


def test_one_changed_number_is_exactly_that_word_and_the_furniture_is_left_out():
    text = real_text(EDF)
    read = page_text(page(EDF, text.replace("5 working", "3 working")).decode(), b"")
    match = compare(text, read.main_tokens if read.main else read.visible_tokens)
    assert not match.found
    assert [(c.removed, c.added) for c in match.changes] == [("5", "3")]
    assert match.passage.startswith("Customers can switch") and "cookies" not in match.passage
    # the first word replaced: both sides shown
    bt = real_text(BT)
    moved = compare(bt, tokens("Menu Home. " + bt.replace("From 1 April", "Since 1 April") + " Footer"))
    assert [(c.removed, c.added) for c in moved.changes] == [("From", "Since")]


def test_elided_parts_are_found_in_order_with_other_words_between():
    text = real_text(FCA)  # "… a 'final response', […]; or (2) a written response …"
    full = text.replace("[…]", "or a response which accepts the complaint and offers redress")
    assert compare(text, tokens(full)).found
    parts = text.split("[…]")
    assert not compare(text, tokens(parts[1] + " " + parts[0])).found  # out of order is not the text


def _watch(pid: str, state: str, **extra) -> Watch:
    provenance = m.Provenance(publisher="Test suite", url="https://example.org/p", retrieved=date(2026, 12, 1),
                              licence="CC0-1.0", collected_by="collector:pledge_watch", published=None)
    return Watch(id=pid, source="pledge-pages", url=f"https://example.org/{pid}", state=state, since=date(2026, 11, 30),
                 last_seen=date(2026, 11, 29), pledge_sha256="0" * 64, provenance=provenance, **extra)


def test_the_pledge_page_shows_the_watch_line_in_english_and_dutch(tmp_path):
    data = copy_real(tmp_path / "data", [EDF, BT, FCA])
    shot = Snapshot(url="https://example.org/x", retrieved=datetime(2026, 12, 1, tzinfo=UTC), status=200,
                    sha256="a" * 64, archive_url="https://web.archive.org/web/20261201000000/https://example.org/x")
    proposal = ProposedWording(text=real_text(EDF).replace("5 working", "<script>alert(1)</script> 10 working"),
                               similarity=0.9, seen=date(2026, 11, 30),
                               changes=[WordChange(removed="5", added="10", context="within [-5-] {+10+} working")])
    for record in (_watch(EDF, "changed", proposed=proposal, snapshots=[shot]), _watch(BT, "gone", detail="the page answers HTTP 404"),
                   _watch(FCA, "published")):
        write_atomic(data / "watch" / f"{record.id}.yaml", dump_record(record))
    assert load_dataset(data, date(2026, 12, 1)).problems == []
    run = subprocess.run([sys.executable, "-m", "pledges", "build", "--data", str(data), "--out", str(tmp_path / "site"),
                          "--generate-only"], capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    docs = tmp_path / "build" / "docs"
    en = (docs / "en" / "pledges" / f"{EDF}.md").read_text(encoding="utf-8")
    nl = (docs / "nl" / "pledges" / f"{EDF}.md").read_text(encoding="utf-8")
    assert "wording changed — under review (since 2026-11-30)" in en and "Grade pending" in en
    assert "tekst gewijzigd — wordt beoordeeld (sinds 2026-11-30)" in nl and "Cijfer in afwachting" in nl
    assert "wording changed" not in nl
    assert 'href="https://web.archive.org/web/20261201000000/https://example.org/x"' in en and ">archived copy<" in en
    assert ">gearchiveerde kopie<" in nl
    assert "<script>alert(1)</script>" not in en and "&lt;script&gt;" in en
    assert "<del>5</del>" in en and "<ins>" in en
    gone = (docs / "nl" / "pledges" / f"{BT}.md").read_text(encoding="utf-8")
    assert "niet meer gepubliceerd sinds 2026-11-30" in gone and '<span lang="en">(the page answers HTTP 404)</span>' in gone
    seen = (docs / "en" / "pledges" / f"{FCA}.md").read_text(encoding="utf-8")
    assert "still published, last seen on 2026-11-29" in seen and "Grade pending" not in seen
