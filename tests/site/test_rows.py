"""site/rows.py makes the verdict and figure rows in Python: the same bytes as the template loops it replaced (kept
here as the reference), with hostile and unusual values, in both languages."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from pledges.scoring.messages import Message
from pledges.site.formats import fmt_num
from pledges.site.i18n import Translator
from pledges.site.markup import html_verdict, in_language, make_env
from pledges.site.rows import Rows

# The loops as they were in templates/pledge.md.j2 and templates/provider.md.j2 before site/rows.py, rendered the
# way jinja2 itself renders (make_env() without a language: no compiled translations, no shortened paths).
VERDICT_LOOP = """{% for v in verdicts | reverse %}
<tr><th scope="row">{{ v.get('period') }}</th><td>{{ verdict(v.get('verdict')) }}</td><td>{{ en(v.get('reason')) }}</td>
<td>{% for e in v.get('evidence') or [] %}{% set owner = m.owner_of_record.get(e) %}{% if owner %}<a href="{{ root }}providers/{{ owner }}/#{{ e }}">{{ e }}</a>{% else %}{{ e }}{% endif %}{% if not loop.last %}<br>{% endif %}{% endfor %}</td>
<td>{{ t('word.yes') if v.get('comparable', true) else t('word.no') + ' — ' + t('word.method_break') }}</td></tr>
{% endfor %}
"""
CRITERIA_LOOP = """{% for c in score.get('criteria') %}
<li class="{{ 'pt-met' if c.get('met') else 'pt-unmet' }}"><strong>{{ t.term('criterion', c.get('key')) }}: {{ t('word.yes') if c.get('met') else t('word.no') }}</strong> — {{ en(c.get('reason')) }}</li>
{% endfor %}
"""
STAT_LOOP = """{% for s in c.stats %}
<tr id="{{ s.id }}"><th scope="row">{{ s.period }}</th><td>{{ num(s.value) }}</td><td>{{ num(s.industry_average) }}</td>{% if c.versions %}<td>{{ s.series_version or '—' }}</td>{% endif %}</tr>
{% endfor %}
"""

HOSTILE = '<script>alert("x")</script> [link](javascript:alert(1)) `code` & \\'
OWNERS = {"fig-1": "provider-a", "fig<2>": 'prov"b', "fig-3": ""}
VERDICTS = [
    {"period": "2025-Q1", "verdict": "kept", "reason": "met the target", "evidence": ["fig-1", "fig<2>"]},
    {"period": HOSTILE, "verdict": "broken", "reason": HOSTILE, "evidence": ["unknown-record", "fig-3"],
     "comparable": False},
    {"period": "2025-Q3", "verdict": "not-a-verdict", "reason": Message("no-figure"), "evidence": None,
     "comparable": 0},
    {"verdict": None, "reason": None},
    {"period": "2025-Q4", "verdict": "partly-kept", "reason": "", "evidence": [], "comparable": True},
]


def stat(**values):
    base = {"id": "series--2025-Q1", "period": "2025-Q1", "value": 12.5, "industry_average": None, "series_version": None}
    return SimpleNamespace(**{**base, **values})


STATS = [stat(), stat(id=HOSTILE, period=HOSTILE, value=1234567.891, industry_average=3, series_version=HOSTILE),
         stat(value=0, industry_average=-0.5, series_version="v2")]


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_verdict_rows_are_the_template_loops_bytes(lang):
    t = Translator(lang)
    owners = dict(OWNERS)
    reference = make_env().from_string(VERDICT_LOOP).render(
        verdicts=VERDICTS, root="../../", t=t, m=SimpleNamespace(owner_of_record=owners),
        verdict=lambda v: html_verdict(t, v), en=lambda v: in_language(v, "en", lang), lang=lang)
    made = Rows(t, lang, lambda v, d=None: fmt_num(v, lang, d), owners).verdict_rows(VERDICTS, "../../")
    assert "<script>" not in made and "&lt;script&gt;" in made  # the hostile value is escaped, not dropped
    assert str(made) == reference


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("versions", [True, False])
def test_stat_rows_are_the_template_loops_bytes(lang, versions):
    num = lambda v, d=None: fmt_num(v, lang, d)  # noqa: E731 - as PageWriter.common has it
    reference = make_env().from_string(STAT_LOOP).render(
        c=SimpleNamespace(stats=STATS, versions=versions), num=num, lang=lang)
    made = Rows(Translator(lang), lang, num, {}).stat_rows(STATS, versions)
    assert "<script>" not in made
    assert str(made) == reference


CRITERIA = [{"key": "measurable", "met": True, "reason": "a deadline in days"},
            {"key": "not-a-criterion", "met": False, "reason": HOSTILE},
            {"key": HOSTILE, "met": 0, "reason": Message("no-figure")},
            {"met": None, "reason": None}, {"key": "compensation", "met": 1, "reason": ""}]


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_criteria_items_are_the_template_loops_bytes(lang):
    t = Translator(lang)
    reference = make_env().from_string(CRITERIA_LOOP).render(
        score={"criteria": CRITERIA}, t=t, en=lambda v: in_language(v, "en", lang), lang=lang)
    made = Rows(t, lang, lambda v, d=None: fmt_num(v, lang, d), {}).criteria_items(CRITERIA)
    assert "<script>" not in made and made.count("<li ") == len(CRITERIA)
    assert str(made) == reference
