"""One submitted form's answers, read field by field; every problem is named by the field's label."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from datetime import date

import pydantic

from .. import models as m
from ..collect.common import Record
from ..dataset import Dataset, explain_error
from . import fields as checks
from .forms import CONSENT, Form, FormField, repository_url
from .parse import Submission
from .pseudonym import pseudonym


@dataclass
class Answers:
    """The answers of one submission with the data they refer to; `problems` collects every finding."""

    submission: Submission
    dataset: Dataset
    today: date
    issue: int | None
    author: str | None
    body: str
    problems: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # record field → form label, for later problems

    @property
    def form(self) -> Form:
        return self.submission.form

    def spec(self, field_id: str) -> FormField:
        return self.form.by_id(field_id)

    def check_all(self) -> None:
        """The checks every answer gets, before its meaning is read: required, length, characters, markup,
        personal data; and the consent."""
        self.problems += self.submission.problems
        for spec in self.form.fields:
            if spec.kind == "checkboxes":
                continue
            text = self.submission.answers.get(spec.id)
            if text is None:
                if spec.required and spec.label in self._present():
                    self.problems.append(f"{spec.label}: is empty — fill it in")
                continue
            self.problems += checks.text_problems(spec, text)
        consent = self.submission.checked.get("consent")
        if consent is not None and CONSENT not in consent:
            self.problems.append("Consent to publish: not ticked — tick it; nothing is published without it")

    def _present(self) -> set[str]:
        return {spec.label for spec in self.form.fields
                if spec.id in self.submission.answers or spec.id in self.submission.checked}

    def text(self, field_id: str) -> str | None:
        return self.submission.answers.get(field_id)

    def ticked(self, field_id: str) -> bool:
        return bool(self.submission.checked.get(field_id))

    def date(self, field_id: str) -> date | None:
        text = self.text(field_id)
        return checks.date_answer(self.spec(field_id), text, self.today, self.problems) if text else None

    def url(self, field_id: str) -> str | None:
        text = self.text(field_id)
        if text is None:
            return None
        problem = checks.url_problem(self.spec(field_id), text)
        if problem:
            self.problems.append(problem)
            return None
        return text

    def provider(self) -> m.Provider | None:
        text = self.text("provider")
        if text is None:
            return None
        known = {rid: p.name for rid, p in self.dataset.providers.items()}
        rid = checks.known_id(self.spec("provider"), text, known, "provider", self.problems)
        return self.dataset.providers[rid] if rid else None

    def pledge(self, field_id: str, provider: m.Provider | None) -> m.Pledge | None:
        text = self.text(field_id)
        if text is None:
            return None
        pledges = self.dataset.pledges
        if provider is not None:  # a provider's own pledges first: the did-you-mean then fits
            candidates = {rid: p.title for rid, p in pledges.items() if p.provider == provider.id} or \
                {rid: p.title for rid, p in pledges.items()}
        else:
            candidates = {rid: p.title for rid, p in pledges.items()}
        if text.strip() in pledges and text.strip() not in candidates:
            found = pledges[text.strip()]
            self.problems.append(f"{self.spec(field_id).label}: '{found.id}' is a pledge of '{found.provider}', not of "
                                 f"'{provider.id if provider else ''}' — name a pledge of this provider or leave it empty")
            return None
        rid = checks.known_id(self.spec(field_id), text, candidates, "pledge", self.problems)
        return pledges[rid] if rid else None

    def reporter(self) -> str | None:
        """The author's pseudonym; the login itself is never kept."""
        if not self.author:
            self.problems.append("The issue's author is needed (pass --author LOGIN): it is published only as a pseudonym")
            return None
        return pseudonym(self.author)

    def record_id(self, prefix: str) -> str:
        if self.issue is not None:
            return f"{prefix}-{self.issue}"
        digest = hashlib.sha256(f"{self.author or ''}\n{self.body}".encode()).hexdigest()[:10]
        return f"{prefix}-{digest}"

    def issue_url(self) -> str | None:
        if self.issue is None:
            return None
        server, repo = os.environ.get("GITHUB_SERVER_URL"), os.environ.get("GITHUB_REPOSITORY")
        base = f"{server.rstrip('/')}/{repo}" if server and repo else repository_url()
        return f"{base}/issues/{self.issue}"

    def build(self, kind: str, data: dict, labels: dict[str, str]) -> Record | None:
        """Validate the record by its model; a model's finding is named by the form field it came from."""
        self.labels.update(labels)
        model = m.KINDS[kind]
        try:
            record = model.model_validate(data)
        except pydantic.ValidationError as exc:
            for error in exc.errors(include_url=False):
                loc, message, _ = explain_error(model, dict(error))
                name = next((str(part) for part in loc if isinstance(part, str)), "")
                self.problems.append(f"{labels.get(name, self.form.title)}: {message}")
            return None
        return Record(kind, record)
