"""The results table of a run (``--summary``, ``$GITHUB_STEP_SUMMARY``) and the workflow annotations."""

from __future__ import annotations

import sys
from pathlib import Path

from .save import Result

# --------------------------------------------------------------------------- reporting


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def summary_table(results: list[Result]) -> str:
    icons = {"updated": "✅ updated", "unchanged": "⏸️ unchanged", "failed": "❌ failed"}
    lines = [
        "### pledges collect",
        "",
        "| Source | Collector | Result | Files written | Detail |",
        "|---|---|---|---:|---|",
    ]
    for r in sorted(results, key=lambda r: r.source_id):
        lines.append(f"| `{r.source_id}` | {r.collector} | {icons[r.state]} | {r.written} | {_cell(r.detail)} |")
    failed = sum(r.state == "failed" for r in results)
    lines += ["", f"{len(results)} source(s), {failed} failed.", ""]
    return "\n".join(lines)


def _append(path: str | Path, text: str) -> None:
    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(text + "\n")
    except OSError as exc:
        print(f"cannot write the summary to {path}: {exc.strerror}", file=sys.stderr)


def _annotation(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


