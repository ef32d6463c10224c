"""Golden tests on the REAL seed data in data/.

The expected numbers are computed by hand in this file from the published figures (Ofcom fixed-broadband
complaints per 100,000, 2025 Q3–Q4; Citizens Advice star-rating panel, Q1 2026 — the values are typed in
from the publishers' tables as quoted in /work/shared/datasources/), following the methodology page, not
copied from program output.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pledges.dataset import load_dataset
from pledges.scoring import compute

DATA = Path(__file__).resolve().parents[2] / "data"
TODAY = date(2026, 12, 1)


@pytest.fixture(scope="module")
def out():
    dataset = load_dataset(DATA, TODAY)
    assert not dataset.problems, "\n".join(map(str, dataset.problems[:20]))
    return compute(dataset, TODAY).to_dict()


def telecoms_score(ratios: list[float]) -> float:
    """Ofcom-only provider with one grade-A pledge (the automatic compensation scheme, verdict no-data):
    the complaints component is the mean of its ratios to the published industry average, one per service."""
    mean = sum(ratios) / len(ratios)
    complaints = max(0.0, min(100.0, 100 * (2 - mean) / 1.5))
    return (0.35 * complaints + 0.10 * 100) / (0.35 + 0.10)


# Ofcom complaints per 100,000 customers (whole numbers), 2025 Q4 and Q3, fixed broadband and landline, typed in
# from the Ofcom table (tidy copy in /work/shared/datasources/ofcom/more/). Industry averages: broadband 7 (Q4),
# 8 (Q3); landline 3 (Q4), 4 (Q3).
FB_Q4 = {"bt": 8, "ee": 8, "plusnet": 5, "sky": 7, "talktalk": 10, "virgin-media": 5, "vodafone": 11}
FB_Q3 = {"bt": 9, "ee": 9, "plusnet": 4, "sky": 6, "talktalk": 10, "virgin-media": 7, "vodafone": 10, "now-broadband": 4}
LL_Q4 = {"bt": 5, "ee": 6, "plusnet": 5, "sky": 2, "talktalk": 5, "virgin-media": 2, "vodafone": 3, "now-broadband": 6,
         "utility-warehouse": 1}
LL_Q3 = {"bt": 5, "ee": 6, "plusnet": 5, "sky": 2, "talktalk": 6, "virgin-media": 3, "vodafone": 4, "now-broadband": 5,
         "utility-warehouse": 1}
Q4 = FB_Q4  # the seven providers in both services


def q4_ratios(pid: str) -> list[float]:
    return [v / avg for table, avg in ((FB_Q4, 7), (LL_Q4, 3)) for v in ([table[pid]] if pid in table else [])]


def q3_ratios(pid: str) -> list[float]:
    return [v / avg for table, avg in ((FB_Q3, 8), (LL_Q3, 4)) for v in ([table[pid]] if pid in table else [])]


def test_bt_by_hand(out):
    bt = out["providers"]["bt"]["sectors"]["telecoms"]
    # ratios 8/7 = 1.142857 and 5/3 = 1.666667, mean 1.404762; complaints 100 × (2 − 1.404762) / 1.5 = 39.68
    assert bt["components"]["complaints"]["value"] == pytest.approx(39.68, abs=0.01)
    assert bt["components"]["pledge-grades"]["value"] == 100
    assert bt["components"]["pledge-verdicts"]["value"] is None
    # (0.35 × 39.683 + 0.10 × 100) / 0.45 = 53.09
    assert bt["score"] == 53.1
    # previous (2025 Q3): ratios 9/8 and 5/4, mean 1.1875 → 54.167; (18.958 + 10) / 0.45 = 64.35
    assert bt["previous_score"] == 64.4
    assert bt["comparable_with_previous"] is True and bt["trend"] == pytest.approx(-11.3, abs=0.05)
    assert bt["complaint_rate_vs_average"] == pytest.approx((8 / 7 + 5 / 3) / 2, abs=1e-3)


def test_telecoms_scores_and_ranks_follow_the_scores(out):
    expected = {pid: round(telecoms_score(q4_ratios(pid)), 1) for pid in [*Q4, "now-broadband", "utility-warehouse"]}
    for pid, score in expected.items():
        s = out["providers"][pid]["sectors"]["telecoms"]
        assert s["score"] == score, pid
        assert s["previous_score"] == round(telecoms_score(q3_ratios(pid)), 1), pid
    board = next(b for b in out["scoreboards"] if (b["sector"], b["country"]) == ("telecoms", "GB"))
    ranked = board["rows"][:len(expected)]
    assert set(ranked) == set(expected)
    assert [expected[p] for p in ranked] == sorted(expected.values(), reverse=True)
    ranks = [out["providers"][p]["sectors"]["telecoms"]["rank"] for p in ranked]
    assert ranks == sorted(ranks) and ranks[0] == 1  # a better score never has a worse rank
    assert ranked[0] == "utility-warehouse"  # landline 1 per 100,000 against an average of 3
    assert set(board["rows"][len(expected):]) == {"hyperoptic", "post-office", "shell-energy", "zen"}


def test_now_broadband_missing_from_one_service_is_scored_on_the_other(out):
    s = out["providers"]["now-broadband"]["sectors"]["telecoms"]
    detail = s["components"]["complaints"]["detail"]
    assert "2025-Q4 landline: 6 vs average 3" in detail and "fixed broadband" not in detail  # no broadband row in 2025 Q4
    assert s["score"] == round(telecoms_score([6 / 3]), 1) == 22.2


# Citizens Advice star-rating panel, Q1 2026: complaints per 10,000 customers of the 16 rated suppliers.
CA_Q1_2026_PER_10K = [14.4, 68.7, 21.3, 70.6, 29.8, 47.6, 21.5, 10.9, 21.3, 16.3, 39.5, 61.8, 57.1, 62.4, 164.0, 38.1]


def test_british_gas_by_hand(out):
    # no published average → the median of the 16 values (method 1.2.0; the mean, 745.3 / 16, until 1.1.0):
    # sorted, the 8th and 9th are 38.1 and 39.5
    average = (38.1 + 39.5) / 2
    assert sum(CA_Q1_2026_PER_10K) == pytest.approx(745.3) and sorted(CA_Q1_2026_PER_10K)[7:9] == [38.1, 39.5]
    complaints = 100 * (2 - 68.7 / average) / 1.5  # 15.292
    responsiveness = ((300 - 51) / 270 * 100 + 97.94) / 2  # call wait 51 s → 92.222; e-mail 97.94 % → 95.081
    # method 1.1.0: no pledge recorded → the pledge components are missing (1.0.0 counted grades as 0 → 54.4)
    score = (0.35 * complaints + 0.30 * responsiveness) / 0.65
    bg = out["providers"]["british-gas"]["sectors"]["energy"]
    assert bg["components"]["complaints"]["value"] == pytest.approx(complaints, abs=0.01)
    assert bg["components"]["responsiveness"]["value"] == pytest.approx(responsiveness, abs=0.01)
    assert bg["components"]["pledge-grades"]["value"] is None
    assert bg["score"] == round(score, 1) == 52.1


def test_octopus_by_hand(out):
    average = (38.1 + 39.5) / 2  # the median, as above
    complaints = min(100.0, 100 * (2 - 21.3 / average) / 1.5)  # ratio 0.549 → 96.735
    responsiveness = ((300 - 77) / 270 * 100 + 86.12) / 2  # 84.356
    score = (0.35 * complaints + 0.30 * responsiveness + 0.10 * 50) / 0.75  # one Energy Switch Guarantee pledge, grade C
    oc = out["providers"]["octopus-energy"]["sectors"]["energy"]
    assert oc["components"]["pledge-grades"]["value"] == 50
    assert oc["score"] == round(score, 1) == 85.6


def test_pledge_grades_and_verdicts(out):
    pledges = out["pledges"]
    for pid, p in pledges.items():
        if pid.endswith("ofcom-automatic-compensation"):
            assert (p["grade"], p["latest"]["verdict"]) == ("A", "no-data"), pid
        if pid.endswith("energy-switch-guarantee"):
            assert (p["grade"], p["latest"]["verdict"]) == ("C", "no-data"), pid
    assert pledges["t-mobile-nl-life-is-for-sharing"]["grade"] == "E"
    assert pledges["t-mobile-nl-life-is-for-sharing"]["latest"]["verdict"] == "not-measurable"
    assert pledges["t-mobile-nl-columnist-week-guarantee-proposal"]["counts_for_provider"] is False


def test_raw_counts_only_providers_are_not_ranked(out):
    for pid in ("citibank", "equifax"):
        for s in out["providers"][pid]["sectors"].values():
            assert s["rank"] is None and "raw complaint counts" in s["not_ranked_reason"], pid
    # an FCA firm is ranked on its product groups' rates, not on a sector board; the reason says so
    for s in out["providers"]["barclays-bank-uk"]["sectors"].values():
        assert s["rank"] is None and "ranked on the product-group boards" in s["not_ranked_reason"]
