"""The pages of one language: every Markdown page of the site, rendered from the model with the templates.

Each page is one template with its own values; values every page shares (the translator, the formatters,
the markup helpers) are set once in ``PageWriter.common``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from markupsafe import Markup

from . import charts, compare, embeds, freshness, listpages, summary
from .formats import fmt_money
from .i18n import LANGUAGES, REPO_ROOT, Translator
from .markup import (
    day,
    fmt_num,
    html_grade,
    html_link,
    html_verdict,
    in_language,
    pledge_title,
    pledge_title_text,
    trend_text,
    verdict_class,
    word_diff,
)
from .model import SiteModel
from .reports import form_link
from .rows import Rows
from .tables import TOP_TABLES, pledge_row
from .watch import watch_context
from .writer import Tree

CONTENT = REPO_ROOT / "content"
LOWER_IS_BETTER = {"complaints-count", "complaints-per-100k", "complaints-per-10k", "call-wait-seconds",
                   "ombudsman-new-cases", "ombudsman-upheld-pct", "in-progress-pct"}
# Hub pages: the only entries in the navigation (see mkdocs.yml). Everything else is not_in_nav.
HUBS = ("sectors", "providers", "pledges", "metrics", "methodology", "sources", "changelog", "downloads",
        "contribute", "about")


def _rank_label(row: dict) -> str:
    """A board row as the pager names it: its rank (rows run in rank order; unranked ones last)."""
    return str(row.get("rank_label") or row.get("rank") or "—")


class PageWriter:
    """Renders one language's pages into <gen>/docs/<lang>/."""

    def __init__(self, model: SiteModel, env: Any, gen_root: Path, search_bulk: bool, static: Tree | None = None):
        self.m = model
        self.env = env
        self.gen_root = Path(gen_root)
        self.search_bulk = search_bulk
        self.static = static if static is not None else Tree(self.gen_root / "static")

    def page_context(self, lang: str, path: str) -> dict:
        # "providers/bt.md" and "providers/index.md" become the URLs providers/bt/ and providers/
        # (use_directory_urls); flat files spare thousands of folders in the generated tree.
        if path == "index.md" or path.endswith("/index.md"):
            url = path[: -len("index.md")]
        else:
            url = path[: -len(".md")] + "/"
        root = "../" * url.count("/")
        return {"lang": lang, "root": root, "data": root + "../data/", "feeds": root + "../feeds/", "path": path,
                "url": url}

    @staticmethod
    def sector_pages(page: Callable[..., None], sector: str, boards: list[dict]) -> None:
        """A sector's page with the first rows of each of its boards; a long board goes on at
        sectors/<sector>/<board>/list/<n>/, one page per ``listpages.BOARD_ROWS`` rows."""
        paged = [(board, listpages.split(f"sectors/{sector}/{board['id']}", board["rows"],
                                         _rank_label, size=listpages.BOARD_ROWS,
                                         first_page=(f"sectors/{sector}.md", f"sectors/{sector}/")))
                 for board in boards]
        page(f"sectors/{sector}.md", "sector.md.j2", sector=sector,
             sections=[(board, pages, pages[0]) for board, pages in paged])
        for board, pages in paged:
            for later in pages[1:]:
                page(later.path, "sector.md.j2", sector=sector, sections=[(board, pages, later)])

    def render_language(self, lang: str) -> Tree:
        m = self.m
        docs = Tree(self.gen_root / "docs" / lang)
        t = Translator(lang)
        env = self.env
        common = {"t": t, "m": m, "num": lambda v, d=None: fmt_num(v, lang, d),
                  "money": lambda amount, currency: fmt_money(amount, currency, lang), "version": m.version,
                  "method_version": m.method_version, "search_bulk": self.search_bulk, "word_diff": word_diff,
                  "trend": lambda trend, comparable=None: trend_text(t, trend, comparable, lang),
                  "verdict_class": verdict_class, "link": html_link, "grade": html_grade, "form_link": form_link,
                  "verdict": lambda v: html_verdict(t, v),
                  # contributor and generated text kept in English, and text in a pledge's own language
                  "en": lambda v: in_language(v, "en", lang),
                  "quote": lambda v, text_lang: in_language(v, text_lang, lang),
                  "pledge_title": lambda pledge: pledge_title(pledge, lang),
                  "pledge_title_text": lambda pledge: pledge_title_text(pledge, lang)}
        row_maker = Rows(t, lang, lambda v, d=None: fmt_num(v, lang, d), m.owner_of_record)
        common.update(verdict_rows=row_maker.verdict_rows, stat_rows=row_maker.stat_rows,
                      criteria_items=row_maker.criteria_items)
        common.update(summary.template_globals(m, t))
        common.update(freshness.template_globals(m, t))

        def page(path: str, template: str, **values) -> None:
            ctx = dict(common)
            ctx.update(self.page_context(lang, path))
            ctx.update(values)
            docs.write(path, env.get_template(template).render(ctx))

        page("index.md", "home.md.j2", boards=m.boards, glance=summary.glance(m), home_boards=summary.home_boards(m.boards))
        sectors = sorted({b["sector"] for b in m.boards})
        page("sectors/index.md", "sectors.md.j2", sectors=sectors)
        for sector in sectors:
            self.sector_pages(page, sector, [b for b in m.boards if b["sector"] == sector])
        provider_pages = listpages.split("providers", list(m.providers.items()), lambda kv: kv[1].name)
        for lp in provider_pages:
            page(lp.path, "providers.md.j2", list_pages=provider_pages, list_page=lp)
        page("compare/index.md", "compare.md.j2", **compare.page_values(t, m.boards))
        provider_template = "provider.md.j2"
        for pid, provider in m.providers.items():
            provider_charts = self.provider_charts(pid, t, lang)
            page(f"providers/{pid}.md", provider_template, p=provider, charts=provider_charts,
                 as_of=m.as_of_provider(pid), sources_used=self.sources_used(pid))
            embeds.write_embeds(self.static, t, lang, pid, provider_charts, m.site_url)
        pledge_rows = [pledge_row(m, p) for pid in m.providers for p in m.pledges_of.get(pid, [])]
        pledge_pages = listpages.split("pledges", pledge_rows, lambda r: m.providers[r["provider"]].name)
        for lp in pledge_pages:
            page(lp.path, "pledges.md.j2", rows=lp.rows, list_pages=pledge_pages, list_page=lp)
        for pledge in m.pledges.values():
            if pledge.provider not in m.providers:
                continue
            page(f"pledges/{pledge.id}.md", "pledge.md.j2", pl=pledge, p=m.providers[pledge.provider],
                 score=m.pledge_score(pledge.id), history=self.history(pledge), as_of=m.as_of_pledge(pledge),
                 **watch_context(m.ds, pledge))
        metrics = sorted(m.stats_by_metric)
        page("metrics/index.md", "metrics.md.j2", metrics=metrics)
        for metric in metrics:  # the latest figure of every series: paged like a long scoreboard
            rows = m.latest_per_series(m.stats_by_metric[metric])
            metric_pages = listpages.split(f"metrics/{metric}", rows, lambda s: m.provider_name(s.provider),
                                           size=listpages.BOARD_ROWS,
                                           first_page=(f"metrics/{metric}.md", f"metrics/{metric}/"))
            for lp in metric_pages:
                page(lp.path, "metric.md.j2", metric=metric, rows=lp.rows, all_rows=rows, list_pages=metric_pages,
                     list_page=lp)
        from .scores import methodology
        page("methodology/index.md", "methodology.md.j2", methodology=methodology(lang))
        page("sources/index.md", "sources.md.j2", rows=m.source_rows(), fresh=freshness.by_source(m))
        page("changelog/index.md", "changelog.md.j2", rows=m.changelog_rows()[:500])
        page("reports/index.md", "reports.md.j2", views=m.reports.all)
        page("downloads/index.md", "downloads.md.j2", tables=TOP_TABLES)
        for name in ("contribute", "about"):
            source = CONTENT / lang / f"{name}.md"
            docs.copy(f"{name}/index.md", source)
        for asset in sorted((CONTENT / "assets").iterdir()):
            docs.copy(f"assets/{asset.name}", asset)
        return docs

    def sources_used(self, pid: str) -> list[tuple[str, str]]:
        latest: dict[str, date] = {}
        for stats in self.m.series_of.get(pid, {}).values():
            for stat in stats:
                when = day(stat.provenance.retrieved)
                if when and (stat.source not in latest or latest[stat.source] < when):
                    latest[stat.source] = when
        return [(sid, when.isoformat()) for sid, when in sorted(latest.items())]

    def history(self, pledge) -> list[dict]:
        versions = list(pledge.previous_versions)  # oldest first, as recorded (dates may be unknown)
        out = []
        texts = [v.text for v in versions] + [pledge.text]
        for index, version in enumerate(versions):
            out.append({"version": version, "diff": word_diff(version.text, texts[index + 1])})
        return list(reversed(out))

    def provider_charts(self, pid: str, t: Translator, lang: str) -> list[dict]:
        out = []
        name = self.m.providers[pid].name
        for (metric, service), stats in self.m.sorted_series(pid):
            periods = [s.period for s in stats]
            values = [s.value for s in stats]
            averages = [s.industry_average for s in stats]
            label = t.term("metric", metric) + (f" — {service}" if service else "")
            chart_id = "chart-" + re.sub(r"[^a-z0-9-]+", "-", f"{metric}-{service}".lower()).strip("-")
            title = t("chart.title", metric=label, provider=name, first=periods[0], last=periods[-1])
            desc = t("chart.desc", provider=name,
                     values=", ".join(f"{p} {fmt_num(v, lang)}" for p, v in zip(periods, values, strict=True)),
                     averages=", ".join(f"{p} {fmt_num(a, lang)}" for p, a in zip(periods, averages, strict=True) if a is not None)
                     or t("word.none"))
            drawing = charts.draw(chart_id, periods, values, averages, title, desc, t("chart.legend_provider"),
                                  t("chart.legend_average"))
            svg = drawing.svg() if drawing else ""
            breaks = []
            source = self.m.sources.get(stats[-1].source)
            if source:
                breaks = [b for b in source.method_breaks if periods[0] < b.period <= periods[-1]]
            out.append({"id": chart_id, "label": label, "metric": metric, "service": service, "stats": stats,
                        "svg": Markup(svg), "lower_better": metric in LOWER_IS_BETTER, "breaks": breaks,
                        "versions": any(st.series_version for st in stats), "drawing": drawing})
        return out



def root_index(env: Any, static: Tree) -> None:
    """The site root's language chooser."""
    template = env.get_template("root_index.html.j2")
    static.write("index.html", template.render(languages=[(lang, Translator(lang)) for lang in LANGUAGES]))

