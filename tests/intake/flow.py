"""A SYNTHETIC ledger made only through `pledges intake`: a temp data folder with a few real records, then
reports from three reporters on several channels, a provider's verified reply, an unverified one, a
correction and a changed pledge — every answer written into bodies built from the forms' own labels."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import tempfile
from pathlib import Path

import bodies

# Synthetic: the test gives BT a reply account so that a reply can be verified (real BT lists none).
BT_ACCOUNT = "bt-synthetic-replies"


def run_pledges(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`pledges ARGS` in this process (a subprocess per call costs a second of imports on a busy machine)."""
    from pledges.cli import main

    saved = dict(os.environ)
    os.environ.update(env or {})
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(args))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return subprocess.CompletedProcess(list(args), code, out.getvalue(), err.getvalue())


def run_intake(data: Path, body: str, issue: int | None, author: str | None) -> subprocess.CompletedProcess:
    with tempfile.NamedTemporaryFile("w", suffix=".md", encoding="utf-8", newline="", delete=False) as handle:
        handle.write(body)
    args = ["intake", handle.name, "--data", str(data)]
    if issue is not None:
        args += ["--issue", str(issue)]
    if author is not None:
        args += ["--author", author]
    try:
        return run_pledges(*args, env={"PLEDGES_PSEUDONYM_KEY": bodies.TEST_KEY, "PLEDGES_TODAY": "2026-12-01"})
    finally:
        os.unlink(handle.name)


def report(**changes: str | None) -> dict:
    return {**bodies.REPORT, **changes}


REPORTS = [  # (issue, author, answers, ticks)
    (101, "alice-synthetic", report(), {}),
    (102, "bob-synthetic", report(channel="Webcare or social media", first_contact="2026-04-01", resolved="2026-04-02",
                                  outcome="Kept: solved as promised", summary="SYNTHETIC: a public post was answered the next day."), {}),
    (103, "carol-synthetic", report(channel="Phone", first_contact="2026-05-01", resolved=None,
                                   summary="SYNTHETIC: three calls, still waiting.", evidence=None), {"not_resolved": True}),
    (104, "alice-synthetic", report(channel="Webcare or social media", first_contact="2026-06-01", resolved="2026-06-03",
                                   outcome="Kept: solved as promised", summary="SYNTHETIC: webcare fixed it in two days."), {}),
    (105, "carol-synthetic", report(channel="Webcare or social media", first_contact="2026-07-01", resolved="2026-07-02",
                                   outcome="Kept: solved as promised", summary="SYNTHETIC: again quick on social media."), {}),
    (106, "bob-synthetic", report(channel="Phone", first_contact="2026-08-01", resolved="2026-08-30",
                                 outcome="Partly kept: solved late or only in part", summary="SYNTHETIC: solved after four weeks."), {}),
]


def build_ledger(data: Path) -> dict[str, subprocess.CompletedProcess]:
    bodies.copy_real(data)
    bt = data / "providers" / "bt.yaml"
    bt.write_text(bt.read_text() + f"reply_accounts:\n- github:{BT_ACCOUNT}\n")
    results = {}
    for issue, author, answers, ticks in REPORTS:
        results[f"report-{issue}"] = run_intake(data, bodies.body("report", answers, ticks), issue, author)
    results["reply-201"] = run_intake(data, bodies.body("reply", {
        "provider": "bt", "report": "report-101",
        "text": "SYNTHETIC reply: we are sorry; compensation has now been paid automatically."}), 201, BT_ACCOUNT)
    results["reply-202"] = run_intake(data, bodies.body("reply", {
        "provider": "bt", "pledge": "bt-ofcom-automatic-compensation",
        "text": "SYNTHETIC reply from an account BT does not list."}), 202, "someone-synthetic")
    results["correction-301"] = run_intake(data, bodies.body("correction", {
        "records": "bt-ofcom-automatic-compensation", "what": "SYNTHETIC correction: the scheme started in 2019.",
        "source": "https://example.org/synthetic-source"}), 301, "dave-synthetic")
    results["pledge-401"] = run_intake(data, bodies.body("pledge", {
        "provider": "sky", "title": "Synthetic reply within two days", "kind": bodies.option("pledge", "kind", 0),
        "category": "Contact response", "url": "https://example.org/synthetic-sky-pledge",
        "text": "SYNTHETIC: we answer every message within two working days.", "language": "en",
        "channels": "E-mail, Chat", "terms": "two working days", "read_on": "2026-11-30"}), 401, "erin-synthetic")
    return results
