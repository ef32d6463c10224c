"""Method 1.1.0 on SYNTHETIC records: rule verdicts in bands, several segments per period, no pledge = missing
component (renormalised weights), FCA product-group scoreboards, and orders that differ from a publisher's rating."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scoring_synth import TODAY, Synth, pledge, provider, source, stat, term

from pledges import models as m
from pledges.scoring import compute
from pledges.scoring import method as M

FCA = "fca-firm-level-complaints"
BANKING = "Banking and credit cards"
INSURANCE = "Insurance & pure protection"


def fca_source() -> m.Source:
    return m.Source(id=FCA, name="FCA firm-level complaints data", publisher="Financial Conduct Authority (FCA)",
                    url="https://example.org/fca", licence="unknown", cadence="half-yearly", expected_update_days=200)


def rule_pledge(pid: str) -> m.Pledge:
    return pledge(f"{pid}--fca-disp-8-week-final-response", pid,
                  [term("complaint-resolution-time", 56, "calendar-days", target=100)],
                  kind="rule", category="complaint-handling", effective_from=date(2020, 1, 1))


def rule_data(shares: dict[str, float], period: str = "2024-H2") -> Synth:
    data = Synth().add(fca_source(), provider("bank", ("banking",)), rule_pledge("bank"))
    for segment, value in shares.items():
        data.add(stat("bank", "closed-within-8-weeks-pct", period, value, source_id=FCA, service=segment))
    return data


def latest(data, pid="bank--fca-disp-8-week-final-response"):
    return compute(data, TODAY).to_dict()["pledges"][pid]["latest"]


# ------------------------------------------------------------------ 1. rule verdicts


def test_the_mapping_tests_complaint_resolution_time_with_the_8_week_share():
    mp = M.METRIC_MAPPING[m.PledgeMetric.complaint_resolution_time]
    assert mp.statistic == m.StatMetric.closed_within_8_weeks_pct and mp.stat_deadline_days == 56


def test_rule_share_at_least_95_is_kept_with_a_plain_reason():
    # with the 1.0.0 margin test this was partly-kept (97.2 vs target 100, missed by 2.8 points)
    v = latest(rule_data({BANKING: 97.2}))
    assert v["verdict"] == "kept"
    assert v["reason"] == ("Banking and credit cards: 97.2% of complaints closed within 8 weeks "
                           "(FCA firm-level complaints data, 2024 H2) — at least 95%: kept")
    assert v["evidence"] == [f"bank--{FCA}--closed-within-8-weeks-pct--banking-and-credit-cards--2024-h2"]


@pytest.mark.parametrize("value, verdict", [(95.0, "kept"), (94.9, "partly-kept"), (80.0, "partly-kept"),
                                            (79.9, "broken"), (12.0, "broken"), (100.0, "kept")])
def test_rule_bands_and_their_edges(value, verdict):
    assert latest(rule_data({BANKING: value}))["verdict"] == verdict


def test_rule_bands_follow_the_constants(monkeypatch):
    monkeypatch.setattr(M, "RULE_SHARE_KEPT_AT_LEAST_PCT", 98.0)
    monkeypatch.setattr(M, "RULE_SHARE_BROKEN_BELOW_PCT", 97.5)
    assert latest(rule_data({BANKING: 97.2}))["verdict"] == "broken"
    assert "below 97.5%: broken" in latest(rule_data({BANKING: 97.2}))["reason"]


def test_rule_with_another_deadline_cannot_decide():
    data = rule_data({BANKING: 99.0})
    data.pledges["bank--fca-disp-8-week-final-response"].terms[0].threshold = 15
    v = compute(data, TODAY).to_dict()["pledges"]["bank--fca-disp-8-week-final-response"]["verdicts"][-1]
    assert v["verdict"] == "no-data" and "cannot decide" in v["reason"]


def test_each_segment_of_a_period_is_checked_and_combined():
    data = rule_data({BANKING: 97.2, INSURANCE: 70.0, "Home finance": 99.0})
    v = latest(data)
    assert v["verdict"] == "partly-kept"  # kept, broken, kept → combine → partly-kept
    parts = v["reason"].split("; ")
    assert len(parts) == 3
    assert any(p.startswith("Insurance & pure protection: 70% of complaints closed within 8 weeks") and
               p.endswith("below 80%: broken") for p in parts)
    assert len(v["evidence"]) == 3
    all_kept = latest(rule_data({BANKING: 97.2, INSURANCE: 96.0}))
    assert all_kept["verdict"] == "kept" and all_kept["reason"].count("kept") == 2
    all_broken = latest(rule_data({BANKING: 50.0, INSURANCE: 60.0}))
    assert all_broken["verdict"] == "broken"


def test_several_segments_work_for_a_guarantee_too():
    data = Synth().add(fca_source(), provider("bank", ("banking",)),
                       pledge("g", "bank", [term("complaint-resolution-time", 56, "calendar-days", target=95)],
                              effective_from=date(2020, 1, 1)))
    for segment, value in {BANKING: 99.0, INSURANCE: 60.0}.items():
        for period in ("2024-H1", "2024-H2"):
            data.add(stat("bank", "closed-within-8-weeks-pct", period, value, source_id=FCA, service=segment))
    out = compute(data, TODAY).to_dict()["pledges"]["g"]
    assert [v["period"] for v in out["verdicts"]] == ["2024-H1", "2024-H2"]  # one verdict per period, not per figure
    assert all(v["verdict"] == "partly-kept" and len(v["evidence"]) == 2 for v in out["verdicts"])
    assert BANKING in out["latest"]["reason"] and INSURANCE in out["latest"]["reason"]


# ------------------------------------------------------------------ 2. no recorded pledge → missing


def complaints_only(values: dict[str, float]) -> Synth:
    data = Synth().add(source())
    for pid, value in values.items():
        data.add(provider(pid), stat(pid, "complaints-per-100k", "2026-Q1", value, average=10.0),
                 stat(pid, "email-reply-2-working-days-pct", "2026-Q1", 50.0 + value))
    return data


def test_no_pledge_is_missing_and_the_weights_used_add_up_to_100():
    s = compute(complaints_only({"a": 8, "b": 12}), TODAY).to_dict()["providers"]["a"]["sectors"]["telecoms"]
    comps = s["components"]
    assert comps["pledge-grades"]["value"] is None and comps["pledge-grades"]["effective_weight"] is None
    used = {k: c["effective_weight"] for k, c in comps.items() if c["effective_weight"] is not None}
    assert set(used) == {"complaints", "responsiveness"}
    assert sum(used.values()) == pytest.approx(1.0, abs=1e-3)
    assert used["complaints"] == pytest.approx(0.35 / 0.65, abs=1e-4)
    # complaints 80, responsiveness 58 → (0.35 × 80 + 0.30 × 58) / 0.65; 1.0.0 also divided in 0.10 × 0
    assert s["score"] == pytest.approx(round((0.35 * 80 + 0.30 * 58) / 0.65, 1))


provider_values = st.lists(st.tuples(st.integers(0, 40), st.floats(0, 100, allow_nan=False).map(lambda x: round(x, 1))),
                           min_size=2, max_size=6)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(provider_values, st.data())
def test_a_first_pledge_never_changes_other_providers_scores_and_weights_sum_to_100(values, draw):
    data = Synth().add(source())
    for i, (rate, email) in enumerate(values):
        data.add(provider(f"p{i}"), stat(f"p{i}", "complaints-per-100k", "2026-Q1", rate, average=10.0),
                 stat(f"p{i}", "email-reply-2-working-days-pct", "2026-Q1", email))
    before = compute(data, TODAY).to_dict()["providers"]
    who = draw.draw(st.integers(0, len(values) - 1))
    kind = draw.draw(st.sampled_from(["guarantee", "rule", "scheme", "slogan"]))
    data.add(pledge("first", f"p{who}", [term("switch-time", 5, "working-days", target=98)], kind=kind))
    after = compute(data, TODAY).to_dict()["providers"]
    for pid in before:
        for scores in (before, after):
            weights = [c["effective_weight"] for c in scores[pid]["sectors"]["telecoms"]["components"].values()
                       if c["effective_weight"] is not None]
            assert sum(weights) * 100 == pytest.approx(100.0, abs=0.1)
        if pid != f"p{who}":
            assert after[pid]["sectors"]["telecoms"]["score"] == before[pid]["sectors"]["telecoms"]["score"]


# ------------------------------------------------------------------ 3. product-group boards


def fca_board_data(banks: dict[str, tuple[float, float | None, float | None]], segment: str = BANKING,
                   average: float | None = None) -> Synth:
    data = Synth().add(fca_source())
    for pid, (per_1k, closed, upheld) in banks.items():
        data.add(provider(pid, ("banking",)),
                 stat(pid, "complaints-per-1k-accounts", "2024-H2", per_1k, source_id=FCA, service=segment, average=average))
        if closed is not None:
            data.add(stat(pid, "closed-within-8-weeks-pct", "2024-H2", closed, source_id=FCA, service=segment))
        if upheld is not None:
            data.add(stat(pid, "upheld-by-firm-pct", "2024-H2", upheld, source_id=FCA, service=segment))
    return data


def test_banks_are_ranked_on_complaints_per_1000_accounts_lower_is_better():
    data = fca_board_data({"low": (1.0, 95.0, 40.0), "mid": (2.0, 95.0, 40.0), "high": (4.0, 95.0, 40.0)})
    out = compute(data, TODAY).to_dict()
    boards = out["segment_boards"]
    assert [b["id"] for b in boards] == ["banking-banking-and-credit-cards-gb"]
    b = boards[0]
    assert (b["sector"], b["country"], b["segment"], b["sources"]) == ("banking", "GB", BANKING, [FCA])
    assert b["rows"] == ["low", "mid", "high"]
    low = b["scores"]["low"]
    # mean of the 3 firms = 7/3; ratio 3/7 → ≤ 0.5 → 100; closed 95; upheld 100 − 40 = 60
    assert low["components"]["complaints"]["value"] == pytest.approx(100.0)
    assert low["components"]["closed-within-8-weeks"]["value"] == pytest.approx(95.0)
    assert low["components"]["upheld"]["value"] == pytest.approx(60.0)
    assert low["score"] == pytest.approx(round(0.60 * 100 + 0.25 * 95 + 0.15 * 60, 1))
    weights = [c["effective_weight"] for c in low["components"].values()]
    assert sum(weights) == pytest.approx(1.0, abs=1e-3)
    assert [c["weight"] for c in low["components"].values()] == list(M.PRODUCT_GROUP_WEIGHTS.values())
    # the sector board is untouched: per-1,000-accounts figures are not per-customer rates of the sector score
    assert out["scoreboards"] == [{"sector": "banking", "country": "GB", "rows": ["high", "low", "mid"]}]


def test_published_average_is_used_and_missing_components_renormalise():
    data = fca_board_data({"a": (1.5, None, None), "b": (3.0, 90.0, None)}, average=3.0)
    b = compute(data, TODAY).to_dict()["segment_boards"][0]
    a = b["scores"]["a"]
    assert a["components"]["complaints"]["value"] == pytest.approx(100 * (2 - 0.5) / 1.5)
    assert a["components"]["closed-within-8-weeks"]["effective_weight"] is None
    assert a["components"]["complaints"]["effective_weight"] == pytest.approx(1.0)
    assert b["scores"]["b"]["components"]["complaints"]["effective_weight"] == pytest.approx(0.60 / 0.85, abs=1e-4)


def test_one_board_per_product_group_and_minimum_ranked_firms():
    data = fca_board_data({"a": (1.0, 99.0, 10.0), "b": (2.0, 98.0, 20.0)}, average=3.0)
    data.add(provider("ins", ("insurance",)),
             stat("ins", "complaints-per-1k-accounts", "2024-H2", 0.5, source_id=FCA, service=INSURANCE, average=1.0),
             stat("a", "complaints-per-1k-accounts", "2024-H2", 0.5, source_id=FCA, service="Unknown group", average=1.0))
    boards = {b["id"]: b for b in compute(data, TODAY).to_dict()["segment_boards"]}
    assert set(boards) == {"banking-banking-and-credit-cards-gb", "insurance-insurance-pure-protection-gb"}
    ins = boards["insurance-insurance-pure-protection-gb"]["scores"]["ins"]
    assert ins["rank"] is None and f"fewer than {M.MIN_RANKED_PROVIDERS} providers" in ins["not_ranked_reason"]
    assert boards["banking-banking-and-credit-cards-gb"]["scores"]["a"]["rank"] == 1


def test_a_firm_without_a_complaint_rate_is_listed_not_ranked_with_the_reason():
    data = fca_board_data({"a": (1.0, 99.0, 10.0), "b": (2.0, 98.0, 20.0), "c": (3.0, 97.0, 30.0)})
    data.add(provider("d", ("banking",)), stat("d", "closed-within-8-weeks-pct", "2024-H2", 99.0, source_id=FCA, service=BANKING))
    b = compute(data, TODAY).to_dict()["segment_boards"][0]
    assert b["rows"][-1] == "d"
    assert b["scores"]["d"]["rank"] is None and "complaints missing" in b["scores"]["d"]["not_ranked_reason"]


# ------------------------------------------------------------------ 4. publisher's own order


def energy_board(stars: dict[str, float]) -> Synth:
    ca = "citizens-advice-star-rating"
    data = Synth().add(source(ca))
    rates = {"x": 5.0, "y": 10.0, "z": 20.0}  # our order: x, y, z (fewer complaints first)
    for pid, rate in rates.items():
        data.add(provider(pid, ("energy",)), stat(pid, "complaints-per-10k", "2026-Q1", rate, source_id=ca, average=10.0),
                 stat(pid, "star-rating", "2026-Q1", stars[pid], source_id=ca))
    return data


def test_a_different_order_from_the_star_rating_is_explained():
    out = compute(energy_board({"x": 3.0, "y": 4.5, "z": 2.0}), TODAY).to_dict()
    note = out["board_notes"]["energy-gb"]
    assert note["metric"] == "star-rating" and note["source"] == "citizens-advice-star-rating"
    assert note["pairs"] == [["x", "y"]]  # x is above y here though y has more stars
    assert [c["name"] for c in note["components"]] == ["complaints"]


def test_the_same_order_as_the_star_rating_needs_no_note():
    out = compute(energy_board({"x": 4.5, "y": 3.0, "z": 2.0}), TODAY).to_dict()
    assert out["board_notes"] == {}


def test_score_table_lists_the_product_group_board():
    from pledges.scoring.report import render_table

    data = fca_board_data({"low": (1.0, 95.0, 40.0), "mid": (2.0, 95.0, 40.0), "high": (4.0, 95.0, 40.0)})
    text = render_table(compute(data, TODAY))
    board = text.split("SCOREBOARD banking: Banking and credit cards (GB)\n", 1)[1]
    assert [line.split()[1] for line in board.splitlines()[2:5]] == ["low", "mid", "high"]
