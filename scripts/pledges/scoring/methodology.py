"""The methodology page, generated from ``method.py`` — the numbers are never written twice.

Every number on the page is read from ``method`` when the page is rendered, and the worked
example is computed by the scoring functions themselves. English and Dutch share this one
template: each sentence is a ``t(en, nl)`` pair.
"""

from __future__ import annotations

from collections.abc import Callable

from . import method as M
from .grades import grade_for_points, max_points
from .methodology_nl import NL_INDEPENDENT, NL_MAPPING_NOTE, NL_VERDICT_MEANING
from .methodology_text import LANGS, Phrasing

#: Heading anchors, the same in every language (``methodology/#verdicts`` works on both sites).
ANCHORS = ("grades", "verdicts", "mapping", "rules", "community", "score", "ranking", "product-groups", "ties", "trend",
           "example", "versions")


def methodology_markdown(lang: str = "en") -> str:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGS)}")
    from .methodology_score import score_section, versions_section

    out: list[str] = []
    for section in (grades_section, verdicts_section, score_section, versions_section):
        section(lang, out.append)
    return "\n".join(out)


def grades_section(lang: str, add: Callable[[str], None]) -> None:
    t, n = Phrasing(lang).pair()
    P = M.CRITERION_POINTS

    add(t("# Methodology: grades, verdicts and scores", "# Methode: cijfers, oordelen en scores"))
    add("")
    add(t(
        f"Method version **{M.METHOD_VERSION}**. Every score and verdict on this site carries the method version it was "
        "computed with. This page is generated from the same constants the code uses (`scripts/pledges/scoring/method.py`): "
        "a number changed there changes the scores and this page together.",
        f"Methodeversie **{M.METHOD_VERSION}**. Elke score en elk oordeel op deze site vermeldt de methodeversie waarmee "
        "het is berekend. Deze pagina wordt gemaakt uit dezelfde constanten die de code gebruikt "
        "(`scripts/pledges/scoring/method.py`): een getal dat daar verandert, verandert de scores en deze pagina tegelijk.",
    ))
    add("")

    # ------------------------------------------------------------------ grades
    add(t("## 1. Pledge grade (A–E)", "## 1. Cijfer van een belofte (A–E)") + " {#grades}")
    add("")
    add(t(
        "A grade is read from the pledge's own terms, not from how the provider performs. Each criterion is shown as "
        "yes/no with its reason.",
        "Het cijfer volgt uit de eigen voorwaarden van de belofte, niet uit hoe de aanbieder presteert. Elk criterium "
        "wordt getoond als ja/nee met de reden.",
    ))
    add("")
    add(t("| Criterion | Met when | Points |", "| Criterium | Voldaan als | Punten |"))
    add("|---|---|---|")
    add(t(f"| specific | a term names the service event (e.g. “fault not repaired”) | {P['specific']} |",
          f"| specifiek | een voorwaarde noemt de gebeurtenis (bv. “storing niet verholpen”) | {P['specific']} |"))
    add(t(f"| measurable | a published statistic or customer reports can test a term's metric (see the mapping in section 2) | {P['measurable']} |",
          f"| meetbaar | een gepubliceerd cijfer of meldingen van klanten kunnen de maatstaf toetsen (zie de koppeling in deel 2) | {P['measurable']} |"))
    add(t(f"| time-bound | a term has a deadline in {', '.join(f'`{u}`' for u in M.TIME_UNITS)} | {P['time-bound']} |",
          f"| tijdgebonden | een voorwaarde heeft een termijn in {', '.join(f'`{u}`' for u in M.TIME_UNITS)} | {P['time-bound']} |"))
    add(t(f"| backed | compensation when missed: paid automatically {P['backed-automatic']}, on request {P['backed-on-request']} | {max(P['backed-automatic'], P['backed-on-request'])} |",
          f"| gedekt | vergoeding bij het missen: automatisch {P['backed-automatic']}, op verzoek {P['backed-on-request']} | {max(P['backed-automatic'], P['backed-on-request'])} |"))
    add(t(f"| independently verifiable | someone other than the provider publishes, or could publish, the measure | {P['independently-verifiable']} |",
          f"| onafhankelijk controleerbaar | iemand anders dan de aanbieder publiceert de maatstaf, of zou dat kunnen | {P['independently-verifiable']} |"))
    add("")
    add(t(f"Maximum {max_points()} points. Grade bands (the first band whose minimum the points reach):",
          f"Maximaal {max_points()} punten. Cijfergrenzen (de eerste grens die de punten halen):"))
    add("")
    add(t("| Grade | Minimum points |", "| Cijfer | Minimum punten |"))
    add("|---|---|")
    for grade, minimum in M.GRADE_BANDS:
        add(f"| {grade} | {minimum} |")
    add("")
    add(t(
        f"So a slogan with no terms (“Life is for sharing”) scores 0 points: grade {grade_for_points(0)}. Ofcom's automatic "
        f"compensation scheme (named events, a deadline of 2 working days, automatic payment, measures Ofcom could publish) "
        f"scores {max_points()}: grade {grade_for_points(max_points())}.",
        f"Een slogan zonder voorwaarden (“Life is for sharing”) krijgt 0 punten: cijfer {grade_for_points(0)}. De automatische "
        f"compensatieregeling van Ofcom (benoemde gebeurtenissen, een termijn van 2 werkdagen, automatische betaling, "
        f"maatstaven die Ofcom kan publiceren) krijgt {max_points()}: cijfer {grade_for_points(max_points())}.",
    ))
    add("")
    kinds = ", ".join(f"`{k}`" for k in sorted(M.NOT_PROVIDER_PROMISE))
    add(t(
        f"Records of kind {kinds} are promises others asked a provider to make: they are graded and tested like the rest, "
        "but never count in the provider's score. Pledges that ended before today do not count either.",
        f"Records van het soort {kinds} zijn beloften die anderen van een aanbieder vroegen: ze krijgen een cijfer en "
        "een oordeel zoals de rest, maar tellen nooit mee in de score van de aanbieder. Beloften die vóór vandaag "
        "zijn afgelopen tellen ook niet mee.",
    ))
    add("")


def verdicts_section(lang: str, add: Callable[[str], None]) -> None:
    t, n = Phrasing(lang).pair()
    # ------------------------------------------------------------------ verdicts
    add(t("## 2. Verdict per pledge per period", "## 2. Oordeel per belofte per periode") + " {#verdicts}")
    add("")
    add(t("| Verdict | Meaning |", "| Oordeel | Betekenis |"))
    add("|---|---|")
    for v in M.VERDICTS:
        meaning = NL_VERDICT_MEANING.get(v, M.VERDICT_MEANING[v]) if lang == "nl" else M.VERDICT_MEANING[v]
        add(f"| `{v}` | {meaning} |")
    add("")
    add(t("### The mapping: which published figure tests which pledge", "### De koppeling: welk gepubliceerd cijfer welke belofte toetst") + " {#mapping}")
    add("")
    add(t("| Pledge metric | Published statistic | Test | Statistic's own deadline | Independent measure |",
          "| Maatstaf van de belofte | Gepubliceerd cijfer | Toets | Eigen termijn van het cijfer | Onafhankelijke meting |"))
    add("|---|---|---|---|---|")
    for metric, mp in M.METRIC_MAPPING.items():
        stat = f"`{mp.statistic.value}`" if mp.statistic else t("none yet → `no-data`", "nog geen → `no-data`")
        note = NL_MAPPING_NOTE.get(metric.value, mp.note) if lang == "nl" else mp.note
        if mp.statistic is None:
            deadline = "—"
        elif mp.stat_deadline_days is None:
            deadline = t("the pledge's own", "die van de belofte")
        else:
            deadline = t(f"{n(round(mp.stat_deadline_days, 2))} calendar days", f"{n(round(mp.stat_deadline_days, 2))} kalenderdagen")
        indep = mp.independent_measure or t("none", "geen")
        if lang == "nl" and mp.independent_measure:
            indep = NL_INDEPENDENT.get(metric.value, mp.independent_measure)
        add(f"| `{metric.value}` | {stat} | {note} | {deadline} | {indep} |")
    add("")
    add(t("Rules, applied in this order:", "Regels, in deze volgorde:"))
    add("")
    grace = M.NOT_YET_RATED_GRACE_DAYS
    wd = n(round(M.TIME_UNITS["working-days"] / M.TIME_UNITS["calendar-days"], 4))
    rules_en = [
        "No terms → `not-measurable`.",
        "The start date (`effective_from`, else the publication date; an announcement that gives only `effective_to` "
        "promises something *by* that date, so it is due from then on, with no end) is after today → `not-yet-rated`. "
        "**When that date passes, the pledge moves to its due verdict automatically** — the one the figures give, or "
        "`no-data` if there are none.",
        "No term's metric has a published statistic (table above) → `no-data`.",
        "A period counts only when it lies wholly inside the pledge's effective dates (from the start date to "
        "`effective_to`). Figures with a published sample smaller than "
        f"{M.MIN_SAMPLE_SIZE} cases are not used.",
        f"No figure in any such period: `not-yet-rated` within {grace} days of the start date (the first period may not "
        "be published yet), `no-data` after that.",
        "Share tests (`…-pct`): the target is the term's `target_share_pct`; a term without one promises every case, so the "
        f"target is {n(M.DEFAULT_TARGET_SHARE_PCT)}%. Met → `kept`; missed by at most "
        f"{n(M.PARTLY_KEPT_MARGIN_PCT_POINTS)} percentage points → `partly-kept`; more → `broken`.",
        "When the statistic's own deadline differs from the pledge's by more than "
        f"{n(M.DEADLINE_TOLERANCE_DAYS)} days (a working day counts as {wd} calendar days), the figure is only a bound: "
        "if the pledge allows longer, the figure can show it kept but not broken; if the pledge promises faster, it can "
        "show it broken but not kept. A figure that cannot decide gives `no-data` for that period, with the reason.",
        "Value tests (average call wait): the average is compared with the pledge's threshold converted to seconds; missed "
        f"by at most {n(M.PARTLY_KEPT_MARGIN_VALUE_FRACTION * 100)}% → `partly-kept`, more → `broken`.",
        "Several terms or services in one period: all kept → `kept`; all broken → `broken`; otherwise `partly-kept`.",
        "The latest verdict is the one of the latest period. A pledge that ended keeps its last verdict, marked as ended.",
        "Every period verdict lists its evidence (the statistic records) and the series version of the figures. "
        "Verdicts measured under another series version than the latest are flagged `comparable: false`: never compare "
        "them with the latest one.",
    ]
    rules_nl = [
        "Geen voorwaarden → `not-measurable`.",
        "De begindatum (`effective_from`, anders de publicatiedatum; een aankondiging met alleen `effective_to` belooft "
        "iets *vóór* die datum, en geldt dus vanaf dan, zonder einde) ligt na vandaag → `not-yet-rated`. **Als die datum "
        "voorbij is, krijgt de belofte vanzelf haar oordeel** — dat van de cijfers, of `no-data` als die er niet zijn.",
        "Geen enkele maatstaf van de voorwaarden heeft een gepubliceerd cijfer (tabel hierboven) → `no-data`.",
        "Een periode telt alleen als ze helemaal binnen de looptijd van de belofte valt (van de begindatum tot "
        f"`effective_to`). Cijfers met een gepubliceerde steekproef van minder dan {M.MIN_SAMPLE_SIZE} zaken tellen niet.",
        f"Geen cijfer in zo'n periode: `not-yet-rated` binnen {grace} dagen na de begindatum (de eerste periode is "
        "misschien nog niet gepubliceerd), daarna `no-data`.",
        "Aandeeltoetsen (`…-pct`): het doel is `target_share_pct` van de voorwaarde; zonder doel belooft de voorwaarde "
        f"elk geval, dus is het doel {n(M.DEFAULT_TARGET_SHARE_PCT)}%. Gehaald → `kept`; gemist met hooguit "
        f"{n(M.PARTLY_KEPT_MARGIN_PCT_POINTS)} procentpunt → `partly-kept`; meer → `broken`.",
        f"Als de eigen termijn van het cijfer meer dan {n(M.DEADLINE_TOLERANCE_DAYS)} dag afwijkt van die van de belofte "
        f"(een werkdag telt als {wd} kalenderdag), is het cijfer alleen een grens: staat de belofte langer toe, dan kan het "
        "cijfer haar als gehouden tonen maar niet als gebroken; belooft ze sneller, dan kan het haar als gebroken tonen "
        "maar niet als gehouden. Een cijfer dat niet beslist geeft `no-data` voor die periode, met de reden.",
        "Waardetoetsen (gemiddelde wachttijd): het gemiddelde wordt vergeleken met de drempel van de belofte in seconden; "
        f"gemist met hooguit {n(M.PARTLY_KEPT_MARGIN_VALUE_FRACTION * 100)}% → `partly-kept`, meer → `broken`.",
        "Meerdere voorwaarden of diensten in één periode: alles gehaald → `kept`; alles gemist → `broken`; anders `partly-kept`.",
        "Het laatste oordeel is dat van de laatste periode. Een afgelopen belofte houdt haar laatste oordeel, gemarkeerd als afgelopen.",
        "Elk oordeel noemt zijn bewijs (de cijferrecords) en de reeksversie van de cijfers. Oordelen gemeten onder een "
        "andere reeksversie dan de laatste krijgen `comparable: false`: vergelijk ze nooit met het laatste.",
    ]
    for i, rule in enumerate(rules_nl if lang == "nl" else rules_en, 1):
        add(f"{i}. {rule}")
    add("")
    rule_kinds = ", ".join(f"`{k}`" for k in sorted(M.RULE_KINDS))
    kept_at, broken_below = n(M.RULE_SHARE_KEPT_AT_LEAST_PCT), n(M.RULE_SHARE_BROKEN_BELOW_PCT)
    add(t("### Published rules", "### Gepubliceerde regels") + " {#rules}")
    add("")
    add(t(
        f"Records of kind {rule_kinds} quote a rule that binds the provider (for example the FCA's rule that a firm sends "
        "a final response to a complaint within 8 weeks). Their share tests use bands instead of the margin above: at "
        f"least {kept_at}% → `kept`; from {broken_below}% up to {kept_at}% → `partly-kept`; below {broken_below}% → "
        f"`broken`. Why: {M.RULE_BANDS_REASON}. A firm that reports per product group has each group's figure checked; "
        "the period's verdict combines them (rule above), and the reason names each group's figure, the band and the source.",
        f"Records van het soort {rule_kinds} citeren een regel die de aanbieder bindt (bijvoorbeeld de FCA-regel dat een "
        "bedrijf binnen 8 weken een definitief antwoord op een klacht stuurt). Hun aandeeltoetsen gebruiken banden in "
        f"plaats van de marge hierboven: minstens {kept_at}% → `kept`; van {broken_below}% tot {kept_at}% → "
        f"`partly-kept`; onder {broken_below}% → `broken`. Waarom: een aandeel onder 100% is op zich geen overtreding: "
        "de regel staat binnen de termijn een tussenbericht toe dat uitlegt waarom het bedrijf de klacht nog niet kan "
        "afhandelen en wijst op het recht naar de ombudsman te gaan, en die klachten tellen als niet op tijd afgehandeld. "
        "De regel vraagt dat de meeste klachten op tijd zijn afgehandeld; veel te late klachten betekent dat "
        "tussenberichten de regel zijn geworden in plaats van de uitzondering. Een bedrijf dat per productgroep "
        "rapporteert krijgt elk groepscijfer getoetst; het oordeel van de periode combineert ze (regel hierboven), en de "
        "reden noemt het cijfer van elke groep, de band en de bron.",
    ))
    add("")
    add(t("### Community evidence", "### Meldingen van klanten") + " {#community}")
    add("")
    add(t(
        "Contributors' reports never change a verdict. They are shown next to it as counts (kept / partly kept / broken), "
        f"and only once at least {M.MIN_REPORT_CONTRIBUTORS} different contributors have reported on the pledge.",
        "Meldingen van bijdragers veranderen een oordeel nooit. Ze staan ernaast als aantallen (gehouden / deels / "
        f"gebroken), en pas als minstens {M.MIN_REPORT_CONTRIBUTORS} verschillende bijdragers over de belofte hebben gemeld.",
    ))
    add("")
