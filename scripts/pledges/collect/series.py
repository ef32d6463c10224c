"""Collected figures → release and series records (the storage model of `data/`).

Collectors build one typed figure (``m.Statistic``) per value they read, each with the provenance of
the response it came from. Here they are stored the way `data/` keeps them: one release per
published file (provenance once), one series file per provider × source × metric × segment holding
its points. Merging rules, so that a scheduled run opens a pull request only when a figure changes:

- a point whose value (and industry average, sample size, method version) equals the stored point
  for that period is kept as stored, naming its earlier release: an API whose body differs on
  every call rewrites nothing;
- a new or changed value replaces the stored point of that period and names the new release;
- a release is written only when at least one point names it, and a response whose address and body hash
  equal a stored release of the source reuses that release.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import datetime
from urllib.parse import urlsplit

from .. import models as m
from ..dataset import Dataset, period_sort_key, point_sort_key, series_id, slug
from .common import CollectError, Record


def release_id(source_id: str, provenance: m.Provenance) -> str:
    """`<source>--<file name>--<retrieved day>`: readable in a diff, unique per retrieval of a file.
    An address with a query (an API call) adds a short hash of the whole address: one API path
    answers many different questions."""
    parts_of_url = urlsplit(provenance.url)
    path = parts_of_url.path.rstrip("/")
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0] if path else ""
    retrieved = provenance.retrieved
    day = (retrieved.date() if isinstance(retrieved, datetime) else retrieved).isoformat()
    query = hashlib.sha256(provenance.url.encode()).hexdigest()[:8] if parts_of_url.query else ""
    parts = [source_id, slug(stem)[:60] if stem else "", day, query]
    return "--".join(part for part in parts if part)


def _unique(rid: str, taken) -> str:
    base, n = rid, 2
    while rid in taken:
        rid, n = f"{base}-{n}", n + 1
    return rid


RELEASE_PARAMS = ("title", "published", "derived", "checked_against", "note")


def release_params(source: m.Source) -> dict:
    """``params.release``: what a collector cannot read from the file itself, e.g. that it is a third
    party's derived copy (``derived``, ``checked_against``) or a note on how it was made."""
    extra = source.params.get("release") or {}
    if not isinstance(extra, dict):
        raise CollectError("params.release must be a mapping of release fields (derived, checked_against, note, title, published)")
    unknown = sorted(set(extra) - set(RELEASE_PARAMS))
    if unknown:
        raise CollectError(f"params.release has {', '.join(unknown)}, not release fields — use only {', '.join(RELEASE_PARAMS)}")
    return extra


def release_from(source: m.Source, provenance: m.Provenance, rid: str, covers: list[str]) -> m.Release:
    fields = dict(
        id=rid, source=source.id, title=provenance.title or source.name, publisher=provenance.publisher,
        url=provenance.url, covers=sorted(set(covers), key=period_sort_key), published=provenance.published,
        retrieved=provenance.retrieved, licence=provenance.licence, sha256=provenance.sha256,
        collected_by=provenance.collected_by,
    )
    fields.update(release_params(source))
    return m.Release.model_validate(fields)


def _same_figure(point: m.Point, figure: m.Statistic) -> bool:
    return (point.value, point.industry_average, point.sample_size, point.series_version) == (
        figure.value, figure.industry_average, figure.sample_size, figure.series_version)


def to_records(dataset: Dataset, source: m.Source, records: list[Record]) -> list[Record]:
    """Figures (kind "statistics") become series and release records; other records pass through."""
    figures = [r.model for r in records if r.kind == "statistics"]
    passed = [r for r in records if r.kind != "statistics"]
    if not figures:
        return passed
    stored_releases: dict[tuple[str, str | None], m.Release] = {(rel.url, rel.sha256): rel for rel in dataset.releases.values()
                       if rel.source == source.id and rel.sha256}
    release_of: dict[tuple[str, str | None], str] = {}
    new_releases: dict[str, tuple[m.Provenance, list[str]]] = {}
    by_series: dict[str, list[m.Statistic]] = defaultdict(list)
    notes: dict[str, str | None] = {}
    for figure in figures:
        sid = series_id(figure.provider, source.id, figure.metric.value)
        by_series[sid].append(figure)
        notes.setdefault(sid, figure.provenance.note)
    used: set[str] = set()
    out: list[Record] = []
    all_series = dataset.series  # builds a dict per access: once, not once per series
    for sid, items in by_series.items():
        stored = all_series.get(sid)
        points = {(p.period, p.segment): p for p in (stored.points if stored else [])}
        for figure in items:
            old = points.get((figure.period, figure.segment))
            if old is not None and _same_figure(old, figure):
                continue
            prov = figure.provenance
            key = (prov.url, prov.sha256)
            if key not in release_of:
                reuse = stored_releases.get(key) if prov.sha256 else None
                if reuse is not None:
                    release_of[key] = reuse.id
                else:  # a stored release of another file or body keeps its id; this one gets its own
                    release_of[key] = _unique(release_id(source.id, prov), set(dataset.releases) | set(new_releases))
                if reuse is None:
                    new_releases.setdefault(release_of[key], (prov, []))
            rid = release_of[key]
            if rid in new_releases:
                new_releases[rid][1].append(figure.period)
            used.add(rid)
            points[(figure.period, figure.segment)] = m.Point(
                period=figure.period, segment=figure.segment, value=figure.value, release=rid, sample_size=figure.sample_size,
                industry_average=figure.industry_average, series_version=figure.series_version,
                note=figure.note,
            )
        ordered = sorted(points.values(), key=point_sort_key)
        if stored is not None and ordered == list(stored.points):
            continue
        first = items[0]
        out.append(Record("series", m.Series(
            id=sid, provider=first.provider, source=source.id, metric=first.metric, unit=first.unit,
            note=(stored.note if stored and stored.note else notes[sid]), points=ordered,
        )))
    # Releases first: written in this order, a series never names a release that is not there yet.
    releases = [Record("releases", release_from(source, prov, rid, covers))
                for rid, (prov, covers) in new_releases.items() if rid in used]
    return passed + releases + out



def records_from_figures(figures: list[m.Statistic], sources: dict[str, m.Source] | None = None) -> list[m.Release | m.Series]:
    """Figures → the releases and series that hold them, from nothing stored (seed data, synthetic test
    and benchmark sets). One release per distinct provenance of a source; figures keep their periods."""
    releases: dict[tuple, m.Release] = {}
    by_series: dict[str, list[tuple[m.Statistic, str]]] = defaultdict(list)
    for figure in figures:
        prov = figure.provenance
        key = (figure.source, prov.url, prov.sha256, str(prov.retrieved), prov.publisher, prov.licence)
        if key not in releases:
            rid = _unique(release_id(figure.source, prov), {r.id for r in releases.values()})
            source = (sources or {}).get(figure.source) or m.Source.model_construct(id=figure.source, name=prov.title or figure.source)  # type: ignore[call-arg]  # a stand-in: only id and name are read
            releases[key] = release_from(source, prov, rid, [])
        release = releases[key]
        if figure.period not in release.covers:
            release.covers = sorted([*release.covers, figure.period], key=period_sort_key)
        sid = series_id(figure.provider, figure.source, figure.metric.value)
        by_series[sid].append((figure, release.id))
    out: list[m.Release | m.Series] = list(releases.values())
    for sid, items in by_series.items():
        first = items[0][0]
        points = [m.Point(period=f.period, segment=f.segment, value=f.value, release=rid, sample_size=f.sample_size,
                          industry_average=f.industry_average, series_version=f.series_version) for f, rid in items]
        out.append(m.Series(
            id=sid, provider=first.provider, source=first.source, metric=first.metric, unit=first.unit,
            points=sorted(points, key=point_sort_key),
        ))
    return out
