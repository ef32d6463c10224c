"""The closed vocabularies of the record models (sectors, channels, metrics, units …) as enums."""

from __future__ import annotations

import enum
from typing import Literal, get_args

# --------------------------------------------------------------------------- vocabularies


class Sector(str, enum.Enum):
    telecoms = "telecoms"
    energy = "energy"
    banking = "banking"
    consumer_credit = "consumer-credit"
    insurance = "insurance"
    investments = "investments"
    pensions = "pensions"
    water = "water"
    post = "post"
    transport = "transport"


class Channel(str, enum.Enum):
    phone = "phone"
    web = "web"
    email = "email"
    social = "social"
    shop = "shop"
    mail = "mail"
    app = "app"
    chat = "chat"
    any = "any"


class PledgeKind(str, enum.Enum):
    """What kind of statement a pledge record holds; vague ones are recorded too."""

    guarantee = "guarantee"  # a provider's own promise with terms
    scheme = "scheme"  # a voluntary industry scheme the provider signed
    slogan = "slogan"  # a marketing line presented as a promise
    announcement = "announcement"  # a dated statement of intent
    proposal = "proposal"  # a promise others asked the provider to make; not made by it
    rule = "rule"  # a published rule (law, regulator's rule) that binds the provider; quoted verbatim


class PledgeCategory(str, enum.Enum):
    repair = "repair"
    installation = "installation"
    appointment = "appointment"
    switching = "switching"
    complaint_handling = "complaint-handling"
    contact_response = "contact-response"
    billing = "billing"
    network = "network"
    general_service = "general-service"


class PledgeMetric(str, enum.Enum):
    """The service event a measurable pledge term is about."""

    repair_time = "repair-time"
    installation_delay = "installation-delay"
    missed_appointment = "missed-appointment"
    switch_time = "switch-time"
    complaint_resolution_time = "complaint-resolution-time"
    complaint_response_time = "complaint-response-time"
    email_reply_time = "email-reply-time"
    call_answer_time = "call-answer-time"
    bill_accuracy = "bill-accuracy"
    network_capacity = "network-capacity"
    # Dutch statutory norms and published targets (issue 9): a share or a yearly level, tested per year
    next_day_delivery = "next-day-delivery"  # share of letters delivered the next delivery day (postal norm)
    punctuality = "punctuality"  # share of passengers arriving on time (rail concession floors)
    power_outage_time = "power-outage-time"  # average yearly minutes without electricity per customer
    gas_outage_time = "gas-outage-time"  # average yearly time without gas per customer
    journey_delay = "journey-delay"  # a delayed journey that entitles the traveller to a refund


class Comparator(str, enum.Enum):
    at_most = "<="
    less_than = "<"
    at_least = ">="
    more_than = ">"


class TermUnit(str, enum.Enum):
    working_days = "working-days"
    calendar_days = "calendar-days"
    hours = "hours"
    minutes = "minutes"
    seconds = "seconds"
    percent = "percent"


class CompensationBasis(str, enum.Enum):
    per_day = "per-day"
    per_event = "per-event"
    monthly_bill = "monthly-bill"


class Payment(str, enum.Enum):
    automatic = "automatic"
    on_request = "on-request"


class StatMetric(str, enum.Enum):
    """Controlled vocabulary of published figures; the unit is fixed per metric (METRIC_UNITS)."""

    complaints_count = "complaints-count"
    complaints_per_100k = "complaints-per-100k"
    complaints_per_10k = "complaints-per-10k"
    complaints_per_1k_accounts = "complaints-per-1k-accounts"  # FCA Context sheets: per 1,000 accounts or policies
    complaints_closed_count = "complaints-closed-count"
    timely_response_pct = "timely-response-pct"
    closed_with_monetary_relief_pct = "closed-with-monetary-relief-pct"
    closed_with_non_monetary_relief_pct = "closed-with-non-monetary-relief-pct"
    closed_with_explanation_pct = "closed-with-explanation-pct"
    in_progress_pct = "in-progress-pct"
    closed_within_3_days_pct = "closed-within-3-days-pct"
    closed_within_8_weeks_pct = "closed-within-8-weeks-pct"
    upheld_by_firm_pct = "upheld-by-firm-pct"
    ombudsman_new_cases = "ombudsman-new-cases"
    ombudsman_upheld_pct = "ombudsman-upheld-pct"
    call_wait_seconds = "call-wait-seconds"
    email_reply_2_working_days_pct = "email-reply-2-working-days-pct"
    switches_completed_in_time_pct = "switches-completed-in-time-pct"
    star_rating = "star-rating"
    # Ofgem / energy suppliers' own quarterly statistics: complaints resolved within eight weeks of receipt
    complaints_resolved_within_8_weeks_pct = "complaints-resolved-within-8-weeks-pct"
    # Dutch figures (issue 9): postal norm, rail punctuality, grid outage time, mystery-call waiting times
    next_day_delivery_pct = "next-day-delivery-pct"
    punctuality_5_min_pct = "punctuality-5-min-pct"
    electricity_outage_minutes = "electricity-outage-minutes"
    gas_outage_seconds = "gas-outage-seconds"
    call_wait_minutes = "call-wait-minutes"  # published in minutes; kept apart from the scored call-wait-seconds
    call_wait_longest_minutes = "call-wait-longest-minutes"


class StatUnit(str, enum.Enum):
    count = "count"  # type: ignore[assignment]  # the unit as the data writes it; shadows str.count
    per_100k_customers = "per-100k-customers"
    per_10k_customers = "per-10k-customers"
    per_1k_accounts = "per-1k-accounts"
    percent = "percent"
    seconds = "seconds"
    minutes = "minutes"
    stars = "stars"


METRIC_UNITS: dict[StatMetric, StatUnit] = {
    StatMetric.complaints_count: StatUnit.count,
    StatMetric.complaints_per_100k: StatUnit.per_100k_customers,
    StatMetric.complaints_per_10k: StatUnit.per_10k_customers,
    StatMetric.complaints_per_1k_accounts: StatUnit.per_1k_accounts,
    StatMetric.complaints_closed_count: StatUnit.count,
    StatMetric.timely_response_pct: StatUnit.percent,
    StatMetric.closed_with_monetary_relief_pct: StatUnit.percent,
    StatMetric.closed_with_non_monetary_relief_pct: StatUnit.percent,
    StatMetric.closed_with_explanation_pct: StatUnit.percent,
    StatMetric.in_progress_pct: StatUnit.percent,
    StatMetric.closed_within_3_days_pct: StatUnit.percent,
    StatMetric.closed_within_8_weeks_pct: StatUnit.percent,
    StatMetric.upheld_by_firm_pct: StatUnit.percent,
    StatMetric.ombudsman_new_cases: StatUnit.count,
    StatMetric.ombudsman_upheld_pct: StatUnit.percent,
    StatMetric.call_wait_seconds: StatUnit.seconds,
    StatMetric.email_reply_2_working_days_pct: StatUnit.percent,
    StatMetric.switches_completed_in_time_pct: StatUnit.percent,
    StatMetric.star_rating: StatUnit.stars,
    StatMetric.complaints_resolved_within_8_weeks_pct: StatUnit.percent,
    StatMetric.next_day_delivery_pct: StatUnit.percent,
    StatMetric.punctuality_5_min_pct: StatUnit.percent,
    StatMetric.electricity_outage_minutes: StatUnit.minutes,
    StatMetric.gas_outage_seconds: StatUnit.seconds,
    StatMetric.call_wait_minutes: StatUnit.minutes,
    StatMetric.call_wait_longest_minutes: StatUnit.minutes,
}

#: Seconds per unit of a statistic published as a duration: a term's threshold is compared in the figure's own unit.
STAT_UNIT_SECONDS: dict[StatUnit, float] = {StatUnit.seconds: 1.0, StatUnit.minutes: 60.0}


class Cadence(str, enum.Enum):
    daily = "daily"
    monthly = "monthly"
    quarterly = "quarterly"
    half_yearly = "half-yearly"
    yearly = "yearly"
    irregular = "irregular"


class Outcome(str, enum.Enum):
    kept = "kept"
    partly_kept = "partly-kept"
    broken = "broken"


def unit_for(metric: StatMetric) -> StatUnit:
    return METRIC_UNITS[metric]


# The collector modules (``pledges.collect.<name>``): the one list the source record's `collector` field
# accepts and the runner imports from.
CollectorName = Literal["cfpb", "fca_firm_xlsx", "fos_xlsx", "ofcom_csv", "citizens_advice_csv", "tidy_csv", "pledge_page", "pledge_watch"]
COLLECTORS: tuple[str, ...] = get_args(CollectorName)
