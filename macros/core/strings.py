"""Interface strings: every word the publisher writes that is neither data nor a year's prose.

They live in gettext catalogues, one a language: the engine's in
macros/locales/<code>/LC_MESSAGES/report.po, and a project's own (its language, or a string it
words otherwise) in locales/<code>/LC_MESSAGES/report.po at its root. The msgid is the key the
code names (``archive_title``), the msgstr the text, with ``{name}`` filled in. A string a
language does not translate is the original language's. Chapter prose lives in docs/<year>/,
figures and their labels in data/ (the registry's labels are catalogued here too, under
``table.<name>.…``), the languages themselves in languages.yaml.
"""
from __future__ import annotations

import functools
from pathlib import Path

from babel.messages.pofile import read_po

from . import languages

ENGINE = Path(__file__).resolve().parent.parent / "locales"
CATALOGUE = Path("LC_MESSAGES") / "report.po"


def _read(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    with path.open("rb") as file:
        return {m.id: m.string for m in read_po(file, charset="utf-8") if m.id and m.string}


# Read once a process for the project it was configured with (languages.configure): the key
# names the project, so another project's catalogues are never served.
@functools.lru_cache(maxsize=None)
def catalogue(code: str, project: Path | None = None) -> dict[str, str]:
    """Language *code*'s own strings: the engine's, overridden by the project's."""
    own = _read(project / "locales" / code / CATALOGUE) if project else {}
    return {**_read(ENGINE / code / CATALOGUE), **own}


def _own(lang: str) -> dict[str, str]:
    return catalogue(lang, languages.project_dir)


def has(key: str, lang: str) -> bool:
    """Whether language *lang* words *key* itself (no fallback)."""
    return key in _own(lang)


def text(key: str, lang: str) -> str:
    """The interface string *key* as written in *lang*, or the original language's where *lang*
    has no translation of it; KeyError where no catalogue has it."""
    own = _own(lang)
    return own[key] if key in own else _own(languages.DEFAULT)[key]


def t(key: str, lang: str, **values) -> str:
    """The interface string *key* in *lang*, with ``{name}`` filled from *values*."""
    return text(key, lang).format(**values)
