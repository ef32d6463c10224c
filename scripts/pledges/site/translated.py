"""Page templates compiled for one language: ``t(KEY)`` becomes the key's text when the template is compiled.

Why: a bulk page prints about a hundred interface sentences, each a call from the template into the translator
(jinja2's call machinery, the lookup, then the escaping of the result): a fifth of the time spent generating a
provider or pledge page. The sentences of a language do not change during a build, so an environment made for one
language (``make_env(lang)``) reads them when it compiles a template:

- ``{{ t(KEY) }}`` alone in its tag becomes template text: the sentence escaped exactly as the finalizer would
  escape it at render time (``markup.md_escape``);
- ``t(KEY)`` inside a larger expression (``t(KEY) ~ ':'``, a macro argument) becomes the string constant; it is
  escaped at render time as the call's result was.

Only a call with one literal key and nothing else is replaced; ``t(KEY, name=value)``, ``t.term(...)``,
``x.t(KEY)`` and ``t(variable)`` are left as calls. An unknown key fails when the template is compiled, as it
would have failed when rendered. tests/site/test_translated.py renders every page both ways and compares the bytes.
"""

from __future__ import annotations

from collections.abc import Iterator

from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream

from .i18n import strings_of
from .markup import md_escape


class InlineTranslations(Extension):
    """Replaces literal ``t(KEY)`` calls by the text of ``environment.pt_language`` (set by ``make_env``)."""

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        lang = getattr(self.environment, "pt_language", None)
        tokens = list(stream)
        if not lang:
            yield from tokens
            return
        strings = strings_of(lang)
        i = 0
        while i < len(tokens):
            token = tokens[i]
            if token.type == "variable_begin" and i + 5 < len(tokens) and tokens[i + 5].type == "variable_end":
                text = _literal_call(tokens, i + 1, strings)
                if text is not None:  # '{{ t(KEY) }}': the escaped text, as template data
                    yield Token(token.lineno, "data", str(md_escape(text)))
                    i += 6
                    continue
            text = _literal_call(tokens, i, strings)
            if text is None:
                yield token
                i += 1
            else:
                yield Token(token.lineno, "string", text)
                i += 4


def _literal_call(tokens: list[Token], i: int, strings: dict[str, str]) -> str | None:
    """The text of ``t(KEY)`` starting at ``tokens[i]``, or None when these tokens are not such a call."""
    if i + 3 >= len(tokens):
        return None
    name, lparen, key, rparen = tokens[i:i + 4]
    if not (name.type == "name" and name.value == "t" and lparen.type == "lparen" and key.type == "string"
            and rparen.type == "rparen"):
        return None
    if i > 0 and tokens[i - 1].type == "dot":  # x.t(KEY): somebody else's method
        return None
    return strings[key.value]  # KeyError for an unknown key, at compile time
