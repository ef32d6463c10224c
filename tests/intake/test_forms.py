"""The issue forms are generated from the models: current, complete, valid GitHub issue forms."""

from __future__ import annotations

import dataclasses

import pytest
import yaml

from pledges import models as m
from pledges.intake import forms, issue_form
from pledges.schema import stale_files

FORM_TYPES = {"markdown", "input", "textarea", "dropdown", "checkboxes"}


def test_committed_issue_forms_are_current():
    files = issue_form.issue_form_files()
    assert {p.name for p in files} == {"report.yml", "pledge.yml", "correction.yml", "reply.yml", "config.yml"}
    for path, text in files.items():
        assert path.read_text(encoding="utf-8") == text, f"{path.name} is stale — run `pledges schema`"
    assert not [p for p in stale_files() if p.parent == issue_form.TEMPLATE_DIR]


def test_a_changed_label_makes_the_committed_form_stale(monkeypatch):
    original = forms.report_form

    def renamed():
        form = original()
        fields = tuple(dataclasses.replace(f, label="Renamed") if f.id == "summary" else f for f in form.fields)
        return dataclasses.replace(form, fields=fields)

    monkeypatch.setattr(forms, "report_form", renamed)
    assert issue_form.TEMPLATE_DIR / "report.yml" in [p for p in stale_files()]


@pytest.mark.parametrize("form", forms.all_forms(), ids=lambda f: f.name)
def test_each_form_is_a_valid_issue_form(form):
    document = yaml.safe_load(issue_form.form_yaml(form))
    assert document["name"] and document["description"] and document["body"][0]["type"] == "markdown"
    elements = document["body"][1:]
    ids = [e["id"] for e in elements]
    labels = [e["attributes"]["label"] for e in elements]
    assert len(set(ids)) == len(ids) and len(set(labels)) == len(labels)
    assert all(e["type"] in FORM_TYPES for e in elements)
    consent = next(e for e in elements if e["id"] == "consent")
    assert consent["type"] == "checkboxes" and consent["attributes"]["options"][0]["required"] is True
    for e in elements:
        if e["type"] == "dropdown":
            assert e["attributes"]["options"] and len(set(e["attributes"]["options"])) == len(e["attributes"]["options"])


def test_dropdowns_offer_every_member_of_the_models_vocabularies():
    report = forms.report_form()
    assert len(report.by_id("channel").options) == len(m.Channel)
    assert len(report.by_id("outcome").options) == len(m.Outcome)
    pledge = forms.pledge_form()
    assert len(pledge.by_id("kind").options) == len(m.PledgeKind)
    assert len(pledge.by_id("category").options) == len(m.PledgeCategory)


def test_a_vocabulary_member_without_option_text_fails_loudly():
    partial = dict(forms.CHANNEL_OPTIONS)
    partial.pop(m.Channel.chat)
    with pytest.raises(LookupError, match="chat"):
        forms.options_of(partial, m.Channel)


def test_length_limits_are_the_models():
    assert forms.report_form().by_id("summary").max_length == 20000 == forms.max_length(m.Report, "summary")
    assert forms.pledge_form().by_id("title").max_length == forms.max_length(m.Pledge, "title") == 300
    assert forms.reply_form().by_id("text").max_length == forms.max_length(m.Response, "text")
