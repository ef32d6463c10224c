"""`pledges new KIND ID`: a commented template for a new record, generated from its model.

Required fields get a `TODO` value that `pledges check` refuses until it is filled in;
optional fields are present as comments. Each line's comment is the field's description
from models.py, so the template never drifts from the validator.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from pydantic import BaseModel

from . import models as m
from .schema import _nested, _type_of, annotated_description
from .yamlio import link_under, write_new

KIND_FOLDERS = {
    "provider": "providers",
    "pledge": "pledges",
    "series": "series",
    "release": "releases",
    "report": "reports",
    "source": "sources",
    "response": "responses",
}


def _lines(model: type[BaseModel], record_id: str, indent: str) -> list[str]:
    lines: list[str] = []
    for name, info in model.model_fields.items():
        description = info.description or annotated_description(info.annotation)
        kind = _type_of(info)
        required = info.is_required()
        hint = f"{description} " if description else ""
        lines.append(f"{indent}# {hint}[{kind}; {'required' if required else 'optional'}]")
        nested = _nested(info.annotation)
        is_list = "list of" in kind
        if name == "id":
            lines.append(f"{indent}id: {record_id}")
        elif nested and required:
            lines.append(f"{indent}{name}:")
            inner = _lines(nested[0], record_id, indent + ("    " if is_list else "  "))
            if is_list:
                inner[1] = indent + "  - " + inner[1].lstrip()
            lines.extend(inner)
        elif required:
            lines.append(f"{indent}{name}: {'[TODO]' if is_list else 'TODO'}")
        else:
            lines.append(f"{indent}# {name}:")
    return lines


def template(kind: str, record_id: str) -> str:
    model = m.KINDS[KIND_FOLDERS[kind]]
    header = [
        f"# New {kind} record. Replace every TODO, delete the comment lines you do not need,",
        "# then run `pledges check` and `pledges fmt`. Field dictionary: docs/field-dictionary.md",
    ]
    return "\n".join(header + _lines(model, record_id, "")) + "\n"


def run_new(args) -> int:
    if not re.fullmatch(m.ID_PATTERN, args.id):
        print(f"id '{args.id}' is not valid — use lower-case letters, digits and single hyphens", file=sys.stderr)
        return 1
    root = Path(args.data)
    path = root / KIND_FOLDERS[args.kind] / f"{args.id}.yaml"
    link = link_under(root, path)  # never write through a link, dangling or not, to outside the data folder
    if link is not None:
        print(f"{link} is a symbolic link — `pledges new` never writes through links; replace it with an "
              "ordinary folder or remove it", file=sys.stderr)
        return 1
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_new(path, template(args.kind, args.id))
    except FileExistsError:
        print(f"{path} already exists — choose another id or edit that file", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"{path}: cannot write the new record ({exc.strerror or exc}) — check the data folder", file=sys.stderr)
        return 1
    print(f"wrote {path} — fill in the TODOs, then run `pledges check`")
    return 0
