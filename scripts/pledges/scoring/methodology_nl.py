"""Dutch text for the prose that lives beside the constants in method.py (keyed the same way)."""

from __future__ import annotations

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
    "next-day-delivery": "% brieven de volgende bezorgdag bezorgd ≥ het percentage van de norm",
    "punctuality": "% reizigers binnen 5 minuten op tijd ≥ de bodemwaarde",
    "power-outage-time": "de gepubliceerde gemiddelde jaarlijkse stroomuitval per klant in minuten, vergeleken met het doel",
    "gas-outage-time": "de gepubliceerde gemiddelde jaarlijkse gasuitval per klant, vergeleken met het doel",
    "journey-delay": "geen gepubliceerd cijfer van toegekende terugbetalingen → no-data; klanten kunnen meldingen insturen",
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
    "next-day-delivery": "de ACM controleert elk jaar de bezorgtijden van de universele postdienst (elk jaar gemeld door het ANP)",
    "punctuality": "NS rapporteert elk jaar zijn concessie-indicatoren aan het ministerie, dat de bodemwaarden vaststelt",
    "power-outage-time": "netbeheerders publiceren het in hun jaarverslagen; de ACM vergelijkt de netbeheerders",
    "gas-outage-time": "netbeheerders publiceren het in hun jaarverslagen",
    "journey-delay": "de vervoerder zou de toegekende claims per jaar kunnen publiceren; niet gevonden",
}
