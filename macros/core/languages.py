"""The report's languages, declared as data: the engine's in macros/locales/languages.yaml, a
project's own (a third language, or a change to one) in its data/languages.yaml.

Two ideas, two names, as mkdocs-static-i18n names them:
- the *file locale*: the language a source file is written in (``plan.md`` is Chinese,
  ``plan.en.md`` English);
- the *page locale*: the edition a page belongs to (``/2020/plan/`` Chinese,
  ``/en/2020/plan/`` English). They differ where a page has no translation yet: the
  English edition then shows the Chinese file under a notice.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path

import yaml

ENGINE_FILE = Path(__file__).resolve().parent.parent / "locales" / "languages.yaml"
PROJECT_FILE = Path("data") / "languages.yaml"


@dataclass(frozen=True)
class Language:
    code: str        # the key in data files ({zh: …, en: …}) and the file suffix (plan.en.md)
    tag: str         # BCP 47, for lang and hreflang attributes
    babel: str       # the CLDR locale numbers and dates are formatted with ("locale" in languages.yaml)
    name: str        # in its own language, for the language switcher and the open data
    # the house style where it differs from CLDR's (languages.yaml explains each)
    grouping: bool = True
    money: str = "yuan"
    spacing: str = ""
    year_in_dates: bool = True
    ranges: str = ""
    casing: bool = False
    numerals: str = ""
    typeface: str = "Noto Sans"   # the PDF's and the charts' family (languages.yaml explains)
    dates: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def og_locale(self) -> str:
        """Open Graph's language_TERRITORY (zh_CN for Chinese)."""
        parts = self.babel.split("_")
        return f"{parts[0]}_{parts[-1]}"


_FLAGS = {"grouping", "year_in_dates", "casing"}
_KNOWN = {f.name for f in fields(Language)} - {"code", "babel"} | {"locale"}


class LanguageError(ValueError):
    """A languages.yaml that does not declare its languages as the engine reads them."""


def _language(code: str, entry, where: str) -> Language:
    def refused(reason: str) -> LanguageError:
        return LanguageError(f"{where}：语言 {code} {reason[0]} / language {code}: {reason[1]}")
    if not re.fullmatch(r"[a-z]{2,3}", code):
        raise refused(("的代码应为两三个小写字母", "its code must be two or three lower-case letters"))
    if not isinstance(entry, dict) or not {"tag", "locale", "name"} <= set(entry):
        raise refused(("需要 tag、locale 和 name", "needs a tag, a locale and a name"))
    unknown = set(entry) - _KNOWN
    if unknown:
        raise refused((f"不认识 {', '.join(sorted(unknown))}", f"unknown {', '.join(sorted(unknown))}"))
    values = {k: (v == "true" if k in _FLAGS else v) for k, v in entry.items() if k != "locale"}
    return Language(code=code, babel=entry["locale"], **values)


def read(path: Path) -> dict[str, Language]:
    """The languages *path* declares, in its order. Every scalar is read as text (YAML's
    ``no`` is Norwegian here, not false)."""
    declared = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader) or {}
    if not isinstance(declared, dict):
        raise LanguageError(f"{path}：应为以语言代码为键的表 / must map language codes to their declarations")
    return {code: _language(code, entry, str(path)) for code, entry in declared.items()}


class _Codes(Sequence):
    """The declared codes, in order: a live view, so that ``from .languages import CODES`` sees
    what configure() declared."""

    def __getitem__(self, index):
        return tuple(LANGUAGES)[index]

    def __len__(self):
        return len(LANGUAGES)

    def __repr__(self):
        return repr(tuple(LANGUAGES))


# The languages of the one project this process builds or checks: configuration, read once
# when the project is given (configure), not a cache of build data. Filled in place, so that
# ``from .languages import LANGUAGES`` stays valid.
LANGUAGES: dict[str, Language] = dict(read(ENGINE_FILE))
CODES: Sequence[str] = _Codes()
# The original, served at /: the first language declared. A project's languages come after
# the engine's, so the original stays the engine's first.
DEFAULT: str = next(iter(LANGUAGES))
project_dir: Path | None = None   # whose locales/ the interface strings also read (strings.py)


def configure(project: Path | str | None) -> None:
    """Declare the languages of *project*: the engine's, changed or extended by the project's
    data/languages.yaml where it has one."""
    global project_dir
    declared = read(ENGINE_FILE)
    own = Path(project) / PROJECT_FILE if project else None
    if own is not None and own.is_file():
        declared.update(read(own))
    LANGUAGES.clear()
    LANGUAGES.update(declared)
    project_dir = Path(project) if project else None


_SUFFIX = re.compile(r"\.([a-z]{2,3})\.md$")


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
    """A text of the data in language *code*: a text or label in each language, or one plain string for every
    language. A missing translation (drafts only) shows the default language's."""
    if text is None or isinstance(text, str):
        return text or ""
    pick = text.get if isinstance(text, dict) else lambda key: getattr(text, key, None)
    return pick(code) or pick(DEFAULT) or ""


def tag(code: str) -> str:
    return LANGUAGES[code].tag
