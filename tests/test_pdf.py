"""The PDF edition: made by the build, one per year and language, with every figure, a cover,
a contents page whose page numbers are true, embedded CJK fonts, and nothing of the machine
that built it."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, build, edit
from test_editions import PROPER_NAMES
from test_report import FIGURES

PDF = "downloads/2020/anju-library-annual-report-2020-{}.pdf"


def text(pdf: Path, page: int | None = None, layout: bool = True) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    out = subprocess.run(["pdftotext", *pages, *(["-layout"] if layout else []), str(pdf), "-"],
                         capture_output=True, text=True, check=True)
    return out.stdout


def folded(value: str) -> str:
    return re.sub(r"\s+", "", value)


def test_the_chinese_pdf_holds_every_figure_of_the_report(report):
    body = folded(text(report / PDF.format("zh")))
    missing = [f for figures in FIGURES.values() for f in figures if folded(f) not in body]
    assert not missing


def test_the_english_pdf_holds_the_figures_in_english(report):
    body = re.sub(r"\s+", " ", text(report / PDF.format("en")))
    figures = yaml.safe_load((FIXTURES / "anju-2020/seed-figures-en.yaml").read_text(encoding="utf-8"))
    missing = [figure for figure in figures if figure not in body]
    assert figures and not missing


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_contents_page_numbers_match_where_chapters_begin(report, lang):
    pdf = report / PDF.format(lang)
    contents = [l for l in text(pdf, 2).splitlines() if re.search(r"\.{3,}\s*\d+\s*$", l)]
    assert len(contents) == 5
    for line in contents:
        heading, page = re.match(r"\s*(.*?)[\s.]*(\d+)\s*$", line).groups()
        # a chapter may begin part-way down a page (no page is left near-empty), never on another
        lines = [folded(l) for l in text(pdf, int(page)).splitlines()]
        assert folded(heading) in lines, (heading, page)
        if int(page) > 3:
            assert folded(heading) not in [folded(l) for l in text(pdf, int(page) - 1).splitlines()]


def filled(pdf: Path) -> list[float]:
    """How far down its text area each page is filled (0 to 1): the lowest word between the running
    header and the page number, as pdftotext places it. A chart's labels are words too."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    heights = []
    for height, words in re.findall(r'<page width="[\d.]+" height="([\d.]+)">(.*?)</page>', out, re.S):
        top, bottom = float(height) * 22 / 297, float(height) * (297 - 22) / 297   # pdf.css: 22 mm margins
        lows = [float(low) for high, low in re.findall(r'<word [^>]*yMin="([\d.]+)" [^>]*yMax="([\d.]+)"', words)
                if float(high) > top and float(low) < bottom]
        heights.append((max(lows) - top) / (bottom - top) if lows else 0.0)
    return heights


NEAR_EMPTY = 0.4   # the near-empty pages were filled to 15 % and 23 %


def near_empty_pages(pdf: Path) -> list[tuple[int, float]]:
    """Pages, other than the cover, the contents and the last, filled less than NEAR_EMPTY."""
    pages = filled(pdf)
    return [(number, round(part, 2)) for number, part in enumerate(pages[:-1], 1) if number > 2 and part < NEAR_EMPTY]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_page_but_the_last_is_left_near_empty(report, lang):
    assert not near_empty_pages(report / PDF.format(lang))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_page_of_the_real_reports_pdfs_is_left_near_empty(real_site, lang):
    pdfs = sorted(real_site.glob(f"downloads/*/*-{lang}.pdf"))
    assert pdfs
    assert {pdf.name: near_empty_pages(pdf) for pdf in pdfs} == {pdf.name: [] for pdf in pdfs}


def test_the_cover_names_the_library_the_report_and_the_year(report):
    cover = text(report / PDF.format("zh"), 1)
    assert "安居区图书馆" in cover and "年度报告" in cover and "2020" in cover
    english = text(report / PDF.format("en"), 1)
    assert "ANJU DISTRICT LIBRARY" in english.upper() and "Annual Report" in english and "2020" in english


def test_fonts_are_embedded_and_pages_are_a4(report):
    for lang in ("zh", "en"):
        pdf = report / PDF.format(lang)
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        rows = [l.split() for l in fonts.splitlines()[2:] if l.strip()]
        assert any("CJK" in r[0] for r in rows)
        assert all(r[-5] == "yes" for r in rows), fonts  # the emb column: every font embedded
        assert "(A4)" in subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout


def test_the_english_pdf_keeps_no_chinese_beyond_proper_names(report):
    body = folded(text(report / PDF.format("en")))  # names may break across lines
    for name in PROPER_NAMES:
        body = body.replace(name, "")
    assert not re.findall(r"[\u3400-\u9fff]+", body)


def test_no_pdf_carries_the_build_machines_paths_or_a_download_line(report):
    for lang in ("zh", "en"):
        pdf = report / PDF.format(lang)
        raw = pdf.read_bytes()
        assert b"file://" not in raw and str(report).encode() not in raw
        body = text(pdf)
        assert not re.search(r"下载本年|下载 PDF|下载 CSV|Download (this|PDF|CSV)", body)
        links = subprocess.run(["pdfinfo", "-url", str(pdf)], capture_output=True, text=True).stdout
        assert all(u.startswith("http://127.0.0.1:8000/") for u in re.findall(r"(\S+://\S+)", links)), links


def test_the_pages_give_the_pdfs_true_size_and_length(report):
    import html as markup
    home = markup.unescape((report / "2020/index.html").read_text(encoding="utf-8"))
    facts = re.search(r"PDF，([\d.]+)\s(KB|MB)，(\d+)\s页", home)   # sizes as the data page writes them
    pdf = report / PDF.format("zh")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert int(facts.group(3)) == int(re.search(r"Pages:\s+(\d+)", info).group(1))
    size = float(facts.group(1)) * (1024 if facts.group(2) == "KB" else 1024 * 1024)
    assert abs(size - pdf.stat().st_size) / pdf.stat().st_size < 0.01


def test_a_library_name_with_markup_characters_prints_as_typed(project, tmp_path):
    edit(project / "data/library.yaml", "en: Anju District Library", 'en: "Anju District Library & <Reading> Room"')
    site = tmp_path / "site"
    assert build(project, site, pdf=True).returncode == 0
    pdf = site / PDF.format("en")
    cover, contents = text(pdf, 1, layout=False), text(pdf, 2, layout=False)
    assert "Anju District Library & <Reading> Room".upper() in cover.upper()
    assert "&amp;" not in cover + contents and "&lt;" not in cover + contents


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
