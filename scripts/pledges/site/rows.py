"""Table rows that repeat tens of thousands of times in a build, made in Python instead of a template loop.

Why: at 1,000 providers the pledge pages hold 60,000 verdict rows and 25,000 grade criteria, and the provider pages
36,000 rows of figures. In
a template each row is a dozen calls through jinja2's call machinery and its finalizer; here it is one f-string.
Each function gives exactly the bytes of the template loop it replaced (tests/site/test_rows.py renders both), and
escapes every value as the template's finalizer did (``markup.md_escape``; a sentence object in the page's language).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from markupsafe import Markup

from pledges.scoring.messages import Message

from .i18n import Translator
from .markup import html_verdict, in_language, md_escape, message_html


class Rows:
    """The row makers of one language's pages (``PageWriter.common``: ``verdict_rows``, ``criteria_items``, ``stat_rows``)."""

    def __init__(self, t: Translator, lang: str, num: Callable[..., str], owner_of_record: Mapping[str, str]):
        self.t, self.lang, self.num, self.owner_of_record = t, lang, num, owner_of_record
        self.comparable = {True: md_escape(t("word.yes")),
                           False: md_escape(t("word.no") + " — " + t("word.method_break"))}
        self.yes_no = {True: md_escape(t("word.yes")), False: md_escape(t("word.no"))}

    def printed(self, value: Any) -> Markup:
        """A value as the templates' finalizer prints it (``markup._finalize``)."""
        return message_html(value, self.lang) if isinstance(value, Message) else md_escape(value)

    def verdict_rows(self, verdicts: Sequence[Mapping[str, Any]], root: str) -> Markup:
        """A pledge's verdicts table body, newest period first; evidence linked to the figure on its provider's page."""
        printed = self.printed
        root_text = printed(root)
        rows = []
        for v in reversed(verdicts):
            evidence = []
            for record in v.get("evidence") or []:
                owner = self.owner_of_record.get(record)
                shown = printed(record)
                evidence.append(f'<a href="{root_text}providers/{printed(owner)}/#{shown}">{shown}</a>' if owner
                                else shown)
            rows.append(f'<tr><th scope="row">{printed(v.get("period"))}</th>'
                        f'<td>{html_verdict(self.t, v.get("verdict"))}</td>'
                        f'<td>{in_language(v.get("reason"), "en", self.lang)}</td>\n'
                        f'<td>{"<br>".join(evidence)}</td>\n'
                        f'<td>{self.comparable[bool(v.get("comparable", True))]}</td></tr>\n')
        return Markup("".join(rows))

    def criteria_items(self, criteria: Sequence[Mapping[str, Any]]) -> Markup:
        """A pledge grade's criteria list items: met or not, and why (the reason is the scoring's English)."""
        printed, term = self.printed, self.t.term
        items = []
        for c in criteria:
            met = c.get("met")
            items.append(f'<li class="{"pt-met" if met else "pt-unmet"}"><strong>{printed(term("criterion", c.get("key")))}: '
                         f'{self.yes_no[bool(met)]}</strong> — {in_language(c.get("reason"), "en", self.lang)}</li>\n')
        return Markup("".join(items))

    def stat_rows(self, stats: Sequence[Any], versions: bool) -> Markup:
        """A chart's numbers table body: one row per period (with its series version when the series has several)."""
        num, printed = self.num, self.printed
        rows = []
        for s in stats:
            version = f"<td>{printed(s.series_version or '—')}</td>" if versions else ""
            rows.append(f'<tr id="{printed(s.id)}"><th scope="row">{printed(s.period)}</th>'
                        f"<td>{printed(num(s.value))}</td><td>{printed(num(s.industry_average))}</td>{version}</tr>\n")
        return Markup("".join(rows))
