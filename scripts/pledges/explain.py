"""Pydantic validation errors → `what is wrong — how to fix` messages at the field the contributor wrote."""

from __future__ import annotations

import difflib
import re
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
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


Explained = tuple[tuple, str, bool]  # (location, message with a fix, points at the key rather than the value)


@dataclass(frozen=True)
class _Error:
    """One pydantic error with what every explanation needs."""

    model: type[BaseModel]
    loc: tuple
    kind: str
    name: str
    parent: type[BaseModel]
    given: Any
    raw: Mapping[str, Any]


def _extra(e: _Error) -> Explained:
    allowed = list(e.parent.model_fields)
    close = difflib.get_close_matches(e.name, allowed, n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return e.loc, f"unknown field '{e.name}' — {hint}remove or rename it; allowed here: {', '.join(allowed)}", True


def _missing(e: _Error) -> Explained:
    return e.loc[:-1], f"missing required field '{e.name}' — add `{e.name}:`{_field_hint(e.parent, e.name)}", False


def _enum(e: _Error) -> Explained:
    expected = e.raw.get("ctx", {}).get("expected", "")
    return e.loc, f"'{e.given}' is not allowed for '{e.name}' — use one of {expected}", False


def _number(e: _Error) -> Explained:
    whole = "a whole number" if e.kind.startswith("int") else "a number"
    example = "`12`" if e.kind.startswith("int") else "`12` or `12.5`"
    return e.loc, f"'{e.name}' must be {whole}, not {e.given!r} — write digits only, without quotes, e.g. {example}", False


def _pattern(e: _Error) -> Explained:
    pattern = e.raw.get("ctx", {}).get("pattern", "")
    advice = PATTERN_ADVICE.get(pattern, f"it must match {pattern}")
    return e.loc, f"'{e.name}' has an invalid value {e.given!r} — {advice}", False


def _date(e: _Error) -> Explained:
    return e.loc, f"'{e.name}' must be a date, not {e.given!r} — write it as YYYY-MM-DD", False


_SHAPES = {"list_type": "a list (lines starting with '- ')", "dict_type": "a mapping of `key: value` lines"}


def _shape(e: _Error) -> Explained:
    shape = _SHAPES.get(e.kind, "a mapping of `field: value` lines")
    return e.loc, f"'{e.name}' must be {shape}, not {e.given!r} — rewrite it in that shape", False


def _value(e: _Error) -> Explained:
    reason = str(e.raw.get("ctx", {}).get("error", e.raw["msg"]))
    # Cross-field rules name the field they are about first, in backticks: point at it.
    loc = e.loc
    named = re.search(r"`(\w+)`", reason)
    if named and named.group(1) in _model_at(e.model, loc).model_fields:
        loc = loc + (named.group(1),)
    return loc, f"{reason} — correct the value" + ("s so they agree" if named and "`" in reason[named.end():] else ""), False


def _finite(e: _Error) -> Explained:
    return e.loc, f"'{e.name}' must be a finite number, not {e.given!r} — write the published figure in digits", False


def _bool(e: _Error) -> Explained:
    return e.loc, f"'{e.name}' must be true or false, not {e.given!r} — write true or false", False


def _range(e: _Error) -> Explained:
    return e.loc, f"'{e.name}' is out of range: {e.raw['msg'].lower()} — correct the value", False


def _empty(e: _Error) -> Explained:
    return e.loc, f"'{e.name}' is empty — fill it in{_field_hint(e.parent, e.name)}", False


_EXPLAIN: dict[str, Callable[[_Error], Explained]] = {
    "extra_forbidden": _extra,
    "missing": _missing,
    "enum": _enum,
    **dict.fromkeys(("float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"), _number),
    "string_pattern_mismatch": _pattern,
    **dict.fromkeys(("list_type", "dict_type", "model_type", "model_attributes_type"), _shape),
    "value_error": _value,
    "finite_number": _finite,
    **dict.fromkeys(("bool_type", "bool_parsing"), _bool),
    **dict.fromkeys(("greater_than", "greater_than_equal", "less_than", "less_than_equal"), _range),
    **dict.fromkeys(("string_too_short", "too_short"), _empty),
}


def explain_error(model: type[BaseModel], error: Mapping[str, Any]) -> Explained:
    """Turn one pydantic error into (location, message with a fix, points-at-key)."""
    loc = _field_loc(model, tuple(error["loc"]))
    kind = error["type"]
    e = _Error(model, loc, kind, _display_name(loc, model), _model_at(model, loc[:-1]), error.get("input"), error)
    explain = _EXPLAIN.get(kind) or (_date if kind.startswith(("date_", "datetime_")) else None)
    if explain is not None:
        return explain(e)
    return loc, f"'{e.name}': {error['msg']} — see docs/field-dictionary.md", False


