"""The next watch record of a pledge, from its previous one and this run's verdict.

Written so that a run that learns nothing new writes nothing: the state keeps the day it began, a
published pledge only moves its ``last_seen`` day, and a snapshot is added only when the answer's
body differs from the latest one kept (at most ``MAX_SNAPSHOTS``, the oldest dropped first).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from .. import models as m
from ..pii import find_personal_data
from .classify import Page, Verdict
from .compare import Match
from .models import ProposedWording, Snapshot, Watch, WatchState, WordChange
from .normalise import normalise, sha256_text

MAX_SNAPSHOTS = 10
MAX_PASSAGE_CHARS = 4000
MAX_SHORT = 280


def scrub(text: str, limit: int = MAX_PASSAGE_CHARS) -> str:
    """Page text as record text: no personal data (`pledges check` refuses it), bounded in length."""
    for _, found in find_personal_data(text):
        text = text.replace(found, "[…]")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def pledge_sha(pledge: m.Pledge) -> str:
    return sha256_text(normalise(pledge.text))


def _proposal(match: Match, previous: ProposedWording | None, today: date) -> ProposedWording:
    text = scrub(match.passage) or "(no matching passage)"
    if previous is not None and previous.text == text:
        return previous
    changes = [
        WordChange(
            removed=scrub(c.removed, MAX_SHORT) or None,
            added=scrub(c.added, MAX_SHORT) or None,
            context=scrub(c.context, 1000),
        )
        for c in match.changes
    ] or [WordChange(removed=None, added=None, context="(the words are the same; only their order or punctuation differs)")]
    return ProposedWording(text=text, similarity=match.similarity, changes=changes, seen=today)


def _snapshots(previous: Watch | None, page: Page, verdict: Verdict, archive_url: str | None) -> list[Snapshot]:
    kept = list(previous.snapshots) if previous else []
    response = page.response
    if response is None or response.not_modified:
        return kept
    if kept and kept[-1].sha256 == response.sha256 and kept[-1].url == (response.final_url or response.url):
        return kept
    text = page.text.kept if page.text else ""
    passage = scrub(verdict.match.passage) if verdict.match and verdict.match.passage else None
    kept.append(Snapshot(
        url=response.final_url or response.url,
        retrieved=response.retrieved,
        status=response.status,
        sha256=response.sha256,
        text_sha256=sha256_text(text) if text else None,
        passage=passage,
        archive_url=archive_url,
    ))
    return kept[-MAX_SNAPSHOTS:]


def next_record(
    *, source: m.Source, pledge: m.Pledge, publisher: str, page: Page, verdict: Verdict,
    previous: Watch | None, today: date, archive_url: str | None = None,
) -> Watch | None:
    """The record to store (a first fetch that failed is stored as "could not be checked")."""
    digest = pledge_sha(pledge)
    if verdict.state is None and previous is None:
        # a first fetch that failed: "could not be checked" with the reason, never left out of the data and summary
        verdict = replace(verdict, state=WatchState.unreadable, detail=verdict.detail or "the fetch failed")
    if verdict.state is None and previous is not None:
        data = previous.model_dump()
        if page.response is not None and page.response.not_modified:
            # Asked only when the pledge's text is the one checked last time: the verdict still holds.
            data["error"] = None
            if previous.state is WatchState.published and previous.pledge_sha256 == digest:
                data["last_seen"] = today
        else:  # network error: the last state stays, the error is shown beside it
            data["error"] = scrub(verdict.detail or "the fetch failed", 1500)
        return Watch.model_validate(data)
    state = verdict.state
    same = previous is not None and previous.state is state and previous.pledge_sha256 == digest
    response = page.response
    provenance = m.Provenance(
        publisher=publisher,
        url=page.url,
        title=pledge.provenance.title,
        published=None,
        retrieved=response.retrieved if response is not None else today,
        licence=pledge.provenance.licence,
        sha256=response.sha256 if response is not None else None,
        collected_by="collector:pledge_watch",
        note="page checked for the pledge's wording by the pledge watcher (hashes and the matching passage kept, not the page)",
    )
    last_seen = today if state is WatchState.published else (previous.last_seen if previous else None)
    previous_proposal = previous.proposed if previous is not None and previous.pledge_sha256 == digest else None
    return Watch(
        id=pledge.id,
        source=source.id,
        url=page.url,
        state=state,
        since=previous.since if same and previous is not None else today,
        last_seen=last_seen,
        detail=scrub(verdict.detail, 1500) if verdict.detail else None,
        error=None,
        pledge_sha256=digest,
        proposed=_proposal(verdict.match, previous_proposal, today) if state is WatchState.changed and verdict.match else None,
        snapshots=_snapshots(previous, page, verdict, archive_url),
        provenance=provenance,
    )
