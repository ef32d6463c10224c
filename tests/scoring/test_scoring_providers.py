"""Provider scores, ranking, ties, trend and 'not ranked — why' on SYNTHETIC records."""

from __future__ import annotations

from datetime import date

import pytest
from scoring_synth import TODAY, Synth, complaints_board, pledge, provider, source, stat, term

from pledges.scoring import compute
from pledges.scoring import method as M


def sector(data, pid, name="telecoms", today=TODAY):
    return compute(data, today).to_dict()["providers"][pid]["sectors"][name]


def board(data, name="telecoms", country="GB"):
    out = compute(data, TODAY).to_dict()
    return next(b for b in out["scoreboards"] if b["sector"] == name and b["country"] == country)["rows"], out


def test_complaints_only_score_by_hand():
    # ratio 8/10 = 0.8 → 100 × (2 − 0.8) / 1.5 = 80; pledge-grades: no pledge → missing (method 1.1.0;
    # 1.0.0 counted 0 and scored (0.35 × 80 + 0.10 × 0) / 0.45 = 62.2). score = 0.35 × 80 / 0.35 = 80
    data = complaints_board({"a": 8, "b": 20})
    s = sector(data, "a")
    assert s["components"]["complaints"]["value"] == pytest.approx(80.0)
    assert s["components"]["pledge-grades"]["value"] is None
    assert s["components"]["responsiveness"]["value"] is None
    assert s["score"] == pytest.approx(80.0)
    assert s["complaint_rate_vs_average"] == pytest.approx(0.8)
    assert s["components"]["complaints"]["effective_weight"] == pytest.approx(1.0, abs=1e-4)


def test_every_component_by_hand():
    data = complaints_board({"a": 10, "b": 12})
    data.add(
        stat("a", "timely-response-pct", "2026-Q1", 90.0),
        stat("a", "call-wait-seconds", "2026-Q1", 165.0),  # 100 × (300 − 165) / 270 = 50
        stat("a", "ombudsman-upheld-pct", "2026-H1", 40.0, source_id="fos"),
        pledge("pa", "a", [term("repair-time", 2, "working-days", payment="automatic")]),  # A, no-data
        source("fos", cadence="half-yearly"),
    )
    s = sector(data, "a")
    c = {k: v["value"] for k, v in s["components"].items()}
    assert c["complaints"] == pytest.approx(100 * (2 - 1.0) / 1.5, abs=0.01)
    assert c["responsiveness"] == pytest.approx((90 + 50) / 2)
    assert c["ombudsman"] == pytest.approx(60.0)
    assert c["pledge-grades"] == 100.0 and c["pledge-verdicts"] is None
    expected = (0.35 * 100 / 1.5 + 0.30 * 70 + 0.10 * 60 + 0.10 * 100) / 0.85
    assert s["score"] == pytest.approx(round(expected, 1))


def test_raw_counts_are_never_used():
    data = Synth().add(source(), provider("a"), provider("b"),
                       stat("a", "complaints-count", "2026-Q1", 5), stat("b", "complaints-count", "2026-Q1", 50000))
    for pid in ("a", "b"):
        s = sector(data, pid)
        assert s["rank"] is None and s["score"] is None
        assert "raw complaint counts" in s["not_ranked_reason"]


def test_computed_average_needs_enough_peers():
    data = complaints_board({"a": 8, "b": 12}, average=None)
    assert "no published industry average" in sector(data, "a")["not_ranked_reason"]
    data = complaints_board({"a": 8, "b": 12, "c": 10}, average=None)
    s = sector(data, "a")
    assert s["complaint_rate_vs_average"] == pytest.approx(0.8)
    assert s["rank"] == 1 and s["rank_label"] == "1"


def test_ties_within_published_rounding_share_a_rank():
    rows, out = board(complaints_board({"a": 5, "b": 8, "c": 7, "d": 11}, average=7))
    labels = {pid: out["providers"][pid]["sectors"]["telecoms"]["rank_label"] for pid in rows}
    # a (5) alone; c (7) and b (8) differ by the rounding unit → tied; d (11) alone.
    assert rows == ["a", "c", "b", "d"]
    assert labels == {"a": "1", "c": "=2", "b": "=2", "d": "4"}
    assert out["providers"]["b"]["sectors"]["telecoms"]["tied"] is True


def test_ties_do_not_chain():
    rows, out = board(complaints_board({"a": 6, "b": 7, "c": 8}, average=7))
    labels = [out["providers"][p]["sectors"]["telecoms"]["rank_label"] for p in rows]
    assert labels == ["=1", "=1", "3"]


def test_precision_constant_drives_ties(monkeypatch):
    monkeypatch.setitem(M.PUBLISHED_PRECISION, M.COMPLAINT_RATE_METRICS[0], 0.1)
    rows, out = board(complaints_board({"b": 8, "c": 7}, average=7))
    assert [out["providers"][p]["sectors"]["telecoms"]["rank_label"] for p in rows] == ["1", "2"]


def test_single_qualifying_provider_is_not_ranked():
    data = complaints_board({"a": 8})
    data.add(provider("b"))
    s = sector(data, "a")
    assert s["score"] is not None and s["rank"] is None
    assert "fewer than" in s["not_ranked_reason"]
    assert "complaints missing" in sector(data, "b")["not_ranked_reason"]


def test_small_customer_base_is_not_ranked():
    data = complaints_board({"a": 8, "b": 9, "c": 10})
    data.add(provider("small", customers=M.MIN_CUSTOMERS - 1), stat("small", "complaints-per-100k", "2026-Q1", 1, average=10))
    s = sector(data, "small")
    assert s["rank"] is None and "customer base" in s["not_ranked_reason"]
    rows, _ = board(data)
    assert rows[-1] == "small"


def test_provider_missing_from_latest_period_is_not_ranked_with_reason():
    data = complaints_board({"a": 8, "b": 9, "c": 10})
    data.add(provider("gone"), stat("gone", "complaints-per-100k", "2025-Q4", 1, average=10))
    s = sector(data, "gone")
    assert s["rank"] is None and "latest period 2026-Q1" in s["not_ranked_reason"]


def test_proposals_are_graded_but_not_in_the_score():
    base = complaints_board({"a": 8, "b": 9})
    with_proposal = complaints_board({"a": 8, "b": 9}).add(
        pledge("prop", "a", [term("repair-time", 2, "working-days", payment="automatic")], kind="proposal"))
    out = compute(with_proposal, TODAY).to_dict()
    assert out["pledges"]["prop"]["grade"] == "A"
    assert out["pledges"]["prop"]["counts_for_provider"] is False
    assert sector(with_proposal, "a") == sector(base, "a")


def test_trend_when_comparable_and_not_across_a_series_break():
    data = Synth().add(source(breaks=[("2025-Q1", "v1")]))
    for pid, (old, new) in {"a": (10, 8), "b": (10, 12)}.items():
        data.add(provider(pid), stat(pid, "complaints-per-100k", "2025-Q4", old, average=10),
                 stat(pid, "complaints-per-100k", "2026-Q1", new, average=10))
    a = sector(data, "a")
    # previous: ratio 1.0 → 66.67; now ratio 0.8 → 80 (complaints only: no pledge → missing since method 1.1.0;
    # 1.0.0 counted grades 0: 51.9 → 62.2, trend 10.4)
    assert a["previous_score"] == pytest.approx(66.7)
    assert a["comparable_with_previous"] is True
    assert a["trend"] == pytest.approx(13.3)
    data.sources["src"] = source(breaks=[("2025-Q1", "v1"), ("2026-Q1", "v2")])
    a = sector(data, "a")
    assert a["comparable_with_previous"] is False and a["trend"] is None
    assert a["previous_score"] == pytest.approx(66.7)


def test_scoreboards_are_per_sector_and_country():
    data = complaints_board({"a": 8, "b": 9})
    data.add(provider("nl1", country="NL"), provider("e1", ("energy",)))
    out = compute(data, TODAY).to_dict()
    keys = [(b["sector"], b["country"]) for b in out["scoreboards"]]
    assert keys == [("energy", "GB"), ("telecoms", "GB"), ("telecoms", "NL")]


def test_multi_sector_provider_keeps_figures_and_schemes_in_their_sector():
    data = complaints_board({"a": 8, "b": 9})
    data.add(
        provider("uw", ("energy", "telecoms")),
        stat("uw", "call-wait-seconds", "2026-Q1", 30, source_id="citizens-advice-star-rating"),
        source("citizens-advice-star-rating"),
        pledge("uw-auto", "uw", [term("repair-time", 2, "working-days", payment="automatic")],
               scheme="Ofcom automatic compensation scheme"),
    )
    out = compute(data, TODAY).to_dict()["providers"]["uw"]["sectors"]
    assert out["energy"]["components"]["responsiveness"]["value"] == 100.0
    assert out["telecoms"]["components"]["responsiveness"]["value"] is None
    assert out["telecoms"]["components"]["pledge-grades"]["value"] == 100.0
    assert out["energy"]["components"]["pledge-grades"]["value"] is None  # no pledge in energy: missing (1.1.0)


def test_every_score_carries_the_method_version():
    out = compute(complaints_board({"a": 8, "b": 9}), TODAY).to_dict()
    assert out["method_version"] == M.METHOD_VERSION
    assert out["method_changes"][-1]["version"] == M.METHOD_VERSION
    assert out["providers"]["a"]["sectors"]["telecoms"]["method_version"] == M.METHOD_VERSION
    assert out["today"] == TODAY.isoformat()


def test_stale_figures_are_flagged_but_still_ranked():
    data = complaints_board({"a": 8, "b": 9})  # 2026-Q1 ends 2026-03-31; expected_update_days 120
    due = date(2026, 3, 31).toordinal() + 120 + M.STALE_PUBLICATION_LAG_DAYS
    fresh = sector(data, "a", today=date.fromordinal(due))
    old = sector(data, "a", today=date.fromordinal(due + 1))
    assert fresh["stale"] is False and fresh["stale_reason"] is None
    assert old["stale"] is True and "2026-Q1" in old["stale_reason"]
    assert old["rank"] == fresh["rank"] == 1


def test_zero_average_is_handled_without_division_by_zero():
    import json

    data = complaints_board({"a": 0, "b": 0, "c": 0}, average=None)
    assert sector(data, "a")["components"]["complaints"]["value"] == 100.0
    data = complaints_board({"a": 0, "b": 1}, average=0)  # a published average that rounds to 0
    out = compute(data, TODAY).to_dict()
    json.dumps(out, allow_nan=False)
    assert out["providers"]["a"]["sectors"]["telecoms"]["components"]["complaints"]["value"] == 100.0
    assert out["providers"]["b"]["sectors"]["telecoms"]["components"]["complaints"]["value"] == 0.0
