"""Every constant of the scoring method, in one place.

The code (grades, verdicts, provider scores) and the methodology page
(``methodology.py``) both read these names *at call time* from this module, so a
change here changes the scores and the published method together. Nothing in this
module is computed from data.

When you change a number here, bump ``METHOD_VERSION`` and add an entry to
``METHOD_CHANGES`` (date, what changed): scores computed with different method
versions are not compared (see the methodology page, "Versions and breaks").
"""

from __future__ import annotations

from dataclasses import dataclass

from ..models import PledgeMetric, StatMetric
from .method_norms import NORM_MAPPINGS, NORM_STAT_PLAIN

# --------------------------------------------------------------------------- versions

METHOD_VERSION = "1.3.0"

#: Newest last. Every change of a constant below gets a dated entry.
METHOD_CHANGES: list[dict[str, str]] = [
    {
        "version": "1.0.0",
        "date": "2026-11-23",
        "summary": "First published method: pledge grades A–E, verdicts per period from an explicit "
        "metric mapping, provider scores per sector from five weighted components.",
    },
    {
        "version": "1.1.0",
        "date": "2026-12-01",
        "summary": "Verdicts for published rules (kind `rule`) from share bands (at least 95% kept, below 80% broken); "
        "a provider with no recorded pledge no longer scores 0 on pledge grades (the component is missing and the "
        "weights are renormalised); scoreboards per FCA product group on complaints per 1,000 accounts.",
    },
    {
        "version": "1.2.0",
        "date": "2026-12-01",
        "summary": "Without a published industry average, the comparison point is the median of the providers in "
        "the data, not their mean: one implausible published cell (the FCA's 2025 H1 workbook gives one insurer "
        "39,526 complaints per 1,000 policies) moved the mean of a whole product group a hundredfold.",
    },
    {
        "version": "1.3.0",
        "date": "2026-12-02",
        "summary": "Dutch norms and targets are tested: next-day delivery, rail punctuality and grid outage time per "
        "year. A rule whose term states the required share itself (PostNL's 95% norm, a rail concession floor) is "
        "tested against that share like any pledge, not in the deadline bands of a complaint rule; a yearly outage "
        "time is compared in the unit the operator publishes (minutes or seconds).",
    },
]

# --------------------------------------------------------------------------- pledge grade

#: Points per criterion of a pledge's own terms. `backed` has two levels.
CRITERION_POINTS: dict[str, int] = {
    "specific": 1,
    "measurable": 1,
    "time-bound": 1,
    "backed-automatic": 2,
    "backed-on-request": 1,
    "independently-verifiable": 1,
}

#: The criteria in the order they are shown.
CRITERIA: list[str] = ["specific", "measurable", "time-bound", "backed", "independently-verifiable"]

#: Grade bands: the first grade whose minimum the points reach. Highest first.
GRADE_BANDS: list[tuple[str, int]] = [("A", 6), ("B", 5), ("C", 4), ("D", 2), ("E", 0)]

#: A term unit that states a deadline (the pledge is time-bound).
#: (A working day counts as 7/5 calendar days.)
TIME_UNITS: dict[str, float] = {  # unit → seconds per unit
    "working-days": 7 / 5 * 86400,
    "calendar-days": 86400.0,
    "hours": 3600.0,
    "minutes": 60.0,
    "seconds": 1.0,
}

#: Pledge kinds that are not the provider's own promise: graded and tested, never in its score.
NOT_PROVIDER_PROMISE: set[str] = {"proposal"}

# --------------------------------------------------------------------------- verdicts

VERDICTS: list[str] = ["kept", "partly-kept", "broken", "not-yet-rated", "no-data", "not-measurable"]

VERDICT_MEANING: dict[str, str] = {
    "kept": "the published figure meets the pledge's target",
    "partly-kept": "the figure misses the target by no more than the margin below (or some terms are kept, some not)",
    "broken": "the figure misses the target by more than the margin",
    "not-yet-rated": "the pledge is not due yet (it starts or was promised for a later date), or the first period "
    "it covers may not have been published yet",
    "no-data": "nothing has been published that could test the pledge — a visible state, not a blank",
    "not-measurable": "the pledge has no measurable terms (no event, deadline or target)",
}


@dataclass(frozen=True)
class MetricMapping:
    """How one pledge metric is tested."""

    statistic: StatMetric | None  # the published statistic that tests it, or None
    kind: str  # "share": the statistic is the % of cases within its own deadline; "value": compare the value
    stat_deadline_days: float | None  # the statistic's own deadline in calendar days (share kind), None = the pledge's
    reports_can_test: bool  # a customer can observe it and report it (days to resolution, outcome)
    independent_measure: str | None  # who publishes (or could publish) it, independently of the provider
    note: str


#: Pledge metric → how it is tested. The heart of the verdicts; printed on the methodology page.
METRIC_MAPPING: dict[PledgeMetric, MetricMapping] = {
    PledgeMetric.switch_time: MetricMapping(
        StatMetric.switches_completed_in_time_pct, "share", None, True,
        "Energy UK publishes signatories' switching performance (scheme administrator, independent chair)",
        "% of switches completed within the scheme's deadline ≥ the pledge's target share",
    ),
    PledgeMetric.complaint_resolution_time: MetricMapping(
        StatMetric.closed_within_8_weeks_pct, "share", 56.0, True,
        "regulators publish it per firm in some sectors (FCA firm-level data: % closed within 8 weeks)",
        "% of complaints closed within 8 weeks ≥ the target share",
    ),
    PledgeMetric.complaint_response_time: MetricMapping(
        StatMetric.timely_response_pct, "share", 15.0, True,
        "regulators publish it per firm in some sectors (CFPB: % timely responses within 15 days)",
        "% of complaints answered within 15 days (CFPB 'timely') ≥ the target share",
    ),
    PledgeMetric.email_reply_time: MetricMapping(
        StatMetric.email_reply_2_working_days_pct, "share", 2 * 7 / 5, True,
        "Citizens Advice energy supplier star rating (e-mail reply within 2 working days)",
        "% of e-mails answered within 2 working days ≥ the target share",
    ),
    PledgeMetric.call_answer_time: MetricMapping(
        StatMetric.call_wait_seconds, "value", None, True,
        "Citizens Advice energy supplier star rating (average call wait)",
        "the published average call wait, compared with the pledge's threshold (an average, not a share of calls)",
    ),
    PledgeMetric.repair_time: MetricMapping(
        None, "share", None, True,
        "Ofcom could publish repair times per provider (it has in its customer-service comparisons)",
        "no published per-provider statistic yet → no-data; customer reports can be sent",
    ),
    PledgeMetric.installation_delay: MetricMapping(
        None, "share", None, True,
        "Ofcom could publish provision delays per provider",
        "no published per-provider statistic yet → no-data",
    ),
    PledgeMetric.missed_appointment: MetricMapping(
        None, "share", None, True,
        "Ofcom could publish missed engineer appointments per provider",
        "no published per-provider statistic yet → no-data",
    ),
    PledgeMetric.bill_accuracy: MetricMapping(
        None, "share", None, True,
        "Ofgem / ACM could publish on-time and accurate bills (ACM ConsuWijzer shows on-time bills)",
        "no published statistic in the data yet → no-data",
    ),
    PledgeMetric.network_capacity: MetricMapping(
        None, "value", None, False,
        None,
        "capacity is neither published per provider nor observable by a customer → no-data",
    ),
}

# The Dutch norms and targets (issue 9) are kept in their own module and joined here, so this stays the one place.
METRIC_MAPPING.update({metric: MetricMapping(*fields) for metric, fields in NORM_MAPPINGS.items()})

#: A pledge term without a target share promises every case: the target is this share.
DEFAULT_TARGET_SHARE_PCT: float = 100.0

#: partly-kept when a share misses its target by at most this many percentage points.
PARTLY_KEPT_MARGIN_PCT_POINTS: float = 5.0

#: partly-kept when a value (e.g. average call wait) misses its threshold by at most this fraction.
PARTLY_KEPT_MARGIN_VALUE_FRACTION: float = 0.10

#: Pledge kinds that are a published rule binding the provider (e.g. the FCA's DISP 1.6 eight-week deadline).
RULE_KINDS: set[str] = {"rule"}

#: A rule's share test uses bands, not the target margin: the rule's own figure below 100% is not by itself a
#: breach. DISP 1.6 lets a firm send, within 8 weeks, a holding reply explaining why it cannot resolve the
#: complaint yet, with the right to refer it to the ombudsman; such complaints count as not closed in time.
#: So a share of at least RULE_SHARE_KEPT_AT_LEAST_PCT is kept, below RULE_SHARE_BROKEN_BELOW_PCT broken,
#: in between partly kept.
RULE_SHARE_KEPT_AT_LEAST_PCT: float = 95.0
RULE_SHARE_BROKEN_BELOW_PCT: float = 80.0
RULE_BANDS_REASON: str = (
    "a share below 100% is not by itself a breach: the rule allows a holding reply within the deadline that explains "
    "why the firm cannot resolve the complaint yet and gives the right to go to the ombudsman, and those complaints "
    "count as not closed in time. Most complaints closed in time is what the rule asks for; many not closed in time "
    "means holding replies have become the rule rather than the exception"
)

#: Plain words for a share statistic in a verdict reason ("97.2% of complaints closed within 8 weeks").
STAT_PLAIN: dict[StatMetric, str] = {
    StatMetric.closed_within_8_weeks_pct: "of complaints closed within 8 weeks",
    StatMetric.closed_within_3_days_pct: "of complaints closed within 3 days",
    StatMetric.timely_response_pct: "of complaints answered within 15 days",
    StatMetric.email_reply_2_working_days_pct: "of e-mails answered within 2 working days",
    StatMetric.switches_completed_in_time_pct: "of switches completed in time",
    **NORM_STAT_PLAIN,
}

#: Two deadlines are the same when they differ by at most this many calendar days.
DEADLINE_TOLERANCE_DAYS: float = 0.5

#: A pledge whose start (or promised date) is less than this many days ago, and that has no
#: published figure yet, is "not-yet-rated" rather than "no-data" (a quarter plus publication lag).
NOT_YET_RATED_GRACE_DAYS: int = 120

#: Community evidence (reports) is shown only from this many distinct contributors on.
MIN_REPORT_CONTRIBUTORS: int = 3

# --------------------------------------------------------------------------- provider score

#: Component weights (nominal). Missing components are left out and the rest re-weighted to sum 1.
WEIGHTS: dict[str, float] = {
    "complaints": 0.35,
    "responsiveness": 0.30,
    "ombudsman": 0.10,
    "pledge-verdicts": 0.15,
    "pledge-grades": 0.10,
}

COMPONENT_MEANING: dict[str, str] = {
    "complaints": "complaints per customer (per 100,000 or per 10,000 as published) relative to the industry "
    "average of the same source, service and period",
    "responsiveness": "mean of the published responsiveness figures: % timely responses, % e-mails answered within "
    "2 working days, % complaints closed within 8 weeks, average call wait",
    "ombudsman": "100 minus the ombudsman's % of cases upheld against the provider",
    "pledge-verdicts": "mean of the latest verdicts of the provider's own pledges that have one",
    "pledge-grades": "mean grade of the provider's own pledges",
}

# A provider with no pledge recorded by this project has its pledge components *missing* (not 0): the
# weights are renormalised over the components present. "No pledge recorded" may only mean this project has
# not recorded one yet, and a provider must not lose points for a gap in our data. (In 1.0.0 it scored 0.)

GRADE_VALUES: dict[str, float] = {"A": 100.0, "B": 75.0, "C": 50.0, "D": 25.0, "E": 0.0}
VERDICT_VALUES: dict[str, float] = {"kept": 100.0, "partly-kept": 50.0, "broken": 0.0}

#: Per-customer complaint metrics only; raw counts (`complaints-count`) are never used.
COMPLAINT_RATE_METRICS: list[StatMetric] = [StatMetric.complaints_per_100k, StatMetric.complaints_per_10k]

#: Complaint ratio (provider ÷ industry average) that scores 100, and the one that scores 0; linear between.
RATIO_BEST: float = 0.5
RATIO_WORST: float = 2.0

#: Without a published industry average, the MEDIAN of the providers in the data is the comparison point
#: (one extreme published value — a typo in a regulator's workbook — cannot move a median the way it moves
#: a mean), but only when at least this many providers have a figure for that source, service and period.
MIN_PEERS_FOR_COMPUTED_AVERAGE: int = 3

OMBUDSMAN_METRIC: StatMetric = StatMetric.ombudsman_upheld_pct

#: Responsiveness figures: percentages count as they are (higher is better).
RESPONSIVENESS_PCT_METRICS: list[StatMetric] = [
    StatMetric.timely_response_pct,
    StatMetric.email_reply_2_working_days_pct,
    StatMetric.closed_within_8_weeks_pct,
]
#: Average call wait: this many seconds or less scores 100, CALL_WAIT_WORST_SECONDS or more scores 0.
CALL_WAIT_METRIC: StatMetric = StatMetric.call_wait_seconds
CALL_WAIT_BEST_SECONDS: float = 30.0
CALL_WAIT_WORST_SECONDS: float = 300.0

#: Sector of each source's figures, used for providers active in several sectors (a provider with
#: one sector gets all its figures and pledges there; pledges of a multi-sector provider count in each).
SOURCE_SECTORS: dict[str, str] = {
    "ofcom-telecoms-complaints": "telecoms",
    "ofcom-automatic-compensation": "telecoms",
    "citizens-advice-star-rating": "energy",
    "energy-switch-guarantee": "energy",
}

#: Sector of a shared scheme's pledges, used for providers active in several sectors.
SCHEME_SECTORS: dict[str, str] = {
    "Ofcom automatic compensation scheme": "telecoms",
    "Energy Switch Guarantee": "energy",
}


#: Every other published figure is shown but not scored (derived, so it never drifts from the lists above).
def scored_metrics() -> list[StatMetric]:
    return [*COMPLAINT_RATE_METRICS, *RESPONSIVENESS_PCT_METRICS, CALL_WAIT_METRIC, OMBUDSMAN_METRIC,
            PRODUCT_GROUP_COMPLAINT_METRIC, PRODUCT_GROUP_UPHELD_METRIC]


def not_scored_metrics() -> list[StatMetric]:
    scored = scored_metrics()
    return [x for x in StatMetric if x not in scored]

#: A figure whose published sample (cases behind it) is smaller than this is not used.
MIN_SAMPLE_SIZE: int = 30

#: A provider whose customer base in the sector is known and below this is not ranked
#: (Citizens Advice rates suppliers with over 25,000 customers).
MIN_CUSTOMERS: int = 25_000

#: Components a provider must have to be ranked (the per-customer complaint rate is the one
#: comparable measure every regulator publishes).
REQUIRED_COMPONENTS: list[str] = ["complaints"]

#: At least this share of the nominal weight must be covered by the components present.
MIN_WEIGHT_COVERED: float = 0.35

#: A scoreboard (sector × country) ranks only when at least this many providers qualify.
MIN_RANKED_PROVIDERS: int = 2

# --------------------------------------------------------------------------- product-group scoreboards

#: Sources whose figures are published per product group and get one scoreboard per group.
PRODUCT_GROUP_SOURCES: set[str] = {"fca-firm-level-complaints"}

#: Sector of each FCA product group. One board per product group (board id = sector + segment): "Home finance"
#: is lending by banks and building societies, but a mortgage complaint is not a current-account complaint,
#: so each group is ranked on its own.
SEGMENT_SECTORS: dict[str, str] = {
    "Banking and credit cards": "banking",
    "Home finance": "banking",
    "Insurance & pure protection": "insurance",
    "Investments": "investments",
    "Decumulation & pensions": "pensions",
}

#: The FCA's Context sheets give complaints per 1,000 accounts or policies twice per product group: for what
#: a firm provides itself ("Banking and credit cards (provision)") and for what it arranges for others as an
#: intermediary ("… (intermediation)"). A product-group board ranks firms on provision — the accounts a firm
#: runs for its own customers; intermediation rates are published on the provider pages but not ranked.
SEGMENT_QUALIFIERS: dict[str, bool] = {" (provision)": True, " (intermediation)": False}


def board_segment(segment: str | None) -> str | None:
    """The product-group board a figure's segment belongs to, or None when it is not ranked."""
    if not segment:
        return None
    for suffix, ranked in SEGMENT_QUALIFIERS.items():
        if segment.endswith(suffix):
            return segment[: -len(suffix)] if ranked else None
    return segment


#: The product-group board that leads the home page for a country.
LEAD_BOARD: dict[str, str] = {"GB": "Banking and credit cards"}

#: Product-group components and weights (sum 1). Complaints per 1,000 accounts is the one measure of how
#: often customers complain; the FCA timing and upheld shares say how the firm handles them.
PRODUCT_GROUP_WEIGHTS: dict[str, float] = {
    "complaints": 0.60,
    "closed-within-8-weeks": 0.25,
    "upheld": 0.15,
}
PRODUCT_GROUP_COMPONENT_MEANING: dict[str, str] = {
    "complaints": "complaints per 1,000 accounts (or policies) relative to the industry average of the product group "
    "(the FCA's published average, else the median of the firms in the data), scored as the complaints component",
    "closed-within-8-weeks": "% of complaints closed within 8 weeks, as published",
    "upheld": "100 minus the % of complaints the firm upheld (a complaint the firm itself agrees was justified: "
    "fewer justified complaints is better service)",
}
PRODUCT_GROUP_COMPLAINT_METRIC: StatMetric = StatMetric.complaints_per_1k_accounts
PRODUCT_GROUP_CLOSED_METRIC: StatMetric = StatMetric.closed_within_8_weeks_pct
PRODUCT_GROUP_UPHELD_METRIC: StatMetric = StatMetric.upheld_by_firm_pct

#: A publisher's own rating of the providers: when a scoreboard's providers have one, the two orders are
#: compared and a difference is explained on the page.
PUBLISHER_RATINGS: dict[str, StatMetric] = {
    "citizens-advice-star-rating": StatMetric.star_rating,
}

#: Rounding unit of each published figure (half of it is the uncertainty that makes ties).
#: Ofcom rounds complaints per 100,000 to whole numbers; Citizens Advice publishes one decimal.
PUBLISHED_PRECISION: dict[StatMetric, float] = {
    StatMetric.complaints_per_100k: 1.0,
    StatMetric.complaints_per_10k: 0.1,
    StatMetric.ombudsman_upheld_pct: 0.1,
    StatMetric.timely_response_pct: 0.1,
    StatMetric.email_reply_2_working_days_pct: 0.1,
    StatMetric.closed_within_8_weeks_pct: 0.1,
    StatMetric.call_wait_seconds: 1.0,
    StatMetric.complaints_per_1k_accounts: 0.01,
    StatMetric.upheld_by_firm_pct: 0.1,
}

#: A score is flagged stale (shown, still ranked) when a figure it uses is from a period that ended more than
#: the source's `expected_update_days` plus this many days ago: a newer period should have been published.
STALE_PUBLICATION_LAG_DAYS: int = 90

#: Scores are shown with this many decimals.
SCORE_DECIMALS: int = 1
