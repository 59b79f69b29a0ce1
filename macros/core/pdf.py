"""The PDF edition: one document per year and language, from the built pages.

Plain functions: the MkDocs hook (pdf_hook.py) hands over the chapters' HTML in
navigation order; this module adds a cover and a contents page whose page
numbers WeasyPrint fills in (target-counter), checks that a CJK font is
installed and covers every character, and writes the PDF. Dates in the PDF's
metadata come from SOURCE_DATE_EPOCH when it is set, so builds repeat.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import html
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

CSS = Path(__file__).with_name("pdf.css")
FONT_FAMILY = "Noto Sans CJK SC"
INSTALL_HINT = ("缺少中文字体，无法生成 PDF。请安装 Noto CJK 字体：apt-get install fonts-noto-cjk\n"
                "No CJK font is installed, so the PDF cannot be made. Install Noto CJK: apt-get install fonts-noto-cjk")


def file_name(year: int, lang: str) -> str:
    """downloads/<year>/<this>: anju-library-annual-report-2020-zh.pdf."""
    return f"anju-library-annual-report-{year}-{lang}.pdf"


class PdfError(Exception):
    pass


@dataclass
class Chapter:
    anchor: str
    heading: str
    html: str


def font_file() -> Path:
    """The installed Noto Sans CJK font file, or PdfError saying what to install."""
    if not shutil.which("fc-match"):
        raise PdfError(INSTALL_HINT + "\n(fontconfig: apt-get install fontconfig)")
    found = subprocess.run(["fc-match", "-f", "%{family}\n%{file}", f"{FONT_FAMILY}:lang=zh"],
                           capture_output=True, text=True).stdout.split("\n")
    if len(found) < 2 or FONT_FAMILY not in found[0] or not Path(found[1]).exists():
        raise PdfError(INSTALL_HINT)
    return Path(found[1])


def missing_glyphs(text: str, font: Path) -> set[str]:
    """Characters of *text* the font cannot draw (they would print as empty boxes)."""
    from fontTools.ttLib import TTCollection, TTFont
    fonts = TTCollection(str(font)).fonts if font.suffix.lower() == ".ttc" else [TTFont(str(font))]
    covered = set(fonts[0].getBestCmap())
    return {c for c in set(text) if not c.isspace() and ord(c) not in covered and ord(c) >= 0x20}


def document(lang: str, library: str, title: str, contents_label: str, chapters: list[Chapter]) -> str:
    """One HTML document: cover, contents with page numbers, the chapters."""
    toc = "".join(f'<li><a href="#{c.anchor}">{html.escape(c.heading)}</a></li>' for c in chapters)
    body = "".join(f'<section class="chapter" id="{c.anchor}">{c.html}</section>' for c in chapters)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")  # the PDF's dates, for builds that repeat byte for byte
    when = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch else dt.datetime.now(dt.timezone.utc)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    return (f'<!doctype html><html lang="{"zh-Hans" if lang == "zh" else lang}"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title><meta name=\"author\" content=\"{html.escape(library)}\">"
            f'<meta name="dcterms.created" content="{stamp}"><meta name="dcterms.modified" content="{stamp}">'
            "</head><body>"
            f'<section class="cover"><p class="cover__library">{html.escape(library)}</p>'
            f'<h1 class="cover__title">{html.escape(title)}</h1></section>'
            f'<nav class="contents"><h2>{html.escape(contents_label)}</h2><ol>{toc}</ol></nav>'
            f"{body}</body></html>")


def chapter_html(content: str) -> str:
    """A page's article HTML made fit for print: details opened, links to downloads kept as text."""
    content = re.sub(r"<details([^>]*)>", r"<details\1 open>", content)
    content = re.sub(r'<a class="headerlink"[^>]*>.*?</a>', "", content)
    return content


def render(source: str, target: Path, base_url: str, title: str, lang: str) -> None:
    """Write the PDF, or raise PdfError (no CJK font, or characters it cannot draw)."""
    font = font_file()
    text = html.unescape(re.sub(r"<[^>]+>", " ", source))
    missing = missing_glyphs(text, font)
    if missing:
        raise PdfError(f"字体 {font.name} 缺少这些字符的字形 / the font lacks glyphs for: {''.join(sorted(missing))}")
    import weasyprint
    target.parent.mkdir(parents=True, exist_ok=True)
    weasyprint.HTML(string=source, base_url=base_url).write_pdf(
        str(target), stylesheets=[weasyprint.CSS(filename=str(CSS))],
        # a fixed identifier: the same source gives the same bytes
        pdf_identifier=hashlib.sha256(source.encode("utf-8")).hexdigest()[:32].encode())
