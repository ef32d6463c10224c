"""Generate the site's Markdown pages and static data files from the data and the scores.

Runs before MkDocs, with its own jinja2 templates (templates/*.j2, autoescaped): no MkDocs hooks,
no plugins, no Python called from a theme template. Output per language goes to
``<gen>/docs/<lang>/`` (MkDocs' docs_dir); language-neutral files (CSV, JSON, feeds,
datapackage.json) go to ``<gen>/static/`` and are copied to the site root after a successful build.
Every file is written only when its bytes change.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
import subprocess
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from html import escape
from pathlib import Path
from typing import Any, Iterable

import jinja2
from markupsafe import Markup

from pledges.dataset import Dataset, period_start

from . import charts, compare, embeds, finder, freshness, listpages, searchtext, summary
from .i18n import LANGUAGES, REPO_ROOT, TEMPLATES, Translator
from .writer import Tree

CONTENT = REPO_ROOT / "content"
TAG_AUTHORITY = "service-pledge-tracker.github.io,2026"  # stable forever: entry ids depend on it
VERDICTS = ("kept", "partly-kept", "broken", "not-yet-rated", "no-data", "not-measurable")
LOWER_IS_BETTER = {"complaints-count", "complaints-per-100k", "complaints-per-10k", "call-wait-seconds",
                   "ombudsman-new-cases", "ombudsman-upheld-pct", "in-progress-pct"}
# Hub pages: the only entries in the navigation (see mkdocs.yml). Everything else is not_in_nav.
HUBS = ("sectors", "providers", "pledges", "metrics", "methodology", "sources", "changelog", "downloads",
        "contribute", "about")
SAFE_HREF = re.compile(r"^https?://[^\s\"'<>]+$", re.IGNORECASE)


# --------------------------------------------------------------------------- small helpers


def val(obj: Any) -> Any:
    """Enum → its value; everything else unchanged."""
    return getattr(obj, "value", obj)


def day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def period_key(period: str) -> tuple:
    return (period_start(period), period)


def safe_href(url: Any) -> str | None:
    """Only absolute http(s) addresses ever become links; anything else (javascript: …) is shown as text."""
    if isinstance(url, str) and SAFE_HREF.match(url.strip()):
        return url.strip()
    return None


def data_version(data_root: Path) -> str:
    try:
        out = subprocess.run(["git", "-C", str(data_root), "rev-parse", "HEAD"], capture_output=True, text=True,
                             timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    text = out.stdout.strip()
    return text if out.returncode == 0 and re.fullmatch(r"[0-9a-f]{40}", text) else "unknown"


def fmt_num(value: Any, lang: str, digits: int | None = None) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if digits is None:
        digits = 0 if float(value).is_integer() else (1 if abs(value) >= 10 else 2)
    text = f"{value:,.{digits}f}"
    if lang == "nl":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def trend_text(t: Translator, trend: Any, comparable: Any, lang: str) -> str:
    """The trend against the previous period in words, with the score change when it is a number."""
    if comparable is False:
        return t("trend.not-comparable")
    if trend is None or trend == "":
        return t("trend.none")
    if isinstance(trend, (int, float)) and not isinstance(trend, bool):
        word = t("trend.up") if trend > 0 else t("trend.down") if trend < 0 else t("trend.flat")
        sign = "+" if trend > 0 else "−" if trend < 0 else "±"
        return f"{word} ({sign}{fmt_num(abs(trend), lang, 1)})"
    return t.term("trend", trend)


def yaml_title(text: str) -> Markup:
    """A front-matter title: HTML-escaped (themes print it raw) and JSON-quoted (valid YAML)."""
    return Markup(json.dumps(escape(str(text)), ensure_ascii=True))


def word_diff(old: str, new: str) -> Markup:
    """Word-level diff of two wordings as HTML with <del>/<ins>; every word escaped.

    Words are compared without the white space between them (matching lone spaces would splice
    unrelated words together), and the parts are joined with single spaces.
    """
    a, b = old.split(), new.split()
    parts: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape(" ".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            parts.append(f"<del>{escape(' '.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{escape(' '.join(b[j1:j2]))}</ins>")
    return Markup(" ".join(parts))


# Spreadsheet formula injection (OWASP, "CSV Injection"): a cell that starts with = + - @ (or their full-width
# forms) is run as a formula by Excel, LibreOffice or Sheets, and OWASP adds TAB and CR (ASVS: NUL), which
# importers strip before they look; so contributor or publisher text like "=HYPERLINK(...)" or "-5 days"
# could run when a reader opens a download. OWASP's rule is applied where a spreadsheet could see a cell begin: at the start of the text,
# and also after an embedded separator or line break (, ; TAB CR LF), because a spreadsheet that splits on
# its own locale's separator (Dutch Excel: ";") or misreads the quoting starts a new cell there. A single
# quote goes before such a formula character (spaces before it are looked past, as importers trim them):
# the text reads the same and is never evaluated. Every text cell is also wrapped in double quotes, inner
# quotes doubled. Numbers stay bare and numeric: an int or float is a figure from the validated data or the
# scores (data values are >= 0 by rule; a trend may be negative, and -1.2 is a number, never a formula),
# while text that merely looks numeric ("-5 days", "-5") is text and is neutralised. Only CSV changes: the
# JSON downloads keep every text exactly, since they are data for programs, not sheets.
# = + - @ and every character that Unicode compatibility (NFKC) folds into one of them — the full-width,
# small, superscript and subscript forms, which a spreadsheet may fold too — and the minus sign U+2212.
FORMULA_CHARS = ("=+\\-@\0"
                 "\uff1d\ufe66\u207c\u208c"  # ＝ ﹦ ⁼ ₌
                 "\uff0b\ufe62\u207a\u208a\ufb29"  # ＋ ﹢ ⁺ ₊ ﬩
                 "\uff0d\ufe63\u2212"  # － ﹣ −
                 "\uff20\ufe6b")  # ＠ ﹫  (in a regex character class)
# At the start: also TAB, CR, LF. After an embedded separator: a further separator just starts another cell,
# checked at the next position, so "a\r\n=b" becomes "a\r\n'=b" and the line break stays whole.
FORMULA_AT_CELL_START = re.compile(f"^(?=[^\\S\\t\\r\\n]*[{FORMULA_CHARS}\\t\\r\\n])"
                                   f"|(?<=[,;\\t\\r\\n])(?=[^\\S\\t\\r\\n]*[{FORMULA_CHARS}])")


def csv_cell(value: Any) -> Any:
    """One CSV cell: numbers as numbers, booleans as true/false, text neutralised against formulas."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return value
    return FORMULA_AT_CELL_START.sub("'", str(value))


def csv_text(columns: list[str], rows: list[dict]) -> str:
    buffer = io.StringIO()
    # QUOTE_NONNUMERIC: every text cell quoted, numbers bare (see FORMULA_AT_CELL_START).
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(row.get(c)) for c in columns])
    return buffer.getvalue()


def json_text(columns: list[str], rows: list[dict]) -> str:
    """One JSON object per row; compact (the C encoder), one row per line so diffs stay readable."""
    encode = json.JSONEncoder(ensure_ascii=False, default=str, separators=(",", ":")).encode
    body = ",\n".join(encode({c: row.get(c) for c in columns}) for row in rows)
    return f"[\n{body}\n]\n" if rows else "[]\n"


def html_link(href: Any, text: Any) -> Markup:
    """A link only for http(s) addresses; otherwise the text alone. Both escaped."""
    safe = safe_href(href)
    if safe:
        return Markup(f'<a href="{escape(safe)}" rel="nofollow noopener">{escape(str(text))}</a>')
    return Markup(escape(str(text)))


def html_grade(grade: Any) -> Markup:
    if grade:
        g = escape(str(grade))
        return Markup(f'<span class="pt-grade pt-grade-{g}">{g}</span>')
    return Markup('<span class="pt-grade">—</span>')


@dataclass
class Table:
    """A downloadable table: written as <path>.csv and <path>.json under data/."""

    path: str
    columns: list[str]
    rows: list[dict]
    title_key: str | None = None
    schema: dict[str, str] = field(default_factory=dict)  # column → frictionless type (default string)


# --------------------------------------------------------------------------- the language-neutral model


class SiteModel:
    """Everything the templates need, computed once for both languages."""

    def __init__(self, dataset: Dataset, scores: dict, today: date, version: str, site_url: str | None):
        self.ds = dataset
        self.scores = scores or {}
        self.today = today
        self.version = version
        self.site_url = (site_url.rstrip("/") + "/") if site_url else None
        self.providers = dict(sorted(dataset.providers.items(), key=lambda kv: (kv[1].name.lower(), kv[0])))
        self.pledges = dataset.pledges
        self.sources = dataset.sources
        self.status = dataset.status
        self.pledge_scores = self.scores.get("pledges") or {}
        self.provider_scores = self.scores.get("providers") or {}
        self.method_version = str(self.scores.get("method_version") or "unknown")

        self._segment_scores: dict[str, list[tuple[dict, dict]]] | None = None
        # provider → (predecessor, its event): "took over Bulb Energy on 2022-12-20" on the successor's page
        self.predecessors: dict[str, list] = defaultdict(list)
        for provider in dataset.providers.values():
            for event in provider.events:
                if event.successor:
                    self.predecessors[event.successor].append((provider, event))
        self.pledges_of: dict[str, list] = defaultdict(list)
        for pledge in sorted(dataset.pledges.values(), key=lambda p: (p.title.lower(), p.id)):
            self.pledges_of[pledge.provider].append(pledge)
        self.series_of: dict[str, dict[tuple, list]] = defaultdict(lambda: defaultdict(list))
        self.stats_by_metric: dict[str, list] = defaultdict(list)
        for stat in dataset.statistics.values():
            self.series_of[stat.provider][(val(stat.metric), stat.segment or "")].append(stat)
            self.stats_by_metric[val(stat.metric)].append(stat)
        for series in self.series_of.values():
            for stats in series.values():
                stats.sort(key=lambda s: period_key(s.period))
        self.responses_of: dict[str, list] = defaultdict(list)
        self.responses_of_pledge: dict[str, list] = defaultdict(list)
        for response in sorted(dataset.responses.values(), key=lambda r: (r.date, r.id)):
            self.responses_of[response.provider].append(response)
            if response.pledge:
                self.responses_of_pledge[response.pledge].append(response)
        self.reports_of: dict[str, list] = defaultdict(list)
        for report in sorted(dataset.reports.values(), key=lambda r: (r.date, r.id), reverse=True):
            self.reports_of[report.pledge].append(report)
        self.owner_of_record: dict[str, str] = {}
        for pid in dataset.providers:
            self.owner_of_record[pid] = pid
        for pledge in dataset.pledges.values():
            self.owner_of_record[pledge.id] = pledge.provider
        for stat in dataset.statistics.values():
            self.owner_of_record[stat.id] = stat.provider
        for response in dataset.responses.values():
            self.owner_of_record[response.id] = response.provider
        for report in dataset.reports.values():
            if report.pledge in dataset.pledges:
                self.owner_of_record[report.id] = dataset.pledges[report.pledge].provider
        self.entries = self._feed_entries()
        self.entries_of: dict[str, list] = defaultdict(list)
        for entry in self.entries:
            for owner in entry["providers"]:
                self.entries_of[owner].append(entry)
        self.boards = self._scoreboards()

    # ---- pledges and scores

    def pledge_score(self, pid: str) -> dict:
        return self.pledge_scores.get(pid) or {}

    def latest_verdict(self, pid: str) -> str:
        score = self.pledge_score(pid)
        latest = score.get("latest") or {}
        if latest.get("verdict"):
            return latest["verdict"]
        verdicts = score.get("verdicts") or []
        return verdicts[-1].get("verdict", "not-yet-rated") if verdicts else "not-yet-rated"

    def kept_count(self, provider_id: str) -> tuple[int, int]:
        pledges = self.pledges_of.get(provider_id, [])
        return sum(1 for p in pledges if self.latest_verdict(p.id) == "kept"), len(pledges)

    def sector_score(self, provider_id: str, sector: str) -> dict:
        return ((self.provider_scores.get(provider_id) or {}).get("sectors") or {}).get(sector) or {}

    def segment_scores(self, provider_id: str) -> list[tuple[dict, dict]]:
        """(product-group board, this provider's score on it) for every board the provider is on."""
        if self._segment_scores is None:
            index: dict[str, list[tuple[dict, dict]]] = defaultdict(list)
            for board in self.scores.get("segment_boards") or []:
                for pid, score in (board.get("scores") or {}).items():
                    index[pid].append((board, score))
            self._segment_scores = index
        return self._segment_scores.get(provider_id, [])

    def _board_row(self, key: tuple, pid: str, score: dict, is_ranked: bool, board: str, segment: str | None) -> dict:
        kept, total = self.kept_count(pid)
        return {
            "board": board, "sector": key[0], "segment": segment, "country": key[1], "provider": pid,
            "provider_name": self.providers[pid].name,
            "rank": score.get("rank") if is_ranked else None,
            "rank_label": (score.get("rank_label") or (str(score.get("rank")) if is_ranked else None)),
            "tied": bool(score.get("tied")) if is_ranked else False,
            "score": score.get("score"),
            "pledges_kept": kept, "pledges_total": total,
            "complaint_rate_vs_average": score.get("complaint_rate_vs_average"),
            "trend": score.get("trend"),
            "comparable_with_previous": score.get("comparable_with_previous"),
            "previous_score": score.get("previous_score"),
            "not_ranked_reason": None if is_ranked else score.get("not_ranked_reason"),
            "method_version": self.method_version,
        }

    def _scoreboards(self) -> list[dict]:
        """Sector boards and product-group boards; each country's lead board (e.g. UK banks, FCA) first."""
        notes = self.scores.get("board_notes") or {}
        boards = []
        listed: dict[tuple, list[str]] = {}
        for board in self.scores.get("scoreboards") or []:
            key = (board.get("sector"), board.get("country"))
            listed[key] = [pid for pid in board.get("rows") or [] if pid in self.providers]
        members: dict[tuple, list[str]] = defaultdict(list)
        for pid, provider in self.providers.items():
            for sector in provider.sectors:
                members[(val(sector), provider.country)].append(pid)
        for key in sorted(set(listed) | set(members), key=lambda k: (str(k[0]), str(k[1]))):
            ranked = listed.get(key, [])
            unranked = [pid for pid in members.get(key, []) if pid not in ranked]
            bid = f"{key[0]}-{str(key[1]).lower()}"  # the page anchor, as before product-group boards
            rows = []
            for pid in ranked + unranked:
                score = self.sector_score(pid, key[0])
                is_ranked = pid in ranked and score.get("rank") is not None
                rows.append(self._board_row(key, pid, score, is_ranked, bid, None))
            boards.append({"id": bid, "sector": key[0], "country": key[1], "segment": None, "sources": [],
                           "lead": False, "note": notes.get(bid), "rows": rows})
        for board in self.scores.get("segment_boards") or []:
            key, scores = (board.get("sector"), board.get("country")), board.get("scores") or {}
            rows = []
            for pid in board.get("rows") or []:
                if pid in self.providers:
                    score = scores.get(pid) or {}
                    rows.append(self._board_row(key, pid, score, score.get("rank") is not None, board.get("id"),
                                                board.get("segment")))
            boards.append({"id": board.get("id"), "sector": key[0], "country": key[1], "segment": board.get("segment"),
                           "sources": list(board.get("sources") or []), "lead": bool(board.get("lead")),
                           "note": notes.get(board.get("id")), "rows": rows})
        return sorted(boards, key=lambda b: not b["lead"])  # stable: otherwise the order above

    # ---- dates

    def as_of_provider(self, provider_id: str) -> date | None:
        days = [day(self.providers[provider_id].provenance.retrieved)]
        for pledge in self.pledges_of.get(provider_id, []):
            days.append(day(pledge.provenance.retrieved))
        for stats in self.series_of.get(provider_id, {}).values():
            days.extend(day(s.provenance.retrieved) for s in stats)
        for response in self.responses_of.get(provider_id, []):
            days.append(response.date)
        known = [d for d in days if d]
        return max(known) if known else None

    def as_of_pledge(self, pledge) -> date | None:
        days = [day(pledge.provenance.retrieved)] + [r.date for r in self.responses_of_pledge.get(pledge.id, [])]
        days += [r.reported for r in self.reports_of.get(pledge.id, [])]
        known = [d for d in days if d]
        return max(known) if known else None

    # ---- feed entries and changelog (dates from the data, never from the build)

    def _feed_entries(self) -> list[dict]:
        entries: list[dict] = []
        ds = self.ds
        for stat in ds.statistics.values():
            when = day(stat.provenance.published) or day(stat.provenance.retrieved)
            entries.append({"id": f"statistic/{stat.id}", "kind": "statistic", "date": when, "record": stat,
                            "providers": [stat.provider], "page": f"providers/{stat.provider}/"})
        for pledge in ds.pledges.values():
            when = pledge.published or day(pledge.provenance.retrieved)
            entries.append({"id": f"pledge/{pledge.id}", "kind": "pledge", "date": when, "record": pledge,
                            "providers": [pledge.provider], "page": f"pledges/{pledge.id}/"})
            for number, version in enumerate(pledge.previous_versions, start=1):
                # previous_versions only grows at its end, so its position is a stable id
                entries.append({"id": f"pledge/{pledge.id}/wording/{number}", "kind": "wording",
                                "date": version.valid_to or day(version.provenance.retrieved), "record": pledge, "version": version,
                                "providers": [pledge.provider], "page": f"pledges/{pledge.id}/"})
        for response in ds.responses.values():
            page = f"pledges/{response.pledge}/" if response.pledge else f"providers/{response.provider}/"
            entries.append({"id": f"response/{response.id}", "kind": "response", "date": response.date,
                            "record": response, "providers": [response.provider], "page": page})
        for correction in ds.corrections.values():
            owners = sorted({self.owner_of_record[r] for r in correction.records if r in self.owner_of_record})
            entries.append({"id": f"correction/{correction.id}", "kind": "correction", "date": correction.date,
                            "record": correction, "providers": owners, "page": "changelog/"})
        entries = [e for e in entries if e["date"]]
        entries.sort(key=lambda e: (e["date"], e["id"]), reverse=True)
        return entries

    def changelog_rows(self) -> list[dict]:
        rows: list[dict] = []
        grouped: dict[tuple, int] = defaultdict(int)
        for entry in self.entries:
            kind, rec = entry["kind"], entry["record"]
            if kind == "statistic":
                grouped[(entry["date"], rec.source)] += 1
            elif kind == "correction":
                rows.append({"date": entry["date"], "kind": "correction", "text": rec.text,
                             "records": " ".join(rec.records), "page": None, "source": None, "count": None})
            elif kind == "pledge":
                rows.append({"date": entry["date"], "kind": "pledge", "text": rec.title, "records": rec.id,
                             "page": entry["page"], "source": None, "count": None})
            elif kind == "wording":
                rows.append({"date": entry["date"], "kind": "wording", "text": rec.title, "records": rec.id,
                             "page": entry["page"], "source": None, "count": None})
            elif kind == "response":
                rows.append({"date": entry["date"], "kind": "response", "text": self.providers[rec.provider].name
                             if rec.provider in self.providers else rec.provider, "records": rec.id,
                             "page": entry["page"], "source": None, "count": None})
        for (when, source), count in grouped.items():
            rows.append({"date": when, "kind": "statistics", "text": None, "records": None, "page": None,
                         "source": source, "count": count})
        rows.sort(key=lambda r: (r["date"], r["kind"], str(r["records"] or r["source"])), reverse=True)
        return rows

    # ---- sources

    def source_rows(self) -> list[dict]:
        rows = []
        for sid, source in sorted(self.sources.items()):
            status = self.status.get(sid)
            last = day(status.last_success) if status and status.last_success else None
            age = (self.today - last).days if last else None
            if source.collector is None:
                state = "no_collector"
            elif status is None or last is None:
                state = "failing" if status and status.last_error else "stale"
            elif status.consecutive_failures and status.last_error:
                state = "failing" if age is not None and age > source.expected_update_days else "fresh"
            else:
                state = "stale" if age is not None and age > source.expected_update_days else "fresh"
            rows.append({
                "source": sid, "name": source.name, "publisher": source.publisher, "url": source.url,
                "licence": source.licence, "cadence": val(source.cadence),
                "expected_update_days": source.expected_update_days,
                "last_success": status.last_success.isoformat() if status and status.last_success else None,
                "last_attempt": status.last_attempt.isoformat() if status and status.last_attempt else None,
                "age_days": age, "state": state,
                "last_error": status.last_error if status else None,
                "consecutive_failures": status.consecutive_failures if status else 0,
                "method_breaks": source.method_breaks,
            })
        return rows

    def statistic_row(self, stat) -> dict:
        return {"id": stat.id, "provider": stat.provider, "source": stat.source, "metric": val(stat.metric),
                "segment": stat.segment, "period": stat.period, "value": stat.value, "unit": val(stat.unit),
                "industry_average": stat.industry_average, "sample_size": stat.sample_size,
                "series_version": stat.series_version, "publisher": stat.provenance.publisher,
                "url": stat.provenance.url, "retrieved": str(day(stat.provenance.retrieved)),
                "licence": stat.provenance.licence, "sha256": stat.provenance.sha256, "release": stat.release,
                "series": stat.series}


STAT_COLUMNS = ["id", "provider", "source", "metric", "segment", "period", "value", "unit", "industry_average",
                "sample_size", "series_version", "publisher", "url", "retrieved", "licence", "sha256", "release",
                "series"]
STAT_TYPES = {"value": "number", "industry_average": "number", "sample_size": "integer", "retrieved": "date"}
VERDICT_COLUMNS = ["pledge", "kind", "provider", "period", "verdict", "reason", "evidence", "series_version",
                   "comparable"]
VERDICT_TYPES = {"comparable": "boolean"}
PLEDGE_COLUMNS = ["id", "provider", "title", "kind", "category", "language", "grade", "points", "latest_verdict",
                  "published", "effective_from", "effective_to", "url"]
PLEDGE_TYPES = {"points": "number", "published": "date", "effective_from": "date", "effective_to": "date"}
BOARD_COLUMNS = ["board", "sector", "segment", "country", "provider", "provider_name", "rank", "rank_label", "tied", "score",
                 "pledges_kept", "pledges_total", "complaint_rate_vs_average", "trend", "previous_score",
                 "comparable_with_previous", "not_ranked_reason", "method_version"]
BOARD_TYPES = {"rank": "integer", "tied": "boolean", "score": "number", "pledges_kept": "integer",
               "pledges_total": "integer", "complaint_rate_vs_average": "number", "previous_score": "number",
               "comparable_with_previous": "boolean"}
PROVIDER_COLUMNS = ["id", "name", "country", "sectors", "group", "website", "legal_entities", "brands"]
SOURCE_COLUMNS = ["source", "name", "publisher", "url", "licence", "cadence", "expected_update_days", "last_success",
                  "last_attempt", "age_days", "state", "last_error", "consecutive_failures"]
SOURCE_TYPES = {"expected_update_days": "integer", "age_days": "integer", "consecutive_failures": "integer"}
CHANGELOG_COLUMNS = ["date", "kind", "text", "records", "source", "count"]
CHANGELOG_TYPES = {"date": "date", "count": "integer"}


# --------------------------------------------------------------------------- rendering


# HTML-significant characters and Markdown's link and code syntax, as character references:
# contributor text renders the same, but can never become markup, in HTML blocks or in Markdown.
_MD_ESCAPES = str.maketrans({
    "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;", "[": "&#91;", "]": "&#93;",
    "`": "&#96;", "\\": "&#92;",
})


def md_escape(value: Any) -> Markup:
    """Escape a value for a generated Markdown page (HTML and Markdown syntax); Markup passes through."""
    if isinstance(value, Markup):
        return value
    if value is None:
        return Markup("")
    return Markup(str(value).translate(_MD_ESCAPES))


def make_env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        finalize=md_escape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["yaml_title"] = yaml_title
    env.filters["href"] = safe_href
    env.filters["val"] = val
    env.filters["day"] = lambda v: (day(v).isoformat() if day(v) else "")
    return env


def verdict_class(v: Any) -> str:
    return f"pt-verdict pt-v-{v if v in VERDICTS else 'not-yet-rated'}"


class Generator:
    def __init__(self, model: SiteModel, gen_root: Path, search_bulk: bool = False):
        self.m = model
        self.gen_root = Path(gen_root)
        self.env = make_env()
        self.static = Tree(self.gen_root / "static")
        self.search_bulk = search_bulk
        self.tables: list[Table] = []

    # ---- language-neutral files

    def table(self, table: Table) -> Table:
        self.static.write(f"data/{table.path}.csv", csv_text(table.columns, table.rows))
        self.static.write(f"data/{table.path}.json", json_text(table.columns, table.rows))
        return table

    def write_static(self) -> None:
        m = self.m
        top: list[Table] = []
        board_rows = [row for board in m.boards for row in board["rows"]]
        top.append(self.table(Table("scoreboard", BOARD_COLUMNS, board_rows, "res.scoreboard", BOARD_TYPES)))
        provider_rows = [{"id": p.id, "name": p.name, "country": p.country,
                          "sectors": " ".join(val(s) for s in p.sectors), "group": p.group, "website": p.website,
                          "legal_entities": "; ".join(p.legal_entities), "brands": "; ".join(p.brands)}
                         for p in m.providers.values()]
        top.append(self.table(Table("providers", PROVIDER_COLUMNS, provider_rows, "res.providers")))
        all_pledges, all_verdicts, all_stats = [], [], []
        for pid in m.providers:
            prows = [self.pledge_row(p) for p in m.pledges_of.get(pid, [])]
            srows = [m.statistic_row(s) for series in self.sorted_series(pid) for s in series[1]]
            self.table(Table(f"providers/{pid}/pledges", PLEDGE_COLUMNS, prows, None, PLEDGE_TYPES))
            self.table(Table(f"providers/{pid}/statistics", STAT_COLUMNS, srows, None, STAT_TYPES))
            vrows = [row for pledge in m.pledges_of.get(pid, []) for row in self.verdict_rows(pledge)]
            self.table(Table(f"providers/{pid}/verdicts", VERDICT_COLUMNS, vrows, None, VERDICT_TYPES))
            all_pledges += prows
            all_stats += srows
            all_verdicts += vrows
        top.append(self.table(Table("pledges", PLEDGE_COLUMNS, all_pledges, "res.pledges", PLEDGE_TYPES)))
        top.append(self.table(Table("verdicts", VERDICT_COLUMNS, all_verdicts, "res.verdicts", VERDICT_TYPES)))
        top.append(self.table(Table("statistics", STAT_COLUMNS, all_stats, "res.statistics", STAT_TYPES)))
        src_rows = m.source_rows()
        top.append(self.table(Table("sources", SOURCE_COLUMNS, src_rows, "res.sources", SOURCE_TYPES)))
        top.append(self.table(Table("changelog", CHANGELOG_COLUMNS, m.changelog_rows(), "res.changelog",
                                    CHANGELOG_TYPES)))
        for sector in sorted({row["sector"] for row in board_rows}):
            rows = [row for row in board_rows if row["sector"] == sector]
            self.table(Table(f"sectors/{sector}", BOARD_COLUMNS, rows, None, BOARD_TYPES))
        for metric, stats in m.stats_by_metric.items():
            self.table(Table(f"metrics/{metric}", STAT_COLUMNS, [m.statistic_row(s) for s in self.latest_per_series(stats)],
                             None, STAT_TYPES))
        self.tables = top
        self.static.write("data/datapackage.json", self.datapackage(top))
        self.static.write(finder.INDEX_PATH, finder.index_json(m.providers.values()))

    def datapackage(self, tables: list[Table]) -> str:
        en = Translator("en")
        resources = []
        for table in tables:
            resources.append({
                "name": table.path.replace("/", "-"),
                "path": f"{table.path}.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "title": en(table.title_key) if table.title_key else table.path,
                "schema": {"fields": [{"name": c, "type": table.schema.get(c, "string")} for c in table.columns],
                           "missingValues": [""]},
            })
        package = {
            "name": "service-pledge-tracker",
            "title": en("site.name"),
            "description": en("site.tagline"),
            "version": self.m.version,
            "licenses": [{"name": "ODC-By-1.0", "title": "Open Data Commons Attribution License 1.0",
                          "path": "https://opendatacommons.org/licenses/by/1-0/"}],
            "resources": resources,
        }
        return json.dumps(package, indent=1, ensure_ascii=False) + "\n"

    def pledge_row(self, pledge) -> dict:
        score = self.m.pledge_score(pledge.id)
        return {"id": pledge.id, "provider": pledge.provider, "title": pledge.title, "kind": val(pledge.kind),
                "category": val(pledge.category), "language": pledge.language, "grade": score.get("grade"),
                "points": score.get("points"), "latest_verdict": self.m.latest_verdict(pledge.id),
                "published": pledge.published, "effective_from": pledge.effective_from,
                "effective_to": pledge.effective_to, "url": pledge.provenance.url}

    def verdict_rows(self, pledge) -> list[dict]:
        rows = []
        for verdict in self.m.pledge_score(pledge.id).get("verdicts") or []:
            rows.append({"pledge": pledge.id, "kind": val(pledge.kind), "provider": pledge.provider,
                         "period": verdict.get("period"),
                         "verdict": verdict.get("verdict"), "reason": verdict.get("reason"),
                         "evidence": " ".join(verdict.get("evidence") or []),
                         "series_version": verdict.get("series_version"), "comparable": verdict.get("comparable")})
        return rows

    def sorted_series(self, provider_id: str) -> list[tuple[tuple, list]]:
        return sorted(self.m.series_of.get(provider_id, {}).items())

    @staticmethod
    def latest_per_series(stats: list) -> list:
        latest: dict[tuple, Any] = {}
        for stat in stats:
            key = (stat.provider, stat.segment or "")
            if key not in latest or period_key(stat.period) > period_key(latest[key].period):
                latest[key] = stat
        return sorted(latest.values(), key=lambda s: (s.provider, s.segment or ""))

    # ---- feeds

    def write_feeds(self, lang: str) -> None:
        t = Translator(lang)
        template = self.env.get_template("feed.xml.j2")
        feed_entries = [self.feed_entry(e, t, lang) for e in self.m.entries[:200]]
        self.static.write(f"feeds/{lang}/all.xml", template.render(
            feed_id=f"tag:{TAG_AUTHORITY}:feed/all", title=t("feed.all_title"), entries=feed_entries,
            updated=self.feed_updated(feed_entries), self_href=self.abs_or_rel(f"feeds/{lang}/all.xml", 2),
            site_href=self.abs_or_rel(f"{lang}/", 2), author=t("site.publisher"), lang=lang))
        for pid, provider in self.m.providers.items():
            entries = [self.feed_entry(e, t, lang, depth=3) for e in self.m.entries_of.get(pid, [])[:100]]
            self.static.write(f"feeds/{lang}/providers/{pid}.xml", template.render(
                feed_id=f"tag:{TAG_AUTHORITY}:feed/providers/{pid}", title=t("feed.provider_title", provider=provider.name),
                entries=entries, updated=self.feed_updated(entries),
                self_href=self.abs_or_rel(f"feeds/{lang}/providers/{pid}.xml", 3),
                site_href=self.abs_or_rel(f"{lang}/providers/{pid}/", 3), author=t("site.publisher"), lang=lang))

    def feed_updated(self, entries: list[dict]) -> str:
        return entries[0]["updated"] if entries else f"{self.m.today.isoformat()}T00:00:00Z"

    def abs_or_rel(self, site_path: str, depth: int) -> str:
        """An address of a site path from a file `depth` folders below the site root."""
        if self.m.site_url:
            return self.m.site_url + site_path
        return "../" * depth + site_path

    def feed_entry(self, entry: dict, t: Translator, lang: str, depth: int = 2) -> dict:
        rec, kind = entry["record"], entry["kind"]
        provider = self.m.providers.get(entry["providers"][0]).name if entry["providers"] and entry["providers"][0] in self.m.providers else ""
        if kind == "statistic":
            title = t("feed.statistic", provider=provider, metric=t.term("metric", rec.metric), period=rec.period,
                      value=fmt_num(rec.value, lang))
            summary = rec.provenance.publisher
        elif kind == "pledge":
            title, summary = t("feed.pledge", provider=provider, title=rec.title), rec.text
        elif kind == "wording":
            title, summary = t("feed.wording", provider=provider, title=rec.title), entry["version"].text
        elif kind == "response":
            title, summary = t("feed.response", provider=provider), rec.text
        else:
            title, summary = t("feed.correction"), rec.text
        return {"id": f"tag:{TAG_AUTHORITY}:{entry['id']}", "title": title, "summary": summary,
                "updated": f"{entry['date'].isoformat()}T00:00:00Z",
                "href": self.abs_or_rel(f"{lang}/{entry['page']}", depth)}

    # ---- pages

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

    def render_language(self, lang: str) -> Tree:
        m = self.m
        docs = Tree(self.gen_root / "docs" / lang)
        t = Translator(lang)
        env = self.env
        common = {"t": t, "m": m, "num": lambda v, d=None: fmt_num(v, lang, d), "version": m.version,
                  "method_version": m.method_version, "search_bulk": self.search_bulk, "word_diff": word_diff,
                  "trend": lambda trend, comparable=None: trend_text(t, trend, comparable, lang),
                  "verdict_class": verdict_class, "link": html_link, "grade": html_grade,
                  "verdict": lambda v: Markup(f'<span class="{verdict_class(v)}">{escape(t.term("verdict", v))}</span>')}

        common.update(summary.template_globals(m, t))
        common.update(freshness.template_globals(m, t))

        def page(path: str, template: str, **values) -> None:
            ctx = dict(common)
            ctx.update(self.page_context(lang, path))
            ctx.update(values)
            docs.write(path, searchtext.spaced(env.get_template(template).render(ctx)))

        page("index.md", "home.md.j2", boards=m.boards, glance=summary.glance(m), home_boards=summary.home_boards(m.boards))
        sectors = sorted({b["sector"] for b in m.boards})
        page("sectors/index.md", "sectors.md.j2", sectors=sectors)
        for sector in sectors:
            page(f"sectors/{sector}.md", "sector.md.j2", sector=sector,
                 boards=[b for b in m.boards if b["sector"] == sector])
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
        pledge_rows = [self.pledge_row(p) for pid in m.providers for p in m.pledges_of.get(pid, [])]
        pledge_pages = listpages.split("pledges", pledge_rows, lambda r: m.providers[r["provider"]].name)
        for lp in pledge_pages:
            page(lp.path, "pledges.md.j2", rows=lp.rows, list_pages=pledge_pages, list_page=lp)
        for pledge in m.pledges.values():
            if pledge.provider not in m.providers:
                continue
            page(f"pledges/{pledge.id}.md", "pledge.md.j2", pl=pledge, p=m.providers[pledge.provider],
                 score=m.pledge_score(pledge.id), history=self.history(pledge), as_of=m.as_of_pledge(pledge))
        metrics = sorted(m.stats_by_metric)
        page("metrics/index.md", "metrics.md.j2", metrics=metrics)
        for metric in metrics:
            page(f"metrics/{metric}.md", "metric.md.j2", metric=metric,
                 rows=self.latest_per_series(m.stats_by_metric[metric]))
        from .scores import methodology
        page("methodology/index.md", "methodology.md.j2", methodology=methodology(lang))
        page("sources/index.md", "sources.md.j2", rows=m.source_rows(), fresh=freshness.by_source(m))
        page("changelog/index.md", "changelog.md.j2", rows=m.changelog_rows()[:500])
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
        for (metric, service), stats in self.sorted_series(pid):
            periods = [s.period for s in stats]
            values = [s.value for s in stats]
            averages = [s.industry_average for s in stats]
            label = t.term("metric", metric) + (f" — {service}" if service else "")
            chart_id = "chart-" + re.sub(r"[^a-z0-9-]+", "-", f"{metric}-{service}".lower()).strip("-")
            title = t("chart.title", metric=label, provider=name, first=periods[0], last=periods[-1])
            desc = t("chart.desc", provider=name,
                     values=", ".join(f"{p} {fmt_num(v, lang)}" for p, v in zip(periods, values)),
                     averages=", ".join(f"{p} {fmt_num(a, lang)}" for p, a in zip(periods, averages) if a is not None)
                     or t("word.none"))
            args = (chart_id, periods, values, averages, title, desc, t("chart.legend_provider"),
                    t("chart.legend_average"))
            svg = charts.line_chart(*args)
            breaks = []
            source = self.m.sources.get(stats[-1].source)
            if source:
                breaks = [b for b in source.method_breaks if periods[0] < b.period <= periods[-1]]
            out.append({"id": chart_id, "label": label, "metric": metric, "service": service, "stats": stats,
                        "svg": Markup(svg), "lower_better": metric in LOWER_IS_BETTER, "breaks": breaks,
                        "versions": any(st.series_version for st in stats), "args": args})
        return out

    def root_index(self) -> None:
        template = self.env.get_template("root_index.html.j2")
        self.static.write("index.html", template.render(languages=[(lang, Translator(lang)) for lang in LANGUAGES]))


TOP_TABLES = [("scoreboard", "res.scoreboard"), ("providers", "res.providers"), ("pledges", "res.pledges"),
              ("verdicts", "res.verdicts"), ("statistics", "res.statistics"), ("sources", "res.sources"),
              ("changelog", "res.changelog")]


def _run_jobs(model: SiteModel, gen_root: Path, search_bulk: bool, jobs: list[str]) -> dict:
    gen = Generator(model, gen_root, search_bulk=search_bulk)
    result: dict[str, Any] = {"docs": {}, "times": {}}
    for job in jobs:
        started = time.perf_counter()
        if job == "static":
            gen.write_static()
        elif job == "feeds":
            for lang in LANGUAGES:
                gen.write_feeds(lang)
            gen.root_index()
        else:
            docs = gen.render_language(job)
            docs.prune()
            result["docs"][job] = (len(docs.written), docs.changed)
        result["times"][job] = round(time.perf_counter() - started, 2)
    result["static_written"] = [str(p) for p in gen.static.written]
    result["static_changed"] = gen.static.changed
    return result


def _child(conn, model, gen_root, search_bulk, jobs) -> None:
    try:
        conn.send(("ok", _run_jobs(model, gen_root, search_bulk, jobs)))
    except BaseException as exc:  # reported by the parent
        import traceback
        conn.send(("error", f"{exc!r}\n{traceback.format_exc()}"))
    finally:
        conn.close()


SEARCH_BULK_LIMIT = 300  # up to this many providers, provider and pledge pages are in the search index too


def generate(model: SiteModel, gen_root: Path, search_bulk: bool | None = None, workers: int = 2) -> dict:
    """Write every generated file, in two forked processes when possible (one language each).

    Returns counts of files written and changed. Raises RuntimeError if a worker fails.
    """
    import multiprocessing as mp

    if search_bulk is None:
        # Indexing thousands of bulk pages would dominate the build; hubs stay searchable always.
        search_bulk = len(model.providers) <= SEARCH_BULK_LIMIT

    plans = [["static", LANGUAGES[0]], ["feeds", *LANGUAGES[1:]]]
    results: list[dict] = []
    if workers > 1 and "fork" in mp.get_all_start_methods():
        ctx = mp.get_context("fork")
        children = []
        for jobs in plans[1:]:
            parent_end, child_end = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_child, args=(child_end, model, gen_root, search_bulk, jobs))
            proc.start()
            child_end.close()
            children.append((proc, parent_end))
        results.append(_run_jobs(model, gen_root, search_bulk, plans[0]))
        for proc, conn in children:
            status, payload = conn.recv()
            proc.join()
            if status != "ok":
                raise RuntimeError(f"page generation failed: {payload}")
            results.append(payload)
    else:
        results = [_run_jobs(model, gen_root, search_bulk, [job for plan in plans for job in plan])]
    static = Tree(Path(gen_root) / "static")
    for result in results:
        static.written.update(Path(p) for p in result["static_written"])
    static.prune()
    counts: dict[str, int] = {}
    for result in results:
        for lang, (files, changed) in result["docs"].items():
            counts[f"docs_{lang}_files"] = files
            counts[f"docs_{lang}_changed"] = changed
    counts["times"] = {job: sec for result in results for job, sec in result["times"].items()}
    counts["static_files"] = len(static.written)
    counts["static_changed"] = sum(r["static_changed"] for r in results)
    return counts
