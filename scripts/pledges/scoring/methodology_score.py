"""The methodology page, sections 3 (provider score, ranking, the worked example) and 4 (versions)."""

from __future__ import annotations

from collections.abc import Callable

from . import method as M
from .methodology_nl import NL_COMPONENT_MEANING, NL_PRODUCT_GROUP_MEANING
from .methodology_text import Phrasing, _num, _pct
from .providers import call_wait_points, complaint_points


def score_section(lang: str, add: Callable[[str], None]) -> None:
    t, n = Phrasing(lang).pair()
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


def versions_section(lang: str, add: Callable[[str], None]) -> None:
    t, n = Phrasing(lang).pair()
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
        # the change log of the method is kept in English only: marked so on other languages' pages
        summary = change["summary"] if lang == "en" else f'<span lang="en">{change["summary"]}</span>'
        add(f"| {change['version']} | {change['date']} | {summary} |")
    add("")
