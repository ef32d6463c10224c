"""The four issue forms, defined once: labels and descriptions (English, the one table GitHub shows),
the dropdown options drawn from the models' vocabularies, and the length limits from the models' fields.

`issue_form.py` writes them as `.github/ISSUE_TEMPLATE/*.yml`; `parse.py` reads a submitted body back by
the same labels, so a label changed here changes both (a test fails when the committed forms are stale).
"""

from __future__ import annotations

import enum
import os
import typing
from dataclasses import dataclass, field
from typing import Literal

from annotated_types import MaxLen
from pydantic import BaseModel

from .. import models as m

Kind = Literal["input", "textarea", "dropdown", "checkboxes"]
# Where the forms live; prefilled links on provider and pledge pages point here. The deploy workflow may set
# PLEDGES_REPOSITORY_URL to the repository's address.
DEFAULT_REPOSITORY_URL = "https://github.com/service-pledge-tracker/service-pledge-tracker"


def repository_url() -> str:
    return (os.environ.get("PLEDGES_REPOSITORY_URL") or DEFAULT_REPOSITORY_URL).rstrip("/")


def max_length(model: type[BaseModel], name: str) -> int:
    """The longest text the model accepts for a field (one source for the form's and intake's limit)."""
    info = model.model_fields[name]
    metadata = list(info.metadata)
    for arg in typing.get_args(info.annotation):  # `Text | None`: the limit sits inside the union
        metadata += list(getattr(arg, "__metadata__", ()))
    for meta in metadata:
        if isinstance(meta, MaxLen):
            return meta.max_length
        limit = getattr(meta, "max_length", None)
        if isinstance(limit, int):
            return limit
    raise LookupError(f"{model.__name__}.{name} has no length limit")  # a model change the forms must follow


@dataclass(frozen=True)
class FormField:
    id: str  # the issue-form id (also the prefill query parameter: ?provider=bt)
    label: str  # the `### Label` heading GitHub writes into the body
    kind: Kind
    description: str
    required: bool = False
    options: tuple[str, ...] = ()  # dropdown / checkbox option texts
    multiple: bool = False  # a dropdown that allows several options
    max_length: int | None = None
    placeholder: str | None = None


@dataclass(frozen=True)
class Form:
    name: str  # file stem: `report` → .github/ISSUE_TEMPLATE/report.yml, ?template=report.yml
    title: str
    description: str
    issue_title: str
    labels: tuple[str, ...]
    intro: str
    fields: tuple[FormField, ...] = field(default_factory=tuple)

    def by_id(self, field_id: str) -> FormField:
        return next(f for f in self.fields if f.id == field_id)


# ---- option texts for the models' vocabularies: every member needs one (checked when the forms are built)

CHANNEL_OPTIONS: dict[m.Channel, str] = {
    m.Channel.phone: "Phone",
    m.Channel.social: "Webcare or social media",
    m.Channel.email: "E-mail",
    m.Channel.chat: "Chat",
    m.Channel.shop: "Shop",
    m.Channel.mail: "Letter",
    m.Channel.web: "Web form",
    m.Channel.app: "App",
    m.Channel.any: "Several channels",
}
OUTCOME_OPTIONS: dict[m.Outcome, str] = {
    m.Outcome.kept: "Kept: solved as promised",
    m.Outcome.partly_kept: "Partly kept: solved late or only in part",
    m.Outcome.broken: "Broken: not solved as promised",
}
KIND_OPTIONS: dict[m.PledgeKind, str] = {
    m.PledgeKind.guarantee: "Guarantee: the provider's own promise",
    m.PledgeKind.scheme: "Scheme: an industry scheme the provider signed",
    m.PledgeKind.slogan: "Slogan: a marketing line presented as a promise",
    m.PledgeKind.announcement: "Announcement: a dated statement of intent",
    m.PledgeKind.proposal: "Proposal: a promise others asked the provider to make",
    m.PledgeKind.rule: "Rule: a published rule that binds the provider",
}
CATEGORY_OPTIONS: dict[m.PledgeCategory, str] = {member: member.value.replace("-", " ").capitalize()
                                                 for member in m.PledgeCategory}

CONSENT = "I agree that this is published under the project's data licence, and it contains nothing personal (no names, e-mail addresses, phone, customer or account numbers, no address)"
NOT_RESOLVED = "It is not resolved"
DATE_HELP = "YYYY-MM-DD, e.g. 2026-03-14"


def options_of(table: dict, vocabulary: type[enum.Enum]) -> tuple[str, ...]:
    missing = [member.value for member in vocabulary if member not in table]
    if missing:
        raise LookupError(f"no form option text for {vocabulary.__name__} {missing}; add it in pledges/intake/forms.py")
    return tuple(table[member] for member in vocabulary)


def _consent() -> FormField:
    return FormField("consent", "Consent to publish", "checkboxes", "Everything you write here is published.",
                     required=True, options=(CONSENT,))


def _provider(what: str) -> FormField:
    return FormField("provider", "Provider", "input", f"The provider's id or name as this site shows it, e.g. `bt`. {what}",
                     required=True, max_length=max_length(m.Provider, "name"), placeholder="bt")


def report_form() -> Form:
    text = max_length(m.Report, "summary")
    return Form(
        "report", "Service report", "Tell what happened when you contacted a provider: published without your name.",
        "[report] ", ("report", "intake"),
        "Describe one contact with a provider. Your GitHub account is never published: the report shows a "
        "pseudonym. Leave out anything personal; links must be public web pages.",
        (
            _provider("The provider you contacted."),
            FormField("pledge", "Pledge", "input", "The id of the pledge it was about, if any (the last part of the pledge page's address).",
                      max_length=200),
            FormField("channel", "Channel used", "dropdown", "How you contacted the provider.", required=True,
                      options=options_of(CHANNEL_OPTIONS, m.Channel)),
            FormField("first_contact", "Date first contacted", "input", f"When you first contacted them about it. {DATE_HELP}.",
                      required=True, max_length=10, placeholder="2026-03-14"),
            FormField("resolved", "Date resolved", "input", f"When it was resolved. {DATE_HELP}. Leave empty if it is not resolved.",
                      max_length=10),
            FormField("not_resolved", "Not resolved", "checkboxes", "Tick if it is not resolved (then leave the date resolved empty).",
                      options=(NOT_RESOLVED,)),
            FormField("outcome", "Outcome", "dropdown", "Was it handled as the provider promised?", required=True,
                      options=options_of(OUTCOME_OPTIONS, m.Outcome)),
            FormField("summary", "What happened", "textarea", f"In your own words, without names or numbers that identify anyone (at most {text} characters).",
                      required=True, max_length=text),
            FormField("evidence", "Evidence links", "textarea", "Public web pages that show what happened, one https:// link per line (optional).",
                      max_length=4000),
            _consent(),
        ),
    )


def pledge_form() -> Form:
    return Form(
        "pledge", "New or changed pledge", "A promise a provider publishes about its service, quoted verbatim.",
        "[pledge] ", ("pledge", "intake"),
        "Quote the promise exactly as the provider publishes it, and link the page. For a changed wording, give "
        "the id of the pledge it replaces: the old wording is kept in its history.",
        (
            _provider("The provider that makes the promise."),
            FormField("changes", "Pledge this changes", "input", "For a changed wording: the id of the pledge on this site. Leave empty for a new pledge.",
                      max_length=200),
            FormField("title", "Short title", "input", "A short English name, e.g. `Repair within two working days`.",
                      required=True, max_length=max_length(m.Pledge, "title")),
            FormField("kind", "Kind", "dropdown", "What kind of statement it is.", required=True,
                      options=options_of(KIND_OPTIONS, m.PledgeKind)),
            FormField("category", "Category", "dropdown", "What the promise is about.", required=True,
                      options=options_of(CATEGORY_OPTIONS, m.PledgeCategory)),
            FormField("url", "Page URL", "input", "The provider's page where the promise is published (https://…).",
                      required=True, max_length=2000),
            FormField("text", "Verbatim text", "textarea", "The promise word for word, in its original language.",
                      required=True, max_length=max_length(m.Pledge, "text")),
            FormField("language", "Language", "input", "Two-letter code of the text's language, e.g. `en` or `nl`.",
                      required=True, max_length=2, placeholder="en"),
            FormField("channels", "Channels", "dropdown", "Where the promise applies.", required=True,
                      options=options_of(CHANNEL_OPTIONS, m.Channel), multiple=True),
            FormField("terms", "Terms", "textarea", "The deadline, the share of cases and the compensation, if the page states them (optional).",
                      max_length=max_length(m.Pledge, "note") // 4),
            FormField("read_on", "Date you read the page", "input", f"{DATE_HELP}.", required=True, max_length=10),
            _consent(),
        ),
    )


def correction_form() -> Form:
    return Form(
        "correction", "Correction", "Something on this site is wrong: tell us, with the source that shows it.",
        "[correction] ", ("correction", "intake"),
        "Name the record that is wrong (its id is the last part of the page's address, or the figure's "
        "anchor), say what is wrong, and link the source that shows the correct value.",
        (
            FormField("records", "Records", "input", "The id or ids of the wrong records, separated by commas.",
                      required=True, max_length=1000),
            FormField("what", "What is wrong", "textarea", "What is wrong and what is right.", required=True,
                      max_length=max_length(m.Correction, "text")),
            FormField("source", "Source", "input", "A public web page that shows the correct value (https://…).",
                      required=True, max_length=2000),
            _consent(),
        ),
    )


def reply_form() -> Form:
    return Form(
        "reply", "Provider's right of reply", "For providers: reply in public to a figure, a report or a verdict.",
        "[reply] ", ("reply", "intake"),
        "Your reply is published with its date next to what it answers. It is shown as verified when you "
        "file it from a GitHub account that the provider's record lists as its own; otherwise as unverified.",
        (
            _provider("The provider that replies."),
            FormField("pledge", "Pledge", "input", "The id of the pledge (or verdict) you reply to.", max_length=200),
            FormField("period", "Verdict period", "input", "With a pledge: the verdict period you reply to, e.g. `2025-H1`.",
                      max_length=7),
            FormField("statistic", "Figure", "input", "The figure you reply to: its anchor on the provider page, e.g. `bt--ofcom--complaints-per-100k--2025-q1`.",
                      max_length=max_length(m.Response, "statistic")),
            FormField("report", "Report", "input", "The id of the report you reply to.", max_length=200),
            FormField("text", "Reply", "textarea", "Your reply, as it should be published.", required=True,
                      max_length=max_length(m.Response, "text")),
            FormField("url", "Where the reply is published", "input", "A page of yours with this reply (https://…); optional, the issue itself is the default.",
                      max_length=2000),
            _consent(),
        ),
    )


def all_forms() -> tuple[Form, ...]:
    return (report_form(), pledge_form(), correction_form(), reply_form())
