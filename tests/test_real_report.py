"""The real report, checked only by what holds for any number of years: its data and chapters
are sound and finished, every figure of every year is on that year's pages in both languages,
every page has its twin, nothing is typed that belongs in data, nothing leaks to readers."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from conftest import ROOT
from figures_in_pages import missing_figures, typed_figures
from macros.core import chapters
from macros.core.languages import CODES, DEFAULT, prefix
from macros.core.problems import DataError
from macros.core.validate import load_site
from macros.tools import jsonschema_export
from macros.tools.linkcheck import broken_links

@pytest.fixture(scope="module")
def site():
    """The real data, loaded as the build loads it; a mistake in it fails the tests that need it
    with the staff's message (make check says the same)."""
    try:
        return load_site(ROOT / "data")
    except DataError as error:
        pytest.fail(str(error), pytrace=False)


def test_the_data_and_the_chapters_are_sound_and_every_published_year_finished(site):
    result = subprocess.run([sys.executable, "-m", "macros", "check"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert site.shown_years(), "at least one published year"


@pytest.mark.parametrize("code", CODES)
def test_every_figure_of_every_published_year_is_on_its_pages(site, real_site, code):
    for year in site.shown_years():
        assert not missing_figures(real_site, prefix(code), site.years[year], code), year


def test_every_page_has_its_twin_in_every_language(real_site):
    pages = {p.relative_to(real_site).as_posix() for p in real_site.rglob("index.html")}
    default = {p for p in pages if not any(p.startswith(prefix(c)) for c in CODES if c != DEFAULT)}
    for code in CODES:
        if code != DEFAULT:
            assert {prefix(code) + p for p in default} == {p for p in pages if p.startswith(prefix(code))}


def test_no_template_syntax_and_no_broken_link_reaches_readers(real_site):
    for path in real_site.rglob("*"):
        if path.suffix in (".html", ".json", ".xml", ".csv"):
            text = path.read_text(encoding="utf-8")
            assert "{{" not in text and "{%" not in text, path.relative_to(real_site)
    assert broken_links(real_site) == []


def test_no_page_asks_a_third_party_host(real_site):
    for page in real_site.rglob("*.html"):
        source = page.read_text(encoding="utf-8")
        for tag in re.findall(r"<(?:script|link|img|iframe|source|audio|video)\b[^>]*>", source):
            for url in re.findall(r'(?:src|href)="([^"]+)"', tag):
                assert not url.startswith(("http://", "https://", "//")) or "canonical" in tag, (page, tag)
        assert "fonts.googleapis" not in source and "fonts.gstatic" not in source


def test_ids_are_unique_on_every_page(real_site):
    for page in real_site.rglob("*.html"):
        ids = re.findall(r'\sid="([^"]+)"', page.read_text(encoding="utf-8"))
        assert len(ids) == len(set(ids)), (page.relative_to(real_site), sorted({i for i in ids if ids.count(i) > 1})[:5])


def test_no_chapter_holds_loops_or_variables():
    for year in chapters.years(ROOT / "docs"):
        for page in (ROOT / "docs" / str(year)).glob("*.md"):
            assert not re.search(r"\{%-?\s*(for|set)\b", page.read_text(encoding="utf-8")), page


def test_no_figure_of_the_data_is_typed_into_its_years_chapters(site):
    for year in chapters.years(ROOT / "docs"):
        if year in site.years:
            assert not typed_figures(ROOT / "docs", site.years[year]), year


def test_the_committed_json_schemas_are_generated_from_the_data_model():
    for name, schema in jsonschema_export.schemas().items():
        committed = (ROOT / "data/schema" / name).read_text(encoding="utf-8")
        assert committed == jsonschema_export.render(schema), f"data/schema/{name} is stale: run python -m macros schema"
    assert json.loads((ROOT / ".vscode/settings.json").read_text(encoding="utf-8")) == jsonschema_export.vscode_settings()
