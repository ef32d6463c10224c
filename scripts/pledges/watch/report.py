"""The watcher's part of the run's Markdown summary (``--summary``, the job summary, the PR body):
each state with its pledges, each proposed wording with its word diff."""

from __future__ import annotations

from collections import defaultdict

from .. import models as m
from ..dataset import Dataset
from .models import Watch, WatchState

HEADINGS = {
    WatchState.changed: "Wording changed — under review (grade pending until a maintainer accepts)",
    WatchState.gone: "No longer published",
    WatchState.unreadable: "Could not be checked",
    WatchState.published: "Still published",
}
MAX_PASSAGE = 600  # characters of a proposed wording quoted in the summary (the whole is in data/watch/)
SHOW_PUBLISHED = 400  # beyond this the still-published list is only counted


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")


def _line(record: Watch) -> str:
    if record.state is WatchState.published:
        return f"- `{record.id}` — last seen {record.last_seen}"
    detail = f": {_cell(record.detail)}" if record.detail else ""
    return f"- `{record.id}` — since {record.since}{detail} ({record.url})"


def _changes(record: Watch) -> list[str]:
    if record.proposed is None:
        return [_line(record)]
    lines = [f"- `{record.id}` — since {record.since}, similarity {record.proposed.similarity:.0%} ({record.url})"]
    for change in record.proposed.changes:
        removed = f"removed **{_cell(change.removed)}**" if change.removed else ""
        added = f"added **{_cell(change.added)}**" if change.added else ""
        what = ", ".join(x for x in (removed, added) if x)
        lines.append(f"  - {what}: `{change.context.replace('`', chr(39))}`" if what else f"  - {_cell(change.context)}")
    passage = record.proposed.text
    shown = passage if len(passage) <= MAX_PASSAGE else passage[: MAX_PASSAGE - 1] + "…"
    lines.append(f"  - now on the page: {_cell(shown)}")
    return lines


def _state_section(state: WatchState, records: list[Watch]) -> list[str]:
    if not records:
        return []
    lines = [f"#### {HEADINGS[state]} ({len(records)})", ""]
    if state is WatchState.published:
        if len(records) > SHOW_PUBLISHED:
            return lines + [f"({len(records)} pledges; the list is in data/watch/)", ""]
        lines += ["<details><summary>every still-published pledge</summary>", ""]
        return lines + [_line(record) for record in records] + ["", "</details>", ""]
    for record in records:
        lines += _changes(record) if state is WatchState.changed else [_line(record)]
    return lines + [""]


def summary_section(dataset: Dataset, sources: list[m.Source]) -> str:
    """'' when no source of the run is the watcher; else the states of the pledges it watches."""
    ids = {s.id for s in sources if s.collector == "pledge_watch"}
    if not ids:
        return ""
    by_state: dict[WatchState, list[Watch]] = defaultdict(list)
    errors: list[Watch] = []
    for _, record in sorted(dataset.records("watch").items()):
        if record.source in ids:
            by_state[record.state].append(record)
            if record.error:
                errors.append(record)
    counts = ", ".join(f"{len(by_state[s])} {s.value}" for s in HEADINGS)
    lines = ["### Pledge pages watched", "", f"{sum(map(len, by_state.values()))} pledge(s): {counts}.", ""]
    for state in HEADINGS:
        lines += _state_section(state, by_state[state])
    if errors:
        lines += [f"#### Last fetch failed, last state kept ({len(errors)})", ""]
        lines += [f"- `{r.id}` — {_cell(r.error or '')}" for r in errors] + [""]
    return "\n".join(lines)
