"""The PDF edition: made by the build, one per language, with every figure,
a contents page whose page numbers are true, and embedded CJK fonts."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from conftest import build
from test_i18n import PROPER_NAMES
from test_site import CHAPTER_HEADINGS, SEED_FIGURES

PDF = "downloads/2020/anju-library-annual-report-2020-{}.pdf"
EN_HEADINGS = ["Chapter 1: Work Plan and Review", "Chapter 2: Chronicle", "Chapter 3: Organisation and Staff",
               "Chapter 4: Finance", "Chapter 5: Service Statistics"]


def text(pdf: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    out = subprocess.run(["pdftotext", *pages, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    return out.stdout


def folded(value: str) -> str:
    return re.sub(r"\s+", "", value)


def test_the_chinese_pdf_holds_every_figure_of_the_report(site):
    body = folded(text(site / PDF.format("zh")))
    missing = [f for figures in SEED_FIGURES.values() for f in figures if folded(f) not in body]
    assert not missing


def test_the_english_pdf_holds_the_figures_in_english(site):
    body = re.sub(r"\s+", " ", text(site / PDF.format("en")))
    for figure in ("60,173 volumes", "CNY 1,685,200", "CNY 1,865,200", "up 18.16% on 2019", "down 22.35% on 2019",
                   "45,067 visits", "4,768 m²", "13–17 January 2020", "more than 160,000 volumes"):
        assert figure in body, figure


@pytest.mark.parametrize("lang, headings", [("zh", CHAPTER_HEADINGS), ("en", EN_HEADINGS)])
def test_contents_page_numbers_match_where_chapters_begin(site, lang, headings):
    pdf = site / PDF.format(lang)
    contents = text(pdf, 2)
    for heading in headings:
        line = next(l for l in contents.splitlines() if folded(heading) in folded(l))
        page = int(re.search(r"(\d+)\s*$", line).group(1))
        first_lines = [l for l in text(pdf, page).splitlines() if l.strip()][:3]
        assert any(folded(heading) in folded(l) for l in first_lines), (heading, page, first_lines)


def test_cjk_fonts_are_embedded_and_pages_are_a4(site):
    for lang in ("zh", "en"):
        pdf = site / PDF.format(lang)
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        rows = [l.split() for l in fonts.splitlines()[2:] if l.strip()]
        assert any("CJK" in r[0] for r in rows)
        assert all(r[-5] == "yes" for r in rows), fonts  # the emb column: every font embedded
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert "(A4)" in info


def test_the_english_pdf_keeps_no_chinese_beyond_proper_names(site):
    body = folded(text(site / PDF.format("en")))  # names may break across lines
    for name in PROPER_NAMES:
        body = body.replace(name, "")
    assert not re.findall(r"[\u3400-\u9fff]+", body)


def test_every_page_of_the_year_links_its_pdf(site):
    for prefix, lang in (("", "zh"), ("en/", "en")):
        for page in (site / prefix / "2020").rglob("index.html"):
            source = page.read_text(encoding="utf-8")
            link = re.search(rf'href="([^"]*anju-library-annual-report-2020-{lang}\.pdf)"', source)
            assert link, page
            assert (page.parent / link.group(1)).resolve() == (site / PDF.format(lang)).resolve()


def test_without_a_cjk_font_the_build_says_what_to_install(project, tmp_path, monkeypatch):
    empty = tmp_path / "fonts.conf"
    empty.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
                     f"<dir>{tmp_path / 'nofonts'}</dir><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>")
    monkeypatch.setenv("FONTCONFIG_FILE", str(empty))
    result = build(project, tmp_path / "site", pdf=True)
    output = result.stdout + result.stderr
    assert result.returncode != 0 and "Traceback" not in output
    assert "fonts-noto-cjk" in output
    assert not list((tmp_path / "site").rglob("*.pdf"))
