"""The one canonical way of writing records (``pledges fmt``, ``pledges new``, the collectors): block style, no aliases."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import yaml

# --------------------------------------------------------------------------- writing


class _Dumper(yaml.SafeDumper):
    """Block style, no aliases, multi-line strings as literal blocks."""

    def ignore_aliases(self, data: Any) -> bool:  # yaml API
        return True


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value and not value.endswith((" ", "\t")) and "\r" not in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_datetime(dumper: yaml.SafeDumper, value: datetime) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat().replace("+00:00", "Z"))


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(datetime, _represent_datetime)


def plain(value: Any) -> Any:
    """Enums to their values, recursively, dropping None and empty containers."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            item = plain(item)
            if item is None or item == [] or item == {}:
                continue
            out[key] = item
        return out
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


class FlowMapping(dict):
    """A mapping written on one line (`- {period: 2024-H2, value: 12.5, release: …}`): a series gains
    one line per new period, which keeps a new half-year's diff small and readable."""


def _represent_flow(dumper: yaml.SafeDumper, value: FlowMapping) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", value.items(), flow_style=True)


_Dumper.add_representer(FlowMapping, _represent_flow)


def dump_data(data: Any) -> str:
    return yaml.dump(
        data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100, indent=2
    )


def record_data(record: Any) -> dict:
    """A record as plain data in model field order, leaving out fields that are unset (None) or empty.

    Free-form mappings (`params: dict[str, Any]`) are data, not fields: they are kept exactly as
    written, with their `null`, `[]` and `{}` values (a `null` may mean "off"; dropping it turns the
    collector's default back on).
    """
    out = {}
    for name in type(record).model_fields:
        value = _field_data(getattr(record, name))
        if value is None or value == [] or value == {}:
            continue
        out[name] = value
    return out


def _field_data(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list):
        return [_field_data(item) for item in value]
    if isinstance(value, dict):
        return value  # free-form data: verbatim
    if hasattr(type(value), "model_fields"):
        return record_data(value)
    return value


def dump_record(record: Any) -> str:
    """The canonical text of a record: model field order, no empty fields, free-form data verbatim.

    Models may name trailing list fields whose items are short mappings (ClassVar FLOW_ITEMS, e.g. a
    series' points): each such item is written on ONE line, however long, so that a new period is one
    new line in a diff. An item with free text (a `note`) stays in block style, where long text wraps."""
    data = record_data(record)
    flow = [name for name in getattr(type(record), "FLOW_ITEMS", ()) if isinstance(data.get(name), list)]
    if not flow or list(data)[-len(flow):] != flow:
        return dump_data(data)
    lists = {name: data.pop(name) for name in flow}
    parts = [dump_data(data)] if data else []
    for name, items in lists.items():
        parts.append(f"{name}:\n")
        for item in items:
            if isinstance(item, dict) and "note" not in item:
                one_line = yaml.dump(FlowMapping(item), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1 << 30)
                parts.append("- " + one_line.rstrip("\n").removesuffix("\n...") + "\n")
            else:
                parts.append(dump_data([item]))
    return "".join(parts)


