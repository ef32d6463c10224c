"""Pledge grade A–E from the pledge's own terms (no statistics needed)."""

from __future__ import annotations

from dataclasses import dataclass

from .. import models as m
from . import method as M
from .messages import Message, Verbatim


@dataclass(frozen=True)
class Criterion:
    key: str
    met: bool
    reason: str
    points: int

    def to_dict(self) -> dict:
        return {"key": self.key, "met": self.met, "reason": self.reason, "points": self.points}


@dataclass(frozen=True)
class Grade:
    grade: str
    points: int
    criteria: tuple[Criterion, ...]


def grade_for_points(points: float) -> str:
    for grade, minimum in M.GRADE_BANDS:
        if points >= minimum:
            return grade
    return M.GRADE_BANDS[-1][0]


def max_points() -> int:
    p = M.CRITERION_POINTS
    return p["specific"] + p["measurable"] + p["time-bound"] + max(p["backed-automatic"], p["backed-on-request"]) + p[
        "independently-verifiable"
    ]


def _metrics(pledge: m.Pledge) -> list[str]:
    return sorted({t.metric.value for t in pledge.terms})


def grade_pledge(pledge: m.Pledge) -> Grade:
    P = M.CRITERION_POINTS
    terms = pledge.terms
    criteria: list[Criterion] = []

    # specific: a named service event
    if terms:
        events = "; ".join(sorted({t.event for t in terms}))
        criteria.append(Criterion("specific", True, Message("criterion-specific", events=Verbatim(events)), P["specific"]))
    else:
        criteria.append(Criterion("specific", False, Message("criterion-no-event"), 0))

    # measurable: a statistic or customer reports can test a term's metric
    testable = [t for t in terms if M.METRIC_MAPPING[t.metric].statistic is not None or M.METRIC_MAPPING[t.metric].reports_can_test]
    if testable:
        how = []
        for t in testable:
            mapping = M.METRIC_MAPPING[t.metric]
            how.append(f"{t.metric.value} → statistic {mapping.statistic.value}" if mapping.statistic
                       else f"{t.metric.value} → customer reports")
        criteria.append(Criterion("measurable", True, "testable: " + "; ".join(sorted(set(how))), P["measurable"]))
    elif terms:
        criteria.append(Criterion("measurable", False, Message("criterion-not-measurable", metrics=", ".join(_metrics(pledge))), 0))
    else:
        criteria.append(Criterion("measurable", False, Message("criterion-nothing-to-measure"), 0))

    # time-bound: a deadline in a time unit
    timed = [t for t in terms if t.unit.value in M.TIME_UNITS]
    if timed:
        deadlines = "; ".join(sorted({f"{t.comparator.value} {t.threshold:g} {t.unit.value}" for t in timed}))
        criteria.append(Criterion("time-bound", True, f"deadline: {deadlines}", P["time-bound"]))
    else:
        criteria.append(Criterion("time-bound", False, Message("criterion-no-deadline") if terms else Message("criterion-no-terms-deadline"), 0))

    # backed: compensation; automatic beats on request
    payments = {t.compensation.payment for t in terms if t.compensation is not None}
    if m.Payment.automatic in payments:
        criteria.append(Criterion("backed", True, Message("criterion-backed-automatic"), P["backed-automatic"]))
    elif m.Payment.on_request in payments:
        criteria.append(Criterion("backed", True, Message("criterion-backed-on-request"), P["backed-on-request"]))
    else:
        criteria.append(Criterion("backed", False, Message("criterion-not-backed"), 0))

    # independently verifiable
    independent = sorted({measure for t in terms if (measure := M.METRIC_MAPPING[t.metric].independent_measure)})
    if independent:
        criteria.append(Criterion("independently-verifiable", True, "; ".join(independent), P["independently-verifiable"]))
    else:
        reason = Message("criterion-not-verifiable") if terms else Message("criterion-nothing-to-verify")
        criteria.append(Criterion("independently-verifiable", False, reason, 0))

    points = sum(c.points for c in criteria)
    return Grade(grade_for_points(points), points, tuple(criteria))
