"""The PDF edition: one document per year and language, from the chapters' HTML.

Plain functions: the glue (macros/mkdocs/pdf_edition.py) hands over each chapter's
heading and HTML in order; this module adds a cover and a contents page whose page
numbers WeasyPrint fills in (target-counter), sets it in its language's typeface
(languages.yaml; the other languages' for the characters that typeface lacks), checks that
those fonts are installed and cover every character, and writes a tagged PDF (PDF/UA-1) that
screen readers can read: its language, its title, the charts' alternative text.

Nothing of the machine that builds it goes into the PDF: links point at the published
site (site_url), images are read only from the project's own docs/, and its one date (created
and modified) is its year's last change (build_date.py), so two builds of one state are identical
and committing next year leaves this year's PDF byte for byte as it was.
"""
from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from urllib.parse import unquote, urlsplit

from markupsafe import Markup

from . import fmt
from .languages import DEFAULT, LANGUAGES
from .strings import t
from .templates import render_block

CSS = Path(__file__).with_name("pdf.css")
# What fontconfig needs to find a language's typeface; the set-up installs both (tools/system_packages.py).
INSTALL_HINT = ("缺少字体 {family}，无法生成 PDF。请安装 Noto 字体：apt-get install fonts-noto-cjk fonts-noto-core"
                "（make build 会自动安装）\n"
                "The font {family} is not installed, so the PDF cannot be made. Install the Noto fonts: "
                "apt-get install fonts-noto-cjk fonts-noto-core (make build installs them)")
# A PDF that screen readers can read: tagged, with its language and title (PDF/UA-1).
VARIANT = "pdf/ua-1"


class PdfError(Exception):
    pass


@dataclass
class Chapter:
    anchor: str
    heading: str     # plain text
    html: str


@dataclass
class Edition:
    path: Path
    size: int        # bytes
    pages: int
    reused: bool = False   # taken from the cache, not made again


def typefaces(code: str) -> list[str]:
    """The families an edition is set in: its language's typeface (languages.yaml), then the other
    languages' for the characters it lacks (a Chinese name in the English edition)."""
    own = LANGUAGES[code].typeface
    return [own, *dict.fromkeys(lang.typeface for lang in LANGUAGES.values() if lang.typeface != own)]


# Where a page gives a PDF's format, size and pages. Pages are written before or while the PDFs are
# made (the other language's after them), so a page carries this mark, which fill_facts replaces
# once every PDF exists. Written by the engine's templates only; a file name and a language code.
FACTS_MARK = re.compile(r"<!--report:pdf-facts ([A-Za-z0-9._-]+\.pdf) ([a-z]{2,3})-->")


def facts_mark(name: str, code: str) -> str:
    """The mark for the facts of the PDF *name* in language *code* (see FACTS_MARK)."""
    return f"<!--report:pdf-facts {name} {code}-->"


def facts(edition: Edition | None, code: str) -> str:
    """A PDF's format, size and pages as a link gives them: "PDF，1.2 MB，14 页"; the format
    alone where the PDF was not made (the preview), never a size that is not true."""
    if edition is None:
        return t("download.pdf_format", code)
    return t("download.pdf_facts", code, size=fmt.file_size(edition.size, code), pages=edition.pages)


def fill_facts(page_html: str, editions: dict[str, Edition]) -> str:
    """*page_html* with each mark replaced by the facts of its PDF (*editions*: by file name)."""
    return FACTS_MARK.sub(lambda mark: html.escape(facts(editions.get(mark.group(1)), mark.group(2))), page_html)


def font_stack(code: str) -> str:
    """*code*'s typefaces as a CSS font-family list; a name that could end the list is refused."""
    families = typefaces(code)
    for family in families:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 ._-]*", family):
            raise PdfError(f"languages.yaml：字体名称只能有字母、数字、空格、. _ - / a typeface is named in "
                           f"letters, digits, spaces, . _ and - only: {family!r}")
    return ", ".join(f"'{family}'" for family in families)


def font_file(family: str | None = None) -> Path:
    """The installed file of *family* (the original language's typeface unless named), or PdfError
    saying what to install."""
    family = family or LANGUAGES[DEFAULT].typeface
    hint = INSTALL_HINT.format(family=family)
    if not shutil.which("fc-match"):
        raise PdfError(hint + "\n(fontconfig: apt-get install fontconfig)")
    found = subprocess.run(["fc-match", "-f", "%{family}\n%{file}", family],
                           capture_output=True, text=True).stdout.split("\n")
    # fontconfig answers with its nearest face whatever is asked: only the family itself will do
    if len(found) < 2 or family not in found[0].split(",") or not Path(found[1]).exists():
        raise PdfError(hint)
    return Path(found[1])


@functools.lru_cache(maxsize=4)
def _covered(font: Path) -> frozenset[int]:
    """The characters *font* can draw: read once per process (the CJK font is 20 MB)."""
    from fontTools.ttLib import TTCollection, TTFont
    fonts = TTCollection(str(font)).fonts if font.suffix.lower() == ".ttc" else [TTFont(str(font))]
    return frozenset(fonts[0].getBestCmap())


def missing_glyphs(text: str, fonts: list[Path]) -> set[str]:
    """Characters of *text* none of the fonts can draw (they would print as empty boxes)."""
    covered = frozenset().union(*(_covered(font) for font in fonts))
    return {c for c in set(text) if not c.isspace() and ord(c) not in covered and ord(c) >= 0x20}


def document(code: str, library: str, title: str, cover_title: str, year: str, contents_label: str,
             chapters: list[Chapter], *, updated: dt.datetime) -> str:
    """One HTML document in language *code*: cover, contents with page numbers, the chapters
    (pdf-document.html escapes the texts), set in the language's typeface; *title* is the document's
    full title (its metadata and running header); *updated*, the year's last change, is its creation
    and modification date."""
    stamp = updated.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    # each chapter's HTML is the page's article, made fit for print (chapter_html): markup already
    return render_block("pdf-document", tag=LANGUAGES[code].tag, typefaces=Markup(font_stack(code)), library=library,
                        title=title, cover_title=cover_title, year=year, contents_label=contents_label, stamp=stamp,
                        chapters=[{"anchor": c.anchor, "heading": c.heading, "html": Markup(c.html)} for c in chapters])


def chapter_html(content: str, code: str) -> str:
    """A page's article HTML made fit for print in language *code*: details opened, permalink marks
    dropped, and each chart (the SVG the chart macro wrote) placed as a picture, which WeasyPrint
    lays out a third faster than the same SVG inline: it then styles the chart's thousand shapes
    as a picture's, not as the document's elements."""
    content = re.sub(r"<details([^>]*)>", r"<details\1 open>", content)
    content = re.sub(r'<a class="headerlink"[^>]*>.*?</a>', "", content)
    font_stack(code)   # the names checked
    # WeasyPrint's SVG reads a family list split at commas, quotes stripped but not spaces: written tight
    stack = ",".join(typefaces(code))
    return re.sub(r"<svg\b.*?</svg>", lambda svg: _picture(svg.group(0), stack), content, flags=re.S)


def _picture(svg: str, stack: str) -> str:
    """The chart as a picture: its text in the edition's typefaces (the page's SVG may name the
    reader's system faces first, which fontconfig would match to another face here), and its
    title, the chart's accessible name on the page, as the picture's alternative text, which the
    tagged PDF gives screen readers."""
    title = re.search(r"<title[^>]*>(.*?)</title>", svg, re.S)
    svg = re.sub(r'font-family="[^"]*"', f'font-family="{stack}"', svg)
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return f'<img class="chart" alt="{title.group(1) if title else ""}" src="data:image/svg+xml;base64,{data}">'


def fetcher(site_url: str, docs_dir: Path):
    """WeasyPrint's URL fetcher for one build: a picture of the published site is read from the
    project's docs/, a data: URL is decoded; nothing else is fetched, from the network or the machine."""
    import mimetypes

    from weasyprint.urls import URLFetcher, URLFetcherResponse
    docs = docs_dir.resolve()
    site_path = urlsplit(site_url).path

    class ProjectFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith(site_url):
                path = (docs / unquote(urlsplit(url).path[len(site_path):])).resolve()
                if docs in path.parents and path.is_file():
                    return URLFetcherResponse(url, body=path.read_bytes(),
                                              headers={"Content-Type": mimetypes.guess_type(path.name)[0] or ""})
            raise PdfError(f"not fetched: {url}")   # WeasyPrint leaves the picture out
    return ProjectFetcher(allowed_protocols=("data", "http", "https"))


@functools.lru_cache(maxsize=1)
def _stylesheet():
    import weasyprint
    return weasyprint.CSS(filename=str(CSS))


def cache_key(source: str, fonts: list[Path]) -> str:
    """What a PDF is made from, exactly: its HTML (every figure, word and date in it), the print
    stylesheet, the fonts, this module and the libraries that lay it out."""
    made_with = [source, CSS.read_text(encoding="utf-8"), Path(__file__).read_text(encoding="utf-8"),
                 *(f"{font}:{font.stat().st_size}:{font.stat().st_mtime_ns}" for font in fonts),
                 *(f"{name}=={version(name)}" for name in ("weasyprint", "pydyf", "fonttools", "tinyhtml5"))]
    return hashlib.sha256("\0".join(made_with).encode("utf-8")).hexdigest()


def document_id(source: str) -> str:
    """The PDF's /ID: of its HTML and print stylesheet only."""
    return hashlib.sha256(f"{source}\0{CSS.read_text(encoding='utf-8')}".encode("utf-8")).hexdigest()[:32]


def render(source: str, code: str, target: Path, base_url: str, site_url: str, docs_dir: Path,
           cache_dir: Path | None = None) -> Edition:
    """Write the PDF of language *code*, or raise PdfError (a typeface not installed, or characters
    its fonts cannot draw). A PDF made before from exactly the same inputs is taken from *cache_dir*:
    byte for byte what it would be."""
    fonts = [font_file(family) for family in typefaces(code)]
    key = cache_key(source, fonts)
    cached = cache_dir / f"{key}.pdf" if cache_dir else None
    facts = cache_dir / f"{key}.json" if cache_dir else None
    target.parent.mkdir(parents=True, exist_ok=True)
    if cached is not None and cached.is_file() and facts.is_file():
        shutil.copyfile(cached, target)
        return Edition(target, target.stat().st_size, json.loads(facts.read_text())["pages"], reused=True)
    text = html.unescape(re.sub(r"<[^>]+>", " ", source))
    missing = missing_glyphs(text, fonts)
    if missing:
        raise PdfError(f"字体 {', '.join(f.name for f in fonts)} 缺少这些字符的字形 / the fonts lack glyphs for: "
                       f"{''.join(sorted(missing))}")
    import weasyprint
    rendered = weasyprint.HTML(string=source, base_url=base_url, url_fetcher=fetcher(site_url, docs_dir)).render(
        stylesheets=[_stylesheet()], pdf_variant=VARIANT)
    # A fixed identifier, of the document itself (its HTML and print styles), never of the code that
    # made it: the same report gives the same bytes, and an engine change that leaves a published
    # year's PDF as it was leaves its bytes as they were.
    rendered.write_pdf(str(target), pdf_identifier=document_id(source).encode(), pdf_variant=VARIANT)
    if cached is not None:  # written aside and renamed: two builds at once never see half a file
        cache_dir.mkdir(parents=True, exist_ok=True)
        for path, write in ((facts, lambda p: p.write_text(json.dumps({"pages": len(rendered.pages)}))),
                            (cached, lambda p: shutil.copyfile(target, p))):
            aside = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            write(aside)
            aside.replace(path)
    return Edition(target, target.stat().st_size, len(rendered.pages))
