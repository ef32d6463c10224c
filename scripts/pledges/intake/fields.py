"""Checks of one answer, named by its field label: the rules of `pledges check` (personal data, characters,
http(s) links, dates not in the future) and what a web page must never receive (markup, script, other
link schemes). The site escapes every contributor text as well; refusing here keeps such text out of the data."""

from __future__ import annotations

import difflib
import html
import re
import unicodedata
from datetime import date

from pydantic import TypeAdapter, ValidationError

from .. import models as m
from ..pii import find_personal_data
from ..yamlio import FORBIDDEN_IN_TEXT, character_problem
from .forms import FormField

URL = TypeAdapter(m.Url)
# Markup and script, looked for after entities are decoded and white space and controls dropped, so that
# `&lt;script&gt;`, `java\tscript:` and `ON ERROR =` forms are found too.
TAG = re.compile(r"<\s*/?\s*[a-z!?]", re.IGNORECASE)
HANDLER = re.compile(r"(?<![a-z])on[a-z]+\s*=", re.IGNORECASE)
SCHEME = re.compile(r"(?:javascript|vbscript|data|file|livescript):", re.IGNORECASE)


def _folded(text: str) -> str:
    decoded = html.unescape(html.unescape(text))
    return unicodedata.normalize("NFKC", decoded)


def text_problems(spec: FormField, text: str) -> list[str]:
    """Every problem of one free-text answer, each starting with the field's label."""
    label = spec.label
    problems: list[str] = []
    if spec.max_length is not None and len(text) > spec.max_length:
        problems.append(f"{label}: is {len(text)} characters long, more than {spec.max_length} — shorten it")
    forbidden = FORBIDDEN_IN_TEXT.search(text)
    if forbidden:
        problems.append(f"{label}: {character_problem(forbidden.group())}")
    folded = _folded(text)
    squeezed = re.sub(r"[\s\x00-\x1f\x7f]+", "", folded)
    if TAG.search(folded) or "<script" in squeezed.lower():
        problems.append(f"{label}: contains HTML markup (such as <script> or <img>) — write plain text; nothing is shown as HTML")
    if HANDLER.search(folded):
        problems.append(f"{label}: contains a script handler such as onerror= — remove it")
    if SCHEME.search(squeezed):
        problems.append(f"{label}: contains a javascript: (or data:, file:) link — only https:// links are published")
    seen: set[str] = set()
    for what, _found in find_personal_data(text):
        if what in seen:
            continue
        seen.add(what)
        problems.append(f"{label}: contains {what} — remove it; nothing personal is published")
    return problems


def url_problem(spec: FormField, text: str) -> str | None:
    try:
        URL.validate_python(text)
    except ValidationError:
        return f"{spec.label}: {text[:80]!r} is not a public web address — write a full https:// (or http://) link"
    return None


def date_answer(spec: FormField, text: str, today: date, problems: list[str]) -> date | None:
    try:
        value = date.fromisoformat(text)
        if len(text) != 10:
            raise ValueError
    except ValueError:
        problems.append(f"{spec.label}: {text[:40]!r} is not a date — write it as YYYY-MM-DD, e.g. 2026-03-14")
        return None
    if value > today:
        problems.append(f"{spec.label}: {value.isoformat()} is in the future (today is {today.isoformat()}) — correct the date")
        return None
    return value


def known_id(spec: FormField, text: str, known: dict[str, str], what: str, problems: list[str]) -> str | None:
    """An id from `known` (id → display name), matched by id or by name (case-insensitive), with a did-you-mean."""
    wanted = text.strip()
    if wanted in known:
        return wanted
    lowered = {name.lower(): rid for rid, name in known.items()}
    lowered.update({rid.lower(): rid for rid in known})
    if wanted.lower() in lowered:
        return lowered[wanted.lower()]
    close = difflib.get_close_matches(wanted.lower(), list(lowered), n=1, cutoff=0.6)
    hint = f"did you mean '{lowered[close[0]]}'{_name(known, lowered[close[0]])}? Or use" if close else "use"
    problems.append(f"{spec.label}: {wanted[:80]!r} is not a known {what} — {hint} the id its page on this site shows")
    return None


def _name(known: dict[str, str], rid: str) -> str:
    return f" ({known[rid]})" if known[rid] != rid else ""


def option_value(spec: FormField, text: str, table: dict, problems: list[str]) -> list:
    """Dropdown answer(s) → vocabulary members (GitHub joins several choices with `, `)."""
    by_text = {label: member for member, label in table.items()}
    parts = [text] if text in by_text or not spec.multiple else [p.strip() for p in text.split(", ")]
    chosen = []
    for part in parts:
        if part not in by_text:
            problems.append(f"{spec.label}: {part[:80]!r} is not one of the choices — pick one of: {'; '.join(spec.options)}")
        else:
            chosen.append(by_text[part])
    return chosen
