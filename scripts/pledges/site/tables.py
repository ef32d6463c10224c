"""The downloadable tables: one declaration per table (columns with their types and the row builder), from
which the CSV, the JSON and the table's entry in datapackage.json are all written.

Adding a column means adding it to the declaration's ``columns`` and to its row builder, here and nowhere else.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import finder
from .i18n import Translator
from .markup import day, val

if TYPE_CHECKING:
    from .model import SiteModel
    from .writer import Tree


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
    text = str(value)
    # Most cells (names, ids, dates) neither start like a formula nor hold a separator: nothing to neutralise.
    if text and not text[0].isspace() and text[0] not in _FORMULA_SET and _SEPARATOR.search(text) is None:
        return text
    return FORMULA_AT_CELL_START.sub("'", text)


_FORMULA_SET = frozenset(FORMULA_CHARS.replace("\\", ""))  # the characters of the class, without its escape
_SEPARATOR = re.compile("[,;\t\r\n]")


class _LastLine:
    """A file for csv.writer that keeps the one line written last (the writer writes a row in one call)."""

    text = ""

    def write(self, text: str) -> None:
        self.text = text


class TableText:
    """CSV and JSON text of tables. A row is in several tables (a provider's own and the site-wide one): its CSV
    line and JSON object are made once, kept with the row itself so that a new row never takes a gone one's text."""

    def __init__(self) -> None:
        self._line = _LastLine()
        # QUOTE_NONNUMERIC: every text cell quoted, numbers bare (see FORMULA_AT_CELL_START).
        self._writer = csv.writer(self._line, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
        self._encode = json.JSONEncoder(ensure_ascii=False, default=str, separators=(",", ":")).encode
        self._csv: dict[tuple[int, tuple[str, ...]], tuple[dict, str]] = {}
        self._json: dict[tuple[int, tuple[str, ...]], tuple[dict, str]] = {}

    def _csv_line(self, columns: tuple[str, ...], row: dict) -> str:
        known = self._csv.get((id(row), columns))
        if known is not None and known[0] is row:
            return known[1]
        self._writer.writerow([csv_cell(row.get(c)) for c in columns])
        self._csv[(id(row), columns)] = (row, self._line.text)
        return self._line.text

    def _json_object(self, columns: tuple[str, ...], row: dict) -> str:
        known = self._json.get((id(row), columns))
        if known is not None and known[0] is row:
            return known[1]
        text = self._encode({c: row.get(c) for c in columns})
        self._json[(id(row), columns)] = (row, text)
        return text

    def csv(self, columns: list[str], rows: list[dict]) -> str:
        key = tuple(columns)
        self._writer.writerow(columns)
        return self._line.text + "".join([self._csv_line(key, row) for row in rows])

    def json(self, columns: list[str], rows: list[dict]) -> str:
        """One JSON object per row; compact (the C encoder), one row per line so diffs stay readable."""
        key = tuple(columns)
        body = ",\n".join([self._json_object(key, row) for row in rows])
        return f"[\n{body}\n]\n" if rows else "[]\n"


def csv_text(columns: list[str], rows: list[dict]) -> str:
    return TableText().csv(columns, rows)


def json_text(columns: list[str], rows: list[dict]) -> str:
    return TableText().json(columns, rows)


Row = dict[str, Any]


@dataclass(frozen=True)
class TableSpec:
    """A kind of downloadable table: its columns (name, frictionless type) in order, and how to build one record's
    rows. The same declaration serves the whole-site table, the per-provider, per-sector and per-metric tables."""

    columns: tuple[tuple[str, str], ...]
    rows_of: Callable[[SiteModel, Any], list[Row]]

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.columns]

    def rows(self, model: SiteModel, records: Iterable[Any]) -> list[Row]:
        return [row for record in records for row in self.rows_of(model, record)]


@dataclass
class Table:
    """One written table: <path>.csv and <path>.json under data/."""

    path: str
    spec: TableSpec
    rows: list[Row]
    title_key: str | None = None

    @property
    def columns(self) -> list[str]:
        return self.spec.names

    @property
    def schema(self) -> dict[str, str]:
        return {name: kind for name, kind in self.spec.columns if kind != "string"}


def _s(*names: str) -> tuple[tuple[str, str], ...]:
    return tuple((name, "string") for name in names)


def statistic_row(stat: Any) -> Row:
    return {"id": stat.id, "provider": stat.provider, "source": stat.source, "metric": val(stat.metric),
            "segment": stat.segment, "period": stat.period, "value": stat.value, "unit": val(stat.unit),
            "industry_average": stat.industry_average, "sample_size": stat.sample_size,
            "series_version": stat.series_version, "publisher": stat.provenance.publisher,
            "url": stat.provenance.url, "retrieved": str(day(stat.provenance.retrieved)),
            "licence": stat.provenance.licence, "sha256": stat.provenance.sha256, "release": stat.release,
            "series": stat.series}


def pledge_row(model: SiteModel, pledge: Any) -> Row:
    score = model.pledge_score(pledge.id)
    return {"id": pledge.id, "provider": pledge.provider, "title": pledge.title, "kind": val(pledge.kind),
            "category": val(pledge.category), "language": pledge.language, "grade": score.get("grade"),
            "points": score.get("points"), "latest_verdict": model.latest_verdict(pledge.id),
            "published": pledge.published, "effective_from": pledge.effective_from,
            "effective_to": pledge.effective_to, "url": pledge.provenance.url}


def verdict_rows(model: SiteModel, pledge: Any) -> list[Row]:
    return [{"pledge": pledge.id, "kind": val(pledge.kind), "provider": pledge.provider,
             "period": verdict.get("period"), "verdict": verdict.get("verdict"), "reason": verdict.get("reason"),
             "evidence": " ".join(verdict.get("evidence") or []),
             "series_version": verdict.get("series_version"), "comparable": verdict.get("comparable")}
            for verdict in model.pledge_score(pledge.id).get("verdicts") or []]


def provider_row(provider: Any) -> Row:
    return {"id": provider.id, "name": provider.name, "country": provider.country,
            "sectors": " ".join(val(s) for s in provider.sectors), "group": provider.group,
            "website": provider.website, "legal_entities": "; ".join(provider.legal_entities),
            "brands": "; ".join(provider.brands)}


def _same(_model: SiteModel, row: Row) -> list[Row]:
    """Board, source and changelog rows are built by the model (the pages show them too)."""
    return [row]


STATISTICS_TABLE = TableSpec(
    _s("id", "provider", "source", "metric", "segment", "period") + (("value", "number"), ("unit", "string"),
       ("industry_average", "number"), ("sample_size", "integer"), ("series_version", "string"))
    + _s("publisher", "url") + (("retrieved", "date"),) + _s("licence", "sha256", "release", "series"),
    lambda _m, stat: [statistic_row(stat)])
VERDICTS_TABLE = TableSpec(
    _s("pledge", "kind", "provider", "period", "verdict", "reason", "evidence", "series_version")
    + (("comparable", "boolean"),),
    verdict_rows)
PLEDGES_TABLE = TableSpec(
    _s("id", "provider", "title", "kind", "category", "language", "grade") + (("points", "number"),)
    + _s("latest_verdict") + (("published", "date"), ("effective_from", "date"), ("effective_to", "date"))
    + _s("url"),
    lambda m, pledge: [pledge_row(m, pledge)])
BOARD_TABLE = TableSpec(
    _s("board", "sector", "segment", "country", "provider", "provider_name") + (("rank", "integer"),)
    + _s("rank_label") + (("tied", "boolean"), ("score", "number"), ("pledges_kept", "integer"),
                          ("pledges_total", "integer"), ("complaint_rate_vs_average", "number"), ("trend", "string"),
                          ("previous_score", "number"), ("comparable_with_previous", "boolean"))
    + _s("not_ranked_reason", "method_version"),
    _same)
PROVIDERS_TABLE = TableSpec(_s("id", "name", "country", "sectors", "group", "website", "legal_entities", "brands"),
                      lambda _m, provider: [provider_row(provider)])
SOURCES_TABLE = TableSpec(
    _s("source", "name", "publisher", "url", "licence", "cadence") + (("expected_update_days", "integer"),)
    + _s("last_success", "last_attempt") + (("age_days", "integer"),) + _s("state", "last_error")
    + (("consecutive_failures", "integer"),),
    _same)
CHANGELOG_TABLE = TableSpec((("date", "date"),) + _s("kind", "text", "records", "source") + (("count", "integer"),), _same)

# The site-wide tables, in the order of the downloads page and datapackage.json: (path, spec, title key).
TOP_TABLES = [("scoreboard", "res.scoreboard"), ("providers", "res.providers"), ("pledges", "res.pledges"),
              ("verdicts", "res.verdicts"), ("statistics", "res.statistics"), ("sources", "res.sources"),
              ("changelog", "res.changelog")]


def write_table(static: Tree, table: Table, text: TableText | None = None) -> Table:
    text = text or TableText()
    static.write(f"data/{table.path}.csv", text.csv(table.columns, table.rows))
    static.write(f"data/{table.path}.json", text.json(table.columns, table.rows))
    return table


def write_tables(static: Tree, m: SiteModel) -> None:
    """Every downloadable table and datapackage.json (which lists the site-wide ones)."""
    text = TableText()
    top: dict[str, Table] = {}
    board_rows = [row for board in m.boards for row in board["rows"]]
    top["scoreboard"] = Table("scoreboard", BOARD_TABLE, board_rows)
    top["providers"] = Table("providers", PROVIDERS_TABLE, PROVIDERS_TABLE.rows(m, m.providers.values()))
    all_pledges: list[Row] = []
    all_verdicts: list[Row] = []
    all_stats: list[Row] = []
    for pid in m.providers:
        pledges = m.pledges_of.get(pid, [])
        prows = PLEDGES_TABLE.rows(m, pledges)
        srows = STATISTICS_TABLE.rows(m, (s for _key, series in m.sorted_series(pid) for s in series))
        vrows = VERDICTS_TABLE.rows(m, pledges)
        write_table(static, Table(f"providers/{pid}/pledges", PLEDGES_TABLE, prows), text)
        write_table(static, Table(f"providers/{pid}/statistics", STATISTICS_TABLE, srows), text)
        write_table(static, Table(f"providers/{pid}/verdicts", VERDICTS_TABLE, vrows), text)
        all_pledges += prows
        all_stats += srows
        all_verdicts += vrows
    top["pledges"] = Table("pledges", PLEDGES_TABLE, all_pledges)
    top["verdicts"] = Table("verdicts", VERDICTS_TABLE, all_verdicts)
    top["statistics"] = Table("statistics", STATISTICS_TABLE, all_stats)
    top["sources"] = Table("sources", SOURCES_TABLE, m.source_rows())
    top["changelog"] = Table("changelog", CHANGELOG_TABLE, m.changelog_rows())
    for path, title_key in TOP_TABLES:
        top[path].title_key = title_key
        write_table(static, top[path], text)
    for sector in sorted({row["sector"] for row in board_rows}):
        write_table(static, Table(f"sectors/{sector}", BOARD_TABLE, [r for r in board_rows if r["sector"] == sector]), text)
    for metric, stats in m.stats_by_metric.items():
        write_table(static, Table(f"metrics/{metric}", STATISTICS_TABLE, STATISTICS_TABLE.rows(m, m.latest_per_series(stats))), text)
    static.write("data/datapackage.json", datapackage([top[path] for path, _ in TOP_TABLES], m.version))
    static.write(finder.INDEX_PATH, finder.index_json(m.providers.values()))


def datapackage(tables: list[Table], version: str) -> str:
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
            "schema": {"fields": [{"name": c, "type": kind} for c, kind in table.spec.columns],
                       "missingValues": [""]},
        })
    package = {
        "name": "service-pledge-tracker",
        "title": en("site.name"),
        "description": en("site.tagline"),
        "version": version,
        "licenses": [{"name": "ODC-By-1.0", "title": "Open Data Commons Attribution License 1.0",
                      "path": "https://opendatacommons.org/licenses/by/1-0/"}],
        "resources": resources,
    }
    return json.dumps(package, indent=1, ensure_ascii=False) + "\n"
