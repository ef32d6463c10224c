"""The methodology page is generated from method.py: one change there changes scores and page together."""

from __future__ import annotations

import re

import pytest
from scoring_synth import TODAY, complaints_board, pledge, term

from pledges import models as m
from pledges.scoring import compute, methodology_markdown
from pledges.scoring import method as M


def weight_row(md: str, name: str) -> str:
    return next(line for line in md.splitlines() if line.startswith(f"| {name} |"))


def test_changing_one_weight_changes_the_score_and_the_page(monkeypatch):
    data = complaints_board({"a": 8, "b": 20})
    data.add(pledge("pa", "a", [term("repair-time", 2, "working-days", payment="automatic")]))
    score_before = compute(data, TODAY).to_dict()["providers"]["a"]["sectors"]["telecoms"]["score"]
    page_before = methodology_markdown("en")
    assert weight_row(page_before, "complaints") == f"| complaints | 35% | {M.COMPONENT_MEANING['complaints']} |"

    monkeypatch.setitem(M.WEIGHTS, "complaints", 0.5)

    score_after = compute(data, TODAY).to_dict()["providers"]["a"]["sectors"]["telecoms"]["score"]
    page_after = methodology_markdown("en")
    # by hand: complaints 80, pledge-grades 100 → before (0.35×80 + 0.1×100)/0.45 = 84.44, after (0.5×80 + 10)/0.6 = 83.33
    assert score_before == pytest.approx(84.4)
    assert score_after == pytest.approx(83.3)
    assert weight_row(page_after, "complaints").startswith("| complaints | 50% |")
    assert page_before != page_after
    assert methodology_markdown("nl") != page_before  # and the Dutch page follows too
    assert "| complaints | 50% |" in methodology_markdown("nl")


def test_every_constant_is_on_the_page():
    md = methodology_markdown("en")
    assert f"Method version **{M.METHOD_VERSION}**" in md
    for name, weight in M.WEIGHTS.items():
        assert f"| {name} | {weight * 100:g}% |" in md
    for grade, minimum in M.GRADE_BANDS:
        assert f"| {grade} | {minimum} |" in md
    for metric in m.PledgeMetric:  # the mapping table has a row per pledge metric
        assert re.search(rf"^\| `{metric.value}` \|", md, re.M), metric
    for verdict in M.VERDICTS:
        assert f"| `{verdict}` |" in md
    for metric, unit in M.PUBLISHED_PRECISION.items():
        assert f"| `{metric.value}` | {unit:g} |" in md
    for change in M.METHOD_CHANGES:
        assert f"| {change['version']} | {change['date']} |" in md
    for number in (M.MIN_SAMPLE_SIZE, M.MIN_REPORT_CONTRIBUTORS, M.NOT_YET_RATED_GRACE_DAYS, M.MIN_RANKED_PROVIDERS):
        assert str(number) in md
    assert "25,000" in md  # MIN_CUSTOMERS
    assert f"by at most {M.PARTLY_KEPT_MARGIN_PCT_POINTS:g} percentage points" in md


@pytest.mark.parametrize("constant, value, text", [
    ("MIN_SAMPLE_SIZE", 77, "under 77 cases"),
    ("MIN_REPORT_CONTRIBUTORS", 9, "at least 9 different contributors"),
    ("PARTLY_KEPT_MARGIN_PCT_POINTS", 2.5, "by at most 2.5 percentage points"),
    ("RATIO_WORST", 3.0, "100 × (3 − ratio)"),
])
def test_page_follows_other_constants(monkeypatch, constant, value, text):
    assert text not in methodology_markdown("en")
    monkeypatch.setattr(M, constant, value)
    assert text in methodology_markdown("en")


def test_dutch_page_has_the_same_numbers():
    en, nl = methodology_markdown("en"), methodology_markdown("nl")
    assert nl.startswith("# Methode")
    assert "Regels, in deze volgorde" in nl
    for name, weight in M.WEIGHTS.items():
        assert f"| {name} | {weight * 100:g}% |" in nl
    assert "25.000" in nl  # Dutch thousands separator
    assert len(nl.splitlines()) == len(en.splitlines())


def test_worked_example_matches_the_engine():
    md = methodology_markdown("en")
    shown = float(re.search(r"= \*\*([0-9.]+)\*\*", md).group(1))
    # the same provider built as records: 8 vs average 7, call wait 90 s, e-mail 90 %, one grade-A pledge
    from scoring_synth import stat

    data = complaints_board({"x": 8, "y": 7}, average=7)
    data.add(stat("x", "call-wait-seconds", "2026-Q1", 90), stat("x", "email-reply-2-working-days-pct", "2026-Q1", 90.0),
             pledge("px", "x", [term("repair-time", 2, "working-days", payment="automatic")]))
    assert compute(data, TODAY).to_dict()["providers"]["x"]["sectors"]["telecoms"]["score"] == shown


def test_unknown_language_is_refused():
    with pytest.raises(ValueError):
        methodology_markdown("fr")


def test_the_mapping_table_is_the_one_the_verdicts_use(monkeypatch):
    from dataclasses import replace

    from scoring_synth import Synth, provider, source, stat

    data = Synth().add(source(), provider("p"), pledge("pl", "p", [term("repair-time", 2, "working-days", target=90)]),
                       stat("p", "closed-within-3-days-pct", "2026-Q1", 95.0))
    assert compute(data, TODAY).to_dict()["pledges"]["pl"]["latest"]["verdict"] == "no-data"
    assert "| `repair-time` | none yet → `no-data` |" in methodology_markdown("en")
    mapping = replace(M.METRIC_MAPPING[m.PledgeMetric.repair_time], statistic=m.StatMetric.closed_within_3_days_pct,
                      stat_deadline_days=3.0)
    monkeypatch.setitem(M.METRIC_MAPPING, m.PledgeMetric.repair_time, mapping)
    # 2 working days = 2.8 calendar days, within 0.5 of 3 → an exact test: 95 ≥ 90 → kept
    assert compute(data, TODAY).to_dict()["pledges"]["pl"]["latest"]["verdict"] == "kept"
    assert "| `repair-time` | `closed-within-3-days-pct` |" in methodology_markdown("en")


def test_both_languages_render_with_the_same_heading_anchors():
    import markdown

    from pledges.scoring.methodology import ANCHORS

    for lang in ("en", "nl"):
        html = markdown.markdown(methodology_markdown(lang), extensions=["attr_list", "tables", "toc"])
        for anchor in ANCHORS:
            assert f'id="{anchor}"' in html, (lang, anchor)
        assert "{#" not in html
        # criteria, bands, verdicts, mapping, components, product-group components, rounding, changes
        assert html.count("<table>") == 8
