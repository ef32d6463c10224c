"""The translation table (templates/i18n.yaml): every interface string in every language."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[3]
TEMPLATES = REPO_ROOT / "templates"
I18N_FILE = TEMPLATES / "i18n.yaml"
LANGUAGES = ("en", "nl")
DEFAULT_LANGUAGE = "en"


@cache
def table() -> dict[str, dict[str, str]]:
    with I18N_FILE.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return {str(key): {str(lang): str(text) for lang, text in value.items()} for key, value in data.items()}


@cache
def strings_of(lang: str) -> dict[str, str]:
    """Every string in one language (made once: a build makes a translator per feed)."""
    return {key: texts[lang] for key, texts in table().items()}


class Translator:
    """``t(KEY, name=value)`` for one language; unknown keys fail loudly (tests catch them)."""

    def __init__(self, lang: str):
        self.lang = lang
        self.strings = strings_of(lang)

    def __call__(self, key: str, **values) -> str:
        text = self.strings[key]
        return text.format(**values) if values else text

    def get(self, key: str, default: str) -> str:
        return self.strings.get(key, default)

    def term(self, prefix: str, value) -> str:
        """A controlled-vocabulary word (verdict, sector, metric …); the raw value if untranslated."""
        raw = getattr(value, "value", value)
        return self.strings.get(f"{prefix}.{raw}", str(raw))
