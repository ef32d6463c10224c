"""The scoring support added for Dutch norms and targets (method 1.3.0), on SYNTHETIC records."""

from __future__ import annotations

from scoring_synth import TODAY, Synth, pledge, provider, source, stat, term

from pledges import models as m
from pledges.scoring import compute


def verdicts(*records, pid="p1"):
    board = compute(Synth().add(*records), TODAY)
    return [(v.period, v.verdict) for v in board.pledges[pid].verdicts.verdicts]


def test_rule_with_a_percent_term_is_tested_against_its_own_share_not_the_complaint_bands():
    # 86% would be "partly kept" in the complaint rule's bands (80–95%); against a 95% norm it is broken
    rule = pledge("p1", "post", [term("next-day-delivery", 95, "percent", comparator=">=")], kind="rule")
    figures = [stat("post", "next-day-delivery-pct", year, value, source_id="src")
               for year, value in (("2018", 95.0), ("2019", 94.34), ("2024", 86.0))]
    got = verdicts(provider("post", ("post",), "NL"), source("src", "yearly"), rule, *figures)
    assert got == [("2018", "kept"), ("2019", "partly-kept"), ("2024", "broken")]


def test_outage_minutes_are_compared_in_minutes_and_gas_seconds_against_a_target_in_minutes():
    power = pledge("p1", "grid", [term("power-outage-time", 17.5, "minutes")], kind="announcement")
    gas = pledge("p2", "grid", [term("gas-outage-time", 1, "minutes")], kind="announcement")
    records = [provider("grid", ("energy",), "NL"), source("src", "yearly"), power, gas,
               stat("grid", "electricity-outage-minutes", "2024", 22.5), stat("grid", "electricity-outage-minutes", "2023", 17.6),
               stat("grid", "gas-outage-seconds", "2024", 61.0), stat("grid", "gas-outage-seconds", "2023", 29.0)]
    # 17.6 is 0.6% over 17.5 (partly kept); 22.5 is 28.6% over (broken). Read as seconds, 22.5 would be "kept".
    assert verdicts(*records) == [("2023", "partly-kept"), ("2024", "broken")]
    assert verdicts(*records, pid="p2") == [("2023", "kept"), ("2024", "partly-kept")]


def test_a_term_about_one_segment_is_not_tested_by_another_segments_figure():
    floor = m.PledgeTerm(event="HSL on time", metric="punctuality", comparator=">=", threshold=82.1, unit="percent",
                         segment="HSL")
    records = [provider("rail", ("transport",), "NL"), source("src", "yearly"), pledge("p1", "rail", [floor], kind="rule"),
               stat("rail", "punctuality-5-min-pct", "2024", 69.0, service="HSL"),
               stat("rail", "punctuality-5-min-pct", "2024", 89.4, service="Hoofdrailnet")]
    board = compute(Synth().add(*records), TODAY)
    [verdict] = board.pledges["p1"].verdicts.verdicts
    assert verdict.verdict == "broken" and len(verdict.evidence) == 1 and "hsl" in verdict.evidence[0]
