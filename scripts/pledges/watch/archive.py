"""Archived copies: the Internet Archive's newest copy of a page, asked through the shared HTTP helper.

Only when ``PLEDGES_ARCHIVE=1`` (the scheduled workflow sets it) and never under ``--endpoint``: offline
runs and tests skip it. The Wayback Machine's availability API is read-only and answers with the
closest stored copy; any failure (network, an odd answer) simply leaves the snapshot without one.
"""

from __future__ import annotations

import json
import os
from urllib.parse import quote

from ..collect.http import FetchError, HttpClient, Policy

API = "https://archive.org/wayback/available?url="
PREFIX = "https://web.archive.org/web/"
MAX_ANSWER_BYTES = 100_000


def enabled(rebased: bool) -> bool:
    return not rebased and os.environ.get("PLEDGES_ARCHIVE", "") == "1"


def archived_copy(http: HttpClient, url: str, policy: Policy) -> str | None:
    try:
        response = http.get(API + quote(url, safe=""), policy=policy, accept="application/json")
    except FetchError:
        return None
    if len(response.body) > MAX_ANSWER_BYTES:
        return None
    try:
        closest = json.loads(response.body.decode("utf-8"))["archived_snapshots"]["closest"]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None
    found = closest.get("url") if isinstance(closest, dict) and closest.get("available") else None
    if not isinstance(found, str):
        return None
    found = found.replace("http://web.archive.org/", "https://web.archive.org/", 1)
    return found if found.startswith(PREFIX) and len(found) < 2000 and " " not in found else None
