"""Each form: a body built from the form's own labels → `pledges intake` → records that pass `pledges check`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import bodies
import flow
import yaml

from pledges.dataset import load_dataset
from pledges.intake.forms import all_forms
from pledges.intake.parse import detect, parse
from pledges.intake.pseudonym import pseudonym


def check(data: Path) -> subprocess.CompletedProcess:
    return flow.run_pledges("check", "--data", str(data))


def tree(data: Path) -> dict[str, bytes]:
    return {str(p.relative_to(data)): p.read_bytes() for p in sorted(data.rglob("*")) if p.is_file()}


def test_report_form_writes_a_report_that_passes_check(data):
    result = flow.run_intake(data, bodies.body("report", bodies.REPORT), 12, "Alice-Synthetic")
    assert result.returncode == 0, result.stdout + result.stderr
    record = yaml.safe_load((data / "reports" / "report-12.yaml").read_text())
    assert record["provider"] == "bt" and record["pledge"] == "bt-ofcom-automatic-compensation"
    assert record["channel"] == "phone" and record["outcome"] == "broken"
    assert str(record["date"]) == "2026-03-02" and str(record["resolved"]) == "2026-03-20"
    assert record["days_to_resolution"] == 18 and record["issue"] == 12
    assert record["evidence"] == ["https://example.org/synthetic-evidence-1", "https://example.org/synthetic-evidence-2"]
    assert record["reporter"] == pseudonym("alice-synthetic", bodies.TEST_KEY)
    assert check(data).returncode == 0, check(data).stdout


def test_not_resolved_report_has_no_resolution(data):
    answers = dict(bodies.REPORT, resolved=None)
    result = flow.run_intake(data, bodies.body("report", answers, {"not_resolved": True}), 13, "bob")
    assert result.returncode == 0, result.stdout
    record = yaml.safe_load((data / "reports" / "report-13.yaml").read_text())
    assert "resolved" not in record and "days_to_resolution" not in record


def test_resolution_must_be_given_or_ticked_not_both(data):
    neither = flow.run_intake(data, bodies.body("report", dict(bodies.REPORT, resolved=None)), 14, "bob")
    both = flow.run_intake(data, bodies.body("report", bodies.REPORT, {"not_resolved": True}), 15, "bob")
    assert neither.returncode == 1 and "Date resolved: is empty" in neither.stdout
    assert both.returncode == 1 and "Date resolved: a date is given" in both.stdout
    assert not (data / "reports").exists()


def test_pledge_form_writes_a_new_pledge(data):
    answers = {"provider": "Sky", "title": "Synthetic answer within two days", "kind": bodies.option("pledge", "kind", 0),
               "category": "Contact response", "url": "https://example.org/synthetic", "language": "en",
               "text": "SYNTHETIC: we answer within two working days.", "channels": "E-mail, Chat",
               "terms": None, "read_on": "2026-11-30"}
    result = flow.run_intake(data, bodies.body("pledge", answers), 40, "erin")
    assert result.returncode == 0, result.stdout
    record = yaml.safe_load((data / "pledges" / "sky-synthetic-answer-within-two-days.yaml").read_text())
    assert record["provider"] == "sky" and record["channels"] == ["email", "chat"] and record["kind"] == "guarantee"
    assert record["provenance"]["collected_by"] == f"contributor:{pseudonym('erin', bodies.TEST_KEY)}"
    assert record["provenance"]["licence"].startswith("unknown")
    assert check(data).returncode == 0


def test_pledge_form_with_a_changed_wording_keeps_the_old_one(data):
    path = data / "pledges" / "bt-ofcom-automatic-compensation.yaml"
    before = yaml.safe_load(path.read_text())
    answers = {"provider": "bt", "changes": "bt-ofcom-automatic-compensation", "title": before["title"],
               "kind": bodies.option("pledge", "kind", 1), "category": "Repair", "url": "https://example.org/synthetic-new",
               "text": "SYNTHETIC new wording of the promise.", "language": "en", "channels": "Phone", "read_on": "2026-11-30"}
    result = flow.run_intake(data, bodies.body("pledge", answers), 41, "erin")
    assert result.returncode == 0, result.stdout
    after = yaml.safe_load(path.read_text())
    assert after["text"] == "SYNTHETIC new wording of the promise."
    assert after["previous_versions"][-1]["text"] == before["text"]
    assert str(after["previous_versions"][-1]["valid_to"]) == "2026-11-30"
    assert after.get("terms") == before.get("terms")
    assert check(data).returncode == 0, check(data).stdout


def test_correction_form_writes_a_correction(data):
    answers = {"records": "bt-ofcom-automatic-compensation, bt", "what": "SYNTHETIC: the date is wrong.",
               "source": "https://example.org/synthetic-source"}
    result = flow.run_intake(data, bodies.body("correction", answers), 30, "dave")
    assert result.returncode == 0, result.stdout
    record = yaml.safe_load((data / "corrections" / "correction-30.yaml").read_text())
    assert record["records"] == ["bt-ofcom-automatic-compensation", "bt"]
    assert record["source_url"] == "https://example.org/synthetic-source"
    assert check(data).returncode == 0


def test_correction_of_an_unknown_record_says_did_you_mean(data):
    answers = {"records": "bt-ofcom-automatic-compensaton", "what": "SYNTHETIC", "source": "https://example.org/s"}
    result = flow.run_intake(data, bodies.body("correction", answers), 31, "dave")
    assert result.returncode == 1
    assert "Records: 'bt-ofcom-automatic-compensaton' is not a known record — did you mean 'bt-ofcom-automatic-compensation'" in result.stdout


def test_reply_form_verified_only_from_the_providers_own_account(data):
    bt = data / "providers" / "bt.yaml"
    bt.write_text(bt.read_text() + f"reply_accounts:\n- github:{flow.BT_ACCOUNT}\n")
    assert flow.run_intake(data, bodies.body("report", bodies.REPORT), 12, "alice").returncode == 0
    own = flow.run_intake(data, bodies.body("reply", {"provider": "bt", "report": "report-12", "text": "SYNTHETIC reply"}),
                          20, flow.BT_ACCOUNT.upper())
    other = flow.run_intake(data, bodies.body("reply", {"provider": "bt", "pledge": "bt-ofcom-automatic-compensation",
                                                        "period": "2025-H1", "text": "SYNTHETIC other"}), 21, "mallory")
    assert own.returncode == 0 and other.returncode == 0, own.stdout + other.stdout
    verified = yaml.safe_load((data / "responses" / "reply-20.yaml").read_text())
    unverified = yaml.safe_load((data / "responses" / "reply-21.yaml").read_text())
    assert verified["reply_from"] == f"github:{flow.BT_ACCOUNT.upper()}" and verified["report"] == "report-12"
    assert "reply_from" not in unverified
    assert "mallory" not in (data / "responses" / "reply-21.yaml").read_text().lower()
    assert verified["provenance"]["url"].endswith("/issues/20")
    assert check(data).returncode == 0, check(data).stdout


def test_reply_must_answer_something(data):
    result = flow.run_intake(data, bodies.body("reply", {"provider": "bt", "text": "SYNTHETIC"}), 22, "bt")
    assert result.returncode == 1 and "Pledge: the reply must answer something" in result.stdout


def test_the_login_is_never_written_only_a_stable_pseudonym(data):
    for issue, author in ((50, "Alice-Synthetic"), (51, "alice-synthetic"), (52, "bob-synthetic")):
        assert flow.run_intake(data, bodies.body("report", bodies.REPORT), issue, author).returncode == 0
    texts = {p.name: p.read_text() for p in (data / "reports").iterdir()}
    assert not any("alice" in t.lower() or "bob" in t.lower() for t in texts.values())
    who = {name: yaml.safe_load(text)["reporter"] for name, text in texts.items()}
    assert who["report-50.yaml"] == who["report-51.yaml"] != who["report-52.yaml"]
    assert pseudonym("alice-synthetic", "another-key-of-16-chars") != who["report-50.yaml"]


def test_without_the_key_nothing_is_written(data, monkeypatch):
    env = dict(os.environ, PLEDGES_TODAY="2026-12-01")
    env.pop("PLEDGES_PSEUDONYM_KEY", None)
    proc = subprocess.run([sys.executable, "-m", "pledges", "intake", "-", "--data", str(data), "--author", "alice"],
                          input=bodies.body("report", bodies.REPORT), capture_output=True, text=True, env=env)
    assert proc.returncode == 2 and "PLEDGES_PSEUDONYM_KEY" in proc.stderr and "Traceback" not in proc.stderr
    assert not (data / "reports").exists()


def test_reads_a_file_and_crlf_bodies(data, tmp_path):
    body = tmp_path / "body.md"
    body.write_bytes(bodies.body("report", bodies.REPORT).replace("\n", "\r\n").encode())
    env = dict(os.environ)
    proc = subprocess.run([sys.executable, "-m", "pledges", "intake", str(body), "--data", str(data), "--issue", "9",
                           "--author", "x"], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "\r" not in (data / "reports" / "report-9.yaml").read_text()


def test_the_same_issue_twice_is_refused(data):
    assert flow.run_intake(data, bodies.body("report", bodies.REPORT), 60, "a").returncode == 0
    before = tree(data)
    again = flow.run_intake(data, bodies.body("report", bodies.REPORT), 60, "a")
    assert again.returncode == 1 and "exists already" in again.stdout and tree(data) == before


def test_each_form_is_detected_from_its_own_labels():
    for form in all_forms():
        assert detect(bodies.body(form.name, {}), all_forms()).name == form.name


def test_a_body_from_no_form_is_refused(data):
    result = flow.run_intake(data, "Hello, my internet is down. Please help.", 70, "a")
    assert result.returncode == 1 and "not filed with one of the forms" in result.stdout


def test_a_heading_typed_inside_an_answer_stays_text_unless_it_repeats_a_label(data):
    text = "SYNTHETIC first line\n### Not a label of this form\nmore text"
    submission = parse(bodies.body("report", dict(bodies.REPORT, summary=text)), bodies.form("report"))
    assert submission.answers["summary"] == text and not submission.problems
    spoof = dict(bodies.REPORT, summary="SYNTHETIC\n\n### Provider\n\nsky")
    result = flow.run_intake(data, bodies.body("report", spoof), 71, "a")
    assert result.returncode == 1 and "Provider: appears twice" in result.stdout


def test_a_deleted_heading_is_named(data):
    body = bodies.body("report", bodies.REPORT).replace("### Channel used\n\nPhone\n\n", "")
    result = flow.run_intake(data, body, 72, "a")
    assert result.returncode == 1 and "Channel used: missing from the issue" in result.stdout


def test_consent_is_required(data):
    result = flow.run_intake(data, bodies.body("report", bodies.REPORT, {"consent": False}), 73, "a")
    assert result.returncode == 1 and "Consent to publish: not ticked" in result.stdout
    assert not (data / "reports").exists()


def test_written_records_load_as_typed_models(data):
    assert flow.run_intake(data, bodies.body("report", bodies.REPORT), 74, "a").returncode == 0
    dataset = load_dataset(data)
    assert not dataset.problems
    assert dataset.reports["report-74"].who.startswith("r-")
