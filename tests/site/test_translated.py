"""Templates compiled for one language (site/translated.py) render exactly what the translator calls rendered."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import jinja2
import pytest
from synth import write_dataset

from pledges.dataset import load_dataset
from pledges.site import generate as generate_module
from pledges.site.i18n import strings_of
from pledges.site.markup import make_env

REPO = Path(__file__).resolve().parents[2]


def _render(source: str, lang: str | None, **values) -> str:
    env = make_env(lang)
    env.loader = jinja2.DictLoader({"page": source})
    from pledges.site.i18n import Translator

    return env.get_template("page").render(t=Translator(lang or "nl"), lang=lang or "nl", **values)


def test_literal_calls_become_text_and_others_stay_calls() -> None:
    key = "reports.title"
    nl = strings_of("nl")[key]
    source = ("A {{ t('reports.title') }} B {{ t('reports.title') ~ '!' }} C {{ obj.t('x') }} "
              "D {{ t(name) }} E {{- t('reports.title') -}} F")

    class Obj:
        def t(self, key: str) -> str:
            return f"<obj {key}>"

    compiled = _render(source, "nl", obj=Obj(), name=key)
    called = _render(source, None, obj=Obj(), name=key)
    assert compiled == called
    assert compiled.count(nl) == 4 and "&lt;obj x&gt;" in compiled
    # the compiled template really holds the text (no call left for the literal keys)
    code = make_env("nl").compile(source, raw=True)
    assert nl in code and "'reports.title'" not in code


def test_an_unknown_key_fails_when_compiled() -> None:
    with pytest.raises(KeyError):
        make_env("en").from_string("{{ t('no.such.key') }}")


def test_every_page_is_the_same_with_and_without_compiled_translations(tmp_path, monkeypatch) -> None:
    data = write_dataset(tmp_path / "data", hostile=True)
    today = date(2026, 12, 1)
    dataset = load_dataset(data, today)
    from pledges.site.scores import compute_scores

    model = generate_module.SiteModel(dataset, compute_scores(dataset, today), today, "test", None)
    generate_module.generate(model, tmp_path / "compiled", workers=1)
    monkeypatch.setattr(generate_module, "make_env", lambda lang=None: make_env(None))
    generate_module.generate(model, tmp_path / "called", workers=1)
    compiled = {p.relative_to(tmp_path / "compiled"): p.read_bytes() for p in (tmp_path / "compiled").rglob("*")
                if p.is_file()}
    called = {p.relative_to(tmp_path / "called"): p.read_bytes() for p in (tmp_path / "called").rglob("*")
              if p.is_file()}
    assert compiled.keys() == called.keys() and len(compiled) > 50
    assert [str(p) for p in compiled if compiled[p] != called[p]] == []


from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@given(st.text(alphabet=st.sampled_from(list("ab &<>\"'[]`\\é1\n")), max_size=12))
def test_md_escape_fast_path_escapes_as_the_full_table(text: str) -> None:
    from markupsafe import Markup

    from pledges.site.markup import _MD_ESCAPES, md_escape

    escaped = md_escape(text)
    assert type(escaped) is Markup and str(escaped) == text.translate(_MD_ESCAPES)


def test_the_short_output_and_call_paths_print_what_jinja2_prints() -> None:
    """make_env(lang) prints finalize(value) without escape() and calls without jinja2's pass-arg search
    (site/markup.py); make_env() is jinja2's own way. Constants, Markdown syntax, pass_context callables, builtins,
    a loop's variables, a StopIteration and an {% autoescape false %} block must all come out the same."""
    import jinja2
    from markupsafe import Markup

    @jinja2.pass_context
    def where(context, suffix: str) -> str:
        return f"{context.get('lang')}:{context.get('item', '-')}{suffix}"

    def stops() -> str:
        raise StopIteration

    source = ("{{ '[a]`b` <c> & \\\\' }}|{{ 'x' ~ '[y]' }}|{{ 3 }}|{{ none }}|{{ text }}|{{ safe }}|"
              "{{ where('!') }}|{% for item in [1, 2] %}{{ where('?') }}{{ plain(item) }}{{ d.get('k') }}{% endfor %}|"
              "{{ '<'.join(['p', 'q']) }}|{{ stops() is undefined }}|"
              "{% autoescape false %}{{ text }}{% endautoescape %}|{{ text }}")
    values = {"text": "<b>[link](javascript:x)</b>", "safe": Markup("<i>ok</i>"), "where": where,
              "plain": lambda n: n * 2, "d": {"k": "[v]"}, "stops": stops}
    shortened = _render(source, "nl", **values)
    assert shortened == _render(source, None, **values)
    assert shortened.startswith("&#91;a&#93;&#96;b&#96; &lt;c&gt; &amp; &#92;|x&#91;y&#93;|3||&lt;b&gt;")
    assert "|<i>ok</i>|nl:-!|nl:-?2&#91;v&#93;nl:-?4&#91;v&#93;|p&lt;q|True|" in shortened
    # the finalizer escapes contributor text even where a block turns autoescaping off
    assert shortened.endswith("|&lt;b&gt;&#91;link&#93;(javascript:x)&lt;/b&gt;|&lt;b&gt;&#91;link&#93;(javascript:x)&lt;/b&gt;")
    code = make_env("nl").compile(source, raw=True)
    assert "escape(environment.finalize" not in code and "&#91;y&#93;" in code  # folded by the finalizer
