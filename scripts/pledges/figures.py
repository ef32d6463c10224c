"""Series points → figures (statistics) and the ids that name series and figures."""

from __future__ import annotations

import re

from . import models as m


def figure_id(series_id: str, period: str, segment: str | None = None) -> str:
    """`<series>--<period>`, or `<series>--<segment slug>--<period>` for a segment's figure."""
    return f"{series_id}--{slug(segment)}--{period.lower()}" if segment else f"{series_id}--{period.lower()}"


def release_provenance(release: m.Release) -> m.Provenance:
    """A release's provenance in the shape every figure carries (built once per release)."""
    note = release.note
    if release.derived:
        checked = " ".join(release.checked_against)
        note = f"Derived copy, not the publisher's own file. Checked against: {checked}" + (f" {note}" if note else "")
    return m.Provenance.model_construct(
        publisher=release.publisher, url=release.url, title=release.title, published=release.published,
        retrieved=release.retrieved, licence=release.licence, sha256=release.sha256,
        collected_by=release.collected_by, note=note,
    )


def build_figures(series: dict[str, m.Series], releases: dict[str, m.Release]) -> dict[str, m.Statistic]:
    """Series points → figures. Records are already validated, so the figures are built without
    re-validation (model_construct): 25,000 points cost milliseconds, not seconds."""
    provenance = {rid: release_provenance(release) for rid, release in releases.items()}
    figures: dict[str, m.Statistic] = {}
    for sid, one in series.items():
        for point in one.points:
            if point.release not in provenance:
                continue  # reported by check as a dangling reference
            fid = figure_id(sid, point.period, point.segment)
            figures[fid] = m.Statistic.model_construct(
                id=fid, series=sid, release=point.release, provider=one.provider, source=one.source,
                metric=one.metric, segment=point.segment, period=point.period, value=point.value, unit=one.unit,
                sample_size=point.sample_size, industry_average=point.industry_average,
                series_version=point.series_version, note=point.note, provenance=provenance[point.release],
            )
    return figures


def series_id(provider: str, source: str, metric: str) -> str:
    """The one way to name a series: provider, source and metric."""
    return "--".join([provider, source, metric])


def slug(text: str) -> str:
    """Lower-case ASCII words joined by single hyphens (`Insurance & pure protection` → `insurance-pure-protection`)."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-") or "x"


