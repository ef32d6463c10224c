"""The methodology page, generated from ``method.py`` — the numbers are never written twice.

Every number on the page is read from ``method`` when the page is rendered, and the worked
example is computed by the scoring functions themselves. English and Dutch share this one
template: each sentence is a ``t(en, nl)`` pair.
"""

from __future__ import annotations

from . import method as M
from .grades import grade_for_points, max_points
from .providers import call_wait_points, complaint_points

LANGS = ("en", "nl")

#: Heading anchors, the same in every language (``methodology/#verdicts`` works on both sites).
ANCHORS = ("grades", "verdicts", "mapping", "rules", "community", "score", "ranking", "product-groups", "ties", "trend",
           "example", "versions")

# Dutch text for the prose that lives beside the constants in method.py (keyed the same way).
NL_VERDICT_MEANING = {
    "kept": "het gepubliceerde cijfer haalt het doel van de belofte",
    "partly-kept": "het cijfer mist het doel met hooguit de marge hieronder (of sommige voorwaarden worden gehaald, andere niet)",
    "broken": "het cijfer mist het doel met meer dan de marge",
    "not-yet-rated": "de belofte geldt nog niet (ze begint of is beloofd voor een latere datum), of de eerste periode "
    "die ze dekt is mogelijk nog niet gepubliceerd",
    "no-data": "er is niets gepubliceerd waarmee de belofte te toetsen is — een zichtbare status, geen leeg vak",
    "not-measurable": "de belofte heeft geen meetbare voorwaarden (geen gebeurtenis, termijn of doel)",
}
NL_COMPONENT_MEANING = {
    "complaints": "klachten per klant (per 100.000 of per 10.000, zoals gepubliceerd) ten opzichte van het "
    "branchegemiddelde van dezelfde bron, dienst en periode",
    "responsiveness": "gemiddelde van de gepubliceerde bereikbaarheidscijfers: % tijdige antwoorden, % e-mails binnen "
    "2 werkdagen beantwoord, % klachten binnen 8 weken afgehandeld, gemiddelde wachttijd aan de telefoon",
    "ombudsman": "100 min het percentage zaken dat de ombudsman tegen de aanbieder toewijst",
    "pledge-verdicts": "gemiddelde van de laatste oordelen over de eigen beloften van de aanbieder die er een hebben",
    "pledge-grades": "gemiddeld cijfer van de eigen beloften van de aanbieder",
}
NL_MAPPING_NOTE = {
    "switch-time": "% overstappen binnen de termijn van de regeling ≥ het doelpercentage van de belofte",
    "complaint-resolution-time": "% klachten binnen 8 weken afgehandeld ≥ het doelpercentage",
    "complaint-response-time": "% klachten binnen 15 dagen beantwoord (CFPB 'timely') ≥ het doelpercentage",
    "email-reply-time": "% e-mails binnen 2 werkdagen beantwoord ≥ het doelpercentage",
    "call-answer-time": "de gepubliceerde gemiddelde wachttijd, vergeleken met de drempel van de belofte (een gemiddelde, "
    "geen aandeel van de gesprekken)",
    "repair-time": "nog geen gepubliceerd cijfer per aanbieder → no-data; klanten kunnen meldingen insturen",
    "installation-delay": "nog geen gepubliceerd cijfer per aanbieder → no-data",
    "missed-appointment": "nog geen gepubliceerd cijfer per aanbieder → no-data",
    "bill-accuracy": "nog geen gepubliceerd cijfer in de data → no-data",
    "network-capacity": "capaciteit wordt niet per aanbieder gepubliceerd en is niet door een klant waar te nemen → no-data",
}

NL_PRODUCT_GROUP_MEANING = {
    "complaints": "klachten per 1.000 rekeningen (of polissen) ten opzichte van het branchegemiddelde van de productgroep "
    "(het gepubliceerde gemiddelde van de FCA, anders de mediaan van de bedrijven in de data), gescoord als het "
    "klachtenonderdeel",
    "closed-within-8-weeks": "% klachten binnen 8 weken afgehandeld, zoals gepubliceerd",
    "upheld": "100 min het % klachten dat het bedrijf toewees (een klacht die het bedrijf zelf terecht vindt: minder "
    "terechte klachten is betere dienst)",
}

NL_INDEPENDENT = {
    "switch-time": "Energy UK publiceert de overstapprestaties van de deelnemers (beheerder van de regeling, onafhankelijke voorzitter)",
    "complaint-resolution-time": "toezichthouders publiceren het per bedrijf in sommige sectoren (FCA: % binnen 8 weken afgehandeld)",
    "complaint-response-time": "toezichthouders publiceren het per bedrijf in sommige sectoren (CFPB: % tijdig binnen 15 dagen)",
    "email-reply-time": "sterrenscore van Citizens Advice voor energieleveranciers (e-mail binnen 2 werkdagen beantwoord)",
    "call-answer-time": "sterrenscore van Citizens Advice voor energieleveranciers (gemiddelde wachttijd)",
    "repair-time": "Ofcom zou hersteltijden per aanbieder kunnen publiceren (dat deed het in zijn klantenservicevergelijkingen)",
    "installation-delay": "Ofcom zou vertraagde aansluitingen per aanbieder kunnen publiceren",
    "missed-appointment": "Ofcom zou gemiste monteursafspraken per aanbieder kunnen publiceren",
    "bill-accuracy": "Ofgem / ACM zouden tijdige en juiste rekeningen kunnen publiceren (ACM ConsuWijzer toont tijdige rekeningen)",
}


def _num(x: float, lang: str) -> str:
    text = f"{x:,.10g}" if abs(x) >= 10000 else f"{x:.10g}"
    if lang == "nl":
        text = text.replace(",", "\u0000").replace(".", ",").replace("\u0000", ".")
    return text


def _pct(share: float, lang: str) -> str:
    return _num(round(share * 100, 4), lang) + "%"


def methodology_markdown(lang: str = "en") -> str:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGS)}")

    def t(en: str, nl: str) -> str:
        return nl if lang == "nl" else en

    def n(x: float) -> str:
        return _num(x, lang)

    P = M.CRITERION_POINTS
    out: list[str] = []
    add = out.append

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

    # ------------------------------------------------------------------ provider score
    add(t("## 3. Provider score per sector (0–100)", "## 3. Score van een aanbieder per sector (0–100)") + " {#score}")
    add("")
    add(t("| Component | Weight | What it measures |", "| Onderdeel | Gewicht | Wat het meet |"))
    add("|---|---|---|")
    for name, weight in M.WEIGHTS.items():
        meaning = NL_COMPONENT_MEANING.get(name, M.COMPONENT_MEANING[name]) if lang == "nl" else M.COMPONENT_MEANING[name]
        add(f"| {name} | {_pct(weight, lang)} | {meaning} |")
    add("")
    add(t(
        "**Score = Σ (weight × component value) / Σ weight, over the components present.** A missing component is left "
        "out and the others are re-weighted so their weights sum to 1; the effective weights are shown with every score.",
        "**Score = Σ (gewicht × waarde van het onderdeel) / Σ gewicht, over de aanwezige onderdelen.** Een ontbrekend "
        "onderdeel valt weg en de andere worden herwogen tot hun gewichten samen 1 zijn; de feitelijke gewichten staan bij elke score.",
    ))
    add("")
    add(t("Each component, from 0 to 100:", "Elk onderdeel, van 0 tot 100:"))
    add("")
    rate_metrics = ", ".join(f"`{x.value}`" for x in M.COMPLAINT_RATE_METRICS)
    resp_metrics = ", ".join(f"`{x.value}`" for x in M.RESPONSIVENESS_PCT_METRICS)
    items_en = [
        f"**complaints** — per-customer figures only ({rate_metrics}); raw counts are never used. For each figure of the "
        "latest period, ratio = provider's figure ÷ industry average of the same source, service and period (the "
        "publisher's average; without one, the median of the providers in the data, if at least "
        f"{M.MIN_PEERS_FOR_COMPUTED_AVERAGE}). The ratios are averaged; value = 100 × ({n(M.RATIO_WORST)} − ratio) / "
        f"({n(M.RATIO_WORST)} − {n(M.RATIO_BEST)}), limited to 0–100: a ratio of {n(M.RATIO_BEST)} or less scores 100, "
        f"the average (ratio 1) scores {n(round(complaint_points(1.0), 2))}, a ratio of {n(M.RATIO_WORST)} or more scores 0. "
        "If the average is 0, no complaints scores 100 and any complaint 0.",
        f"**responsiveness** — the mean of the available figures: {resp_metrics} as published (percent), and "
        f"`{M.CALL_WAIT_METRIC.value}` as 100 × ({n(M.CALL_WAIT_WORST_SECONDS)} − seconds) / "
        f"({n(M.CALL_WAIT_WORST_SECONDS)} − {n(M.CALL_WAIT_BEST_SECONDS)}), limited to 0–100 (e.g. 60 s scores "
        f"{n(round(call_wait_points(60), 2))}). Several services of one figure are averaged first.",
        f"**ombudsman** — 100 − `{M.OMBUDSMAN_METRIC.value}`.",
        "**pledge-verdicts** — mean over the provider's own pledges with a latest verdict of "
        + ", ".join(f"`{k}` = {n(v)}" for k, v in M.VERDICT_VALUES.items())
        + "; pledges with `not-yet-rated`, `no-data` or `not-measurable` are left out; none → missing.",
        "**pledge-grades** — mean over the provider's own pledges of "
        + ", ".join(f"{k} = {n(v)}" for k, v in M.GRADE_VALUES.items())
        + ". A provider with no pledge recorded in the sector has no pledge components (missing, not 0): the weights "
        "are renormalised over the components present, because “no pledge recorded” may only mean this project has not "
        "recorded one yet, and a provider must not lose points for a gap in our data.",
        "Not in the score (shown on the provider's page; some test pledges through the mapping in section 2): "
        + ", ".join(f"`{x.value}`" for x in M.not_scored_metrics())
        + ". The star rating is itself a composite of the figures above; counts need a customer base.",
    ]
    items_nl = [
        f"**complaints** — alleen cijfers per klant ({rate_metrics}); absolute aantallen tellen nooit. Voor elk cijfer van "
        "de laatste periode: verhouding = cijfer van de aanbieder ÷ branchegemiddelde van dezelfde bron, dienst en periode "
        "(het gemiddelde van de uitgever; zonder dat de mediaan van de aanbieders in de data, als het er "
        f"minstens {M.MIN_PEERS_FOR_COMPUTED_AVERAGE} zijn). De verhoudingen worden gemiddeld; waarde = 100 × "
        f"({n(M.RATIO_WORST)} − verhouding) / ({n(M.RATIO_WORST)} − {n(M.RATIO_BEST)}), begrensd op 0–100: een verhouding "
        f"van {n(M.RATIO_BEST)} of minder geeft 100, het gemiddelde (verhouding 1) {n(round(complaint_points(1.0), 2))}, "
        f"een verhouding van {n(M.RATIO_WORST)} of meer 0. Is het gemiddelde 0, dan geeft geen klacht 100 en elke klacht 0.",
        f"**responsiveness** — het gemiddelde van de beschikbare cijfers: {resp_metrics} zoals gepubliceerd (procent), en "
        f"`{M.CALL_WAIT_METRIC.value}` als 100 × ({n(M.CALL_WAIT_WORST_SECONDS)} − seconden) / "
        f"({n(M.CALL_WAIT_WORST_SECONDS)} − {n(M.CALL_WAIT_BEST_SECONDS)}), begrensd op 0–100 (bv. 60 s geeft "
        f"{n(round(call_wait_points(60), 2))}). Meerdere diensten van één cijfer worden eerst gemiddeld.",
        f"**ombudsman** — 100 − `{M.OMBUDSMAN_METRIC.value}`.",
        "**pledge-verdicts** — gemiddelde over de eigen beloften met een laatste oordeel "
        + ", ".join(f"`{k}` = {n(v)}" for k, v in M.VERDICT_VALUES.items())
        + "; beloften met `not-yet-rated`, `no-data` of `not-measurable` vallen weg; geen → ontbreekt.",
        "**pledge-grades** — gemiddelde over de eigen beloften van "
        + ", ".join(f"{k} = {n(v)}" for k, v in M.GRADE_VALUES.items())
        + ". Een aanbieder zonder vastgelegde belofte in de sector heeft geen belofte-onderdelen (ontbreekt, niet 0): de "
        "gewichten worden herwogen over de aanwezige onderdelen, want “geen belofte vastgelegd” kan ook betekenen dat dit "
        "project er nog geen heeft vastgelegd, en een aanbieder mag geen punten verliezen door een gat in onze data.",
        "Niet in de score (getoond op de pagina van de aanbieder; sommige toetsen beloften via de koppeling in deel 2): "
        + ", ".join(f"`{x.value}`" for x in M.not_scored_metrics())
        + ". De sterrenscore is zelf een samenstelling van de cijfers hierboven; aantallen vragen een klantenbestand.",
    ]
    for item in items_nl if lang == "nl" else items_en:
        add(f"- {item}")
    add("")
    add(t(
        "“Latest period” is the newest period the source published for that figure, for any provider. A provider missing "
        "from it has no value for that figure (providers appear and disappear from publishers' tables).",
        "“Laatste periode” is de nieuwste periode die de bron voor dat cijfer publiceerde, voor welke aanbieder ook. "
        "Een aanbieder die daarin ontbreekt, heeft voor dat cijfer geen waarde.",
    ))
    add("")
    sectors = ", ".join(f"`{k}` → {v}" for k, v in M.SOURCE_SECTORS.items())
    schemes = ", ".join(f"{k} → {v}" for k, v in M.SCHEME_SECTORS.items())
    add(t(
        f"Sectors: a provider with one sector is scored there. For a provider in several sectors, figures go to their "
        f"source's sector ({sectors}) and pledges to their scheme's sector ({schemes}); anything else counts in each of its sectors.",
        f"Sectoren: een aanbieder met één sector krijgt daar zijn score. Bij meerdere sectoren gaan cijfers naar de sector "
        f"van hun bron ({sectors}) en beloften naar die van hun regeling ({schemes}); de rest telt in elk van zijn sectoren.",
    ))
    add("")

    add(t("### Who is ranked — and “not ranked: why”", "### Wie een plaats krijgt — en “geen plaats: waarom”") + " {#ranking}")
    add("")
    req = ", ".join(M.REQUIRED_COMPONENTS)
    elig_en = [
        f"Required component(s): {req} (the one comparable per-customer measure every regulator publishes).",
        f"The components present must cover at least {_pct(M.MIN_WEIGHT_COVERED, lang)} of the nominal weight.",
        f"A figure whose published sample is under {M.MIN_SAMPLE_SIZE} cases is not used (as the FCA and the Financial "
        "Ombudsman only name firms above a minimum size).",
        f"A provider whose known customer base in the sector is under {_num(M.MIN_CUSTOMERS, lang)} is not ranked "
        "(Citizens Advice's threshold).",
        f"A scoreboard (sector × country) ranks only when at least {M.MIN_RANKED_PROVIDERS} providers qualify; otherwise "
        "their scores are shown unranked.",
        "Every provider that is not ranked is listed with the reason, never left out.",
        "A score is flagged **stale** (still shown and ranked) when a figure it uses comes from a period that ended more "
        f"than the source's expected update interval plus {M.STALE_PUBLICATION_LAG_DAYS} days ago: a newer period should "
        "have been published and collected.",
    ]
    elig_nl = [
        f"Verplicht onderdeel: {req} (de ene vergelijkbare maat per klant die elke toezichthouder publiceert).",
        f"De aanwezige onderdelen dekken minstens {_pct(M.MIN_WEIGHT_COVERED, lang)} van het nominale gewicht.",
        f"Een cijfer met een gepubliceerde steekproef onder {M.MIN_SAMPLE_SIZE} zaken telt niet (zoals de FCA en de "
        "Financial Ombudsman alleen bedrijven boven een minimum noemen).",
        f"Een aanbieder met een bekend klantenbestand in de sector onder {_num(M.MIN_CUSTOMERS, lang)} krijgt geen plaats "
        "(de grens van Citizens Advice).",
        f"Een ranglijst (sector × land) geeft alleen plaatsen als minstens {M.MIN_RANKED_PROVIDERS} aanbieders voldoen; "
        "anders staan hun scores er zonder plaats.",
        "Elke aanbieder zonder plaats staat erbij met de reden, nooit weggelaten.",
        "Een score heet **verouderd** (wel getoond en gerangschikt) als een gebruikt cijfer uit een periode komt die meer "
        f"dan de verwachte bijwerktermijn van de bron plus {M.STALE_PUBLICATION_LAG_DAYS} dagen geleden eindigde: er had "
        "een nieuwere periode gepubliceerd en verzameld moeten zijn.",
    ]
    for item in elig_nl if lang == "nl" else elig_en:
        add(f"- {item}")
    add("")

    add(t("### Scoreboards per product group", "### Ranglijsten per productgroep") + " {#product-groups}")
    add("")
    groups = ", ".join(f"{k} → {v}" for k, v in M.SEGMENT_SECTORS.items())
    pg_sources = ", ".join(f"`{x}`" for x in sorted(M.PRODUCT_GROUP_SOURCES))
    add(t(
        f"Figures of {pg_sources} are published per product group; each group gets its own scoreboard per country "
        f"(group → sector: {groups}), because a mortgage complaint is not a current-account complaint. Components and "
        "weights (the same rules as above: missing components are left out and the weights renormalised; the "
        f"complaints component is required; at least {M.MIN_RANKED_PROVIDERS} ranked firms):",
        f"Cijfers van {pg_sources} worden per productgroep gepubliceerd; elke groep krijgt een eigen ranglijst per land "
        f"(groep → sector: {groups}), want een hypotheekklacht is geen betaalrekeningklacht. Onderdelen en gewichten "
        "(dezelfde regels als hierboven: ontbrekende onderdelen vallen weg en de gewichten worden herwogen; het "
        f"klachtenonderdeel is verplicht; minstens {M.MIN_RANKED_PROVIDERS} gerangschikte bedrijven):",
    ))
    add("")
    add(t("| Component | Weight | What it measures |", "| Onderdeel | Gewicht | Wat het meet |"))
    add("|---|---|---|")
    for name, weight in M.PRODUCT_GROUP_WEIGHTS.items():
        meaning = NL_PRODUCT_GROUP_MEANING.get(name, M.PRODUCT_GROUP_COMPONENT_MEANING[name]) if lang == "nl" \
            else M.PRODUCT_GROUP_COMPONENT_MEANING[name]
        add(f"| {name} | {_pct(weight, lang)} | {meaning} |")
    add("")
    add(t(
        "The FCA names only firms above its reporting threshold (500 or more complaints in a half-year), so smaller "
        "firms are not on these boards. Where a publisher rates the providers itself ("
        + ", ".join(f"`{k}`: `{v.value}`" for k, v in M.PUBLISHER_RATINGS.items())
        + "), a scoreboard whose order differs from that rating says why.",
        "De FCA noemt alleen bedrijven boven haar rapportagegrens (500 of meer klachten in een halfjaar), dus kleinere "
        "bedrijven staan niet op deze ranglijsten. Waar een uitgever de aanbieders zelf beoordeelt ("
        + ", ".join(f"`{k}`: `{v.value}`" for k, v in M.PUBLISHER_RATINGS.items())
        + "), zegt een ranglijst met een andere volgorde waarom.",
    ))
    add("")

    add(t("### Ties", "### Gedeelde plaatsen") + " {#ties}")
    add("")
    add(t(
        "Published figures are rounded, so a score is only known to within the effect of that rounding. Each score carries "
        "an uncertainty: half the rounding unit of each figure, carried through the formula above (the shared industry "
        "average cancels out when two providers are compared). Two providers share a rank (shown “=2”) when their scores "
        "differ by no more than the sum of their uncertainties, or by less than half the display unit "
        f"({n(10 ** -M.SCORE_DECIMALS)}). Providers are compared with the highest score of their group, so ties do not chain. "
        "Rounding units:",
        "Gepubliceerde cijfers zijn afgerond, dus een score is maar tot op het effect van die afronding bekend. Elke score "
        "heeft een onzekerheid: de helft van de afrondingseenheid van elk cijfer, doorgerekend met de formule hierboven "
        "(het gedeelde branchegemiddelde valt weg als twee aanbieders worden vergeleken). Twee aanbieders delen een plaats "
        "(“=2”) als hun scores niet meer verschillen dan de som van hun onzekerheden, of minder dan een halve "
        f"weergave-eenheid ({n(10 ** -M.SCORE_DECIMALS)}). Vergeleken wordt met de hoogste score van de groep, zodat gedeelde "
        "plaatsen niet doorketenen. Afrondingseenheden:",
    ))
    add("")
    add(t("| Figure | Rounding unit |", "| Cijfer | Afrondingseenheid |"))
    add("|---|---|")
    for metric, unit in M.PUBLISHED_PRECISION.items():
        add(f"| `{metric.value}` | {n(unit)} |")
    add("")
    add(t(
        "Example: Ofcom publishes whole numbers per 100,000 customers, so two providers at 7 and 8 that are otherwise "
        "alike could be in either order and share a rank; at 5 and 8 they do not.",
        "Voorbeeld: Ofcom publiceert hele getallen per 100.000 klanten, dus twee verder gelijke aanbieders met 7 en 8 "
        "kunnen in beide volgordes staan en delen een plaats; met 5 en 8 niet.",
    ))
    add("")
    add(t("### Trend", "### Trend") + " {#trend}")
    add("")
    add(t(
        "The previous score is computed with the same method from each source's period before the latest (and each pledge's "
        "verdict before its latest). The trend (score − previous score) is shown only when both are comparable: the same "
        "components present and no series break (series version change) in any figure used. Otherwise the previous score "
        "is shown with “not comparable” and the reason.",
        "De vorige score wordt met dezelfde methode berekend uit de periode vóór de laatste van elke bron (en het oordeel "
        "vóór het laatste van elke belofte). De trend (score − vorige score) staat er alleen als beide vergelijkbaar zijn: "
        "dezelfde onderdelen aanwezig en geen breuk in de reeks (andere reeksversie) in een gebruikt cijfer. Anders staat "
        "de vorige score er met “niet vergelijkbaar” en de reden.",
    ))
    add("")

    # ------------------------------------------------------------------ worked example
    add(t("### Worked example (synthetic numbers)", "### Rekenvoorbeeld (verzonnen getallen)") + " {#example}")
    add("")
    ratio = 8 / 7
    cval = complaint_points(ratio)
    wait = call_wait_points(90)
    resp = (wait + 90.0) / 2
    present = {"complaints": cval, "responsiveness": resp, "pledge-grades": M.GRADE_VALUES["A"]}
    total = sum(M.WEIGHTS[k] for k in present)
    score = sum(M.WEIGHTS[k] * v for k, v in present.items()) / total
    add(t(
        f"A provider with 8 complaints per 100,000 against an industry average of 7 (ratio {n(round(ratio, 4))} → complaints "
        f"{n(round(cval, 2))}), an average call wait of 90 s ({n(round(wait, 2))}) and 90% of e-mails answered in 2 working "
        f"days (responsiveness ({n(round(wait, 2))} + 90) / 2 = {n(round(resp, 2))}), one grade-A pledge with no verdict yet "
        f"(pledge-grades {n(M.GRADE_VALUES['A'])}), no ombudsman figure: the weights present sum to {n(round(total, 4))}, so "
        f"score = ({' + '.join(f'{n(M.WEIGHTS[k])} × {n(round(v, 2))}' for k, v in present.items())}) / {n(round(total, 4))} "
        f"= **{n(round(score, M.SCORE_DECIMALS))}**.",
        f"Een aanbieder met 8 klachten per 100.000 tegen een branchegemiddelde van 7 (verhouding {n(round(ratio, 4))} → "
        f"complaints {n(round(cval, 2))}), een gemiddelde wachttijd van 90 s ({n(round(wait, 2))}) en 90% van de e-mails "
        f"binnen 2 werkdagen beantwoord (responsiveness ({n(round(wait, 2))} + 90) / 2 = {n(round(resp, 2))}), één belofte "
        f"met cijfer A en nog geen oordeel (pledge-grades {n(M.GRADE_VALUES['A'])}), geen ombudsmancijfer: de aanwezige "
        f"gewichten zijn samen {n(round(total, 4))}, dus score = "
        f"({' + '.join(f'{n(M.WEIGHTS[k])} × {n(round(v, 2))}' for k, v in present.items())}) / {n(round(total, 4))} "
        f"= **{n(round(score, M.SCORE_DECIMALS))}**.",
    ))
    add("")

    # ------------------------------------------------------------------ versions
    add(t("## 4. Versions and breaks", "## 4. Versies en breuken") + " {#versions}")
    add("")
    add(t(
        "Every score and verdict carries the method version. A change of any number on this page is a new method "
        "version, recorded below with its date; scores of different method versions are not compared. Breaks in a "
        "source's own series (for example Citizens Advice's method changes of December 2020, Q3 2023 and Q4 2025) are "
        "recorded on the source (`method_breaks`) and on each figure (`series_version`): verdicts and trends never "
        "compare across them.",
        "Elke score en elk oordeel vermeldt de methodeversie. Elke wijziging van een getal op deze pagina is een nieuwe "
        "methodeversie, hieronder vastgelegd met datum; scores van verschillende methodeversies worden niet vergeleken. "
        "Breuken in de eigen reeks van een bron (bijvoorbeeld de methodewijzigingen van Citizens Advice van december 2020, "
        "Q3 2023 en Q4 2025) staan bij de bron (`method_breaks`) en bij elk cijfer (`series_version`): oordelen en trends "
        "vergelijken nooit over zo'n breuk heen.",
    ))
    add("")
    add(t("| Version | Date | Change |", "| Versie | Datum | Wijziging |"))
    add("|---|---|---|")
    for change in M.METHOD_CHANGES:
        add(f"| {change['version']} | {change['date']} | {change['summary']} |")
    add("")
    return "\n".join(out)
