"""Scoring constants for statutory norms and published targets tested per year (the Dutch records, issue 9).

Joined into ``method.METRIC_MAPPING`` and ``method.STAT_PLAIN`` (the one place the code and the methodology
page read them from); kept here so ``method.py`` stays small. Each mapping's fields are those of
``method.MetricMapping``: statistic, kind, the statistic's own deadline in days, reports can test it, who
publishes it independently, note.
"""

from __future__ import annotations

from ..models import PledgeMetric, StatMetric

NORM_MAPPINGS: dict[PledgeMetric, tuple[StatMetric | None, str, float | None, bool, str | None, str]] = {
    PledgeMetric.next_day_delivery: (
        StatMetric.next_day_delivery_pct, "share", None, False,
        "ACM checks the universal postal service's delivery times every year (reported per year by ANP)",
        "% of letters delivered the next delivery day ≥ the norm's share",
    ),
    PledgeMetric.punctuality: (
        StatMetric.punctuality_5_min_pct, "share", None, False,
        "NS reports its concession indicators every year to the ministry, which sets the floors",
        "% of passengers arriving within 5 minutes of schedule ≥ the floor",
    ),
    PledgeMetric.power_outage_time: (
        StatMetric.electricity_outage_minutes, "value", None, False,
        "grid operators publish it in their annual reports; ACM compares the operators",
        "the published average yearly minutes without electricity per customer, compared with the target",
    ),
    PledgeMetric.gas_outage_time: (
        StatMetric.gas_outage_seconds, "value", None, False,
        "grid operators publish it in their annual reports",
        "the published average yearly time without gas per customer, compared with the target",
    ),
    PledgeMetric.journey_delay: (
        None, "share", None, True,
        "the rail operator could publish refund claims paid per year; not found",
        "no published figure of refunds granted → no-data; customer reports can be sent",
    ),
}

#: Plain words for these share statistics in a verdict reason.
NORM_STAT_PLAIN: dict[StatMetric, str] = {
    StatMetric.next_day_delivery_pct: "of letters delivered the next delivery day",
    StatMetric.punctuality_5_min_pct: "of passengers on time (within 5 minutes)",
}
