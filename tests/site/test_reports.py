"""Service reports on the built site, from records made by `pledges intake` (SYNTHETIC answers on a few real
records): replies beside reports, verified only from the provider's own account, counts and channel parity
from 3 reporters, prefilled form links, Dutch pages in Dutch, contributor text never live HTML, verdicts
unchanged by reports. A browser test looks at the provider page and saves screenshots."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
import yaml

from conftest import run_build

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "intake"))
import bodies  # noqa: E402
import flow  # noqa: E402
from browser import CHROMIUM, browser, serve  # noqa: E402

from pledges.site.i18n import table  # noqa: E402
from pledges.site.reports import ReportView, summarise  # noqa: E402

SHOTS = Path("/work/shots")
HOSTILE = [
    '<script>alert("report")</script>', '<img src=x onerror=alert(1)>', "[x](javascript:alert(1))",
    "[click me](https://evil.example/)", '<a href="javascript:alert(2)">a</a>', "</div></article><b>bold</b>",
    "{{ 7*7 }} {% raw %}", "&lt;script&gt;", "`code` **strong** ![i](https://evil.example/i.png)",
]
HOSTILE_TEXT = "SYNTHETIC hostile: " + " ".join(HOSTILE)


def add_hostile_records(data: Path) -> None:
    """Written by hand (intake refuses all of this): text `pledges check` lets through but a page must escape."""
    (data / "reports" / "synthetic-hostile.yaml").write_text(yaml.safe_dump({
        "id": "synthetic-hostile", "provider": "octopus-energy", "date": "2026-02-01", "reported": "2026-02-02",
        "channel": "chat", "outcome": "broken", "summary": HOSTILE_TEXT, "contributor": "contributor:synthetic",
        "evidence": ['https://example.org/"><img/src=x/onerror=alert(3)>'],
    }, sort_keys=False).replace("'2026-02-01'", "2026-02-01").replace("'2026-02-02'", "2026-02-02"))
    (data / "responses" / "synthetic-hostile-reply.yaml").write_text(yaml.safe_dump({
        "id": "synthetic-hostile-reply", "provider": "octopus-energy", "date": "2026-02-03", "report": "synthetic-hostile",
        "text": HOSTILE_TEXT, "provenance": {"publisher": HOSTILE[0], "url": "https://example.org/r", "retrieved": "2026-02-03",
                                             "licence": "synthetic", "collected_by": "contributor:synthetic"},
    }, sort_keys=False).replace("'2026-02-03'", "2026-02-03"))
    (data / "corrections" / "synthetic-hostile-correction.yaml").write_text(yaml.safe_dump({
        "id": "synthetic-hostile-correction", "date": "2026-02-04", "records": ["octopus-energy"], "text": HOSTILE_TEXT,
        "source_url": "https://example.org/c",
    }, sort_keys=False).replace("'2026-02-04'", "2026-02-04"))


@pytest.fixture(scope="module")
def ledger(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("ledger")
    results = flow.build_ledger(root / "data")
    for name, result in results.items():
        assert result.returncode == 0, (name, result.stdout, result.stderr)
    add_hostile_records(root / "data")
    check = flow.run_pledges("check", "--data", str(root / "data"))
    assert check.returncode == 0, check.stdout
    code, out, err = run_build(root / "data", root / "site")
    assert code == 0, out + err
    return root


def page(ledger: Path, lang: str, path: str) -> str:
    return (ledger / "site" / lang / path / "index.html").read_text(encoding="utf-8")


def article(html: str, rid: str) -> str:
    start = html.index(f'<section class="pt-report" id="{rid}"')
    return html[start:html.index("</section>", start)]


def test_every_form_shows_on_the_site(ledger):
    bt = page(ledger, "en", "providers/bt")
    assert len(re.findall(r'<section class="pt-report" id="report-1\d\d"', bt)) == 6
    assert "SYNTHETIC reply from an account BT does not list" in bt  # the reply form, on a pledge
    assert "SYNTHETIC correction: the scheme started in 2019." in page(ledger, "en", "changelog")  # the correction form
    assert 'href="https://example.org/synthetic-source"' in page(ledger, "en", "changelog")
    assert "Synthetic reply within two days" in page(ledger, "en", "providers/sky")  # the pledge form
    reports = page(ledger, "en", "reports")
    assert reports.count('<section class="pt-report"') == 7


def test_the_reply_sits_beside_the_report_it_answers_and_is_verified(ledger):
    bt = page(ledger, "en", "providers/bt")
    one = article(bt, "report-101")
    assert "SYNTHETIC reply: we are sorry" in one and "pt-verified" in one and "Reply from BT" in one
    assert bt.count('id="reply-201"') == 1  # beside the report, not repeated under "Right of reply"
    unverified = bt[bt.index('id="reply-202"'):]
    assert "pt-unverified" in unverified[:2000]
    assert "pt-verified" not in article(bt, "report-102")


def test_report_facts_are_shown(ledger):
    one = article(page(ledger, "en", "providers/bt"), "report-101")
    assert "2026-03-02" in one and "phone" in one and "broken" in one and "resolved in 18 days" in one
    assert 'href="https://example.org/synthetic-evidence-1"' in one
    assert re.search(r"<code>r-[0-9a-f]{12}</code>", one)
    assert "not resolved" in article(page(ledger, "en", "providers/bt"), "report-103")


def test_counts_and_channel_parity_from_three_reporters(ledger):
    bt = page(ledger, "en", "providers/bt")
    assert "6 reports from 3 reporters: 3 kept, 1 partly kept, 2 broken." in bt
    parity = bt[bt.index('id="reports-parity-table"'):]
    parity = parity[:parity.index("</table>")]
    # white space between cells is the search index's separator (site/searchtext.py), not part of the table
    rows = re.findall(r'<tr>\s*<th scope="row">([^<]+)</th>\s*<td>(\d+)</td>\s*<td>([^<]+)</td>\s*<td>([^<]+)</td>', parity)
    assert rows == [("phone", "3", "67%", "23.5"), ("social media", "3", "100%", "1.0")]


def test_counts_hidden_below_three_reporters(ledger):
    octopus = page(ledger, "en", "providers/octopus-energy")
    assert "Counts and rates are shown from 3 different reporters on; there are 1 so far." in octopus
    assert "reports-parity-table" not in octopus


def test_summary_rules():
    from datetime import date

    from pledges import models as m

    def view(who: str, channel: str, resolved: bool) -> ReportView:
        report = m.Report(id="r", provider="p", date=date(2026, 1, 1), reported=date(2026, 1, 9), channel=channel,
                          outcome="kept", resolved=date(2026, 1, 5) if resolved else None, summary="SYNTHETIC",
                          reporter=who)
        return ReportView(report, "p", ())

    two = summarise([view("r-000000000001", "phone", True), view("r-000000000002", "phone", True)] * 3)
    assert not two.shown and not two.parity and not two.counts
    three = summarise([view("r-000000000001", "phone", True), view("r-000000000002", "phone", False),
                       view("r-000000000003", "social", True)])
    assert three.shown and three.counts["kept"] == 3
    phone = next(row for row in three.parity if row.channel == "phone")
    assert phone.reports == 2 and not phone.shown and phone.resolved_pct is None


def test_prefilled_form_links(ledger):
    bt = page(ledger, "en", "providers/bt")
    assert "/issues/new?template=report.yml&amp;provider=bt" in bt
    assert "/issues/new?template=reply.yml&amp;provider=bt&amp;statistic=bt--ofcom-telecoms-complaints--complaints-per-100k--" in bt
    assert "/issues/new?template=reply.yml&amp;provider=bt&amp;report=report-102" in bt
    pledge = page(ledger, "en", "pledges/bt-ofcom-automatic-compensation")
    assert "/issues/new?template=report.yml&amp;provider=bt&amp;pledge=bt-ofcom-automatic-compensation" in pledge
    assert "Report an experience with BT" in bt and "BT: reply to this figure" in bt


def test_no_login_anywhere_on_the_site(ledger):
    for path in (ledger / "site").rglob("*"):
        if path.is_file() and path.suffix in {".html", ".json", ".csv", ".xml"}:
            text = path.read_text(encoding="utf-8", errors="replace").lower()
            for login in ("alice-synthetic", "bob-synthetic", "carol-synthetic", "someone-synthetic", "erin-synthetic"):
                assert login not in text, (path, login)


def test_dutch_pages_have_no_english_report_sentences(ledger):
    bt = page(ledger, "nl", "providers/bt")
    reports = page(ledger, "nl", "reports")
    # The reports sections (other parts of the page carry other helpers' strings).
    html = bt[bt.index('id="reports"'):bt.index('id="sources"')] + reports[reports.index("<h1"):]
    nl = re.sub(r"<[^>]+>", " ", html)  # the words a reader sees (class names are not sentences)
    assert 'title="Verstuurd vanaf een account' in html
    for key, texts in table().items():
        if key.startswith("reports.") and texts["en"] != texts["nl"]:
            fixed = texts["en"].split("{")[0].strip()
            if len(fixed) > 6:
                assert fixed not in nl, key
    assert "Meldingen van klanten" in nl and "Gelijke behandeling per kanaal" in nl


def test_contributor_text_never_becomes_markup(ledger):
    for lang in ("en", "nl"):
        for path in ("providers/octopus-energy", "reports", "changelog"):
            html = page(ledger, lang, path)
            assert "SYNTHETIC hostile" in html, path
            assert '<script>alert("report")' not in html
            assert not re.search(r"<img[^>]*src=.?x", html)
            assert not re.search(r"<[^>]*\bonerror\s*=", html)
            assert 'href="javascript:' not in html.lower()
            assert 'href="https://evil.example/' not in html
            assert "<b>bold</b>" not in html and "<strong>strong</strong>" not in html
            assert "49" not in re.sub(r"<[^>]+>", "", html).split("SYNTHETIC hostile")[1][:400]


def test_reports_never_change_a_verdict(ledger, tmp_path):
    plain = bodies.copy_real(tmp_path / "data")
    with_reports = json.loads(flow.run_pledges("score", "--data", str(ledger / "data"), "--format", "json").stdout)
    without = json.loads(flow.run_pledges("score", "--data", str(plain), "--format", "json").stdout)

    def verdicts(scores: dict) -> dict:
        pledges = scores["pledges"]
        return {pid: [(v["period"], v["verdict"]) for v in p.get("verdicts", [])] + [p.get("grade")]
                for pid, p in pledges.items() if pid in bodies.REAL["pledges"]}

    assert verdicts(with_reports) == verdicts(without)
    assert verdicts(without)


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed (make browser)")
def test_browser_shows_reports_replies_and_parity(ledger):
    dialogs: list[str] = []
    with serve(ledger / "site") as base, browser() as chromium:
        tab = chromium.new_page(viewport={"width": 1280, "height": 900})
        tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        requests: list[str] = []
        tab.on("request", lambda r: requests.append(r.url))
        tab.goto(base + "en/providers/bt/")
        report = tab.locator("#report-101 .pt-report-body")
        reply = tab.locator("#report-101 .pt-report-replies .pt-reply")
        assert report.is_visible() and reply.is_visible()
        left, right = report.bounding_box(), reply.bounding_box()
        assert right["x"] >= left["x"] + left["width"] - 1 and abs(right["y"] - left["y"]) < left["height"]
        assert tab.locator("#report-101 .pt-verified").inner_text() == "verified"
        assert tab.locator("#reports-parity-table tbody tr").count() == 2
        SHOTS.mkdir(parents=True, exist_ok=True)
        tab.locator("#reports").scroll_into_view_if_needed()
        tab.screenshot(path=str(SHOTS / "i10-provider-reports.png"))
        tab.locator("#report-101").scroll_into_view_if_needed()
        tab.screenshot(path=str(SHOTS / "i10-provider-reply.png"))
        tab.goto(base + "en/providers/octopus-energy/")
        text = tab.locator("#synthetic-hostile").inner_text()
        assert '<script>alert("report")</script>' in text and "[x](javascript:alert(1))" in text
        assert tab.locator("#synthetic-hostile img, #synthetic-hostile script, #synthetic-hostile b").count() == 0
        assert tab.locator('#synthetic-hostile a[href^="javascript"]').count() == 0
        tab.locator("#synthetic-hostile").scroll_into_view_if_needed()
        tab.screenshot(path=str(SHOTS / "i10-hostile-report.png"))
        tab.goto(base + "nl/providers/bt/")
        assert tab.locator("#report-101 .pt-verified").inner_text() == "geverifieerd"
    assert not dialogs
    assert all(url.startswith(base) for url in requests), [u for u in requests if not u.startswith(base)]
