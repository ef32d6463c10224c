"""What changed when: one typed entry per dated record (a statistic, a pledge, a wording change, a reply, a
correction), from which both the Atom feeds and the changelog are built.

Dates come from the data, never from the build, so a rebuild with no data change rewrites no feed. Each entry
kind knows its own feed title and summary and its own changelog row; there is no ``if kind == …`` ladder.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from .i18n import Translator
from .markup import day, fmt_num, md_escape

if TYPE_CHECKING:
    from .model import SiteModel

TAG_AUTHORITY = "service-pledge-tracker.github.io,2026"  # stable forever: entry ids depend on it
FEED_LIMIT = 200  # entries in the site-wide feed
RECORD_FEED_LIMIT = 100  # entries in a provider's or a pledge's feed


@dataclass(frozen=True)
class FeedText:
    """One entry as a feed shows it, in one language."""

    id: str
    title: str
    summary: str
    updated: str
    href: str


@dataclass(frozen=True)
class Entry:
    """A dated change. ``page`` is the site path (below the language folder) that shows it."""

    id: str
    date: date
    providers: tuple[str, ...]
    page: str
    kind: ClassVar[str] = ""

    def texts(self, t: Translator, lang: str, provider: str) -> tuple[str, str]:
        """(title, summary) in the feed of language ``lang``; ``provider`` is the first owner's name."""
        raise NotImplementedError

    def changelog_row(self, model: SiteModel) -> tuple[tuple, dict[str, Any]]:
        """(merge key, row): entries with the same key are one changelog row, counted."""
        return (self.kind, self.id), self._row(text=None, records=None)

    def _row(self, **values: Any) -> dict[str, Any]:
        row: dict[str, Any] = {"date": self.date, "kind": self.kind, "text": None, "records": None, "page": self.page,
                               "source": None, "count": None}
        row.update(values)
        return row

    def pledge(self) -> str | None:
        """The pledge this entry belongs to, for the pledge's own feed."""
        return None


@dataclass(frozen=True)
class StatisticEntry(Entry):
    record: Any = None
    kind: ClassVar[str] = "statistic"

    def texts(self, t: Translator, lang: str, provider: str) -> tuple[str, str]:
        rec = self.record
        title = t("feed.statistic", provider=provider, metric=t.term("metric", rec.metric), period=rec.period,
                  value=fmt_num(rec.value, lang))
        return title, rec.provenance.publisher

    def changelog_row(self, model: SiteModel) -> tuple[tuple, dict[str, Any]]:
        # one row per day and source: "12 figures added from <source>"
        source = self.record.source
        return ("statistics", self.date, source), self._row(kind="statistics", page=None, source=source, count=1)


@dataclass(frozen=True)
class PledgeEntry(Entry):
    record: Any = None
    kind: ClassVar[str] = "pledge"

    def texts(self, t: Translator, lang: str, provider: str) -> tuple[str, str]:
        return t("feed.pledge", provider=provider, title=self.record.title), self.record.text

    def changelog_row(self, model: SiteModel) -> tuple[tuple, dict[str, Any]]:
        return (self.kind, self.id), self._row(text=self.record.title, records=self.record.id)

    def pledge(self) -> str | None:
        return self.record.id


@dataclass(frozen=True)
class WordingEntry(PledgeEntry):
    version: Any = None
    kind: ClassVar[str] = "wording"

    def texts(self, t: Translator, lang: str, provider: str) -> tuple[str, str]:
        return t("feed.wording", provider=provider, title=self.record.title), self.version.text

    def changelog_row(self, model: SiteModel) -> tuple[tuple, dict[str, Any]]:
        # Changes of one pledge's wording dated the same day (undated versions fall back to the day they were read)
        # read the same in the changelog: one row with their count, not the same line twice.
        return (self.kind, self.date, self.record.id), self._row(text=self.record.title, records=self.record.id,
                                                                 count=1)


@dataclass(frozen=True)
class ResponseEntry(Entry):
    record: Any = None
    kind: ClassVar[str] = "response"

    def texts(self, t: Translator, lang: str, provider: str) -> tuple[str, str]:
        return t("feed.response", provider=provider), self.record.text

    def changelog_row(self, model: SiteModel) -> tuple[tuple, dict[str, Any]]:
        rec = self.record
        name = model.providers[rec.provider].name if rec.provider in model.providers else rec.provider
        return (self.kind, self.id), self._row(text=name, records=rec.id)

    def pledge(self) -> str | None:
        return self.record.pledge or None


@dataclass(frozen=True)
class CorrectionEntry(Entry):
    record: Any = None
    kind: ClassVar[str] = "correction"

    def texts(self, t: Translator, lang: str, provider: str) -> tuple[str, str]:
        return t("feed.correction"), self.record.text

    def changelog_row(self, model: SiteModel) -> tuple[tuple, dict[str, Any]]:
        row = self._row(text=self.record.text, records=" ".join(self.record.records), page=None)
        row["source_url"] = self.record.source_url  # the correction form's source, linked in the changelog
        return (self.kind, self.id), row


def feed_entries(model: SiteModel) -> list[Entry]:
    """Every dated change, newest first (ties by id, so the order never depends on the build)."""
    ds = model.ds
    entries: list[Entry] = []
    for stat in ds.statistics.values():
        when = day(stat.provenance.published) or day(stat.provenance.retrieved)
        if when:
            entries.append(StatisticEntry(f"statistic/{stat.id}", when, (stat.provider,), f"providers/{stat.provider}/",
                                          stat))
    for pledge in ds.pledges.values():
        page = f"pledges/{pledge.id}/"
        when = pledge.published or day(pledge.provenance.retrieved)
        if when:
            entries.append(PledgeEntry(f"pledge/{pledge.id}", when, (pledge.provider,), page, pledge))
        for number, version in enumerate(pledge.previous_versions, start=1):
            # previous_versions only grows at its end, so its position is a stable id
            changed = version.valid_to or day(version.provenance.retrieved)
            if changed:
                entries.append(WordingEntry(f"pledge/{pledge.id}/wording/{number}", changed, (pledge.provider,),
                                            page, pledge, version))
    for response in ds.responses.values():
        page = f"pledges/{response.pledge}/" if response.pledge else f"providers/{response.provider}/"
        entries.append(ResponseEntry(f"response/{response.id}", response.date, (response.provider,), page, response))
    for correction in ds.corrections.values():
        owners = tuple(sorted({model.owner_of_record[r] for r in correction.records if r in model.owner_of_record}))
        entries.append(CorrectionEntry(f"correction/{correction.id}", correction.date, owners, "changelog/",
                                       correction))
    entries = [e for e in entries if e.date]
    entries.sort(key=lambda e: (e.date, e.id), reverse=True)
    return entries


def changelog_rows(model: SiteModel) -> list[dict[str, Any]]:
    """The changelog: one row per change; changes that read the same (statistics of one source on one day, wording
    changes of one pledge dated the same day) are one row with their count."""
    rows: dict[tuple, dict[str, Any]] = {}
    for entry in model.entries:
        key, row = entry.changelog_row(model)
        if key in rows:
            rows[key]["count"] += 1
        else:
            rows[key] = row
    return sorted(rows.values(), key=lambda r: (r["date"], r["kind"], str(r["records"] or r["source"])), reverse=True)


EMPTY_SITEMAP = '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>\n'


class FeedWriter:
    """Writes the Atom feeds of one build: the site-wide feed, one per provider and one per pledge, per language."""

    def __init__(self, model: SiteModel, env: Any, static: Any):
        self.m, self.env, self.static = model, env, static
        self._entries: dict[tuple[int, int], tuple[Entry, FeedText, str]] = {}
        self._translators: dict[str, Translator] = {}

    def abs_or_rel(self, site_path: str, depth: int) -> str:
        """An address of a site path from a file `depth` folders below the site root."""
        if self.m.site_url:
            return self.m.site_url + site_path
        return "../" * depth + site_path

    def feed_text(self, entry: Entry, t: Translator, lang: str, depth: int = 2) -> FeedText:
        first = entry.providers[0] if entry.providers else None
        provider = self.m.providers[first].name if first in self.m.providers else ""
        title, summary = entry.texts(t, lang, provider)
        return FeedText(f"tag:{TAG_AUTHORITY}:{entry.id}", title, summary, f"{entry.date.isoformat()}T00:00:00Z",
                        self.abs_or_rel(f"{lang}/{entry.page}", depth))

    def updated(self, entries: list[FeedText]) -> str:
        return entries[0].updated if entries else f"{self.m.today.isoformat()}T00:00:00Z"

    def entry_xml(self, entry: Entry, t: Translator, lang: str, depth: int) -> tuple[FeedText, str]:
        """An entry's text and its ``<entry>`` element, made once per language and depth: one entry is in the
        site-wide feed, its provider's and its pledge's."""
        key = (id(entry), depth)
        known = self._entries.get(key)
        if known is not None and known[0] is entry:
            return known[1], known[2]
        text = self.feed_text(entry, t, lang, depth)
        xml = (f"<entry>\n<id>{md_escape(text.id)}</id>\n<title>{md_escape(text.title)}</title>\n"
               f"<updated>{md_escape(text.updated)}</updated>\n"
               f'<link rel="alternate" type="text/html" href="{md_escape(text.href)}"/>\n'
               f'<summary type="text">{md_escape(text.summary)}</summary>\n</entry>\n')
        self._entries[key] = (entry, text, xml)
        return text, xml

    def write_feed(self, lang: str, rel: str, title: str, site_page: str, entries: list[Entry]) -> None:
        """One feed at feeds/<lang>/<rel>.xml about the page <lang>/<site_page>.

        Written with Python's own string formatting, not a template: 12,000 feeds at 1,000 providers, and each
        value printed through jinja2 cost more than the rest of the feed. Every value is escaped as the page
        templates escape (md_escape: HTML-significant characters as references)."""
        t = self._translators.setdefault(lang, Translator(lang))
        depth = 2 + rel.count("/")
        made = [self.entry_xml(e, t, lang, depth) for e in entries]
        head = (f'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" '
                f'xml:lang="{md_escape(lang)}">\n<id>{md_escape(f"tag:{TAG_AUTHORITY}:feed/{rel}")}</id>\n'
                f"<title>{md_escape(title)}</title>\n<updated>{md_escape(self.updated([m[0] for m in made]))}</updated>\n"
                f"<author><name>{md_escape(t('site.publisher'))}</name></author>\n"
                f'<link rel="self" type="application/atom+xml" '
                f'href="{md_escape(self.abs_or_rel(f"feeds/{lang}/{rel}.xml", depth))}"/>\n'
                f'<link rel="alternate" type="text/html" href="{md_escape(self.abs_or_rel(f"{lang}/{site_page}", depth))}"/>\n')
        self.static.write(f"feeds/{lang}/{rel}.xml", head + "".join(m[1] for m in made) + "</feed>\n")

    def write_empty_sitemaps(self, lang: str) -> None:
        """An empty sitemap in each feed folder. Material's theme treats every `<link rel="alternate">` in a page's
        head as a language version and fetches `sitemap.xml` beside it; for the feed autodiscovery links that is a
        feed folder, and without this file every page would make a request that fails (404)."""
        for folder in ("", "providers/", "pledges/"):
            self.static.write(f"feeds/{lang}/{folder}sitemap.xml", EMPTY_SITEMAP)

    def write(self, lang: str) -> None:
        t = Translator(lang)
        self._entries = {}  # an entry's text is in one language
        self.write_empty_sitemaps(lang)
        self.write_feed(lang, "all", t("feed.all_title"), "", self.m.entries[:FEED_LIMIT])
        for pid, provider in self.m.providers.items():
            self.write_feed(lang, f"providers/{pid}", t("feed.provider_title", provider=provider.name),
                            f"providers/{pid}/", self.m.entries_of.get(pid, [])[:RECORD_FEED_LIMIT])
        of_pledge: dict[str, list[Entry]] = defaultdict(list)
        for entry in self.m.entries:
            owner = entry.pledge()
            if owner:
                of_pledge[owner].append(entry)
        for plid, record in self.m.pledges.items():
            if record.provider in self.m.providers:  # the pages a feed links to exist
                self.write_feed(lang, f"pledges/{plid}", t("feed.pledge_title", title=record.title),
                                f"pledges/{plid}/", of_pledge.get(plid, [])[:RECORD_FEED_LIMIT])
