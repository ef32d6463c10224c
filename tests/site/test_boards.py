"""Product-group boards, the FCA threshold sentence, publisher-order notes and verdicts.csv, on SYNTHETIC data."""

from __future__ import annotations

import csv
import html
import re

import pytest
from synth import write_fca_dataset

from conftest import run_build


@pytest.fixture(scope="module")
def fca_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("fca")
    data = write_fca_dataset(root / "data")
    code, out, err = run_build(data, root / "site")
    assert code == 0, out + err
    return root


def home(site_root, lang):
    return (site_root / "build/docs" / lang / "index.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("lang, threshold", [
    ("en", "The FCA only names firms above its reporting threshold (500 or more complaints in a half-year)"),
    ("nl", "De FCA noemt alleen bedrijven boven haar rapportagegrens (500 of meer klachten in een halfjaar)"),
])
def test_home_leads_with_the_uk_bank_board_and_says_the_fca_threshold(fca_site, lang, threshold):
    page = home(fca_site, lang)
    anchors = re.findall(r"\{ #board-([a-z0-9-]+) \}", page)
    assert anchors[0] == "banking-banking-and-credit-cards-gb", anchors
    assert "telecoms-gb" in anchors
    # one insurer is below the minimum for a ranking: its board is a line among those nobody is ranked on
    unranked = page.split("{ #unranked-boards }", 1)[1]
    assert 'id="board-insurance-insurance-pure-protection-gb"' in unranked
    lead = page.split("{ #board-banking-banking-and-credit-cards-gb }", 1)[1].split("{ #board-", 1)[0]
    assert threshold in lead
    # ranked on complaints per 1,000 accounts: North (1.2) before South (2.5) before East (4.0)
    order = [lead.index(name) for name in ("North Bank", "South Bank", "East Bank")]
    assert order == sorted(order)
    telecoms = page.split("{ #board-telecoms-gb }", 1)[1].split("{ #board-", 1)[0]
    assert threshold not in telecoms  # only boards with FCA figures carry the sentence


def test_energy_board_explains_why_its_order_differs_from_the_star_rating(fca_site):
    page = home(fca_site, "en")
    energy = html.unescape(page.split("{ #board-energy-gb }", 1)[1].split("{ #board-", 1)[0])
    assert ("Our order differs from Citizens Advice's star rating because our score is made of complaint rate (35%)"
            in energy)
    assert "Epsilon Energy ranks above Zeta Energy here, though Zeta Energy has the higher star rating" in energy
    assert "Onze volgorde wijkt af van de sterrenscore van Citizens Advice" in html.unescape(home(fca_site, "nl"))
    assert "Our order differs" not in page.split("{ #board-energy-gb }", 1)[0]


def test_verdicts_csv_has_kind_reason_and_evidence_per_pledge_and_period(fca_site):
    with (fca_site / "site/data/verdicts.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == ["pledge", "kind", "provider", "period", "verdict", "reason", "evidence",
                                     "series_version", "comparable"]
        rows = {(r["pledge"], r["period"]): r for r in reader}
    north = rows[("north-bank--fca-disp-8-week-final-response", "2024-H2")]
    assert north["kind"] == "rule" and north["verdict"] == "kept"
    assert north["reason"] == ("Banking and credit cards: 97.2% of complaints closed within 8 weeks "
                               "(FCA firm-level complaints data, 2024 H2) — at least 95%: kept")
    assert north["evidence"].endswith("closed-within-8-weeks-pct--banking-and-credit-cards--2024-h2")
    assert rows[("south-bank--fca-disp-8-week-final-response", "2024-H2")]["verdict"] == "partly-kept"
    assert rows[("east-bank--fca-disp-8-week-final-response", "2024-H2")]["verdict"] == "broken"


def test_scoreboard_csv_names_the_board_and_segment(fca_site):
    with (fca_site / "site/data/scoreboard.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    banks = [r for r in rows if r["board"] == "banking-banking-and-credit-cards-gb"]
    assert [r["provider"] for r in banks] == ["north-bank", "south-bank", "east-bank"]
    assert {r["segment"] for r in banks} == {"Banking and credit cards"} and banks[0]["rank"] == "1"


def test_provider_breakdown_shows_the_weights_used(fca_site):
    page = (fca_site / "build/docs/en/providers/epsilon-energy.md").read_text(encoding="utf-8")
    # no pledge recorded: pledge components missing (—); complaints carries all the weight used
    assert '<tr><th scope="row">Complaint rate</th><td>100.0</td><td>100.0%</td>' in page
    assert '<tr><th scope="row">Pledge grades</th><td>—</td><td>—</td>' in page  # 1.0.0 showed 0.0 and weight 0.1


def test_a_long_board_goes_on_over_pages_that_link_each_other(tmp_path, monkeypatch):
    """A sector page holds listpages.BOARD_ROWS rows of each board (10,000 telecoms providers would be megabytes on
    one page); the rest follow at sectors/<sector>/<board>/list/<n>/, each page linking to the others. Made here with
    two rows a page, so the synthetic boards of a few providers need several pages."""
    from datetime import date

    from pledges.dataset import load_dataset
    from pledges.site import generate as generate_module
    from pledges.site import listpages
    from pledges.site.scores import compute_scores

    monkeypatch.setattr(listpages, "BOARD_ROWS", 2)
    data = write_fca_dataset(tmp_path / "data")
    today = date(2026, 12, 1)
    dataset = load_dataset(data, today)
    model = generate_module.SiteModel(dataset, compute_scores(dataset, today), today, "test", None)
    board = max(model.boards, key=lambda b: len(b["rows"]))
    assert len(board["rows"]) >= 3, [len(b["rows"]) for b in model.boards]
    generate_module.generate(model, tmp_path / "gen", workers=1)
    docs = tmp_path / "gen" / "docs" / "en"
    sector_page = (docs / "sectors" / f"{board['sector']}.md").read_text(encoding="utf-8")
    anchor = board["id"] if board["segment"] else board["country"].lower()
    table = sector_page.split(f'id="scoreboard-{anchor}"', 1)[1].split("</table>", 1)[0]
    shown = [html.unescape(name) for name in re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', table)]
    names = [row["provider_name"] for row in board["rows"]]
    assert shown == names[:2]
    later = sorted((docs / "sectors" / board["sector"] / board["id"] / "list").glob("*.md"))
    pages = (len(names) + 1) // 2
    assert [p.name for p in later] == [f"{n}.md" for n in range(2, pages + 1)]
    second = later[0].read_text(encoding="utf-8")
    assert all(name in html.unescape(second) for name in names[2:4])
    assert f'href="../../../../../sectors/{board["sector"]}/"' in second  # back to the first page
    assert f'href="../../sectors/{board["sector"]}/{board["id"]}/list/2/"' in sector_page


def test_a_long_metric_table_goes_on_over_pages(tmp_path, monkeypatch):
    """A metric page lists the latest figure of every series (10,000 providers: 10,000 rows); it is paged too."""
    from datetime import date

    from pledges.dataset import load_dataset
    from pledges.site import generate as generate_module
    from pledges.site import listpages
    from pledges.site.scores import compute_scores

    monkeypatch.setattr(listpages, "BOARD_ROWS", 2)
    data = write_fca_dataset(tmp_path / "data")
    today = date(2026, 12, 1)
    dataset = load_dataset(data, today)
    model = generate_module.SiteModel(dataset, compute_scores(dataset, today), today, "test", None)
    metric, stats = max(model.stats_by_metric.items(), key=lambda kv: len(model.latest_per_series(kv[1])))
    rows = model.latest_per_series(stats)
    assert len(rows) >= 3
    generate_module.generate(model, tmp_path / "gen", workers=1)
    docs = tmp_path / "gen" / "docs" / "nl"
    first = (docs / "metrics" / f"{metric}.md").read_text(encoding="utf-8")
    body = first.split('id="metric-table"', 1)[1].split("</table>", 1)[0]
    assert body.count("<tr><th scope=\"row\">") == 2
    later = sorted((docs / "metrics" / metric / "list").glob("*.md"))
    assert len(later) == (len(rows) + 1) // 2 - 1
    assert f'href="../../metrics/{metric}/list/2/"' in first
    every = first + "".join(p.read_text(encoding="utf-8") for p in later)
    assert every.count("<tr><th scope=\"row\">") == len(rows)  # every series on exactly one page


@pytest.mark.parametrize("search_bulk", [True, False])
def test_above_the_search_limit_only_the_first_page_of_each_list_is_searchable(tmp_path, monkeypatch, search_bulk):
    """Above SEARCH_BULK_LIMIT providers the search index keeps each list's first page (sector boards, metric tables,
    the A–Z providers) and leaves out its later pages, which are rows of names and figures the first page and the
    provider finder already reach; below it, every page is searched. Two rows a page make several pages here."""
    from datetime import date

    from pledges.dataset import load_dataset
    from pledges.site import generate as generate_module
    from pledges.site import listpages
    from pledges.site.scores import compute_scores

    monkeypatch.setattr(listpages, "BOARD_ROWS", 2)
    data = write_fca_dataset(tmp_path / "data")
    today = date(2026, 12, 1)
    dataset = load_dataset(data, today)
    model = generate_module.SiteModel(dataset, compute_scores(dataset, today), today, "test", None)
    generate_module.generate(model, tmp_path / "gen", workers=1, search_bulk=search_bulk)
    docs = tmp_path / "gen" / "docs" / "en"

    def excluded(page):  # the front matter as MkDocs reads it
        from mkdocs.utils.meta import get_data

        return get_data(page.read_text(encoding="utf-8"))[1].get("search") == {"exclude": True}

    firsts = [docs / "providers" / "index.md", *(docs / "sectors").glob("*.md"), *(docs / "metrics").glob("*.md")]
    later = sorted(docs.glob("**/list/*.md"))
    assert {p.parts[len(docs.parts)] for p in later} == {"sectors", "metrics"}, later
    assert not any(excluded(p) for p in firsts)
    assert [excluded(p) for p in later] == [not search_bulk] * len(later)
