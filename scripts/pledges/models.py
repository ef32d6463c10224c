"""The record models: the single source of truth for the data in ``data/``.

Every record kind is a pydantic model with unknown fields forbidden. The JSON Schema
that editors use (``schema/``) and the contributors' field dictionary
(``docs/field-dictionary.md``) are generated from these classes by ``pledges schema``;
nothing here is written twice. Field descriptions are the dictionary's text.
"""

from __future__ import annotations

import enum
import re
from urllib.parse import urlsplit
import datetime as dt
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from pydantic import AfterValidator
from pydantic import Strict as PydanticStrict

# --------------------------------------------------------------------------- scalar types

ID_PATTERN = r"^[a-z0-9]+(?:--?[a-z0-9]+)*$"
URL_PATTERN = r"^https?://[^\s/$.?#][^\s]*$"
# The year is four digits and not 0000 (there is no year 0; dates start at 0001).
PERIOD_PATTERN = r"^(?:[1-9]\d{3}|0[1-9]\d{2}|00[1-9]\d|000[1-9])(?:-(?:Q[1-4]|H[12]|0[1-9]|1[0-2]))?$"

RecordId = Annotated[
    str,
    StringConstraints(pattern=ID_PATTERN, max_length=200),  # series ids join provider, source, metric and segment
    Field(description="Lower-case letters and digits joined by hyphens (`--` separates parts); equals the file name without `.yaml`."),
]
def _parseable_url(value: str) -> str:
    """The pattern lets `http://[bad` through; urlsplit and the host decide."""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise ValueError("`url` is not a valid web address; write the full https:// address") from None
    if not parts.hostname:
        raise ValueError("`url` has no host name; write the full https:// address")
    return value


Url = Annotated[
    str,
    StringConstraints(pattern=URL_PATTERN, max_length=2000),
    AfterValidator(_parseable_url),
    Field(description="An absolute http:// or https:// address."),
]
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
Text = Annotated[str, StringConstraints(min_length=1, max_length=20000)]


def _one_line(value: str) -> str:
    # Names and titles become headings, table cells and feed titles, where a line break splits them.
    # (Control and bidirectional characters are refused in every string by `pledges check`.)
    if "\n" in value:
        raise ValueError("a short text field must be one line; write it without line breaks (longer text belongs in a note)")
    return value


ShortText = Annotated[str, StringConstraints(min_length=1, max_length=300), AfterValidator(_one_line)]


def _utc_representable(value: dt.date) -> dt.date:
    # 9999-12-31T23:59:59-23:59 is year 10000 in UTC and 0001-01-01T00:00:00+14:00 is year 0:
    # comparing, sorting or converting such a time fails, so it is refused here rather than later.
    if isinstance(value, dt.datetime) and value.utcoffset():
        try:
            value.astimezone(dt.timezone.utc)
        except OverflowError:
            raise ValueError(f"date-time {value.isoformat()} falls outside the years 1–9999 in UTC; "
                             "write the real date-time, preferably in UTC with a Z") from None
    return value


DateTime = Annotated[dt.datetime, AfterValidator(_utc_representable)]
DateOrDateTime = Annotated[dt.date | dt.datetime, AfterValidator(_utc_representable)]
Period = Annotated[
    str,
    StringConstraints(pattern=PERIOD_PATTERN),
    Field(description="`YYYY`, `YYYY-H1`/`YYYY-H2`, `YYYY-Q1`…`YYYY-Q4` or `YYYY-MM`."),
]
CountryCode = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z]{2}$"),
    Field(description="ISO 3166-1 alpha-2 country code, e.g. `GB`, `NL`, `US`."),
]
LanguageCode = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z]{2}$"),
    Field(description="ISO 639-1 language code, e.g. `en`, `nl`."),
]
CurrencyCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$"), Field(description="ISO 4217, e.g. `GBP`.")]
CollectedBy = Annotated[
    str,
    StringConstraints(pattern=r"^(collector|contributor):[A-Za-z0-9_.-]+$"),
    Field(description="`collector:<module>` for collected files, `contributor:<github-handle>` for hand-entered ones."),
]


# Numbers are strict: YAML `yes`, quoted '11', .nan and .inf are refused rather than coerced.
Number = Annotated[float, PydanticStrict(), Field(allow_inf_nan=False)]
Count = Annotated[int, PydanticStrict()]


class Strict(BaseModel):
    """Base of every model: unknown fields are errors, values are validated on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, use_enum_values=False)


# --------------------------------------------------------------------------- vocabularies


class Sector(str, enum.Enum):
    telecoms = "telecoms"
    energy = "energy"
    banking = "banking"
    consumer_credit = "consumer-credit"
    insurance = "insurance"
    investments = "investments"
    pensions = "pensions"
    water = "water"
    post = "post"
    transport = "transport"


class Channel(str, enum.Enum):
    phone = "phone"
    web = "web"
    email = "email"
    social = "social"
    shop = "shop"
    mail = "mail"
    app = "app"
    any = "any"


class PledgeKind(str, enum.Enum):
    """What kind of statement a pledge record holds; vague ones are recorded too."""

    guarantee = "guarantee"  # a provider's own promise with terms
    scheme = "scheme"  # a voluntary industry scheme the provider signed
    slogan = "slogan"  # a marketing line presented as a promise
    announcement = "announcement"  # a dated statement of intent
    proposal = "proposal"  # a promise others asked the provider to make; not made by it
    rule = "rule"  # a published rule (law, regulator's rule) that binds the provider; quoted verbatim


class PledgeCategory(str, enum.Enum):
    repair = "repair"
    installation = "installation"
    appointment = "appointment"
    switching = "switching"
    complaint_handling = "complaint-handling"
    contact_response = "contact-response"
    billing = "billing"
    network = "network"
    general_service = "general-service"


class PledgeMetric(str, enum.Enum):
    """The service event a measurable pledge term is about."""

    repair_time = "repair-time"
    installation_delay = "installation-delay"
    missed_appointment = "missed-appointment"
    switch_time = "switch-time"
    complaint_resolution_time = "complaint-resolution-time"
    complaint_response_time = "complaint-response-time"
    email_reply_time = "email-reply-time"
    call_answer_time = "call-answer-time"
    bill_accuracy = "bill-accuracy"
    network_capacity = "network-capacity"
    # Dutch statutory norms and published targets (issue 9): a share or a yearly level, tested per year
    next_day_delivery = "next-day-delivery"  # share of letters delivered the next delivery day (postal norm)
    punctuality = "punctuality"  # share of passengers arriving on time (rail concession floors)
    power_outage_time = "power-outage-time"  # average yearly minutes without electricity per customer
    gas_outage_time = "gas-outage-time"  # average yearly time without gas per customer
    journey_delay = "journey-delay"  # a delayed journey that entitles the traveller to a refund


class Comparator(str, enum.Enum):
    at_most = "<="
    less_than = "<"
    at_least = ">="
    more_than = ">"


class TermUnit(str, enum.Enum):
    working_days = "working-days"
    calendar_days = "calendar-days"
    hours = "hours"
    minutes = "minutes"
    seconds = "seconds"
    percent = "percent"


class CompensationBasis(str, enum.Enum):
    per_day = "per-day"
    per_event = "per-event"
    monthly_bill = "monthly-bill"


class Payment(str, enum.Enum):
    automatic = "automatic"
    on_request = "on-request"


class StatMetric(str, enum.Enum):
    """Controlled vocabulary of published figures; the unit is fixed per metric (METRIC_UNITS)."""

    complaints_count = "complaints-count"
    complaints_per_100k = "complaints-per-100k"
    complaints_per_10k = "complaints-per-10k"
    complaints_per_1k_accounts = "complaints-per-1k-accounts"  # FCA Context sheets: per 1,000 accounts or policies
    complaints_closed_count = "complaints-closed-count"
    timely_response_pct = "timely-response-pct"
    closed_with_monetary_relief_pct = "closed-with-monetary-relief-pct"
    closed_with_non_monetary_relief_pct = "closed-with-non-monetary-relief-pct"
    closed_with_explanation_pct = "closed-with-explanation-pct"
    in_progress_pct = "in-progress-pct"
    closed_within_3_days_pct = "closed-within-3-days-pct"
    closed_within_8_weeks_pct = "closed-within-8-weeks-pct"
    upheld_by_firm_pct = "upheld-by-firm-pct"
    ombudsman_new_cases = "ombudsman-new-cases"
    ombudsman_upheld_pct = "ombudsman-upheld-pct"
    call_wait_seconds = "call-wait-seconds"
    email_reply_2_working_days_pct = "email-reply-2-working-days-pct"
    switches_completed_in_time_pct = "switches-completed-in-time-pct"
    star_rating = "star-rating"
    # Ofgem / energy suppliers' own quarterly statistics: complaints resolved within eight weeks of receipt
    complaints_resolved_within_8_weeks_pct = "complaints-resolved-within-8-weeks-pct"
    # Dutch figures (issue 9): postal norm, rail punctuality, grid outage time, mystery-call waiting times
    next_day_delivery_pct = "next-day-delivery-pct"
    punctuality_5_min_pct = "punctuality-5-min-pct"
    electricity_outage_minutes = "electricity-outage-minutes"
    gas_outage_seconds = "gas-outage-seconds"
    call_wait_minutes = "call-wait-minutes"  # published in minutes; kept apart from the scored call-wait-seconds
    call_wait_longest_minutes = "call-wait-longest-minutes"


class StatUnit(str, enum.Enum):
    count = "count"
    per_100k_customers = "per-100k-customers"
    per_10k_customers = "per-10k-customers"
    per_1k_accounts = "per-1k-accounts"
    percent = "percent"
    seconds = "seconds"
    minutes = "minutes"
    stars = "stars"


METRIC_UNITS: dict[StatMetric, StatUnit] = {
    StatMetric.complaints_count: StatUnit.count,
    StatMetric.complaints_per_100k: StatUnit.per_100k_customers,
    StatMetric.complaints_per_10k: StatUnit.per_10k_customers,
    StatMetric.complaints_per_1k_accounts: StatUnit.per_1k_accounts,
    StatMetric.complaints_closed_count: StatUnit.count,
    StatMetric.timely_response_pct: StatUnit.percent,
    StatMetric.closed_with_monetary_relief_pct: StatUnit.percent,
    StatMetric.closed_with_non_monetary_relief_pct: StatUnit.percent,
    StatMetric.closed_with_explanation_pct: StatUnit.percent,
    StatMetric.in_progress_pct: StatUnit.percent,
    StatMetric.closed_within_3_days_pct: StatUnit.percent,
    StatMetric.closed_within_8_weeks_pct: StatUnit.percent,
    StatMetric.upheld_by_firm_pct: StatUnit.percent,
    StatMetric.ombudsman_new_cases: StatUnit.count,
    StatMetric.ombudsman_upheld_pct: StatUnit.percent,
    StatMetric.call_wait_seconds: StatUnit.seconds,
    StatMetric.email_reply_2_working_days_pct: StatUnit.percent,
    StatMetric.switches_completed_in_time_pct: StatUnit.percent,
    StatMetric.star_rating: StatUnit.stars,
    StatMetric.complaints_resolved_within_8_weeks_pct: StatUnit.percent,
    StatMetric.next_day_delivery_pct: StatUnit.percent,
    StatMetric.punctuality_5_min_pct: StatUnit.percent,
    StatMetric.electricity_outage_minutes: StatUnit.minutes,
    StatMetric.gas_outage_seconds: StatUnit.seconds,
    StatMetric.call_wait_minutes: StatUnit.minutes,
    StatMetric.call_wait_longest_minutes: StatUnit.minutes,
}

#: Seconds per unit of a statistic published as a duration: a term's threshold is compared in the figure's own unit.
STAT_UNIT_SECONDS: dict[StatUnit, float] = {StatUnit.seconds: 1.0, StatUnit.minutes: 60.0}


class Cadence(str, enum.Enum):
    daily = "daily"
    monthly = "monthly"
    quarterly = "quarterly"
    half_yearly = "half-yearly"
    yearly = "yearly"
    irregular = "irregular"


class Outcome(str, enum.Enum):
    kept = "kept"
    partly_kept = "partly-kept"
    broken = "broken"


# --------------------------------------------------------------------------- shared parts


def check_read_after_published(published: dt.date | None, retrieved: dt.date | dt.datetime) -> None:
    """The rule every provenance follows (a figure's, a release's): nothing is read before it exists."""
    day = retrieved.date() if isinstance(retrieved, dt.datetime) else retrieved
    if published and day < published:
        raise ValueError("`retrieved` is before `published`; a source cannot be read before it exists")


class Provenance(Strict):
    """Where a fact comes from. Every record that states a fact carries one."""

    publisher: ShortText = Field(description="Who published the figure or text, e.g. `Ofcom`.")
    url: Url = Field(description="The page or file the fact was taken from.")
    title: ShortText | None = Field(None, description="Title of the publication.")
    published: dt.date | None = Field(None, description="When the publisher released it (YYYY-MM-DD).")
    retrieved: DateOrDateTime = Field(description="When it was read or fetched (date, or ISO date-time for collected files).")
    licence: ShortText = Field(description="Licence as stated by the publisher, e.g. `CC0-1.0`, `OGL-UK-3.0`; `unknown` if not stated.")
    sha256: Sha256 | None = Field(None, description="SHA-256 of the collected file or response body (collectors fill this in).")
    collected_by: CollectedBy
    note: Text | None = Field(None, description="How the figure was derived or read, if not obvious.")

    @model_validator(mode="after")
    def _published_before_retrieved(self) -> Provenance:
        check_read_after_published(self.published, self.retrieved)
        return self


class SourceName(Strict):
    source: RecordId = Field(description="Id of a record in `data/sources/`.")
    name: ShortText = Field(description="The exact string that source uses for this provider.")


class CustomerBase(Strict):
    count: Count = Field(gt=0, description="Number of customers (or accounts) used to normalise counts.")
    unit: ShortText = Field("customers", description="What is counted: `customers`, `accounts`, `connections`…")
    as_of: dt.date
    sector: Sector | None = None
    provenance: Provenance


class Compensation(Strict):
    amount: Number | None = Field(None, ge=0, description="Amount paid; leave out when it is the monthly bill.")
    currency: CurrencyCode | None = None
    basis: CompensationBasis
    payment: Payment = Field(description="`automatic` (no claim needed) beats `on-request`.")
    paid_within_days: Count | None = Field(None, ge=0, description="Days within which the payment is made.")
    note: Text | None = None


class PledgeTerm(Strict):
    """One measurable part of a pledge: the event, the deadline and what is paid if it is missed."""

    event: ShortText = Field(description="The named service event, e.g. `fault repair not completed`.")
    metric: PledgeMetric
    comparator: Comparator = Field(description="How the measured value must compare with `threshold`.")
    threshold: Number = Field(ge=0)
    unit: TermUnit
    target_share_pct: Number | None = Field(
        None, ge=0, le=100, description="Share of cases that must meet the threshold, e.g. 98 (per cent)."
    )
    compensation: Compensation | None = None
    exclusions: list[Text] = Field(default_factory=list)
    segment: ShortText | None = Field(
        None, description="The publisher's segment (service, line, product group) whose figures test this term, e.g. "
        "`HSL`; leave out to test every segment."
    )


class PledgeVersion(Strict):
    """An earlier wording of a pledge, kept when the text changes."""

    text: Text
    valid_from: dt.date | None = None
    valid_to: dt.date | None = Field(None, description="Last day this wording was seen; leave out when unknown.")
    provenance: Provenance


class MethodBreak(Strict):
    """A change in how a source measures, after which values should not be compared with earlier ones."""

    period: Period = Field(description="First period measured the new way.")
    series_version: ShortText = Field(description="Name of the series from this period on, used on statistics.")
    description: Text
    url: Url | None = None


class IdentifierScheme(str, enum.Enum):
    fca_frn = "fca-frn"  # FCA Financial Services Register firm reference number
    uk_company = "uk-company"  # Companies House company number
    nl_kvk = "nl-kvk"  # Dutch Chamber of Commerce number


class Identifier(Strict):
    """A register's stable number for the provider: collectors match on it before names."""

    scheme: IdentifierScheme
    value: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9]{1,20}$")] = Field(description="The number as the register writes it.")


class ProviderEventKind(str, enum.Enum):
    renamed = "renamed"  # the same entity under a new name; `name` is the former name
    acquired = "acquired"  # customers or the entity taken over by `successor`
    merged = "merged"  # merged into `successor`
    exited = "exited"  # left the market (e.g. a supplier of last resort process)


class ProviderEvent(Strict):
    """A dated rename, takeover, merger or market exit."""

    kind: ProviderEventKind
    date: dt.date | None = Field(None, description="When it took effect; leave out when only the year is known and say so in `note`.")
    year: Annotated[int, PydanticStrict(), Field(ge=1800, le=2100)] | None = Field(None, description="The year, when the exact date is not known.")
    name: ShortText | None = Field(None, description="For `renamed`: the former name.")
    successor: RecordId | None = Field(None, description="For `acquired` / `merged`: the provider that took over.")
    note: Text | None = None
    url: Url | None = Field(None, description="Where the event is documented.")


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
    note: Text | None = None
    provenance: Provenance


class Pledge(Strict):
    """A provider's published promise, verbatim, with structured terms where it is measurable."""

    id: RecordId
    provider: RecordId = Field(description="Id of the provider that made (or signed) the promise.")
    title: ShortText = Field(description="A short English name for the pledge.")
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
    collector: ShortText | None = Field(None, description="Collector module that fetches it, e.g. `cfpb`.")
    params: dict[str, Any] = Field(default_factory=dict, description="Collector parameters.")
    method_breaks: list[MethodBreak] = Field(default_factory=list)
    note: Text | None = None


class Report(Strict):
    """A contributor's sourced account of one pledge kept or broken. No personal data."""

    id: RecordId
    pledge: RecordId
    date: dt.date = Field(description="When the service event happened.")
    reported: dt.date = Field(description="When the report was sent.")
    channel: Channel
    outcome: Outcome
    days_to_resolution: Number | None = Field(None, ge=0)
    compensation_amount: Number | None = Field(None, ge=0)
    compensation_currency: CurrencyCode | None = None
    summary: Text = Field(description="What happened, without names, e-mail addresses, phone or account numbers.")
    evidence_url: Url | None = None
    contributor: CollectedBy

    @model_validator(mode="after")
    def _reported_after_event(self) -> Report:
        if self.reported < self.date:
            raise ValueError("`reported` is before `date`")
        return self


class Response(Strict):
    """A provider's dated right of reply, attached to a pledge, a statistic or a verdict."""

    id: RecordId
    provider: RecordId
    date: dt.date
    pledge: RecordId | None = None
    statistic: ShortText | None = Field(None, description="The figure answered: `<series id>--<period>` (its permalink anchor).")
    period: Period | None = Field(None, description="With `pledge`: the verdict period replied to.")
    text: Text
    provenance: Provenance

    @model_validator(mode="after")
    def _attached(self) -> Response:
        if not (self.pledge or self.statistic):
            raise ValueError("a response must name the `pledge` or `statistic` it answers")
        return self


class Correction(Strict):
    """A dated correction of published data, shown in the changelog."""

    id: RecordId
    date: dt.date
    records: list[RecordId] = Field(min_length=1)
    text: Text


class UrlValidator(Strict):
    url: Url
    etag: ShortText | None = None
    last_modified: ShortText | None = None


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


def unit_for(metric: StatMetric) -> StatUnit:
    return METRIC_UNITS[metric]


PERIOD_RE = re.compile(PERIOD_PATTERN)
