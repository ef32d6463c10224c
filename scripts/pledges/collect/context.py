"""What a collector is handed (the source, the dataset, the HTTP client, the clock) and what it returns (records)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from .. import models as m
from ..dataset import Dataset, figure_id, series_id
from ..periods import version_in_force
from ..urls import is_absolute_http
from .errors import CollectError
from .http import FetchError, HttpClient, Policy, Response, Validator
from .limits import Limits
from .values import check_number


@dataclass
class Record:
    kind: str  # folder under data/
    model: Any  # the pydantic record


@dataclass
class Context:
    source: m.Source
    dataset: Dataset
    http: HttpClient
    base_url: str
    now: datetime
    today: date
    policy: Policy
    validators: dict[str, Validator] = field(default_factory=dict)
    module: str = ""
    rebased: bool = False  # base_url is --endpoint, not the source's own

    @property
    def params(self) -> dict:
        return self.source.params

    @cached_property
    def limits(self) -> Limits:
        """The bounds on what one file of this source may hold (defaults below, ``params`` may raise them)."""
        return Limits.from_params(self.params, self.source.id)

    # --------------------------------------------------------------- fetching

    def fetch(self, url: str, *, accept: str | None = None, conditional: bool = True) -> Response:
        try:
            return self.http.get(
                url, policy=self.policy, validator=self.validators.get(url) if conditional else None, accept=accept
            )
        except FetchError as exc:
            raise CollectError(exc.message) from None

    def fetch_many(self, urls: list[str], *, accept: str | None = None) -> list[Response]:
        # The source fails if one address fails: stop fetching its other addresses at the first failure.
        results = self.http.fetch_many(
            [(url, {"policy": self.policy, "validator": self.validators.get(url), "accept": accept}) for url in urls],
            stop_on_error=True,
        )
        errors = [r for r in results if isinstance(r, FetchError)]
        if errors:
            first = next((e for e in errors if not e.skipped), errors[0])
            skipped = sum(e.skipped for e in errors)
            more = f" — {skipped} other address(es) of this source not fetched" if skipped else ""
            raise CollectError(f"{first.message}{more}")
        return results  # type: ignore[return-value]

    def url(self, path: str) -> str:
        """``base_url`` (or ``--endpoint``) joined with a path from params. With ``--endpoint`` (a mirror, a
        test server) an absolute address in params is re-based too, onto the endpoint with its file name —
        the rule of ``--files-from`` — so that such a run never reaches the publisher's own host."""
        if is_absolute_http(path):
            if not self.rebased:
                return path
            path = urlsplit(path).path.rstrip("/").rsplit("/", 1)[-1]
        return self.base_url.rstrip("/") + "/" + path.lstrip("/")

    # --------------------------------------------------------------- providers

    def providers_by_name(self) -> dict[str, m.Provider]:
        """The exact names this source uses → provider (Provider.source_names)."""
        names: dict[str, m.Provider] = {}
        for provider in self.dataset.providers.values():
            for entry in provider.source_names:
                if entry.source == self.source.id:
                    names[entry.name] = provider
        return names

    # --------------------------------------------------------------- building records

    def provenance(self, response: Response, note: str | None = None, publisher: str | None = None) -> m.Provenance:
        return m.Provenance(
            publisher=publisher or self.source.publisher,
            url=response.url,
            title=self.source.name,
            retrieved=response.retrieved,
            licence=self.source.licence,
            sha256=response.sha256,
            collected_by=f"collector:{self.module}",
            note=note,
        )

    def statistic(
        self,
        response: Response,
        *,
        provider: str,
        metric: m.StatMetric,
        period: str,
        value: float,
        segment: str | None = None,
        sample_size: int | None = None,
        industry_average: float | None = None,
        note: str | None = None,
        point_note: str | None = None,
    ) -> Record:
        """One figure. ``note`` describes the series (how it is read); ``point_note`` this period's figure."""
        check_number(value, f"{metric.value} of {provider} for {period}")
        sid = series_id(provider, self.source.id, metric.value)
        stat = m.Statistic(
            id=figure_id(sid, period, segment),
            series=sid,
            release="pending",  # named when the figures are stored (collect/series.py)
            provider=provider,
            source=self.source.id,
            metric=metric,
            segment=segment,
            period=period,
            value=value,
            unit=m.METRIC_UNITS[metric],
            sample_size=sample_size,
            industry_average=industry_average,
            series_version=version_in_force(self.source, period),
            note=point_note,
            provenance=self.provenance(response, note),
        )
        return Record("statistics", stat)


