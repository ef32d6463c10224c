"""The record models: the single source of truth for the data in ``data/``.

Every record kind is a pydantic model with unknown fields forbidden. The JSON Schema
that editors use (``schema/``) and the contributors' field dictionary
(``docs/field-dictionary.md``) are generated from these classes by ``pledges schema``;
nothing here is written twice. Field descriptions are the dictionary's text.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from pydantic import Field, model_validator

# The scalar types and vocabularies live in their own modules; they stay importable from here
# (``m.Url``, ``m.StatMetric`` …) because every caller reads the data model through ``models``.
from .fields import (
    ID_PATTERN,
    PERIOD_PATTERN,
    PERIOD_RE,
    URL_PATTERN,
    CollectedBy,
    Count,
    CountryCode,
    CurrencyCode,
    DateOrDateTime,
    DateTime,
    LanguageCode,
    Number,
    Period,
    Pseudonym,
    RecordId,
    ReplyAccount,
    Sha256,
    ShortText,
    Text,
    Url,
)
from .parts import (
    Compensation,
    CustomerBase,
    Identifier,
    IdentifierScheme,
    MethodBreak,
    PledgeTerm,
    PledgeVersion,
    Provenance,
    ProviderEvent,
    ProviderEventKind,
    SourceName,
    Strict,
    UrlValidator,
    check_read_after_published,
)
from .vocab import (
    COLLECTORS,
    METRIC_UNITS,
    STAT_UNIT_SECONDS,
    Cadence,
    Channel,
    CollectorName,
    Comparator,
    CompensationBasis,
    Outcome,
    Payment,
    PledgeCategory,
    PledgeKind,
    PledgeMetric,
    Sector,
    StatMetric,
    StatUnit,
    TermUnit,
    unit_for,
)

# --------------------------------------------------------------------------- record kinds


class Provider(Strict):
    """A provider: one identity across regulators, legal entities and brands."""

    id: RecordId
    name: ShortText
    country: CountryCode
    sectors: list[Sector] = Field(min_length=1)
    website: Url | None = None
    group: ShortText | None = Field(None, description="Parent group, e.g. `BT Group plc`.")
    legal_entities: list[ShortText] = Field(default_factory=list)
    brands: list[ShortText] = Field(default_factory=list, description="Trading names the provider uses.")
    identifiers: list[Identifier] = Field(default_factory=list, description="Register numbers, e.g. the FCA FRN.")
    events: list[ProviderEvent] = Field(default_factory=list, description="Renames, takeovers and market exits, oldest first.")
    source_names: list[SourceName] = Field(
        default_factory=list, description="The exact name each source uses for this provider."
    )
    customer_base: list[CustomerBase] = Field(default_factory=list)
    reply_accounts: list[ReplyAccount] = Field(
        default_factory=list,
        description="The provider's own GitHub accounts (`github:<login>`) and web domains (`example.com`): a reply from one of them is shown as verified.",
    )
    note: Text | None = None
    provenance: Provenance


class Pledge(Strict):
    """A provider's published promise, verbatim, with structured terms where it is measurable."""

    id: RecordId
    provider: RecordId = Field(description="Id of the provider that made (or signed) the promise.")
    title: ShortText = Field(description="A short English name for the pledge.")
    title_nl: ShortText | None = Field(
        None, description="A short Dutch name for the pledge, shown on Dutch pages (without it they show `title`, marked as English)."
    )
    kind: PledgeKind
    category: PledgeCategory
    text: Text = Field(description="The promise verbatim, in its original language.")
    language: LanguageCode
    translation: Text | None = Field(None, description="English translation when `language` is not `en`.")
    channels: list[Channel] = Field(min_length=1)
    published: dt.date | None = Field(None, description="When the provider published or signed the promise.")
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    supersedes: RecordId | None = Field(None, description="Id of the pledge this one replaces.")
    scheme: ShortText | None = Field(None, description="Name of the shared scheme, for `kind: scheme`.")
    terms: list[PledgeTerm] = Field(
        default_factory=list, description="Measurable terms; leave empty for vague promises (that is a finding)."
    )
    previous_versions: list[PledgeVersion] = Field(
        default_factory=list, description="Earlier wordings, oldest first; new ones are appended at the end."
    )
    note: Text | None = None
    provenance: Provenance

    @model_validator(mode="after")
    def _dates_in_order(self) -> Pledge:
        if self.effective_from and self.effective_to and self.effective_to < self.effective_from:
            raise ValueError("`effective_to` is before `effective_from`")
        return self


class Release(Strict):
    """One published file or table: its provenance, stated once for every figure read from it."""

    id: RecordId
    source: RecordId = Field(description="Id of the source dataset in `data/sources/`.")
    title: ShortText = Field(description="Title of the file or table as the publisher names it.")
    publisher: ShortText = Field(description="Who published the figures, e.g. `Ofcom`.")
    url: Url = Field(description="The file or page the figures were read from.")
    covers: list[Period] = Field(default_factory=list, description="The periods it covers, oldest first.")
    published: dt.date | None = Field(None, description="When the publisher released it (YYYY-MM-DD), if known.")
    retrieved: dt.date | dt.datetime = Field(description="When it was read or fetched.")
    licence: ShortText = Field(description="Licence as stated by the publisher; `unknown (…)` if not confirmed.")
    sha256: Sha256 | None = Field(None, description="SHA-256 of the file read, where there is one.")
    collected_by: CollectedBy
    derived: bool = Field(False, description="`true` when this is not the publisher's own file but a copy re-laid by someone else.")
    checked_against: list[Text] = Field(
        default_factory=list,
        description="For a derived copy: the independent published figures it was checked against (or why none could be).",
    )
    note: Text | None = Field(None, description="How the figures were read, copies, caveats.")

    @model_validator(mode="after")
    def _provenance_complete(self) -> Release:
        check_read_after_published(self.published, self.retrieved)
        if self.derived and not self.checked_against:
            raise ValueError("`checked_against` is empty for a derived copy; list the independent figures it was checked against, or say why none could be")
        return self


class Point(Strict):
    """One figure of a series: a period and its value, read from a release."""

    period: Period
    segment: ShortText | None = Field(None, description="Service or product group as the publisher names it, e.g. `Fixed broadband`; leave out when the publisher gives one figure.")
    value: Number = Field(ge=0, description="The published figure; never negative.")
    release: RecordId = Field(description="Id of the release (in `data/releases/`) the figure was read from.")
    sample_size: Count | None = Field(None, ge=0, description="Cases behind the figure, where known.")
    industry_average: Number | None = Field(None, ge=0, description="The publisher's industry average for the same period.")
    series_version: ShortText | None = Field(None, description="Method version (see the source's method breaks).")
    note: Text | None = Field(None, description="Where in the release the figure is, if not obvious.")


class Series(Strict):
    """The published figures of one provider, source and metric, period by period.

    A publisher that splits a figure by service or product group (Ofcom's landline and broadband, the
    FCA's product groups) gives one point per period and segment: one file per provider and metric keeps
    a provider's figures together and the number of files small (a new half-year adds lines, not files)."""

    id: RecordId = Field(description="`<provider>--<source>--<metric>`; equals the file name.")
    provider: RecordId
    source: RecordId = Field(description="Id of the source dataset in `data/sources/`.")
    metric: StatMetric
    unit: StatUnit = Field(description="Must be the unit of the metric (see the metric table).")
    note: Text | None = None
    points: list[Point] = Field(
        min_length=1,
        description="One per period (and segment), oldest first; a new period adds lines at the end.",
    )

    FLOW_ITEMS: ClassVar[tuple[str, ...]] = ("points",)  # one line per point (yamlio.dump_record)

    @model_validator(mode="after")
    def _unit_matches_metric(self) -> Series:
        expected = METRIC_UNITS[self.metric]
        if self.unit != expected:
            raise ValueError(f"`unit` {self.unit.value} does not fit metric {self.metric.value}; use `{expected.value}`")
        return self


class Statistic(Strict):
    """One figure as scoring and the site see it: a series point joined with its series and release.

    Not a record kind: built by ``Dataset.statistics`` from ``data/series/`` and ``data/releases/``."""

    id: RecordId = Field(description="`<series id>[--<segment>]--<period>`: the figure's permalink anchor.")
    series: RecordId
    release: RecordId
    provider: RecordId
    source: RecordId
    metric: StatMetric
    segment: ShortText | None = None
    period: Period
    value: Number = Field(ge=0)
    unit: StatUnit
    sample_size: Count | None = None
    industry_average: Number | None = None
    series_version: ShortText | None = None
    note: Text | None = Field(None, description="The point's note: where in the release the figure is.")
    provenance: Provenance


class Source(Strict):
    """A publisher's dataset, and how a collector fetches it."""

    id: RecordId
    name: ShortText
    publisher: ShortText
    url: Url
    licence: ShortText
    cadence: Cadence
    expected_update_days: Count = Field(gt=0, description="Days after which the source counts as stale.")
    collector: CollectorName | None = Field(None, description="Collector module that fetches it, e.g. `cfpb`.")
    params: dict[str, Any] = Field(default_factory=dict, description="Collector parameters.")
    method_breaks: list[MethodBreak] = Field(default_factory=list)
    note: Text | None = None


class Report(Strict):
    """A contributor's account of one service contact (about a pledge, or the provider alone). No personal data."""

    id: RecordId
    provider: RecordId | None = Field(None, description="The provider contacted; required without `pledge`.")
    pledge: RecordId | None = Field(None, description="The pledge the contact was about, if any.")
    date: dt.date = Field(description="When the customer first contacted the provider about it.")
    reported: dt.date = Field(description="When the report was sent.")
    channel: Channel
    outcome: Outcome
    resolved: dt.date | None = Field(None, description="When it was resolved; leave out while it is not resolved.")
    days_to_resolution: Number | None = Field(None, ge=0)
    compensation_amount: Number | None = Field(None, ge=0)
    compensation_currency: CurrencyCode | None = None
    summary: Text = Field(description="What happened, without names, e-mail addresses, phone or account numbers.")
    evidence_url: Url | None = None
    evidence: list[Url] = Field(default_factory=list, description="Public links that show what happened.")
    contributor: CollectedBy | None = Field(None, description="For reports added by hand; form reports carry `reporter`.")
    reporter: Pseudonym | None = None
    issue: Count | None = Field(None, gt=0, description="The issue the report was filed in.")

    @model_validator(mode="after")
    def _reported_after_event(self) -> Report:
        if self.reported < self.date:
            raise ValueError("`reported` is before `date`")
        if self.resolved and self.resolved < self.date:
            raise ValueError("`resolved` is before `date` (first contact)")
        if self.resolved and self.reported < self.resolved:
            raise ValueError("`resolved` is after `reported`; a report cannot know a later resolution")
        if not (self.provider or self.pledge):
            raise ValueError("a report must name the `provider` (or the `pledge`) it is about")
        if not (self.reporter or self.contributor):
            raise ValueError("a report must name its `contributor` (or, from an issue form, its `reporter`)")
        return self

    @property
    def who(self) -> str:
        """The one identity that counts a distinct reporter."""
        return self.reporter or self.contributor or ""


class Response(Strict):
    """A provider's dated right of reply, attached to a pledge, a statistic, a report or a verdict."""

    id: RecordId
    provider: RecordId
    date: dt.date
    pledge: RecordId | None = None
    statistic: ShortText | None = Field(None, description="The figure answered: `<series id>--<period>` (its permalink anchor).")
    report: RecordId | None = Field(None, description="The report answered (an id in `data/reports/`).")
    period: Period | None = Field(None, description="With `pledge`: the verdict period replied to.")
    text: Text
    reply_from: ReplyAccount | None = Field(
        None, description="The account (`github:<login>`) or domain the reply came from; verified only when the provider lists it in `reply_accounts`.",
    )
    issue: Count | None = Field(None, gt=0, description="The issue the reply was filed in.")
    provenance: Provenance

    @model_validator(mode="after")
    def _attached(self) -> Response:
        if not (self.pledge or self.statistic or self.report):
            raise ValueError("a response must name the `pledge`, `statistic` or `report` it answers")
        return self


class Correction(Strict):
    """A dated correction of published data, shown in the changelog."""

    id: RecordId
    date: dt.date
    records: list[RecordId] = Field(min_length=1)
    text: Text
    source_url: Url | None = Field(None, description="The source that shows the correct value.")
    reporter: Pseudonym | None = None
    issue: Count | None = Field(None, gt=0, description="The issue the correction was filed in.")


class SourceStatus(Strict):
    """Written by collectors: the health of one source, shown on the sources page."""

    id: RecordId = Field(description="The source id.")
    last_success: DateTime | None = None
    last_attempt: DateTime | None = None
    last_error: Text | None = None
    consecutive_failures: Count = Field(0, ge=0)
    validators: list[UrlValidator] = Field(default_factory=list, description="ETag / Last-Modified per URL.")


# Folder under data/ → model. The folder decides the kind of every file in it.
KINDS: dict[str, type[Strict]] = {
    "providers": Provider,
    "sources": Source,
    "pledges": Pledge,
    "releases": Release,
    "series": Series,
    "reports": Report,
    "responses": Response,
    "corrections": Correction,
    "status": SourceStatus,
}

KIND_OF_MODEL: dict[type[Strict], str] = {model: kind for kind, model in KINDS.items()}

__all__ = [
    "COLLECTORS", "CollectorName",
    "Cadence", "Channel", "check_read_after_published", "CollectedBy", "Comparator", "Compensation",
    "CompensationBasis", "Correction", "Count", "CountryCode", "CurrencyCode", "CustomerBase", "DateOrDateTime",
    "DateTime", "ID_PATTERN", "Identifier", "IdentifierScheme", "KIND_OF_MODEL", "KINDS", "LanguageCode",
    "MethodBreak", "METRIC_UNITS", "Number", "Outcome", "Payment", "Period", "PERIOD_PATTERN", "PERIOD_RE",
    "Pledge", "PledgeCategory", "PledgeKind", "PledgeMetric", "PledgeTerm", "PledgeVersion", "Point", "Provenance",
    "Provider", "ProviderEvent", "ProviderEventKind", "RecordId", "Release", "Report", "Response", "Sector",
    "Series", "Sha256", "ShortText", "Source", "SourceName", "SourceStatus", "STAT_UNIT_SECONDS", "Statistic", "StatMetric",
    "StatUnit",
    "Strict", "TermUnit", "Text", "unit_for", "Url", "URL_PATTERN", "UrlValidator",
]


# The pledge watcher's records (data/watch/) live in their own module; registered here.
from .watch.models import Watch as _Watch  # noqa: E402

KINDS["watch"] = _Watch
KIND_OF_MODEL[_Watch] = "watch"
