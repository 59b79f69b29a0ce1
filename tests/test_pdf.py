"""The PDF edition: made by the build, one per year and language, with every figure, a cover,
a contents page whose page numbers are true, embedded CJK fonts, and nothing of the machine
that built it."""
from __future__ import annotations

import re
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, build, built, edit
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


def catalogue_text(pdf: Path) -> bytes:
    """The PDF's objects as written, those packed in compressed object streams unpacked: where the
    catalogue states the document's language and the structure tree its figures' alternative text."""
    raw = pdf.read_bytes()
    packed = [zlib.decompress(m.group(1)) for m in re.finditer(rb"/ObjStm.*?stream\r?\n(.*?)endstream", raw, re.S)]
    return b"\n".join([raw, *packed])


def charts_in(site: Path, lang: str) -> int:
    """The charts of the year's chapters in one language's pages (each an SVG image)."""
    root = site / ("2020" if lang == "zh" else "en/2020")
    return sum(page.read_text(encoding="utf-8").count('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink')
               for page in root.glob("*/index.html"))


@pytest.mark.parametrize("lang, tag", [("zh", "zh-Hans"), ("en", "en")])
def test_each_pdf_is_tagged_for_screen_readers_with_its_language_title_and_chart_descriptions(report, lang, tag):
    pdf = report / PDF.format(lang)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    assert "2020" in re.search(r"^Title:\s+(.*)$", info, re.M).group(1)
    tree = subprocess.run(["pdfinfo", "-struct", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^\s*H1\b", tree, re.M) and re.search(r"^\s*Table\b", tree, re.M)
    charts = charts_in(report, lang)
    assert charts and len(re.findall(r"^\s*Figure\b", tree, re.M)) == charts
    objects = catalogue_text(pdf)
    assert f"/Lang ({tag})".encode() in objects
    assert b"/DisplayDocTitle true" in objects
    # every chart has its description, not empty: (text) or, beyond ASCII, <feff…> (UTF-16)
    assert len(re.findall(rb"/Alt (?:\((?!\))|<feff[0-9a-f]+>)", objects)) == charts


def faces(pdf: Path) -> list[str]:
    """The embedded fonts' names without the subset prefix, spaces and hyphens: NotoSansCJKSCBold."""
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    return [re.sub(r"^[A-Z]{6}\+|[-\s]", "", line.split()[0]) for line in out.splitlines()[2:] if line.strip()]


def family_key(family: str) -> str:
    return family.replace(" ", "")


def test_each_pdf_is_set_in_its_languages_typeface_text_and_charts_alike(report):
    from macros.core.languages import LANGUAGES
    chinese, english = family_key(LANGUAGES["zh"].typeface), family_key(LANGUAGES["en"].typeface)
    zh = faces(report / PDF.format("zh"))
    assert zh and all(re.fullmatch(rf"{chinese}(Bold)?", face, re.I) for face in zh), zh
    en = faces(report / PDF.format("en"))
    own = [face for face in en if re.fullmatch(rf"{english}(Bold|Italic|BoldItalic)?", face, re.I)]
    assert own and all(face in own or re.fullmatch(rf"{chinese}(Bold)?", face, re.I) for face in en), en


def test_the_set_up_installs_and_finds_each_languages_typeface_by_its_exact_name(tmp_path, monkeypatch):
    from macros.core.languages import LANGUAGES
    from macros.tools import system_packages
    assert {lang.typeface for lang in LANGUAGES.values()} <= set(system_packages.TYPEFACES)
    build_needs = {need.package for need in system_packages.TASKS["build"]}
    assert {package for package, _, _ in system_packages.TYPEFACES.values()} <= build_needs
    cjk = subprocess.run(["fc-match", "-f", "%{file}", LANGUAGES["zh"].typeface], capture_output=True, text=True).stdout
    only_cjk = tmp_path / "fonts.conf"   # a machine with the Chinese typeface and nothing else
    only_cjk.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
                        f"<dir>{Path(cjk).parent}</dir><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>")
    monkeypatch.setenv("FONTCONFIG_FILE", str(only_cjk))
    missing = {need.package for need in system_packages.missing("build")}
    assert system_packages.TYPEFACES["Noto Sans"][0] in missing   # not taken for "Noto Sans CJK SC"
    assert system_packages.TYPEFACES["Noto Sans CJK SC"][0] not in missing


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


class PdfLinks(HTMLParser):
    """Every link to a PDF in a page: its address, attributes and visible text."""

    def __init__(self):
        super().__init__()
        self.links, self.open = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and (attrs.get("href") or "").endswith(".pdf"):
            self.open = {**attrs, "text": ""}
            self.links.append(self.open)

    def handle_endtag(self, tag):
        if tag == "a":
            self.open = None

    def handle_data(self, data):
        if self.open is not None:
            self.open["text"] += data


def pdf_links(site: Path) -> list[tuple[Path, dict]]:
    found = []
    for page in sorted(site.rglob("*.html")):
        parser = PdfLinks()
        parser.feed(page.read_text(encoding="utf-8"))
        found += [(page, link) for link in parser.links]
    return found


def pages_of(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


# "PDF，475.2 KB，11 页" / "PDF, 233.3 KB, 12 pages": the size as the data page writes sizes
FACTS = re.compile(r"PDF[，,]\s*([\d.,]+)\s(B|KB|MB)[，,]\s*(\d+)\s(?:页|pages)")


def test_every_link_to_a_pdf_gives_its_format_true_size_and_pages(report):
    links = pdf_links(report)
    # each year page and chapter ends with one, the cover and year page give both editions
    assert len(links) >= 2 * len(list(report.glob("2020/*/index.html")))
    assert_true_facts(report, links)


def test_every_link_to_a_pdf_of_the_real_report_gives_its_true_size_and_pages(real_site):
    links = pdf_links(real_site)
    assert {(page.parent / link["href"]).resolve() for page, link in links} == set(real_site.glob("downloads/*/*.pdf"))
    assert_true_facts(real_site, links)


def assert_true_facts(site: Path, links: list[tuple[Path, dict]]) -> None:
    """Each link's text gives its PDF's format, its size within the rounding it is written with
    (0.1 KB or MB), and its number of pages as pdfinfo counts them."""
    units = {"B": 1, "KB": 1024, "MB": 1024 * 1024}
    for page, link in links:
        where = (page.relative_to(site).as_posix(), link)
        target = (page.parent / link["href"]).resolve()
        facts = FACTS.search(" ".join(link["text"].split()))
        assert facts, where
        figure, unit, pages = facts.groups()
        assert abs(float(figure.replace(",", "")) * units[unit] - target.stat().st_size) <= 0.05 * units[unit], where
        assert int(pages) == pages_of(target), where


@pytest.mark.parametrize("cover, other, tag, name", [("index.html", "en", "en", "English"),
                                                     ("en/index.html", "zh", "zh-Hans", "中文")])
def test_the_cover_offers_the_other_languages_pdf_in_that_language(report, cover, other, tag, name):
    links = [link for page, link in pdf_links(report) if page == report / cover]
    theirs = [link for link in links if link["href"].endswith(PDF.format(other).split("/")[-1])]
    assert len(theirs) == 1
    link = theirs[0]
    assert link.get("lang") == tag and link.get("hreflang") == tag
    assert name in link["text"] and FACTS.search(" ".join(link["text"].split()))


def test_a_build_without_pdfs_names_the_format_and_no_size(project, tmp_path):
    site = built(project, tmp_path / "site")   # REPORT_PDF=0, as the preview: no PDF is made
    links = pdf_links(site)
    assert links and not list(site.rglob("*.pdf"))
    for page, link in links:
        assert "PDF" in link["text"] and not re.search(r"\d\s*(B|KB|MB)\b|\d\s*(页|pages)", link["text"]), link
    assert not [page for page in site.rglob("*.html") if "report:pdf-facts" in page.read_text(encoding="utf-8")]


@pytest.mark.long
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
