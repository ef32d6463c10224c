"""SYNTHETIC data folders for the site tests: made-up providers and figures, never real data.

``write_dataset(root, hostile=True)`` puts contributor-controlled text containing <script>,
onerror= and javascript: links into every free-text field the site shows.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from pledges import models as m
from pledges.collect.series import records_from_figures
from pledges.yamlio import dump_record

XSS_NAME = '<script>window.__xss = 1</script>Evil & "Co"'
XSS_IMG = '<img src=x onerror="window.__xss = 2">'
XSS_LINK = "[click me](javascript:window.__xss=3) <a href=\"javascript:window.__xss=4\">link</a>"
# A blank line must not end the raw HTML block the text sits in (else the rest would be parsed as Markdown).
XSS_PARAGRAPHS = "\n\n[para link](javascript:window.__xss=5)\n\n    indented\n\n</p></blockquote><script>window.__xss=6</script>"
XSS_ALL = (XSS_NAME, XSS_IMG, XSS_LINK, XSS_PARAGRAPHS)


def prov(note: str = "SYNTHETIC test record, not real data.") -> dict:
    return dict(publisher="Synthetic test publisher", url="https://example.org/synthetic", retrieved=date(2026, 2, 1),
                published=date(2026, 1, 20), licence="CC0-1.0", collected_by="contributor:tests", note=note)


def write(root: Path, record) -> None:
    kind = m.KIND_OF_MODEL[type(record)]
    folder = root / kind
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{record.id}.yaml").write_text(dump_record(record), encoding="utf-8")


QUARTERS = ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]


def write_dataset(root: Path, hostile: bool = False) -> Path:
    root = Path(root)
    evil = (lambda text: f"{text} {XSS_NAME} {XSS_IMG} {XSS_LINK}") if hostile else (lambda text: text)
    write(root, m.Source(id="ofcom-telecoms-complaints", name="Synthetic telecoms complaints", publisher="Synthetic regulator",
                         url="https://example.org/complaints", licence="OGL-UK-3.0", cadence="quarterly",
                         expected_update_days=120, collector="ofcom_csv",
                         params={"base_url": "https://example.org/complaints.csv"},
                         method_breaks=[{"period": "2025-Q1", "series_version": "v2",
                                         "description": evil("Synthetic method change.")}]))
    write(root, m.Source(id="energy-switch-guarantee", name="Synthetic switch scheme", publisher="Synthetic scheme body",
                         url="https://example.org/scheme", licence="unknown", cadence="irregular",
                         expected_update_days=365))
    write(root, m.SourceStatus(id="ofcom-telecoms-complaints", last_success=datetime(2026, 2, 1, 6, 0, tzinfo=UTC),
                               last_attempt=datetime(2026, 11, 20, 6, 0, tzinfo=UTC),
                               last_error=evil("HTTP 503 from the synthetic endpoint"), consecutive_failures=3))
    providers = [
        ("acme-telecom", evil("Acme Telecom") if hostile else "Acme Telecom", "GB", ["telecoms"]),
        ("beta-broadband", "Beta Broadband", "GB", ["telecoms"]),
        ("gamma-mobiel", "Gamma Mobiel", "NL", ["telecoms"]),
        ("delta-energy", "Delta Energy", "GB", ["energy"]),
    ]
    figures: list[m.Statistic] = []
    for index, (pid, name, country, sectors) in enumerate(providers):
        write(root, m.Provider(id=pid, name=name, country=country, sectors=sectors, website="https://example.org/" + pid,
                               group=evil("Synthetic Group plc") if index == 0 else None,
                               brands=[evil("Acme")] if index == 0 else [],
                               source_names=[{"source": "ofcom-telecoms-complaints", "name": name}] if "telecoms" in sectors else [],
                               note=evil("Synthetic provider.") if index == 0 else None, provenance=prov()))
        if "telecoms" in sectors:
            for q, period in enumerate(QUARTERS):
                sid = f"{pid}--ofcom-telecoms-complaints--complaints-per-100k--fixed-broadband"
                figures.append(m.Statistic(
                    id=f"{sid}--{period.lower()}", series=sid, release="pending", provider=pid,
                    source="ofcom-telecoms-complaints", metric="complaints-per-100k", segment="fixed broadband",
                    period=period, value=round(10 + index * 3 + (q % 3) * 1.5, 1), unit="per-100k-customers",
                    industry_average=12.0 + q * 0.1, series_version="v2" if period >= "2025-Q1" else None,
                    provenance=prov()))
    write(root, m.Pledge(
        id="acme-repair-guarantee", provider="acme-telecom", title=evil("Repair within two working days"),
        kind="guarantee", category="repair",
        text=evil("We fix broadband faults within two working days or pay you £9.50 a day.") + (XSS_PARAGRAPHS if hostile else ""),
        language="en", channels=["phone", "web"], published=date(2024, 3, 1), effective_from=date(2024, 4, 1),
        terms=[{"event": evil("fault repair not completed"), "metric": "repair-time", "comparator": "<=", "threshold": 2,
                "unit": "working-days", "target_share_pct": 90,
                "compensation": {"amount": 9.5, "currency": "GBP", "basis": "per-day", "payment": "automatic"},
                "exclusions": [evil("Faults caused by the customer")]}],
        previous_versions=[{"text": evil("We fix broadband faults within three working days."), "valid_from": date(2023, 1, 1),
                            "valid_to": date(2024, 3, 31), "provenance": prov()}],
        note=evil("Synthetic note."), provenance=prov()))
    write(root, m.Pledge(
        id="gamma-life-is-for-sharing", provider="gamma-mobiel", title="Life is for sharing (synthetic)", kind="slogan",
        category="general-service", text="Het leven is om te delen (synthetisch).", language="nl",
        translation="Life is for sharing (synthetic).", channels=["any"], provenance=prov()))
    write(root, m.Pledge(
        id="delta-switch-promise", provider="delta-energy", title="Switch in five working days", kind="scheme",
        category="switching", text="We switch you within five working days.", language="en", channels=["any"],
        scheme="Synthetic switch scheme", provenance=prov()))
    write(root, m.Report(id="acme-report-1", pledge="acme-repair-guarantee", date=date(2026, 1, 5), reported=date(2026, 1, 9),
                         channel="phone", outcome="broken", days_to_resolution=6, summary=evil("Engineer came after six days.") + (XSS_PARAGRAPHS if hostile else ""),
                         contributor="contributor:tests"))
    write(root, m.Response(id="acme-reply-1", provider="acme-telecom", date=date(2026, 2, 10), pledge="acme-repair-guarantee",
                           period="2025-Q4", text=evil("We disagree with this verdict."), provenance=prov()))
    write(root, m.Correction(id="correction-1", date=date(2026, 2, 12), records=["acme-telecom--ofcom-telecoms-complaints--complaints-per-100k--fixed-broadband--2025-q4"],
                             text=evil("Value corrected after the publisher's revision.")))
    for record in records_from_figures(figures):
        write(root, record)
    return root


FCA_BANKS = {  # SYNTHETIC: complaints per 1,000 accounts, % closed within 8 weeks, % upheld by the firm
    "north-bank": ("North Bank", 1.2, 97.2, 40.0),
    "south-bank": ("South Bank", 2.5, 91.0, 55.0),
    "east-bank": ("East Bank", 4.0, 70.0, 60.0),
}


def write_fca_dataset(root: Path) -> Path:
    """write_dataset plus SYNTHETIC FCA-style banks (one `rule` pledge each), an insurer, and energy suppliers whose
    star ratings are in another order than their complaint rates."""
    root = write_dataset(root)
    fca, ca = "fca-firm-level-complaints", "citizens-advice-star-rating"
    write(root, m.Source(id=fca, name="FCA firm-level complaints data", publisher="Financial Conduct Authority (FCA)",
                         url="https://example.org/fca", licence="unknown", cadence="half-yearly", expected_update_days=200))
    write(root, m.Source(id=ca, name="Synthetic star rating", publisher="Citizens Advice", url="https://example.org/ca",
                         licence="unknown", cadence="quarterly", expected_update_days=120))
    figures: list[m.Statistic] = []

    def figure(pid, source, metric, segment, period, value, average=None):
        slug = f"--{segment.lower().replace(' ', '-').replace('&', 'and')}" if segment else ""
        sid = f"{pid}--{source}--{metric}{slug}"
        figures.append(m.Statistic(id=f"{sid}--{period.lower()}", series=sid, release="pending", provider=pid,
                                   source=source, metric=metric, segment=segment, period=period, value=value,
                                   unit=m.METRIC_UNITS[m.StatMetric(metric)], industry_average=average,
                                   provenance=prov()))

    for pid, (name, per_1k, closed, upheld) in FCA_BANKS.items():
        write(root, m.Provider(id=pid, name=name, country="GB", sectors=["banking"], provenance=prov()))
        figure(pid, fca, "complaints-per-1k-accounts", "Banking and credit cards", "2024-H2", per_1k, 2.0)
        figure(pid, fca, "closed-within-8-weeks-pct", "Banking and credit cards", "2024-H2", closed)
        figure(pid, fca, "upheld-by-firm-pct", "Banking and credit cards", "2024-H2", upheld)
        write(root, m.Pledge(
            id=f"{pid}--fca-disp-8-week-final-response", provider=pid, title="FCA DISP 1.6: final response within 8 weeks",
            kind="rule", category="complaint-handling", text="Synthetic quotation of the rule.", language="en",
            channels=["any"], effective_from=date(2011, 4, 1),
            terms=[{"event": "complaint not resolved", "metric": "complaint-resolution-time", "comparator": "<=",
                    "threshold": 56, "unit": "calendar-days", "target_share_pct": 100}], provenance=prov()))
    write(root, m.Provider(id="west-insure", name="West Insure", country="GB", sectors=["insurance"], provenance=prov()))
    figure("west-insure", fca, "complaints-per-1k-accounts", "Insurance & pure protection", "2024-H2", 0.8, 1.0)
    for pid, name, per_10k, stars in (("epsilon-energy", "Epsilon Energy", 10.0, 2.5), ("zeta-energy", "Zeta Energy", 30.0, 4.0)):
        write(root, m.Provider(id=pid, name=name, country="GB", sectors=["energy"], provenance=prov()))
        figure(pid, ca, "complaints-per-10k", None, "2026-Q1", per_10k, 20.0)
        figure(pid, ca, "star-rating", None, "2026-Q1", stars)
    for record in records_from_figures(figures):
        write(root, record)
    return root
