"""The parts records are made of: the model base, provenance, terms, identifiers, events.

``models`` assembles the record kinds from these; every name here stays importable from ``models``.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from pydantic import Strict as PydanticStrict

from .fields import (
    CollectedBy,
    Count,
    CurrencyCode,
    DateOrDateTime,
    Number,
    Period,
    RecordId,
    Sha256,
    ShortText,
    Text,
    Url,
)
from .vocab import (
    Comparator,
    CompensationBasis,
    Payment,
    PledgeMetric,
    Sector,
    TermUnit,
)


class Strict(BaseModel):
    """Base of every model: unknown fields are errors, values are validated on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, use_enum_values=False)




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


class UrlValidator(Strict):
    url: Url
    etag: ShortText | None = None
    last_modified: ShortText | None = None


