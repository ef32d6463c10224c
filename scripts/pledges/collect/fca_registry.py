"""The providers an FCA run creates or updates: matched by FRN, exact source name, then folded name."""

from __future__ import annotations

import re
from datetime import date

from .. import models as m
from .common import (
    Context,
    Record,
    Response,
    slug,
)

# --------------------------------------------------------------------------- providers


MODULE = "fca_firm_xlsx"
MAX_PROVIDER_SLUG = 60  # series ids add source, metric and segment to the provider id

RULE_URL = "https://www.handbook.fca.org.uk/handbook/DISP/1/6.html"
RULE_RETRIEVED = date(2026, 12, 1)
RULE_TITLE = "FCA complaint rules: final response within eight weeks (DISP 1.6)"
RULE_TEXT = (
    "The respondent must, by the end of eight weeks after its receipt of the complaint, send the complainant: "
    "(1) a 'final response', […]; or (2) a written response which: (a) explains why it is not in a position to "
    "make a final response and indicates when it expects to be able to provide one; (b) informs the complainant "
    "that he may now refer the complaint to the Financial Ombudsman Service; […]"
)
RULE_NOTE = (
    "Excerpt of DISP 1.6.2R (Complaints time limit rules, 'Final or other response within eight weeks') in the words "
    "of the FCA Handbook's dated versions of the page (https://www.handbook.fca.org.uk/handbook/DISP/1/6.html?date=2007-12-02 "
    "and ?date=2012-02-14); elided parts are marked […]. The current version begins 'Subject to DISP 1.6.2AR, the "
    "respondent must, by the end of eight weeks after its receipt of the complaint, send the complainant' (seen in a "
    "third-party copy, not confirmed on the FCA site); DISP 1.6.2AR sets 15 (exceptionally 35) business days for "
    "payment-services and e-money complaints. The eight weeks are stored as 56 calendar days. The FCA's firm-level "
    "data measure it as the share of closed complaints closed within 8 weeks. Applies to the firm as an FCA "
    "respondent; the rule has been in force at least since 2007-12-02 (start date not sourced, so left out)."
)


def _fold(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip().casefold()


class Registry:
    """The providers as this run changes them: matched by FRN, exact source name, folded name."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.source = ctx.source.id
        self.stored = ctx.dataset.providers
        self.current: dict[str, m.Provider] = {}
        self.by_frn: dict[str, str] = {}
        self.by_name: dict[str, str] = {}
        self.by_fold: dict[str, str] = {}
        self.no_frn: set[str] = set()
        for provider in self.stored.values():
            self._index(provider)

    def _index(self, provider: m.Provider) -> None:
        for ident in provider.identifiers:
            if ident.scheme == m.IdentifierScheme.fca_frn:
                self.by_frn.setdefault(ident.value, provider.id)
        for entry in provider.source_names:
            if entry.source == self.source:
                self.by_name.setdefault(entry.name, provider.id)
                self.by_fold.setdefault(_fold(entry.name), provider.id)

    def get(self, pid: str) -> m.Provider:
        return self.current.get(pid) or self.stored[pid]

    def _new_id(self, firm: str, frn: str | None) -> str:
        base = slug(firm)[:MAX_PROVIDER_SLUG].strip("-") or "firm"
        taken = lambda pid: pid in self.stored or pid in self.current
        if not taken(base):
            return base
        if frn and not taken(f"{base}-frn{frn.lower()}"):
            return f"{base}-frn{frn.lower()}"
        number = 2
        while taken(f"{base}-{number}"):
            number += 1
        return f"{base}-{number}"

    def resolve(self, firm: str, frn: str | None, brands: list[str], group: str | None,
                sectors: set[m.Sector], response: Response) -> str:
        pid = (self.by_frn.get(frn) if frn else None) or self.by_name.get(firm) or self.by_fold.get(_fold(firm))
        if pid is None:
            pid = self._new_id(firm, frn)
            provider = m.Provider(
                id=pid, name=firm, country="GB", sectors=sorted(sectors, key=lambda s: s.value), group=group,
                source_names=[m.SourceName(source=self.source, name=firm)],
                provenance=self.ctx.provenance(response),
            )
        else:
            provider = self.get(pid).model_copy(deep=True)
            holder = self.by_name.get(firm)
            if holder not in (None, pid):
                pass  # matched by FRN, but another provider holds this exact name: one name, one provider
            elif not any(e.source == self.source and e.name == firm for e in provider.source_names):
                provider.source_names = [*provider.source_names, m.SourceName(source=self.source, name=firm)]
            if provider.provenance.collected_by == f"collector:{MODULE}":
                # Sectors only grow on providers this collector made; hand-made ones keep their curated sectors.
                merged = set(provider.sectors) | sectors
                provider.sectors = sorted(merged, key=lambda s: s.value)
            if provider.group is None and group:
                provider.group = group
        if frn and not any(i.scheme == m.IdentifierScheme.fca_frn and i.value == frn for i in provider.identifiers):
            provider.identifiers = [*provider.identifiers, m.Identifier(scheme=m.IdentifierScheme.fca_frn, value=frn)]
        known = set(provider.brands) | {provider.name}
        new_brands = [b for b in brands if b not in known]
        if new_brands:
            provider.brands = [*provider.brands, *new_brands]
        if frn is None:
            self.no_frn.add(pid)
        self.current[pid] = provider
        self._index(provider)
        return pid

    def records(self) -> list[Record]:
        out = []
        for pid, provider in sorted(self.current.items()):
            if provider.provenance.collected_by == f"collector:{MODULE}":
                has_frn = any(i.scheme == m.IdentifierScheme.fca_frn for i in provider.identifiers)
                provider.note = (
                    "One firm of the FCA firm-level complaints data, identified by its FRN from the workbook's "
                    "Trading Names sheet; `source_names` lists every name the firm had in the workbooks."
                    if has_frn else
                    "One firm of the FCA firm-level complaints data. No FRN: the workbook's Trading Names sheet does "
                    "not give one for this firm, so it is matched by name only (a rename would not be recognised)."
                )
            stored = self.stored.get(pid)
            if stored is None or stored.model_dump() != provider.model_dump():
                out.append(Record("providers", provider))
        return out


def rule_pledge(ctx: Context, provider_id: str) -> m.Pledge:
    return m.Pledge(
        id=f"{provider_id}--fca-disp-8-week-final-response",
        provider=provider_id,
        title=RULE_TITLE,
        kind=m.PledgeKind.rule,
        category=m.PledgeCategory.complaint_handling,
        text=RULE_TEXT,
        language="en",
        channels=[m.Channel.any],
        terms=[m.PledgeTerm(
            event="final response (or a written response explaining the delay) sent within eight weeks of receiving the complaint",
            metric=m.PledgeMetric.complaint_resolution_time, comparator=m.Comparator.at_most, threshold=56,
            unit=m.TermUnit.calendar_days, target_share_pct=100,
        )],
        note=RULE_NOTE,
        provenance=m.Provenance(
            publisher="Financial Conduct Authority (FCA)", url=RULE_URL, title="FCA Handbook, DISP 1.6 Complaints time limit rules",
            retrieved=RULE_RETRIEVED, licence=ctx.source.licence, collected_by=f"collector:{MODULE}",
        ),
    )


