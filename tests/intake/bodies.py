"""Issue bodies built the way GitHub renders a submitted form, from the form's own labels (SYNTHETIC answers)."""

from __future__ import annotations

import shutil
from pathlib import Path

from pledges.intake.forms import Form, all_forms

REPO = Path(__file__).resolve().parents[2]
TEST_KEY = "synthetic-test-key-not-a-secret"  # tests only; the workflow uses the repository secret
# A few REAL records (providers, a pledge, a source and its series with their releases) copied into a temp
# data folder; everything the tests add to it is synthetic.
REAL = {
    "providers": ["bt", "sky", "octopus-energy"],
    "pledges": ["bt-ofcom-automatic-compensation", "sky-ofcom-automatic-compensation"],
    "sources": ["ofcom-telecoms-complaints", "ofcom-automatic-compensation", "citizens-advice-star-rating"],
    "series": ["bt--ofcom-telecoms-complaints--complaints-per-100k"],
}


def form(name: str) -> Form:
    return next(f for f in all_forms() if f.name == name)


def body(name: str, answers: dict[str, str | None], ticked: dict[str, bool] | None = None) -> str:
    """`### Label` / answer pairs for every field of the form, `_No response_` for empty ones."""
    ticked = {"consent": True, **(ticked or {})}
    parts = []
    for spec in form(name).fields:
        parts.append(f"### {spec.label}\n\n")
        if spec.kind == "checkboxes":
            mark = "X" if ticked.get(spec.id) else " "
            parts.append("\n".join(f"- [{mark}] {option}" for option in spec.options))
        else:
            value = answers.get(spec.id)
            parts.append(value if value else "_No response_")
        parts.append("\n\n")
    return "".join(parts).rstrip("\n")


def option(name: str, field_id: str, index: int = 0) -> str:
    return form(name).by_id(field_id).options[index]


def copy_real(target: Path) -> Path:
    """A data folder with a few real records and every release their series name."""
    import yaml

    for kind, ids in REAL.items():
        (target / kind).mkdir(parents=True, exist_ok=True)
        for rid in ids:
            shutil.copy(REPO / "data" / kind / f"{rid}.yaml", target / kind / f"{rid}.yaml")
    (target / "releases").mkdir(exist_ok=True)
    for rid in REAL["series"]:
        series = yaml.safe_load((REPO / "data" / "series" / f"{rid}.yaml").read_text())
        for release in {p["release"] for p in series["points"]}:
            shutil.copy(REPO / "data" / "releases" / f"{release}.yaml", target / "releases" / f"{release}.yaml")
    return target


REPORT = {
    "provider": "bt", "pledge": "bt-ofcom-automatic-compensation", "channel": "Phone",
    "first_contact": "2026-03-02", "resolved": "2026-03-20", "outcome": "Broken: not solved as promised",
    "summary": "SYNTHETIC test report. The line was down for two weeks; no compensation was paid.",
    "evidence": "https://example.org/synthetic-evidence-1\nhttps://example.org/synthetic-evidence-2",
}
