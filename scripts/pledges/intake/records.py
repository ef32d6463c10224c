"""Each form's answers → the record(s) it describes (unsaved): a report, a pledge (new, or a new wording of
one with the old wording kept in its history), a correction, a provider's reply."""

from __future__ import annotations

from datetime import date

from ..collect.common import Record
from ..dataset import slug
from . import fields as checks
from .answers import Answers
from .forms import (
    CATEGORY_OPTIONS,
    CHANNEL_OPTIONS,
    KIND_OPTIONS,
    NOT_RESOLVED,
    OUTCOME_OPTIONS,
)

MAX_EVIDENCE_LINKS = 10
UNCONFIRMED_LICENCE = "unknown (not confirmed; quoted from the provider's page by a contributor)"


def _choice(a: Answers, field_id: str, table: dict) -> list:
    text = a.text(field_id)
    return checks.option_value(a.spec(field_id), text, table, a.problems) if text else []


def _evidence(a: Answers) -> list[str]:
    text = a.text("evidence")
    if not text:
        return []
    links = []
    for line in text.split("\n"):
        line = line.strip().removeprefix("- ").removeprefix("* ").strip()
        if not line:
            continue
        problem = checks.url_problem(a.spec("evidence"), line)
        if problem:
            a.problems.append(problem)
        else:
            links.append(line)
    if len(links) > MAX_EVIDENCE_LINKS:
        a.problems.append(f"Evidence links: {len(links)} links, more than {MAX_EVIDENCE_LINKS} — keep the ones that show most")
    return links


def _resolution(a: Answers, first: date | None) -> tuple[date | None, bool]:
    resolved = a.date("resolved")
    open_case = NOT_RESOLVED in a.submission.checked.get("not_resolved", set())
    label = a.spec("resolved").label
    if resolved and open_case:
        a.problems.append(f"{label}: a date is given and “{NOT_RESOLVED}” is ticked — give one of them")
    elif not resolved and not open_case and a.text("resolved") is None:
        a.problems.append(f"{label}: is empty — give the date it was resolved, or tick “{NOT_RESOLVED}”")
    if resolved and first and resolved < first:
        a.problems.append(f"{label}: {resolved.isoformat()} is before the date first contacted — correct the dates")
    return resolved, open_case


def report(a: Answers) -> list[Record]:
    provider = a.provider()
    pledge = a.pledge("pledge", provider)
    channel = _choice(a, "channel", CHANNEL_OPTIONS)
    outcome = _choice(a, "outcome", OUTCOME_OPTIONS)
    first = a.date("first_contact")
    resolved, _ = _resolution(a, first)
    evidence = _evidence(a)
    reporter = a.reporter()
    if a.problems:
        return []
    data = {
        "id": a.record_id("report"), "provider": provider.id if provider else None,
        "pledge": pledge.id if pledge else None, "date": first, "reported": a.today,
        "channel": channel[0] if channel else None, "outcome": outcome[0] if outcome else None,
        "resolved": resolved, "days_to_resolution": float((resolved - first).days) if resolved and first else None,
        "summary": a.text("summary"), "evidence": evidence, "reporter": reporter, "issue": a.issue,
    }
    labels = {"provider": "Provider", "pledge": "Pledge", "date": "Date first contacted", "channel": "Channel used",
              "outcome": "Outcome", "resolved": "Date resolved", "summary": "What happened", "evidence": "Evidence links"}
    built = a.build("reports", {k: v for k, v in data.items() if v is not None}, labels)
    return [built] if built else []


def correction(a: Answers) -> list[Record]:
    ids = [part.strip() for part in (a.text("records") or "").replace("\n", ",").split(",") if part.strip()]
    known = _all_ids(a)
    spec = a.spec("records")
    wanted = []
    for rid in ids:
        if rid in known:
            wanted.append(rid)
            continue
        prefix = rid.split("--")[0]
        candidates = {k: k for k in known if k.split("--")[0] == prefix} or {k: k for k in known if "--" not in k}
        checks.known_id(spec, rid, candidates, "record", a.problems)
    source = a.url("source")
    reporter = a.reporter()
    if a.problems:
        return []
    data = {"id": a.record_id("correction"), "date": a.today, "records": wanted, "text": a.text("what"),
            "source_url": source, "reporter": reporter, "issue": a.issue}
    labels = {"records": "Records", "text": "What is wrong", "source_url": "Source"}
    built = a.build("corrections", {k: v for k, v in data.items() if v is not None}, labels)
    return [built] if built else []


def _all_ids(a: Answers) -> set[str]:
    ids: set[str] = set(a.dataset.statistics)
    for kind, items in a.dataset.loaded.items():
        if kind != "status":
            ids.update(items)
    return ids


def pledge(a: Answers) -> list[Record]:
    provider = a.provider()
    previous = a.pledge("changes", provider)
    kind = _choice(a, "kind", KIND_OPTIONS)
    category = _choice(a, "category", CATEGORY_OPTIONS)
    channels = _choice(a, "channels", CHANNEL_OPTIONS)
    url = a.url("url")
    read_on = a.date("read_on")
    reporter = a.reporter()
    if a.problems or provider is None:
        return []
    terms = a.text("terms")
    provenance = {"publisher": provider.name, "url": url, "retrieved": read_on, "licence": UNCONFIRMED_LICENCE,
                  "collected_by": f"contributor:{reporter}",
                  "note": f"Filed through the pledge issue form (issue #{a.issue})." if a.issue else "Filed through the pledge issue form."}
    data = {
        "id": previous.id if previous else _new_pledge_id(a, provider.id), "provider": provider.id,
        "title": a.text("title"), "kind": kind[0] if kind else None, "category": category[0] if category else None,
        "text": a.text("text"), "language": a.text("language"), "channels": channels, "provenance": provenance,
        "note": f"Terms as the contributor gave them (not yet structured): {terms}" if terms else None,
    }
    if previous is not None:
        if previous.text == a.text("text"):
            a.problems.append("Verbatim text: is the pledge's current wording — give the changed wording")
            return []
        kept = previous.model_dump(mode="python", exclude_none=True)
        for name in ("terms", "published", "effective_from", "scheme", "supersedes", "translation"):
            if name in kept:
                data[name] = kept[name]
        old = {"text": previous.text, "valid_to": read_on, "provenance": kept["provenance"]}
        data["previous_versions"] = [*kept.get("previous_versions", []), old]
        if not terms and previous.note:
            data["note"] = previous.note
    labels = {"provider": "Provider", "title": "Short title", "kind": "Kind", "category": "Category",
              "text": "Verbatim text", "language": "Language", "channels": "Channels", "provenance": "Page URL",
              "note": "Terms", "previous_versions": "Pledge this changes"}
    built = a.build("pledges", {k: v for k, v in data.items() if v is not None}, labels)
    return [built] if built else []


def _new_pledge_id(a: Answers, provider_id: str) -> str:
    base = f"{provider_id}-{slug(a.text('title') or 'pledge')}"[:120].strip("-")
    if base in a.dataset.pledges:
        a.problems.append(f"Short title: a pledge '{base}' exists already — for a new wording give its id in "
                          "“Pledge this changes”, otherwise choose another title")
    return base


def reply(a: Answers) -> list[Record]:
    provider = a.provider()
    pledge = a.pledge("pledge", provider)
    statistic = _figure(a, provider)
    report = _report(a, provider)
    period = a.text("period")
    if not (a.text("pledge") or a.text("statistic") or a.text("report")):
        a.problems.append("Pledge: the reply must answer something — give the pledge, the figure or the report it answers")
    url = a.url("url") if a.text("url") else a.issue_url()
    if url is None and not a.problems:
        a.problems.append("Where the reply is published: give the page (without an issue number there is no default)")
    reporter = a.reporter()
    if a.problems or provider is None:
        return []
    # The account is kept only when the provider lists it as its own (then the reply shows as verified):
    # anybody else's login is never written down.
    account = f"github:{a.author}"
    own = {entry.lower() for entry in provider.reply_accounts}
    verified = account.lower() in own
    data = {
        "id": a.record_id("reply"), "provider": provider.id, "date": a.today,
        "pledge": pledge.id if pledge else None, "statistic": statistic, "report": report, "period": period,
        "text": a.text("text"), "reply_from": account if verified else None, "issue": a.issue,
        "provenance": {"publisher": provider.name, "url": url, "retrieved": a.today,
                       "licence": "unknown (not confirmed; a reply filed through the project's issue form)",
                       "collected_by": f"contributor:{reporter}"},
    }
    labels = {"provider": "Provider", "pledge": "Pledge", "statistic": "Figure", "report": "Report",
              "period": "Verdict period", "text": "Reply", "provenance": "Where the reply is published"}
    built = a.build("responses", {k: v for k, v in data.items() if v is not None}, labels)
    return [built] if built else []


def _figure(a: Answers, provider) -> str | None:
    text = a.text("statistic")
    if text is None:
        return None
    figures = a.dataset.statistics
    mine = {fid: fid for fid, stat in figures.items() if provider is None or stat.provider == provider.id}
    return checks.known_id(a.spec("statistic"), text.lstrip("#"), mine, "figure of this provider", a.problems)


def _report(a: Answers, provider) -> str | None:
    text = a.text("report")
    if text is None:
        return None
    reports = a.dataset.reports
    mine = {rid: rid for rid, r in reports.items()
            if provider is None or r.provider == provider.id
            or (r.pledge in a.dataset.pledges and a.dataset.pledges[r.pledge].provider == provider.id)}
    return checks.known_id(a.spec("report"), text, mine, "report about this provider", a.problems)


BUILDERS = {"report": report, "pledge": pledge, "correction": correction, "reply": reply}
