"""One translation table: every key in both languages, every key used exists, every vocabulary word translated."""

from __future__ import annotations

import re
from pathlib import Path

from pledges import models as m
from pledges.site.i18n import LANGUAGES, TEMPLATES, table

REPO = Path(__file__).resolve().parents[2]


def test_every_key_has_every_language():
    for key, texts in table().items():
        for lang in LANGUAGES:
            assert texts.get(lang), f"{key} has no {lang}"


def test_every_key_used_exists():
    used = set()
    sources = list(TEMPLATES.glob("*.j2")) + list((REPO / "scripts/pledges/site").glob("*.py"))
    for path in sources:
        used |= set(re.findall(r"""\bt\(\s*['"]([a-z_.-]+)['"]""", path.read_text(encoding="utf-8")))
    assert used, "no t('…') calls found"
    missing = sorted(used - set(table()))
    assert not missing, missing


def test_vocabularies_are_translated():
    keys = set(table())
    for prefix, enum in (("sector", m.Sector), ("metric", m.StatMetric), ("unit", m.StatUnit), ("cadence", m.Cadence),
                         ("kind", m.PledgeKind), ("category", m.PledgeCategory), ("channel", m.Channel),
                         ("outcome", m.Outcome), ("identifier", m.IdentifierScheme), ("event", m.ProviderEventKind)):
        for member in enum:
            assert f"{prefix}.{member.value}" in keys, f"{prefix}.{member.value}"
    for verdict in ("kept", "partly-kept", "broken", "not-yet-rated", "no-data", "not-measurable"):
        assert f"verdict.{verdict}" in keys
