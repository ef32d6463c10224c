"""Scalar field types shared by the record models: ids, URLs, texts, dates, periods, codes, numbers.

Each type carries its validation and its field-dictionary description; ``models`` builds the records from them.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints
from pydantic import Strict as PydanticStrict

from .urls import UrlFault, url_problem

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
    """The pattern lets `http://[bad` through; the one URL check (``urls``) decides."""
    problem = url_problem(value)
    if problem is not None and problem.fault is UrlFault.no_host:
        raise ValueError("`url` has no host name; write the full https:// address")
    if problem is not None:
        raise ValueError("`url` is not a valid web address; write the full https:// address")
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
            value.astimezone(dt.UTC)
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
PERIOD_RE = re.compile(PERIOD_PATTERN)

# A provider's own account or domain; a reply is "verified" only when its `reply_from` is one of these.
ReplyAccount = Annotated[
    str,
    StringConstraints(pattern=r"^(?:github:[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})|(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63})$"),
    Field(description="`github:<login>` or a domain such as `bt.com`."),
]
# The stable pseudonym of a contributor's account (a keyed hash, see pledges.intake.pseudonym): never the login.
Pseudonym = Annotated[
    str,
    StringConstraints(pattern=r"^r-[0-9a-f]{12}$"),
    Field(description="`r-` and 12 hex digits: a keyed hash of the contributor's account, never the account name."),
]
