"""Pydantic validation errors → `what is wrong — how to fix` messages at the field the contributor wrote."""

from __future__ import annotations

import difflib
import re
import typing
from typing import Any

from pydantic import BaseModel

from . import models as m

# --------------------------------------------------------------------------- pydantic errors → advice


def _unwrap_model(annotation: Any) -> type[BaseModel] | None:
    """The model class inside Optional[...] / list[...] / Annotated[...], if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _unwrap_model(arg)
        if found:
            return found
    return None


def _model_at(model: type[BaseModel], loc: tuple) -> type[BaseModel]:
    current = model
    for part in loc:
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part)
        inner = _unwrap_model(info.annotation) if info else None
        if inner is None:
            return current
        current = inner
    return current


def _field_hint(model: type[BaseModel], name: str) -> str:
    info = model.model_fields.get(name)
    return f" ({info.description})" if info and info.description else ""


PATTERN_ADVICE = {
    r"^[a-z]{2}$": "write a two-letter ISO 639-1 language code such as `en` or `nl`",
    r"^[A-Z]{2}$": "write a two-letter ISO 3166-1 country code such as `GB`, `NL` or `US`",
    r"^[A-Z]{3}$": "write a three-letter ISO 4217 currency code such as `GBP` or `EUR`",
    r"^[0-9a-f]{64}$": "write the 64 lower-case hex digits of the SHA-256",
    r"^(collector|contributor):[A-Za-z0-9_.-]+$": "write `contributor:<your GitHub handle>` (or `collector:<module>` for collected files)",
    m.ID_PATTERN: "use lower-case letters, digits and single hyphens, e.g. `bt-repair-guarantee`",
    m.URL_PATTERN: "write a full web address starting with https:// (or http://); other schemes such as javascript: are refused",
    m.PERIOD_PATTERN: "write the period as YYYY, YYYY-H1, YYYY-Q3 or YYYY-MM",
}


def _field_loc(model: type[BaseModel], loc: tuple) -> tuple:
    """Drop pydantic's union-member tags (`date`, `datetime` …) so the location is a data path."""
    kept: list = []
    current: type[BaseModel] | None = model
    for part in loc:
        if isinstance(part, int):
            kept.append(part)
        elif current is not None and part in current.model_fields:
            kept.append(part)
            current = _unwrap_model(current.model_fields[part].annotation)
        elif current is not None and current.model_config.get("extra") == "forbid" and not kept[-1:] == [part]:
            kept.append(part)  # an unknown field: keep it, it is the point of the error
            current = None
    return tuple(kept)


def _display_name(loc: tuple, model: type[BaseModel]) -> str:
    """`channels[1]` for list items, the field name otherwise."""
    if not loc:
        return model.__name__
    if isinstance(loc[-1], int):
        parent = next((str(p) for p in reversed(loc) if isinstance(p, str)), "item")
        return f"{parent}[{loc[-1]}]"
    return str(loc[-1])


def explain_error(model: type[BaseModel], error: dict) -> tuple[tuple, str, bool]:
    """Turn one pydantic error into (location, message with a fix, points-at-key)."""
    loc = _field_loc(model, tuple(error["loc"]))
    kind = error["type"]
    name = _display_name(loc, model)
    parent = _model_at(model, loc[:-1])
    given = error.get("input")
    if kind == "extra_forbidden":
        allowed = list(parent.model_fields)
        close = difflib.get_close_matches(name, allowed, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        return loc, f"unknown field '{name}' — {hint}remove or rename it; allowed here: {', '.join(allowed)}", True
    if kind == "missing":
        return loc[:-1], f"missing required field '{name}' — add `{name}:`{_field_hint(parent, name)}", False
    if kind == "enum":
        expected = error.get("ctx", {}).get("expected", "")
        return loc, f"'{given}' is not allowed for '{name}' — use one of {expected}", False
    if kind in {"float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"}:
        whole = "a whole number" if kind.startswith("int") else "a number"
        example = "`12`" if kind.startswith("int") else "`12` or `12.5`"
        return loc, f"'{name}' must be {whole}, not {given!r} — write digits only, without quotes, e.g. {example}", False
    if kind == "string_pattern_mismatch":
        pattern = error.get("ctx", {}).get("pattern", "")
        advice = PATTERN_ADVICE.get(pattern, f"it must match {pattern}")
        return loc, f"'{name}' has an invalid value {given!r} — {advice}", False
    if kind.startswith(("date_", "datetime_")):
        return loc, f"'{name}' must be a date, not {given!r} — write it as YYYY-MM-DD", False
    if kind in {"list_type", "dict_type", "model_type", "model_attributes_type"}:
        shape = {"list_type": "a list (lines starting with '- ')", "dict_type": "a mapping of `key: value` lines"}.get(
            kind, "a mapping of `field: value` lines"
        )
        return loc, f"'{name}' must be {shape}, not {given!r} — rewrite it in that shape", False
    if kind == "value_error":
        reason = str(error.get("ctx", {}).get("error", error["msg"]))
        # Cross-field rules name the field they are about first, in backticks: point at it.
        here = _model_at(model, loc)
        named = re.search(r"`(\w+)`", reason)
        if named and named.group(1) in here.model_fields:
            loc = loc + (named.group(1),)
        return loc, f"{reason} — correct the value" + ("s so they agree" if named and "`" in reason[named.end():] else ""), False
    if kind == "finite_number":
        return loc, f"'{name}' must be a finite number, not {given!r} — write the published figure in digits", False
    if kind in {"bool_type", "bool_parsing"}:
        return loc, f"'{name}' must be true or false, not {given!r} — write true or false", False
    if kind in {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}:
        return loc, f"'{name}' is out of range: {error['msg'].lower()} — correct the value", False
    if kind in {"string_too_short", "too_short"}:
        return loc, f"'{name}' is empty — fill it in{_field_hint(parent, name)}", False
    return loc, f"'{name}': {error['msg']} — see docs/field-dictionary.md", False


