"""The one check of a web address: absolute http(s), parseable (brackets, port) and naming a host.

The record models (``fields.Url``), the source-parameter check, the HTTP client and the collect runner each say
what is wrong in their own words, from the same ``UrlProblem``.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

SCHEMES = ("http", "https")
_ABSOLUTE = re.compile(r"^https?://", re.IGNORECASE)


class UrlFault(enum.Enum):
    malformed = "malformed"  # urlsplit refuses it (unbalanced brackets, a port that is not a number …)
    not_http = "not-http"
    no_host = "no-host"


@dataclass(frozen=True)
class UrlProblem:
    fault: UrlFault
    detail: str  # in plain words, for a message

    def __str__(self) -> str:
        return self.detail


def url_problem(url: str) -> UrlProblem | None:
    """What is wrong with an address, or None when it is a usable absolute http(s) URL."""
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError on a bad port
    except ValueError as exc:
        detail = str(exc).replace("Invalid IPv6 URL", "unbalanced [ ] brackets (an IPv6 address?)")
        return UrlProblem(UrlFault.malformed, detail)
    if parts.scheme not in SCHEMES:
        return UrlProblem(UrlFault.not_http, "it does not start with http:// or https://")
    if not parts.hostname:
        return UrlProblem(UrlFault.no_host, "it names no host")
    return None


def is_absolute_http(text: str) -> bool:
    """Whether a value written in params is a full address (rather than a path under the base URL)."""
    return bool(_ABSOLUTE.match(text))
