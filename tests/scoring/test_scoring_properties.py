"""Property tests (hypothesis) on SYNTHETIC scoreboards built inside the test."""

from __future__ import annotations

import json
import os
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scoring_synth import TODAY, Synth, pledge, provider, source, stat, term

from pledges.scoring import compute
from pledges.scoring import method as M

# SCORING_EXAMPLES=1500 for a longer search (passes; ~40 s); the default keeps the suite fast.
SETTINGS = settings(max_examples=int(os.environ.get("SCORING_EXAMPLES", "60")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

provider_spec = st.fixed_dictionaries({
    "complaints": st.integers(min_value=0, max_value=60),
    "previous": st.one_of(st.none(), st.integers(min_value=0, max_value=60)),
    "sample": st.one_of(st.none(), st.integers(min_value=0, max_value=200)),
    "email": st.one_of(st.none(), st.floats(min_value=0, max_value=100, allow_nan=False).map(lambda x: round(x, 1))),
    "wait": st.one_of(st.none(), st.integers(min_value=0, max_value=600)),
    "upheld": st.one_of(st.none(), st.floats(min_value=0, max_value=100, allow_nan=False).map(lambda x: round(x, 1))),
    "switch": st.one_of(st.none(), st.floats(min_value=0, max_value=100, allow_nan=False).map(lambda x: round(x, 1))),
    "grade_pledge": st.booleans(),
})
boards = st.fixed_dictionaries({
    "providers": st.lists(provider_spec, min_size=1, max_size=6),
    "average": st.one_of(st.none(), st.integers(min_value=1, max_value=40)),
})


def build(spec, override: dict | None = None) -> Synth:
    """override: {provider index: {field: value}}."""
    data = Synth().add(source(), source("fos", cadence="half-yearly"))
    for i, p in enumerate(spec["providers"]):
        p = {**p, **(override or {}).get(i, {})}
        pid = f"p{i}"
        data.add(provider(pid))
        data.add(stat(pid, "complaints-per-100k", "2026-Q1", p["complaints"], average=spec["average"], sample=p["sample"]))
        if p["previous"] is not None:
            data.add(stat(pid, "complaints-per-100k", "2025-Q4", p["previous"], average=spec["average"]))
        if p["email"] is not None:
            data.add(stat(pid, "email-reply-2-working-days-pct", "2026-Q1", p["email"]))
        if p["wait"] is not None:
            data.add(stat(pid, "call-wait-seconds", "2026-Q1", p["wait"]))
        if p["upheld"] is not None:
            data.add(stat(pid, "ombudsman-upheld-pct", "2026-H1", p["upheld"], source_id="fos"))
        if p["switch"] is not None:
            data.add(pledge(f"{pid}-switch", pid, [term("switch-time", 5, "working-days", target=98)]),
                     stat(pid, "switches-completed-in-time-pct", "2026-Q1", p["switch"]))
        if p["grade_pledge"]:
            data.add(pledge(f"{pid}-auto", pid, [term("repair-time", 2, "working-days", payment="automatic")]))
    return data


def scores(data) -> dict:
    return {pid: s["sectors"]["telecoms"] for pid, s in compute(data, TODAY).to_dict()["providers"].items()}


def raw(data, pid):
    """The unrounded score (monotonicity must hold before display rounding)."""
    board = compute(data, TODAY)
    return board.providers[pid]["telecoms"].raw_score, board.providers[pid]["telecoms"].eligible


@SETTINGS
@given(boards, st.data())
def test_more_complaints_never_improve_a_score(spec, draw):
    i = draw.draw(st.integers(min_value=0, max_value=len(spec["providers"]) - 1))
    extra = draw.draw(st.integers(min_value=1, max_value=40))
    before, ok_before = raw(build(spec), f"p{i}")
    after, ok_after = raw(build(spec, {i: {"complaints": spec["providers"][i]["complaints"] + extra}}), f"p{i}")
    assert ok_before == ok_after  # eligibility does not depend on the level of complaints
    if before is not None:
        assert after <= before + 1e-9


@SETTINGS
@given(boards, st.data())
def test_a_kept_pledge_never_lowers_a_score(spec, draw):
    i = draw.draw(st.integers(min_value=0, max_value=len(spec["providers"]) - 1))
    value = draw.draw(st.floats(min_value=0, max_value=97.9, allow_nan=False))
    missed = build(spec, {i: {"switch": round(value, 1)}})
    kept = build(spec, {i: {"switch": 98.0}})
    assert compute(kept, TODAY).to_dict()["pledges"][f"p{i}-switch"]["latest"]["verdict"] == "kept"
    before, _ = raw(missed, f"p{i}")
    after, _ = raw(kept, f"p{i}")
    if before is not None:
        assert after >= before - 1e-9


def shuffled(data: Synth, seed: int) -> Synth:
    rng = random.Random(seed)
    out = Synth()
    for kind in ("providers", "sources", "statistics", "pledges", "reports"):
        items = list(getattr(data, kind).items())
        rng.shuffle(items)
        setattr(out, kind, dict(items))
    return out


@SETTINGS
@given(boards, st.integers(min_value=0, max_value=10_000))
def test_ranking_does_not_depend_on_file_or_dict_order(spec, seed):
    data = build(spec)
    first = json.dumps(compute(data, TODAY).to_dict(), allow_nan=False)
    second = json.dumps(compute(shuffled(data, seed), TODAY).to_dict(), allow_nan=False)
    assert first == second


@SETTINGS
@given(boards)
def test_below_minimum_sample_is_never_ranked(spec):
    out = scores(build(spec))
    for i, p in enumerate(spec["providers"]):
        s = out[f"p{i}"]
        if p["sample"] is not None and p["sample"] < M.MIN_SAMPLE_SIZE:
            assert s["rank"] is None and s["score"] is None
            assert "below the minimum" in s["not_ranked_reason"]
        if s["rank"] is not None:
            assert s["not_ranked_reason"] is None and s["score"] is not None


@SETTINGS
@given(boards)
def test_ranks_are_consistent_with_scores(spec):
    out = scores(build(spec))
    ranked = [s for s in out.values() if s["rank"] is not None]
    for a in ranked:
        for b in ranked:
            if a["score"] > b["score"] + 1e-9:
                assert a["rank"] <= b["rank"]
            if a["rank"] == b["rank"]:
                assert a["rank_label"] == b["rank_label"]
        assert 0 <= a["score"] <= 100
        assert a["rank_label"] == (f"={a['rank']}" if a["tied"] else str(a["rank"]))
    if ranked:
        assert min(s["rank"] for s in ranked) == 1


term_spec = st.fixed_dictionaries({
    "metric": st.sampled_from(["repair-time", "switch-time", "email-reply-time", "call-answer-time", "network-capacity",
                               "bill-accuracy", "complaint-resolution-time"]),
    "unit": st.sampled_from(["working-days", "calendar-days", "hours", "seconds", "percent"]),
    "payment": st.sampled_from([None, "on-request", "automatic"]),
})


@SETTINGS
@given(st.lists(term_spec, max_size=3), term_spec)
def test_adding_a_term_or_better_compensation_never_lowers_a_grade(terms, extra):
    from pledges.scoring.grades import grade_pledge

    def grade(specs):
        return grade_pledge(pledge("g", "p", [term(s["metric"], 2, s["unit"], payment=s["payment"]) for s in specs]))

    order = "ABCDE"
    base = grade(terms)
    assert order.index(grade(terms + [extra]).grade) <= order.index(base.grade)
    assert grade(terms + [extra]).points >= base.points
    upgraded = [dict(s, payment="automatic") for s in terms]
    assert grade(upgraded).points >= base.points
