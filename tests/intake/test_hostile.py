"""Hostile answers in every field of every form: each problem is named by its field label, nothing is
written, no traceback; `pledges check` refuses a postcode with a house number too. (SYNTHETIC values.)"""

from __future__ import annotations

import hashlib

import bodies
import flow
import pytest

from pledges.dataset import load_dataset
from pledges.intake.command import intake
from pledges.intake.forms import all_forms

HOSTILE = {
    "script": ("<script>alert(1)</script>", "HTML"),
    "img-onerror": ('<img src=x onerror="alert(1)">', "HTML"),
    "handler": ("x onerror=alert(1)", "onerror="),
    "javascript-link": ("[click](javascript:alert(1))", "javascript:"),
    "entity-script": ("&lt;script&gt;alert(1)&lt;/script&gt;", "HTML"),
    "e-mail": ("write to jan.jansen@example.com", "e-mail"),
    "phone": ("call 020 7946 0958", "phone"),
    "iban": ("IBAN NL91 ABNA 0417 1643 00", "IBAN"),
    "account": ("customer number 12345678", "account"),
    "address": ("Kerkstraat 12, 1234 AB Utrecht", "postcode"),
    "address-spaced": ("I live at 1012 AB 12 in Amsterdam", "postcode"),
    "bidi": ("abc\u202edef", "bidirectional"),
}
FIELDS = [(form.name, spec) for form in all_forms() for spec in form.fields if spec.kind != "checkboxes"]


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    return load_dataset(bodies.copy_real(tmp_path_factory.mktemp("hostile") / "data"))


def valid(name: str) -> dict:
    return {
        "report": bodies.REPORT,
        "pledge": {"provider": "sky", "title": "Synthetic", "kind": bodies.option("pledge", "kind"),
                   "category": bodies.option("pledge", "category"), "url": "https://example.org/p", "language": "en",
                   "text": "SYNTHETIC promise", "channels": "Phone", "read_on": "2026-11-30"},
        "correction": {"records": "bt", "what": "SYNTHETIC", "source": "https://example.org/s"},
        "reply": {"provider": "bt", "pledge": "bt-ofcom-automatic-compensation", "text": "SYNTHETIC"},
    }[name]


def problems_for(dataset, name: str, answers: dict) -> list[str]:
    records, problems = intake(bodies.body(name, answers), dataset, issue=1, author="synthetic")
    assert not records or not problems
    return problems


def test_the_valid_answers_pass(dataset):
    for form in all_forms():
        assert problems_for(dataset, form.name, valid(form.name)) == [], form.name


@pytest.mark.parametrize("kind", HOSTILE)
@pytest.mark.parametrize(("form_name", "spec"), FIELDS, ids=lambda v: getattr(v, "id", v))
def test_hostile_text_in_any_field_is_named_by_its_label(dataset, form_name, spec, kind):
    value, expected = HOSTILE[kind]
    problems = problems_for(dataset, form_name, {**valid(form_name), spec.id: value})
    named = [p for p in problems if p.startswith(f"{spec.label}: ")]
    assert any(expected.lower() in p.lower() for p in named), (spec.label, problems)


@pytest.mark.parametrize(("form_name", "spec"), FIELDS, ids=lambda v: getattr(v, "id", v))
def test_over_long_answers_are_refused(dataset, form_name, spec):
    value = "a" * ((spec.max_length or 300) + 1)
    problems = problems_for(dataset, form_name, {**valid(form_name), spec.id: value})
    expected = "characters long" if spec.max_length else "not one of the choices"
    assert any(p.startswith(f"{spec.label}: ") and expected in p for p in problems), problems


@pytest.mark.parametrize("form_name", ["report", "pledge", "reply"])
def test_unknown_provider_with_did_you_mean(dataset, form_name):
    problems = problems_for(dataset, form_name, {**valid(form_name), "provider": "skyy"})
    assert any(p.startswith("Provider: 'skyy' is not a known provider — did you mean 'sky'") for p in problems), problems


@pytest.mark.parametrize(("form_name", "field_id"), [("report", "first_contact"), ("report", "resolved"), ("pledge", "read_on")])
def test_future_dates_are_refused(dataset, form_name, field_id):
    label = bodies.form(form_name).by_id(field_id).label
    problems = problems_for(dataset, form_name, {**valid(form_name), field_id: "2026-12-02"})
    assert any(p.startswith(f"{label}: 2026-12-02 is in the future") for p in problems), problems


def test_dates_out_of_order_are_refused(dataset):
    problems = problems_for(dataset, "report", {**bodies.REPORT, "first_contact": "2026-03-20", "resolved": "2026-03-02"})
    assert any(p.startswith("Date resolved: 2026-03-02 is before the date first contacted") for p in problems), problems


@pytest.mark.parametrize(("form_name", "field_id"), [("report", "evidence"), ("pledge", "url"), ("correction", "source"), ("reply", "url")])
@pytest.mark.parametrize("link", ["ftp://example.org/x", "javascript:alert(1)", "example.org/no-scheme", "https://"])
def test_only_http_links(dataset, form_name, field_id, link):
    label = bodies.form(form_name).by_id(field_id).label
    problems = problems_for(dataset, form_name, {**valid(form_name), field_id: link})
    assert any(p.startswith(f"{label}: ") for p in problems), problems


def test_a_pledge_of_another_provider_is_refused(dataset):
    problems = problems_for(dataset, "report", {**bodies.REPORT, "provider": "sky"})
    assert any(p.startswith("Pledge: 'bt-ofcom-automatic-compensation' is a pledge of 'bt'") for p in problems), problems


def digest(data) -> str:
    h = hashlib.sha256()
    for path in sorted(data.rglob("*")):
        h.update(str(path.relative_to(data)).encode())
        if path.is_file():
            h.update(path.read_bytes())
    return h.hexdigest()


@pytest.mark.parametrize("form_name", [f.name for f in all_forms()])
def test_every_field_hostile_at_once_exit_1_nothing_written_no_traceback(data, form_name):
    before = digest(data)
    answers = {spec.id: HOSTILE[kind][0] for spec, kind in zip(
        [s for s in bodies.form(form_name).fields if s.kind != "checkboxes"], (list(HOSTILE) * 3)[:len([s for s in bodies.form(form_name).fields if s.kind != "checkboxes"])], strict=True)}
    result = flow.run_intake(data, bodies.body(form_name, answers), 5, "synthetic")
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr and "nothing was written" in result.stderr
    for spec in bodies.form(form_name).fields:
        if spec.kind != "checkboxes":
            assert f"\n{spec.label}: " in "\n" + result.stdout, spec.label
    assert digest(data) == before


def test_pledges_check_refuses_a_postcode_with_a_house_number(data):
    (data / "reports").mkdir()
    (data / "reports" / "r1.yaml").write_text(
        "id: r1\nprovider: bt\ndate: 2026-01-01\nreported: 2026-01-02\nchannel: phone\noutcome: broken\n"
        "summary: 'SYNTHETIC: the engineer came to Kerkstraat 12, 1234 AB Utrecht'\ncontributor: contributor:synthetic\n")
    result = flow.run_pledges("check", "--data", str(data))
    assert result.returncode == 1 and "postcode with a house number" in result.stdout
