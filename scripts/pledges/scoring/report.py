"""`pledges score [--data DIR] [--format table|json] [--today D]`: print verdicts and scores."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from ..dataset import load_dataset, today_default
from . import method as M
from .engine import Scoreboard, compute


def _cell(value) -> str:
    return "—" if value is None else str(value)


def _table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(h).ljust(w) for h, w in zip(header, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join(lines)


def render_table(board: Scoreboard) -> str:
    data = board.to_dict()
    out = [f"Method version {data['method_version']} · today {data['today']}", ""]
    out.append("PLEDGES")
    rows = []
    for pid, p in data["pledges"].items():
        latest = p["latest"] or {}
        community = p["community"]
        if community["shown"]:
            reports = f"{community['kept']}/{community['partly-kept']}/{community['broken']}"
        elif community["contributors"]:
            reports = f"hidden: {community['contributors']} contributor(s) < {M.MIN_REPORT_CONTRIBUTORS}"
        else:
            reports = "—"
        rows.append([pid, p["provider"], p["kind"] + ("" if p["counts_for_provider"] else " *"),
                     p["grade"], p["points"], latest.get("verdict", "—"), _cell(latest.get("period")), reports])
    out.append(_table(rows, ["pledge", "provider", "kind", "grade", "pts", "latest verdict", "period",
                             "reports k/p/b"]))
    out.append("* not counted in the provider's score (a proposal, or ended)")
    boards = [(f"SCOREBOARD {b['sector']} ({b['country']})", b["rows"],
               {p: data["providers"][p]["sectors"][b["sector"]] for p in b["rows"]}) for b in data["scoreboards"]]
    boards += [(f"SCOREBOARD {b['sector']}: {b['segment']} ({b['country']})", b["rows"], b["scores"])
               for b in data.get("segment_boards", [])]
    for title, board_rows, scores in boards:
        out += ["", title]
        rows, reasons, stale = [], [], set()
        for prov in board_rows:
            s = scores[prov]
            trend = _cell(s["trend"]) if s["comparable_with_previous"] else ("n/c" if s["previous_score"] is not None else "—")

            rows.append([s["rank_label"] or "not ranked", prov, _cell(s["score"]), _cell(s["previous_score"]), trend,
                         _cell(s["complaint_rate_vs_average"]), "stale" if s["stale"] else ""])
            if s["not_ranked_reason"]:
                reasons.append(f"  {prov}: {s['not_ranked_reason']}")
            if s["stale_reason"]:
                stale.add(s["stale_reason"])
        out.append(_table(rows, ["rank", "provider", "score", "previous", "trend", "complaints ÷ avg", "note"]))
        if reasons:
            out.append("not ranked — why:")
            out += reasons
        if stale:
            out.append("stale:")
            out += [f"  {note}" for note in sorted(stale)]
    return "\n".join(out) + "\n"


def run_score(args) -> int:
    data_dir = Path(getattr(args, "data", None) or "data")
    today = getattr(args, "today", None) or today_default()
    fmt = getattr(args, "format", None) or "table"
    dataset = load_dataset(data_dir, today)
    if dataset.problems:
        for problem in dataset.problems:
            print(problem)
        print(f"{len(dataset.problems)} problem(s) in the data — fix them (see `pledges check`) before scoring",
              file=sys.stderr)
        return 1
    try:
        board = compute(dataset, today)
        text = json.dumps(board.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n" if fmt == "json" \
            else render_table(board)
    except Exception as exc:  # a bug, not bad data: say so in one line (PLEDGES_DEBUG=1 shows the traceback)
        if os.environ.get("PLEDGES_DEBUG"):
            raise
        print(f"{data_dir}:1:1: scoring failed with an internal error: {exc!r} — please report it "
              "(run with PLEDGES_DEBUG=1 for the traceback)", file=sys.stderr)
        return 2
    sys.stdout.write(text)
    return 0
