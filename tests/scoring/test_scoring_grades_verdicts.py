"""Pledge grades and verdicts on SYNTHETIC records (see scoring_synth.py)."""

from __future__ import annotations

from datetime import date

import pytest
from scoring_synth import TODAY, Synth, pledge, provider, report, source, stat, term

from pledges.scoring import compute
from pledges.scoring import method as M
from pledges.scoring.grades import grade_pledge


def crit(grade, key):
    return next(c for c in grade.criteria if c.key == key)


# --------------------------------------------------------------------------- grades


def test_slogan_without_terms_grades_e_with_every_criterion_false():
    g = grade_pledge(pledge("slogan", "p", kind="slogan"))
    assert g.grade == "E" and g.points == 0
    assert [c.met for c in g.criteria] == [False] * 5
    assert all(c.reason for c in g.criteria)


def test_automatic_compensation_scheme_grades_a():
    p = pledge("auto", "p", [term("repair-time", 2, "working-days", payment="automatic"),
                             term("missed-appointment", 24, "hours", comparator=">=", payment="automatic")], kind="scheme")
    g = grade_pledge(p)
    assert g.grade == "A" and g.points == 6
    assert crit(g, "backed").points == 2


def test_automatic_beats_on_request():
    auto = grade_pledge(pledge("a", "p", [term("repair-time", 2, "working-days", payment="automatic")]))
    claim = grade_pledge(pledge("b", "p", [term("repair-time", 2, "working-days", payment="on-request")]))
    assert auto.points == claim.points + 1
    assert (auto.grade, claim.grade) == ("A", "B")


def test_switch_guarantee_without_compensation_grades_c():
    g = grade_pledge(pledge("esg", "p", [term("switch-time", 5, "working-days", target=98)], kind="scheme"))
    assert g.grade == "C" and g.points == 4
    assert not crit(g, "backed").met and crit(g, "time-bound").met


def test_capacity_promise_is_neither_measurable_nor_verifiable():
    g = grade_pledge(pledge("cap", "p", [term("network-capacity", 200, "percent", comparator=">=")]))
    assert not crit(g, "measurable").met
    assert not crit(g, "independently-verifiable").met
    assert not crit(g, "time-bound").met
    assert g.grade == "E"  # specific only: 1 point


# --------------------------------------------------------------------------- verdicts


def latest(data, pid="pl", today=TODAY):
    return compute(data, today).to_dict()["pledges"][pid]["latest"]


def switch_data(value, target=98.0, sample=None):
    return Synth().add(
        source(), provider("p", ("energy",)),
        pledge("pl", "p", [term("switch-time", 5, "working-days", target=target)], effective_from=date(2025, 1, 1)),
        stat("p", "switches-completed-in-time-pct", "2026-Q1", value, sample=sample),
    )


@pytest.mark.parametrize(
    "value, expected",
    [(99.0, "kept"), (98.0, "kept"), (95.0, "partly-kept"), (93.0, "partly-kept"), (92.9, "broken"), (50.0, "broken")],
)
def test_share_verdict_and_partly_kept_margin(value, expected):
    v = latest(switch_data(value))
    assert v["verdict"] == expected
    assert v["period"] == "2026-Q1"
    assert v["evidence"] == ["p--src--switches-completed-in-time-pct--2026-q1"]


def test_margin_constant_drives_the_verdict(monkeypatch):
    assert latest(switch_data(95.0))["verdict"] == "partly-kept"
    monkeypatch.setattr(M, "PARTLY_KEPT_MARGIN_PCT_POINTS", 2.0)
    assert latest(switch_data(95.0))["verdict"] == "broken"


def test_target_share_defaults_to_every_case():
    v = latest(switch_data(99.0, target=None))
    assert v["verdict"] == "partly-kept" and "target 100%" in v["reason"]


def test_figure_below_minimum_sample_is_not_used():
    v = latest(switch_data(99.0, sample=M.MIN_SAMPLE_SIZE - 1))
    assert v["verdict"] == "no-data"
    assert latest(switch_data(99.0, sample=M.MIN_SAMPLE_SIZE))["verdict"] == "kept"


def email_data(days, value, target=90.0):
    return Synth().add(
        source(), provider("p", ("energy",)),
        pledge("pl", "p", [term("email-reply-time", days, "working-days", target=target)]),
        stat("p", "email-reply-2-working-days-pct", "2026-Q1", value),
    )


def test_deadline_equal_to_statistic_decides_both_ways():
    assert latest(email_data(2, 92))["verdict"] == "kept"
    assert latest(email_data(2, 80))["verdict"] == "broken"


def test_faster_pledge_can_only_be_shown_broken():
    assert latest(email_data(1, 95))["verdict"] == "no-data"  # 95% within 2 days says nothing about 1 day
    assert latest(email_data(1, 80))["verdict"] == "broken"


def test_slower_pledge_can_only_be_shown_kept():
    assert latest(email_data(5, 95))["verdict"] == "kept"
    assert latest(email_data(5, 50))["verdict"] == "no-data"


@pytest.mark.parametrize("wait, expected", [(45, "kept"), (60, "kept"), (64, "partly-kept"), (66, "partly-kept"), (67, "broken")])
def test_call_wait_value_test(wait, expected):
    for threshold, unit in ((60, "seconds"), (1, "minutes")):
        data = Synth().add(source(), provider("p", ("energy",)), pledge("pl", "p", [term("call-answer-time", threshold, unit)]),
                           stat("p", "call-wait-seconds", "2026-Q1", wait))
        assert latest(data)["verdict"] == expected


def test_no_terms_is_not_measurable_and_repair_is_no_data():
    data = Synth().add(provider("p"), pledge("s", "p", kind="slogan"),
                       pledge("r", "p", [term("repair-time", 2, "working-days", payment="automatic")]))
    out = compute(data, TODAY).to_dict()["pledges"]
    assert out["s"]["latest"]["verdict"] == "not-measurable"
    assert out["r"]["latest"]["verdict"] == "no-data"
    assert out["r"]["latest"]["period"] is None and "repair-time" in out["r"]["latest"]["reason"]


def test_deadline_passing_moves_to_the_due_verdict():
    data = Synth().add(
        source(), provider("p", ("energy",)),
        pledge("pl", "p", [term("switch-time", 5, "working-days", target=98)], kind="announcement",
               effective_from=date(2026, 4, 1)),
        stat("p", "switches-completed-in-time-pct", "2026-Q2", 99.0),
    )
    assert latest(data, today=date(2026, 3, 31))["verdict"] == "not-yet-rated"
    assert latest(data, today=date(2026, 11, 23))["verdict"] == "kept"


def test_due_without_figures_is_not_yet_rated_then_no_data():
    data = Synth().add(source(), provider("p", ("energy",)),
                       pledge("pl", "p", [term("switch-time", 5, "working-days", target=98)], effective_from=date(2026, 10, 1)))
    assert latest(data, today=date(2026, 11, 23))["verdict"] == "not-yet-rated"
    later = date(2026, 10, 1).toordinal() + M.NOT_YET_RATED_GRACE_DAYS + 1
    assert latest(data, today=date.fromordinal(later))["verdict"] == "no-data"


def test_only_periods_inside_the_effective_dates_count():
    data = Synth().add(
        source(), provider("p", ("energy",)),
        pledge("pl", "p", [term("switch-time", 5, "working-days", target=98)],
               effective_from=date(2025, 4, 1), effective_to=date(2025, 12, 31)),
        stat("p", "switches-completed-in-time-pct", "2025-Q1", 10.0),  # before
        stat("p", "switches-completed-in-time-pct", "2025-Q2", 99.0),
        stat("p", "switches-completed-in-time-pct", "2025-Q4", 90.0),
        stat("p", "switches-completed-in-time-pct", "2026-Q1", 10.0),  # after
    )
    out = compute(data, TODAY).to_dict()["pledges"]["pl"]
    assert [v["period"] for v in out["verdicts"]] == ["2025-Q2", "2025-Q4"]
    assert out["latest"]["verdict"] == "broken" and "ended 2025-12-31" in out["latest"]["reason"]


def test_verdicts_across_a_series_break_are_flagged_not_comparable():
    data = Synth().add(
        source(breaks=[("2025-Q1", "old"), ("2025-Q3", "new")]), provider("p", ("energy",)),
        pledge("pl", "p", [term("email-reply-time", 2, "working-days", target=90)]),
        stat("p", "email-reply-2-working-days-pct", "2025-Q2", 95.0),
        stat("p", "email-reply-2-working-days-pct", "2025-Q3", 95.0),
        stat("p", "email-reply-2-working-days-pct", "2025-Q4", 80.0, series="new"),
    )
    out = compute(data, TODAY).to_dict()["pledges"]["pl"]
    assert [(v["period"], v["series_version"], v["comparable"]) for v in out["verdicts"]] == [
        ("2025-Q2", "old", False), ("2025-Q3", "new", True), ("2025-Q4", "new", True)]


def test_mixed_terms_are_partly_kept():
    data = Synth().add(
        source(), provider("p", ("energy",)),
        pledge("pl", "p", [term("email-reply-time", 2, "working-days", target=90), term("call-answer-time", 60, "seconds")]),
        stat("p", "email-reply-2-working-days-pct", "2026-Q1", 95.0), stat("p", "call-wait-seconds", "2026-Q1", 300),
    )
    v = latest(data)
    assert v["verdict"] == "partly-kept" and len(v["evidence"]) == 2


def test_reports_never_flip_a_verdict_and_show_only_from_the_minimum_contributors():
    data = switch_data(99.0)
    for i in range(10):
        data.add(report(f"r{i}", "pl", "broken", "same-person"))
    out = compute(data, TODAY).to_dict()["pledges"]["pl"]
    assert out["latest"]["verdict"] == "kept"
    assert out["community"] == {"kept": 0, "partly-kept": 0, "broken": 10, "contributors": 1, "shown": False}
    for i in range(M.MIN_REPORT_CONTRIBUTORS - 1):
        data.add(report(f"x{i}", "pl", "broken", f"person-{i}"))
    out = compute(data, TODAY).to_dict()["pledges"]["pl"]
    assert out["community"]["contributors"] == M.MIN_REPORT_CONTRIBUTORS and out["community"]["shown"] is True
    assert out["latest"]["verdict"] == "kept"


def test_verdict_vocabulary_is_exact():
    assert M.VERDICTS == ["kept", "partly-kept", "broken", "not-yet-rated", "no-data", "not-measurable"]


def test_announcement_with_only_a_by_date_is_due_from_that_date_on():
    data = Synth().add(
        source(), provider("p", ("energy",)),
        pledge("pl", "p", [term("call-answer-time", 60, "seconds")], kind="announcement", effective_to=date(2025, 6, 30)),
        stat("p", "call-wait-seconds", "2025-Q2", 500),  # before the promised date: not held against it
        stat("p", "call-wait-seconds", "2026-Q1", 50),
    )
    assert latest(data, today=date(2025, 6, 1))["verdict"] == "not-yet-rated"
    out = compute(data, TODAY).to_dict()["pledges"]["pl"]
    assert [v["period"] for v in out["verdicts"]] == ["2026-Q1"]
    assert out["latest"]["verdict"] == "kept" and "ended" not in out["latest"]["reason"]
    assert out["counts_for_provider"] is True
