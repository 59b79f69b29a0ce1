"""The report's languages, stated once: every tag, locale and prefix is read from here.

Two ideas, two names, as mkdocs-static-i18n names them:
- the *file locale*: the language a source file is written in (``plan.md`` is Chinese,
  ``plan.en.md`` English);
- the *page locale*: the edition a page belongs to (``/2020/plan/`` Chinese,
  ``/en/2020/plan/`` English). They differ where a page has no translation yet: the
  English edition then shows the Chinese file under a notice.
"""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    code: str        # the key in data files ({zh: …, en: …}) and the file suffix (plan.en.md)
    tag: str         # BCP 47, for lang and hreflang attributes
    babel: str       # the CLDR locale numbers and dates are formatted with
    name: str        # in its own language, for the language switcher

    @property
    def og_locale(self) -> str:
        """Open Graph's language_TERRITORY: zh_CN, en_GB."""
        parts = self.babel.split("_")
        return f"{parts[0]}_{parts[-1]}"


LANGUAGES: dict[str, Language] = {
    "zh": Language("zh", "zh-Hans", "zh_Hans_CN", "中文"),
    "en": Language("en", "en", "en_GB", "English"),   # en_GB: "13 January 2020", day before month
}
DEFAULT = "zh"   # the original: served at /; every other edition under /<code>/
CODES = tuple(LANGUAGES)

_SUFFIX = re.compile(r"\.([a-z]{2})\.md$")


def file_locale(src_uri: str) -> str:
    """The language a source file is written in: ``2020/plan.en.md`` -> ``en``."""
    match = _SUFFIX.search(src_uri)
    return match.group(1) if match and match.group(1) in LANGUAGES else DEFAULT


def page_locale(url: str) -> str:
    """The edition a page belongs to, from its address: ``en/2020/plan/`` -> ``en``."""
    first = url.lstrip("/").split("/", 1)[0]
    return first if first in LANGUAGES and first != DEFAULT else DEFAULT


def prefix(code: str) -> str:
    """Where an edition lives under the site root: "" for the default, "en/" for English."""
    return "" if code == DEFAULT else f"{code}/"


def text_in(text, code: str) -> str:
    """A text of the data in language *code*: a {zh, en} text or label, or one plain string for every
    language. A missing translation (drafts only) shows the default language's."""
    if text is None or isinstance(text, str):
        return text or ""
    pick = text.get if isinstance(text, dict) else lambda key: getattr(text, key, None)
    return pick(code) or pick(DEFAULT) or ""


def tag(code: str) -> str:
    return LANGUAGES[code].tag
