"""Reading an issue body exactly as GitHub renders a submitted issue form.

GitHub writes each field as a `### <label>` heading, a blank line and the answer; an empty answer is
`_No response_`; a checkbox is `- [X] <text>` or `- [ ] <text>`; a dropdown answer is its option text
(several joined by `, `). Only headings that are a form's own labels split the body: a `### ` line a
contributor typed inside their text stays part of that text, unless it repeats a label (refused).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .forms import Form, FormField

NO_RESPONSE = "_No response_"
HEADING = re.compile(r"^### (.+?)\s*$")
CHECKBOX = re.compile(r"^- \[([ xX])\] (.*)$")


@dataclass
class Submission:
    form: Form
    answers: dict[str, str | None] = field(default_factory=dict)  # field id → text, None when empty
    checked: dict[str, set[str]] = field(default_factory=dict)  # checkbox field id → ticked option texts
    problems: list[str] = field(default_factory=list)


def _split(body: str, labels: set[str]) -> tuple[dict[str, str], list[str]]:
    sections: dict[str, list[str]] = {}
    repeated: list[str] = []
    current: str | None = None
    for line in body.split("\n"):
        heading = HEADING.match(line)
        if heading and heading.group(1) in labels:
            current = heading.group(1)
            if current in sections:
                repeated.append(current)
            sections[current] = []
            continue
        if current is not None:
            sections[current].append(line)
    return {label: "\n".join(lines).strip("\n") for label, lines in sections.items()}, repeated


def headings(body: str) -> list[str]:
    return [match.group(1) for line in body.split("\n") if (match := HEADING.match(line))]


def detect(body: str, forms: tuple[Form, ...]) -> Form | None:
    """The form whose labels the body's headings match best: every label present, in the form's order."""
    found = headings(body)
    best: tuple[int, Form] | None = None
    for form in forms:
        labels = [f.label for f in form.fields]
        present = [label for label in found if label in labels]
        score = len(set(present))
        if set(labels) <= set(found):
            score += 1000  # complete
        if best is None or score > best[0]:
            best = (score, form)
    return best[1] if best and best[0] > 0 else None


def _answer(spec: FormField, raw: str) -> str | None:
    text = raw.strip()
    if text == NO_RESPONSE or text == "":
        return None
    return text


def _checkboxes(spec: FormField, raw: str, problems: list[str]) -> set[str]:
    ticked: set[str] = set()
    for line in raw.strip().split("\n"):
        if not line.strip():
            continue
        box = CHECKBOX.match(line.strip())
        if box is None or box.group(2).strip() not in spec.options:
            problems.append(f"{spec.label}: this field holds only its tick boxes — submit the form again without changing them")
            continue
        if box.group(1) in "xX":
            ticked.add(box.group(2).strip())
    return ticked


def parse(body: str, form: Form) -> Submission:
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    labels = {f.label for f in form.fields}
    sections, repeated = _split(body, labels)
    out = Submission(form)
    for label in sorted(set(repeated)):
        out.problems.append(f"{label}: appears twice — no answer may contain a line `### {label}`; remove it")
    for spec in form.fields:
        if spec.label not in sections:
            out.problems.append(f"{spec.label}: missing from the issue — file it with the “{form.title}” form, "
                                "without removing its headings")
            continue
        raw = sections[spec.label]
        if spec.kind == "checkboxes":
            out.checked[spec.id] = _checkboxes(spec, raw, out.problems)
        else:
            out.answers[spec.id] = _answer(spec, raw)
    return out
