"""The closed vocabularies of the record models (sectors, channels, metrics, units …) as enums."""

from __future__ import annotations

import enum

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


class StatUnit(str, enum.Enum):
    count = "count"
    per_100k_customers = "per-100k-customers"
    per_10k_customers = "per-10k-customers"
    per_1k_accounts = "per-1k-accounts"
    percent = "percent"
    seconds = "seconds"
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
}


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
