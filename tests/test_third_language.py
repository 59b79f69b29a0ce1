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

import datetime as dt
import hashlib
import json
import re

import pytest
from babel.dates import format_skeleton
from babel.numbers import format_decimal
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


@pytest.mark.long
def test_the_korean_edition_is_built_in_korean(korean):
    home = (korean / "ko" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="ko"' in home
    assert f"{KOREAN_NAME} 연례 보고서" in home     # the library's Korean name in a translated string
    chapter = (korean / "ko" / "2020" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="ko"' in chapter
    assert "목차" in chapter or "목차" in home


def test_the_translated_interface_strings_are_used(korean):
    assert "목차" in (korean / "ko" / "2020" / "index.html").read_text(encoding="utf-8")   # contents
    figures = (korean / "ko" / "2020" / "figures" / "index.html").read_text(encoding="utf-8")
    assert "<th" in figures and "지표" in figures and "수치" in figures     # the tables' headings


def test_an_untranslated_string_falls_back_to_the_original(korean):
    home = (korean / "ko" / "index.html").read_text(encoding="utf-8")
    assert "历年年报" in home   # "archive": not in the Korean catalogue, so the Chinese original's
    assert "All annual reports" not in home


def test_numbers_and_dates_are_formatted_by_babel_for_ko_kr(korean):
    figures = (korean / "ko" / "2020" / "figures" / "index.html").read_text(encoding="utf-8")
    korean_figure = format_decimal(33500, locale="ko_KR")          # 33,500: Korean groups digits
    assert korean_figure != "33500" and korean_figure in figures
    assert korean_figure not in (korean / "2020" / "figures" / "index.html").read_text(encoding="utf-8")
    chronicle = (korean / "ko" / "2020" / "chronicle" / "index.html").read_text(encoding="utf-8")
    assert format_skeleton("MMMMd", dt.date(2020, 5, 6), locale="ko_KR") in chronicle   # 5월 6일


def test_the_open_data_names_the_languages_by_their_declared_names(korean):
    package = json.loads((korean / "downloads" / "2020" / "datapackage.json").read_text(encoding="utf-8"))
    titles = {f["name"]: f for resource in package["resources"] for f in resource["schema"]["fields"]}
    assert titles["label_ko"]["title"].endswith("(한국어)") and "（한국어）" in titles["label_ko"]["description"]
    assert titles["label_en"]["title"].endswith("(English)") and "（英文）" in titles["label_en"]["description"]
    header = (korean / "downloads" / "2020" / "statistics.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.split(",")[:4] == ["indicator", "label_zh", "label_en", "label_ko"]
    # the Korean PDF offered in Korean, by the language's own name where its catalogue has no word for it
    year_page = (korean / "2020" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<a [^>]*href="[^"]*-ko\.pdf" hreflang="ko" lang="ko"[^>]*>\s*<span [^>]*>한국어</span>', year_page)


def test_the_other_editions_are_unchanged_by_it(korean):
    assert '<html lang="en"' in (korean / "en" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="zh-Hans"' in (korean / "index.html").read_text(encoding="utf-8")
    assert "Example District Library Annual Reports" in (korean / "en" / "index.html").read_text(encoding="utf-8")
