"""The home page's summary, the finder index, freshness and the 404 page's paths, without a browser."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace as NS

from pledges.site import build, finder, freshness, summary
from pledges.site.i18n import Translator


class Model:
    def __init__(self, verdicts: dict[str, list[str]]):
        self.providers = {pid: NS(id=pid, name=pid.title(), brands=[]) for pid in verdicts}
        self.pledges_of = {pid: [NS(id=f"{pid}-{i}") for i in range(len(v))] for pid, v in verdicts.items()}
        self._verdicts = {f"{pid}-{i}": v for pid, vs in verdicts.items() for i, v in enumerate(vs)}

    def latest_verdict(self, pid: str) -> str:
        return self._verdicts[pid]


def test_glance_counts_every_pledge_by_its_latest_verdict():
    model = Model({"a": ["kept", "broken"], "b": ["no-data"], "c": []})
    g = summary.glance(model)
    assert (g.tracked, g.providers) == (3, 3)
    assert dict(g.items()) == {"kept": 1, "partly-kept": 0, "broken": 1, "not-yet-rated": 0, "no-data": 1,
                               "not-measurable": 0}


def test_one_pledge_without_data_is_not_read_as_broken():
    model = Model({"a": ["no-data"], "b": ["kept", "not-measurable", "kept"], "c": []})
    en, nl = Translator("en"), Translator("nl")
    assert summary.verdict_counts_text(model, en, "a") == "0 kept · 1 no data published"
    assert summary.verdict_counts_text(model, en, "b") == "2 kept · 1 not measurable"
    assert summary.verdict_counts_text(model, nl, "a") == "0 nagekomen · 1 geen cijfers gepubliceerd"
    assert summary.verdict_counts_text(model, en, "c") == "no pledges"


def test_home_boards_rank_first_fold_the_rest_and_stay_small():
    rows = [{"provider": f"p{i}", "rank": i + 1} for i in range(25)] + [{"provider": f"u{i}", "rank": None} for i in range(40)]
    nobody = {"rows": [{"provider": "x", "rank": None}]}
    boards = summary.home_boards([{"rows": rows}, nobody])
    assert len(boards) == 1  # a board nobody is ranked on is listed elsewhere as one line
    hb = boards[0]
    assert [r["rank"] for r in hb.ranked] == list(range(1, summary.HOME_ROWS + 1))
    assert (hb.ranked_total, hb.unranked_total) == (25, 40)
    assert len(hb.unranked) == summary.HOME_UNRANKED and all(r["rank"] is None for r in hb.unranked)


def test_finder_index_has_name_brands_and_url_only():
    providers = [NS(id="b-bank", name="B Bank", brands=["b bank", "Zeta Cards"]), NS(id="a", name="Äpple", brands=[])]
    rows = finder.index_rows(providers)
    assert rows == [{"name": "B Bank", "brands": ["Zeta Cards"], "url": "providers/b-bank/"},
                    {"name": "Äpple", "brands": [], "url": "providers/a/"}]
    assert finder.index_json([]) == "[]\n"


def stat(period: str, published: date | None, retrieved: date, who: str = "collector:fca_firm_xlsx"):
    return NS(period=period, provenance=NS(published=published, retrieved=retrieved, collected_by=who, licence="L"))


def test_freshness_says_when_the_next_release_is_due_and_whether_it_is_overdue():
    figures = [stat("2024-H2", date(2025, 3, 1), date(2025, 3, 2)), stat("2025-H1", date(2025, 9, 1), date(2025, 9, 3))]
    fresh = freshness.of_figures(figures, 200, date(2026, 12, 1))
    assert (fresh.last_period, fresh.published, fresh.retrieved, fresh.by_collector) == (
        "2025-H1", date(2025, 9, 1), date(2025, 9, 3), "fca_firm_xlsx")
    assert fresh.due == date(2026, 3, 20) and fresh.overdue_days == 256 and fresh.state == "overdue"
    text = freshness.story(Translator("en"), fresh)
    assert "latest period 2025-H1" in text and "by the collector" in text and "overdue by 256 days" in text
    on_time = freshness.of_figures(figures, 200, date(2026, 1, 1))
    assert on_time.overdue_days == 0 and "not overdue" in freshness.story(Translator("en"), on_time)
    by_hand = freshness.of_figures([stat("2019-Q1", None, date(2020, 1, 1), "contributor:someone")], None, date(2026, 1, 1))
    assert by_hand.by_collector is None and by_hand.due is None and by_hand.state == "on_time"
    assert "by hand" in freshness.story(Translator("en"), by_hand)
    assert freshness.of_figures([], 30, date(2026, 1, 1)).state == "no_figures"
    assert [freshness.period_end(p) for p in ("2025-H2", "2025-Q4", "2025-12", "2025")] == [date(2026, 1, 1)] * 4


def test_404_page_loads_its_styles_from_its_language_folder(tmp_path):
    (tmp_path / "404.html").write_text('<link href="/assets/site.css"><script src="/assets/a.js"></script>'
                                       '<a href="//other/x">x</a><a href="../nl/">nl</a>', encoding="utf-8")
    build.fix_404_paths(tmp_path, "nl", None)
    assert (tmp_path / "404.html").read_text(encoding="utf-8") == (
        '<link href="/nl/assets/site.css"><script src="/nl/assets/a.js"></script><a href="//other/x">x</a>'
        '<a href="../nl/">nl</a>')


def test_theme_partials_get_their_words_in_both_languages():
    en, nl = build.theme_strings("en"), build.theme_strings("nl")
    assert set(en) == set(nl) >= {"finder_label", "finder_az", "scroll_hint"}
    assert en["finder_label"] != nl["finder_label"]


def test_search_text_keeps_cells_apart():
    from pledges.site.searchtext import spaced

    html = "<tr><th>Bank</th><td>12</td><td>kept</td></tr><li>a</li><li>b</li>x<br><small>why</small>"
    assert spaced(html) == "<tr><th>Bank</th> <td>12</td> <td>kept</td> </tr><li>a</li> <li>b</li>x<br> <small>why</small>"


def test_long_lists_split_into_pages_that_name_their_range():
    from pledges.site.listpages import split

    names = [f"Name {i:04d}" for i in range(2500)]
    pages = split("providers", names, str, size=1000)
    assert [(p.path, p.url, len(p.rows)) for p in pages] == [
        ("providers/index.md", "providers/", 1000), ("providers/list/2.md", "providers/list/2/", 1000),
        ("providers/list/3.md", "providers/list/3/", 500)]
    assert (pages[1].first, pages[1].last) == ("Name 1000", "Name 1999")
    assert [p.path for p in split("pledges", [], str)] == ["pledges/index.md"]  # an empty list keeps its page
