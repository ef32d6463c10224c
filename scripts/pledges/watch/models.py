"""The watch records: ``data/watch/<pledge id>.yaml``, one per watched pledge, written by the
``pledge_watch`` collector. Registered as the kind ``watch`` in ``pledges.models.KINDS``.

A record holds the pledge's current watch state, the date it began, the last day the wording was
seen, the proposed new wording (with its word diff) while one waits for review, and the snapshots of
the fetches that differed — hashes of the body and of the extracted text, the matching passage and an
optional archived copy — never whole pages.
"""

from __future__ import annotations

import datetime as dt
import enum

from pydantic import Field

from ..models import (
    DateTime,
    Provenance,
    RecordId,
    Sha256,
    ShortText,
    Strict,
    Text,
    Url,
)


class WatchState(enum.StrEnum):
    published = "published"  # the wording is on the page: "still published, last seen on DATE"
    changed = "changed"  # a different wording is on the page: "wording changed — under review"
    gone = "gone"  # 404, 410, a redirect to a generic page, or a page without it: "no longer published since DATE"
    unreadable = "unreadable"  # JavaScript-only, not HTML, blocked, robots.txt, too large: "could not be checked"


class WordChange(Strict):
    removed: ShortText | None = Field(None, description="The pledge's words the page no longer has.")
    added: ShortText | None = Field(None, description="The page's words in their place.")
    context: Text = Field(description="The change in its sentence: `[-old-]` removed, `{+new+}` added.")


class ProposedWording(Strict):
    """A new wording found on the page; the pledge's grade is pending until a maintainer accepts it
    (copies ``text`` into the pledge, the old wording into its ``previous_versions``) or rejects it."""

    text: Text = Field(description="The page's passage that best matches the pledge, as published.")
    similarity: float = Field(ge=0, le=1, description="Word-level similarity to the recorded text (1 = same).")
    changes: list[WordChange] = Field(min_length=1)
    seen: dt.date = Field(description="First day this wording was seen.")


class Snapshot(Strict):
    """One fetch whose answer differed from the one before."""

    url: Url = Field(description="Where the answer came from (after redirects).")
    retrieved: DateTime
    status: int = Field(ge=100, le=599, description="The HTTP status of the answer.")
    sha256: Sha256 = Field(description="SHA-256 of the response body.")
    text_sha256: Sha256 | None = Field(None, description="SHA-256 of the extracted, normalised main text.")
    passage: Text | None = Field(None, description="The page's passage that matched the pledge best.")
    archive_url: Url | None = Field(None, description="A public archived copy (Internet Archive), when one was found.")


class Watch(Strict):
    """The watch state of one pledge's page."""

    id: RecordId = Field(description="The pledge id.")
    source: RecordId = Field(description="The source whose collector watches it.")
    url: Url = Field(description="The page checked (the pledge's provenance URL, or its mirror under --endpoint).")
    state: WatchState
    since: dt.date = Field(description="First day the current state was seen.")
    last_seen: dt.date | None = Field(None, description="Last day the recorded wording was found on the page.")
    detail: Text | None = Field(None, description="Why the page is gone or could not be checked.")
    error: Text | None = Field(None, description="The last fetch failed (network): the state above is the last known one.")
    pledge_sha256: Sha256 = Field(description="SHA-256 of the normalised pledge text that was checked.")
    proposed: ProposedWording | None = None
    snapshots: list[Snapshot] = Field(default_factory=list, description="The latest differing fetches, oldest first.")
    provenance: Provenance
