"""Markup helpers shared by every generated page: values to text, links, grades, diffs, and the jinja2 setup.

Contributor and publisher text is escaped here and only here (``md_escape`` is the environment's finalize,
``html_link`` and ``word_diff`` escape what they wrap), so a template cannot forget it.
"""

from __future__ import annotations

import difflib
import re
import types
from collections.abc import Callable
from datetime import date, datetime
from html import escape
from typing import Any, ClassVar

import jinja2
import jinja2.runtime
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from markupsafe import Markup

from pledges.periods import period_start

from ..scoring.messages import Message, Verbatim, template_of, value_text
from .formats import fmt_num
from .frontmatter import front_matter
from .i18n import TEMPLATES, Translator

VERDICTS = ("kept", "partly-kept", "broken", "not-yet-rated", "no-data", "not-measurable")
SAFE_HREF = re.compile(r"^https?://[^\s\"'<>]+$", re.IGNORECASE)


def val(obj: Any) -> Any:
    """Enum → its value; everything else unchanged."""
    return getattr(obj, "value", obj)


def day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def period_key(period: str) -> tuple:
    return (period_start(period), period)


def safe_href(url: Any) -> str | None:
    """Only absolute http(s) addresses ever become links; anything else (javascript: …) is shown as text."""
    if isinstance(url, str) and SAFE_HREF.match(url.strip()):
        return url.strip()
    return None



def trend_text(t: Translator, trend: Any, comparable: Any, lang: str) -> str:
    """The trend against the previous period in words, with the score change when it is a number."""
    if comparable is False:
        return t("trend.not-comparable")
    if trend is None or trend == "":
        return t("trend.none")
    if isinstance(trend, (int, float)) and not isinstance(trend, bool):
        word = t("trend.up") if trend > 0 else t("trend.down") if trend < 0 else t("trend.flat")
        sign = "+" if trend > 0 else "−" if trend < 0 else "±"
        return f"{word} ({sign}{fmt_num(abs(trend), lang, 1)})"
    return t.term("trend", trend)


def word_diff(old: str, new: str) -> Markup:
    """Word-level diff of two wordings as HTML with <del>/<ins>; every word escaped.

    Words are compared without the white space between them (matching lone spaces would splice
    unrelated words together), and the parts are joined with single spaces.
    """
    a, b = old.split(), new.split()
    parts: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape(" ".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            parts.append(f"<del>{escape(' '.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{escape(' '.join(b[j1:j2]))}</ins>")
    return Markup(" ".join(parts))


# Spreadsheet formula injection (OWASP, "CSV Injection"): a cell that starts with = + - @ (or their full-width
# forms) is run as a formula by Excel, LibreOffice or Sheets, and OWASP adds TAB and CR (ASVS: NUL), which
# importers strip before they look; so contributor or publisher text like "=HYPERLINK(...)" or "-5 days"
# could run when a reader opens a download. OWASP's rule is applied where a spreadsheet could see a cell begin: at the start of the text,
# and also after an embedded separator or line break (, ; TAB CR LF), because a spreadsheet that splits on
# its own locale's separator (Dutch Excel: ";") or misreads the quoting starts a new cell there. A single
# quote goes before such a formula character (spaces before it are looked past, as importers trim them):
# the text reads the same and is never evaluated. Every text cell is also wrapped in double quotes, inner
# quotes doubled. Numbers stay bare and numeric: an int or float is a figure from the validated data or the
# scores (data values are >= 0 by rule; a trend may be negative, and -1.2 is a number, never a formula),
# while text that merely looks numeric ("-5 days", "-5") is text and is neutralised. Only CSV changes: the

def html_link(href: Any, text: Any) -> Markup:
    """A link only for http(s) addresses; otherwise the text alone. Both escaped."""
    safe = safe_href(href)
    if safe:
        return Markup(f'<a href="{escape(safe)}" rel="nofollow noopener">{escape(str(text))}</a>')
    return Markup(escape(str(text)))


def html_grade(grade: Any) -> Markup:
    if grade:
        g = escape(str(grade))
        return Markup(f'<span class="pt-grade pt-grade-{g}">{g}</span>')
    return Markup('<span class="pt-grade">—</span>')




# HTML-significant characters and Markdown's link and code syntax, as character references:
# contributor text renders the same, but can never become markup, in HTML blocks or in Markdown.
_MD_ESCAPES = str.maketrans({
    "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;", "[": "&#91;", "]": "&#93;",
    "`": "&#96;", "\\": "&#92;",
})


_MD_SPECIAL = re.compile(r"[&<>\"'\[\]`\\]")
_EMPTY = Markup("")


def md_escape(value: Any) -> Markup:
    """Escape a value for a generated Markdown page (HTML and Markdown syntax); Markup passes through."""
    if isinstance(value, Markup):
        return value
    if value is None:
        return _EMPTY
    text = str(value)
    # Most printed values (numbers, names, dates) hold none of these: a search is 6 times cheaper than translate.
    # str.__new__ makes the Markup without Markup.__new__'s checks, which a str never needs.
    if _MD_SPECIAL.search(text) is not None:
        text = text.translate(_MD_ESCAPES)
    return str.__new__(Markup, text)


def in_language(value: Any, text_lang: str | None, page_lang: str) -> Markup:
    """Text in a known language on a page: marked with its own ``lang`` when that differs from the page's, so a
    Dutch page never shows unmarked English. A generated sentence (a Message) is rendered in the page's language."""
    if value is None or value == "":
        return Markup("")
    if isinstance(value, Message):
        return message_html(value, page_lang)
    text = md_escape(value)
    if not text_lang or text_lang == page_lang:
        return text
    return Markup(f'<span lang="{escape(text_lang)}">{text}</span>')


def message_html(message: Message, lang: str) -> Markup:
    """A generated sentence in ``lang`` as page markup: every value escaped, quoted text marked with its language."""
    def html(value: Any) -> Markup:
        if isinstance(value, Message):
            return message_html(value, lang)
        if isinstance(value, Verbatim):
            text = md_escape(value.text)
            return text if value.lang == lang else Markup(f'<span lang="{escape(value.lang)}">{text}</span>')
        if isinstance(value, (list, tuple)):
            return Markup("; ").join(html(v) for v in value)
        return md_escape(value_text(value, lang))

    values = {name: html(value) for name, value in message.values.items()}
    return Markup(md_escape(template_of(message.key, lang)).format(**values))


@jinja2.pass_context
def _finalize(context: Any, value: Any) -> Markup:
    """Every printed value: a Message in the page's language, then escaped (see md_escape)."""
    if isinstance(value, Message):
        return message_html(value, context.get("lang") or "en")
    return md_escape(value)


def _finalize_in(lang: str) -> Callable[[Any], Markup]:
    """``_finalize`` for pages of one language: without the context, so jinja2 folds constant output into template
    text when it compiles (a constant is printed as the finalizer would print it)."""
    def finalize(value: Any) -> Markup:
        if isinstance(value, Message):
            return message_html(value, lang)
        return md_escape(value)

    return finalize


class _FinalizedOutput(CodeGenerator):
    """Prints ``finalize(value)`` where jinja2 prints ``escape(finalize(value))``: the finalizer already returns
    escaped Markup (md_escape or message_html, for every value), and ``escape`` of Markup is the same text made
    again, four Python calls per printed value. A constant is folded the same way, by the finalizer alone (jinja2
    would escape it for HTML first, and md_escape then leaves Markdown's ``[`` and backtick as they are). Only where
    autoescaping is on for the whole template (no ``{% autoescape %}`` block changes it), which is how every page
    template is rendered."""

    @staticmethod
    def _finalizing(frame: Frame, finalize: Any) -> bool:
        return bool(frame.eval_ctx.autoescape and not frame.eval_ctx.volatile and finalize.src is not None)

    def _output_child_to_const(self, node: nodes.Expr, frame: Frame, finalize: Any) -> str:
        if not self._finalizing(frame, finalize) or finalize.const is None:
            return super()._output_child_to_const(node, frame, finalize)
        const = node.as_const(frame.eval_ctx)
        if isinstance(node, nodes.TemplateData):  # template text is printed as written
            return str(const)
        return str(finalize.const(const))

    def _output_child_pre(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        if self._finalizing(frame, finalize):
            self.write(finalize.src)
        else:
            super()._output_child_pre(node, frame, finalize)

    def _output_child_post(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        if self._finalizing(frame, finalize):
            self.write(")")
        else:
            super()._output_child_post(node, frame, finalize)


# A builtin function or method (dict.get, date.isoformat, str.join) cannot carry jinja2's pass_context mark.
_PLAIN_CALLABLES = (types.BuiltinFunctionType, types.BuiltinMethodType, types.MethodWrapperType)


class _DirectCalls(jinja2.runtime.Context):
    """A template's calls without jinja2's per-call search for a pass_context mark where none can be: a builtin is
    called directly, and a Python function's (or method's function's) answer is kept. Every call in a template goes
    through ``Context.call``; the search costs three ``hasattr`` (each a raised AttributeError when absent), half a
    million times a language."""

    _plain_functions: ClassVar[set[Any]] = set()

    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - jinja2's own signature
        kind = type(__obj)
        if kind in _PLAIN_CALLABLES or (
            (kind is types.FunctionType and __obj in __self._plain_functions)
            or (kind is types.MethodType and __obj.__func__ in __self._plain_functions)
        ):
            if kwargs:  # inside a loop or block jinja2 passes its variables, for a pass_context callable only
                kwargs.pop("_block_vars", None)
                kwargs.pop("_loop_vars", None)
            try:
                return __obj(*args, **kwargs)
            except StopIteration:  # as jinja2 does: a StopIteration must not end the template's generator
                return __self.environment.undefined("value was undefined because a callable raised a"
                                                    " StopIteration exception")
        if kind in (types.FunctionType, types.MethodType):
            function = __obj if kind is types.FunctionType else __obj.__func__
            if not hasattr(function, "jinja_pass_arg"):  # the mark jinja2.pass_context and its kin set
                if len(__self._plain_functions) > 10_000:  # bounded: functions made per page would pile up
                    __self._plain_functions.clear()
                __self._plain_functions.add(function)
        return super().call(__obj, *args, **kwargs)


def make_env(lang: str | None = None) -> jinja2.Environment:
    """The page templates' environment; with ``lang``, templates are compiled for that language (``t(KEY)``
    becomes its text, see site/translated.py) and must only render pages of that language; their output and calls
    take shorter paths (``_FinalizedOutput``, ``_DirectCalls``) to the same text. ``make_env()`` is jinja2's own
    way, which tests/site/test_translated.py compares every page against."""
    from .translated import InlineTranslations

    env = jinja2.Environment(
        extensions=[InlineTranslations] if lang else [],
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        finalize=_finalize_in(lang) if lang else _finalize,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # one build renders each template thousands of times: no file stat per get_template
        auto_reload=False,
    )
    env.pt_language = lang  # type: ignore[attr-defined]  # read by InlineTranslations when compiling
    if lang:
        env.code_generator_class = _FinalizedOutput
        env.context_class = _DirectCalls
    env.globals["front_matter"] = front_matter
    env.filters["href"] = safe_href
    env.filters["val"] = val
    env.filters["day"] = _iso_day
    return env


def verdict_class(v: Any) -> str:
    return f"pt-verdict pt-v-{v if v in VERDICTS else 'not-yet-rated'}"


def html_verdict(t: Translator, v: Any) -> Markup:
    """A verdict word in the page's language, coloured by its class."""
    return Markup(f'<span class="{verdict_class(v)}">{escape(t.term("verdict", v))}</span>')



def _iso_day(value: object) -> str:
    """A date or date-time as YYYY-MM-DD; '' when there is none."""
    found = day(value)
    return found.isoformat() if found else ""


def pledge_title(pledge: Any, page_lang: str) -> Markup:
    """A pledge's name on a page: its Dutch name on a Dutch page when it has one, else the English `title`, marked
    as English on a page in another language (the title is the project's own English name, whatever the language
    of the promise itself)."""
    if page_lang == "nl" and pledge.title_nl:
        return in_language(pledge.title_nl, "nl", page_lang)
    return in_language(pledge.title, "en", page_lang)


def pledge_title_text(pledge: Any, page_lang: str) -> str:
    """The same name as plain text (a page's <title>, a citation)."""
    return str(pledge.title_nl if page_lang == "nl" and pledge.title_nl else pledge.title)
