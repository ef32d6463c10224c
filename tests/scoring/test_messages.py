"""Generated sentences are message keys with values (issue 8): every key the scoring uses is in the one
translation table in both languages with the same placeholders, a Message reads as its English text wherever a
string is expected, and a page renders it in its own language with numbers written that language's way."""

from __future__ import annotations

import copy
import pickle
import re
import string
from datetime import date
from pathlib import Path

from pledges.scoring.messages import Count, Message, Pct, Term, Verbatim
from pledges.site.formats import fmt_date, fmt_money, fmt_num, fmt_pct
from pledges.site.i18n import table
from pledges.site.markup import message_html

SCORING = Path(__file__).resolve().parents[2] / "scripts/pledges/scoring"


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_message_key_is_translated_with_the_same_placeholders():
    used = set()
    for path in SCORING.glob("*.py"):
        used |= set(re.findall(r"""Message\(\s*["']([a-z-]+)["']""", path.read_text(encoding="utf-8")))
    used |= {"not-due-promised", "not-due-effective"}  # chosen by a variable in verdicts.py
    assert len(used) > 20
    strings = table()
    for key in sorted(used):
        texts = strings.get(f"msg.{key}")
        assert texts, f"msg.{key} missing from templates/i18n.yaml"
        assert _fields(texts["en"]) == _fields(texts["nl"]), key
        assert texts["en"] != texts["nl"] or key == "join", f"msg.{key} is not translated"


def test_a_message_is_its_english_text_and_renders_in_dutch():
    reason = Message("join", parts=[
        Message("component-missing", component=Term("component", "complaints"), detail=Message("missing", why=Message("no-figure"))),
        Message("coverage-too-low", covered=Pct(0.25), minimum=Pct(0.35)),
    ])
    english = ("complaints missing: no figure of this kind in the data; "
               "the components present cover 25% of the weight, below the minimum 35%")
    assert reason == english and f"{reason}" == english  # downloads and `pledges score` see the English text
    assert reason.render("nl") == ("klachtenniveau: ontbreekt: geen cijfer van deze soort in de data; de aanwezige "
                                   "onderdelen dekken 25% van het gewicht, minder dan het minimum van 35%")
    for copied in (copy.deepcopy(reason), pickle.loads(pickle.dumps(reason))):  # scores cross processes
        assert copied.render("nl") == reason.render("nl")
    base = Message("customer-base-too-small", count=Count(12345), as_of="2024-01-01", minimum=Count(25000))
    assert base == "customer base 12,345 (2024-01-01) is below the minimum 25,000"
    assert base.render("nl") == "klantenbestand 12.345 (2024-01-01) is kleiner dan het minimum van 25.000"


def test_quoted_text_in_a_message_keeps_its_language_and_is_escaped():
    message = Message("criterion-specific", events=Verbatim("fault <b>not</b> [repaired]"))
    html = str(message_html(message, "nl"))
    assert html == 'noemt de gebeurtenis: <span lang="en">fault &lt;b&gt;not&lt;/b&gt; &#91;repaired&#93;</span>'
    assert "<span" not in str(message_html(message, "en"))


def test_numbers_amounts_and_dates_per_language():
    assert fmt_num(1234.5, "nl") == "1.234,5" and fmt_num(1234.5, "en") == "1,234.5"
    assert fmt_money(35, "EUR", "nl") == "€ 35,00" and fmt_money(8, "GBP", "en") == "£8.00"
    assert fmt_date(date(2017, 7, 1), "nl") == "1 juli 2017" and fmt_date(date(2017, 7, 1), "en") == "1 July 2017"
    assert fmt_pct(0.355, "nl", 1) == "35,5%"
