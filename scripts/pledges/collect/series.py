"""Collected figures → release and series records (the storage model of `data/`).

Collectors build one typed figure (``m.Statistic``) per value they read, each with the provenance of
the response it came from. Here they are stored the way `data/` keeps them: one release per
published file (provenance once), one series file per provider × source × metric × segment holding
its points. Merging rules, so that a scheduled run opens a pull request only when a figure changes:

- a point whose value (and industry average, sample size, method version) equals the stored point
  for that period is kept as stored, naming its earlier release: an API whose body differs on
  every call rewrites nothing;
- a new or changed value replaces the stored point of that period and names the new release;
- a release is written only when at least one point names it, and a response whose body hash
  equals a stored release of the source reuses that release.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from urllib.parse import urlsplit

from .. import models as m
from ..dataset import Dataset, period_sort_key, series_id, slug
from .common import Record


def release_id(source_id: str, provenance: m.Provenance) -> str:
    """`<source>--<file name>--<retrieved day>`: readable in a diff, unique per retrieval of a file."""
    path = urlsplit(provenance.url).path.rstrip("/")
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0] if path else ""
    retrieved = provenance.retrieved
    day = (retrieved.date() if isinstance(retrieved, datetime) else retrieved).isoformat()
    parts = [source_id, slug(stem)[:60] if stem else "", day]
    return "--".join(part for part in parts if part)


def release_from(source: m.Source, provenance: m.Provenance, rid: str, covers: list[str]) -> m.Release:
    return m.Release(
        id=rid, source=source.id, title=provenance.title or source.name, publisher=provenance.publisher,
        url=provenance.url, covers=sorted(set(covers), key=period_sort_key), published=provenance.published,
        retrieved=provenance.retrieved, licence=provenance.licence, sha256=provenance.sha256,
        collected_by=provenance.collected_by,
    )


def _same_figure(point: m.Point, figure: m.Statistic) -> bool:
    return (point.value, point.industry_average, point.sample_size, point.series_version) == (
        figure.value, figure.industry_average, figure.sample_size, figure.series_version)


def to_records(dataset: Dataset, source: m.Source, records: list[Record]) -> list[Record]:
    """Figures (kind "statistics") become series and release records; other records pass through."""
    figures = [r.model for r in records if r.kind == "statistics"]
    passed = [r for r in records if r.kind != "statistics"]
    if not figures:
        return passed
    stored_releases = {rel.sha256: rel for rel in dataset.releases.values()
                       if rel.source == source.id and rel.sha256}
    release_of: dict[tuple[str, str | None], str] = {}
    new_releases: dict[str, tuple[m.Provenance, list[str]]] = {}
    by_series: dict[str, list[m.Statistic]] = defaultdict(list)
    notes: dict[str, str | None] = {}
    for figure in figures:
        sid = series_id(figure.provider, source.id, figure.metric.value, figure.segment)
        by_series[sid].append(figure)
        notes[sid] = figure.provenance.note
    used: set[str] = set()
    out: list[Record] = []
    all_series = dataset.series  # builds a dict per access: once, not once per series
    for sid, items in by_series.items():
        stored = all_series.get(sid)
        points = {p.period: p for p in (stored.points if stored else [])}
        for figure in items:
            old = points.get(figure.period)
            if old is not None and _same_figure(old, figure):
                continue
            prov = figure.provenance
            key = (prov.url, prov.sha256)
            if key not in release_of:
                reuse = stored_releases.get(prov.sha256) if prov.sha256 else None
                release_of[key] = reuse.id if reuse is not None else release_id(source.id, prov)
                if reuse is None:
                    new_releases.setdefault(release_of[key], (prov, []))
            rid = release_of[key]
            if rid in new_releases:
                new_releases[rid][1].append(figure.period)
            used.add(rid)
            points[figure.period] = m.Point(
                period=figure.period, value=figure.value, release=rid, sample_size=figure.sample_size,
                industry_average=figure.industry_average, series_version=figure.series_version,
                note=figure.note,
            )
        ordered = [points[p] for p in sorted(points, key=period_sort_key)]
        if stored is not None and ordered == list(stored.points):
            continue
        first = items[0]
        out.append(Record("series", m.Series(
            id=sid, provider=first.provider, source=source.id, metric=first.metric, unit=first.unit,
            segment=first.segment, note=(stored.note if stored and stored.note else notes[sid]), points=ordered,
        )))
    for rid, (prov, covers) in new_releases.items():
        if rid in used:
            out.append(Record("releases", release_from(source, prov, rid, covers)))
    return passed + out

