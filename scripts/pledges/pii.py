"""Detection of consumers' personal data in free text: e-mail addresses, phone numbers, bank accounts,
account and customer numbers, and a home address (a postcode together with a house number).

Deliberately simple patterns with a low false-positive rate on the project's own prose
(dates like 2025-01-01, figures like 100,000 and periods like 2025-Q1 do not match).
"""

from __future__ import annotations

import re

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# A run of digits with the separators people write in phone numbers, 9 to 15 digits in all.
PHONE_CANDIDATE = re.compile(r"(?<![\w.,/-])(?:\+|00)?\(?\d[\d\s().-]{7,20}\d(?![\w,/-])")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?\b")
UK_SORT_CODE_ACCOUNT = re.compile(r"\b\d{2}-\d{2}-\d{2}[\s,/]+\d{8}\b")
ACCOUNT_WORDS = re.compile(
    r"(?i)\b(?:account|acct|a/c|rekening(?:nummer)?|klantnummer|customer)\s*(?:number|no\.?|nr\.?|#)?\s*[:#]?\s*\d[\d\s-]{5,}\d"
)

# A postcode alone names a street, not a person; with a house number next to it, it is a home address.
# Dutch (1234 AB; SA, SD and SS are never issued) and UK (SW1A 1AA) postcodes, upper case as written.
# A Dutch postcode looks like a year and a provider ("2015 EE 34" in Ofcom's notes), so it counts only in
# the orders addresses are written in: "Kerkstraat 12, 1234 AB", "1234AB 12", "1234 AB, 12".
_NL = r"[1-9]\d{3} ?(?!SA|SD|SS)[A-Z]{2}(?![A-Za-z0-9])"
_NL_TIGHT = r"[1-9]\d{3}(?!SA|SD|SS)[A-Z]{2}(?![A-Za-z0-9])"
_UK = r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}(?![A-Za-z0-9])"
_NUMBER = r"(?<![\w.,/-])\d{1,4}(?: ?[a-zA-Z](?![a-zA-Z]))?(?![\w/-])"
_START = r"(?<![A-Za-z0-9])"
# "1234 AB 12" is an address too, unless the four digits are a year: after a quarter, half year, month or a
# word of time ("Q3 2015 EE 34", "in 2019 BT 45") they are.
_TIME_WORDS = ("Q1", "Q2", "Q3", "Q4", "H1", "H2", "in", "In", "IN", "for", "For", "of", "voor", "Voor", "since", "Since", "from", "From", "by", "By",
               "until", "Until", "year", "Year", "sinds", "Sinds", "vanaf", "Vanaf", "tot", "Tot", "jaar", "Jaar",
               "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "mei", "okt",
               "January", "February", "March", "April", "June", "July", "August", "September", "October",
               "November", "December", "januari", "februari", "maart", "juni", "juli", "augustus", "oktober")
_NOT_A_YEAR = "".join(rf"(?<!{word} )" for word in _TIME_WORDS)
POSTCODE_ADDRESS = re.compile(
    rf"{_NUMBER}[ ]?,?[ ]+{_START}{_NL}"  # Kerkstraat 12, 1234 AB
    rf"|{_START}(?:{_NL_TIGHT}[ ,]+|{_NL}[ ]?,[ ]*){_NUMBER}"  # 1234AB 12 / 1234 AB, 12
    rf"|{_START}{_NOT_A_YEAR}{_NL}[ ]+{_NUMBER}"  # 1234 AB 12
    rf"|{_NUMBER}[^\n\d]{{0,40}}?{_START}{_UK}"  # 10 Downing Street, London SW1A 2AA
    rf"|{_START}{_UK}[ ,]+{_NUMBER}"  # SW1A 2AA 10
)


def _iban_valid(candidate: str) -> bool:
    compact = candidate.replace(" ", "")
    if not 15 <= len(compact) <= 34:
        return False
    rearranged = compact[4:] + compact[:4]
    digits = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(digits) % 97 == 1


_MAYBE = re.compile(r"@|\d{2}")


def find_personal_data(text: str) -> list[tuple[str, str]]:
    """Return (kind, matched text) pairs for every piece of personal data found."""
    found: list[tuple[str, str]] = []
    if not _MAYBE.search(text):  # every pattern needs an @ or two adjacent digits
        return found
    for match in EMAIL.finditer(text):
        found.append(("an e-mail address", match.group()))
    for match in IBAN.finditer(text):
        if _iban_valid(match.group()):
            found.append(("an IBAN bank account number", match.group()))
    for match in UK_SORT_CODE_ACCOUNT.finditer(text):
        found.append(("a bank sort code and account number", match.group()))
    for match in ACCOUNT_WORDS.finditer(text):
        found.append(("an account or customer number", match.group()))
    for match in POSTCODE_ADDRESS.finditer(text):
        found.append(("a postcode with a house number (a home address)", match.group()))
    for match in PHONE_CANDIDATE.finditer(text):
        raw = match.group().strip()
        digits = re.sub(r"\D", "", raw)
        if not 9 <= len(digits) <= 15 or ISO_DATE.match(raw):
            continue
        if re.fullmatch(r"\d{4}\s*[-–]\s*\d{4}", raw):  # a year range
            continue
        if any(raw in item[1] or item[1] in raw for item in found):
            continue
        found.append(("a phone number", raw))
    return found
