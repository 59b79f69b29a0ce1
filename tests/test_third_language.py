"""A third language, added by configuration and data alone: the archive fixture given Korean as a
library in Yanbian would give it, with no Python file changed.

- mkdocs.yml: mkdocs-static-i18n builds a Korean edition (`languages:`);
- data/languages.yaml: declares ko (its BCP 47 tag, CLDR locale and own name);
- data/library.yaml: the library's Korean name;
- locales/ko/LC_MESSAGES/report.po: a few interface strings; the others fall back to Chinese;
- docs/<year>/*.ko.md: a published year has its chapters in every language; here the Chinese
  text (its macros included) stands in for the library's Korean translation.
"""
from __future__ import annotations

import hashlib
import json

import pytest
from conftest import ROOT, built, copy_project

KOREAN_NAME = "예시구 도서관"
LANGUAGE = """# the project's own language, beside the engine's zh and en
ko:
  tag: ko
  locale: ko_KR
  name: 한국어
"""
CATALOGUE = r'''# the Korean edition's interface strings; the others are the Chinese original's
msgid "archive_title"
msgstr "{library} 연례 보고서"

msgid "contents"
msgstr "목차"

msgid "indicator"
msgstr "지표"

msgid "value"
msgstr "수치"
'''


def _python_files() -> dict[str, str]:
    return {str(p.relative_to(ROOT)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((ROOT / "macros").rglob("*.py"))}


@pytest.fixture(scope="module")
def korean(tmp_path_factory):
    before = _python_files()
    project = copy_project(tmp_path_factory.mktemp("korean") / "project", "archive")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    english = "        - locale: en\n"
    assert text.count(english) == 1
    config.write_text(text.replace(english, "        - locale: ko\n          name: 한국어\n          build: true\n" + english),
                      encoding="utf-8")
    (project / "data" / "languages.yaml").write_text(LANGUAGE, encoding="utf-8")
    library = project / "data" / "library.yaml"
    named = library.read_text(encoding="utf-8").replace("en: Example District Library}",
                                                        f"en: Example District Library, ko: {KOREAN_NAME}}}")
    assert KOREAN_NAME in named
    library.write_text(named, encoding="utf-8")
    catalogue = project / "locales" / "ko" / "LC_MESSAGES" / "report.po"
    catalogue.parent.mkdir(parents=True)
    catalogue.write_text(CATALOGUE, encoding="utf-8")
    for source in sorted((project / "docs").glob("20*/*.md")):
        if source.suffixes == [".md"]:
            source.with_suffix(".ko.md").write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    site = built(project, project / "site", env={"REPORT_PDF": "0"})
    assert _python_files() == before, "adding a language changed the publisher's Python"
    return site


def test_the_korean_edition_is_built_in_korean(korean):
    home = (korean / "ko" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="ko"' in home
    assert f"{KOREAN_NAME} 연례 보고서" in home     # the library's Korean name in a translated string
    chapter = (korean / "ko" / "2020" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="ko"' in chapter
    assert "목차" in chapter or "목차" in home


def test_an_untranslated_string_falls_back_to_the_original(korean):
    home = (korean / "ko" / "index.html").read_text(encoding="utf-8")
    assert "历年年报" in home or "阅读" in home   # archive / read_report: not in the Korean catalogue


def test_the_other_editions_are_unchanged_by_it(korean):
    assert '<html lang="en"' in (korean / "en" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="zh-Hans"' in (korean / "index.html").read_text(encoding="utf-8")
    assert "Example District Library Annual Reports" in (korean / "en" / "index.html").read_text(encoding="utf-8")
