"""The PDF edition of each year, made by `mkdocs build` for each language (core/pdf.py does the work).

Made at MkDocs' ``on_env`` event: by then every page's content is rendered and no page
template yet, so the PDF reads the chapters' own HTML, headings from MkDocs' table of
contents, and the pages can give the PDF's size and number of pages (the theme global
``report_pdfs``). The preview (`mkdocs serve`) makes none; REPORT_PDF=1 or 0 decides.
"""
from __future__ import annotations

import html
import os
from pathlib import Path
from urllib.parse import urljoin

from ..core import chapters, pdf
from ..core.languages import DEFAULT, LANGUAGES, page_locale, prefix
from ..core.strings import t
from . import data
from .page import pdf_name


def enabled(command: str) -> bool:
    wanted = os.environ.get("REPORT_PDF")
    return wanted == "1" or (wanted != "0" and command != "serve")


def build_locale(config) -> str:
    """The edition a build writes: mkdocs-static-i18n sets theme.language for each language's build."""
    language = config.theme.get("language") or DEFAULT
    return next((code for code, lang in LANGUAGES.items() if language in (code, lang.tag)), DEFAULT)


def make(env, config, files, command: str) -> None:
    editions: dict[int, pdf.Edition] = {}
    env.globals["report_pdfs"] = editions
    if not enabled(command):
        return
    code = build_locale(config)
    site = data._validated(Path(config.config_file_path).parent / "data")
    docs_dir = Path(config.docs_dir)
    by_source = {}
    for file in files.documentation_pages():
        if file.page is not None and page_locale(file.page.url) == code and chapters.is_chapter(file.src_uri):
            by_source[file.src_uri.replace(f".{code}.md", ".md")] = file.page
    library = getattr(site.library.name, code) or site.library.name.zh
    site_url = config.site_url or "http://127.0.0.1:8000/"
    for year in config.extra.get("report_years", []):
        pages = [by_source[s.relative_to(docs_dir).as_posix()] for s in chapters.sources(docs_dir, year)
                 if s.relative_to(docs_dir).as_posix() in by_source]
        if not pages:
            continue
        contents = [pdf.Chapter(f"chapter-{number}", _heading(page), pdf.chapter_html(page.content))
                    for number, page in enumerate(pages, 1)]
        source = pdf.document(LANGUAGES[code].tag, library, t("report_title", code, year=year, library=library),
                              t("pdf.cover_title", code), str(year), t("contents", code), contents)
        target = Path(config.site_dir) / "downloads" / str(year) / pdf_name(site, year, code)
        # Chapters of one year sit at one depth, so their relative links resolve alike from here.
        base = urljoin(site_url, f"{prefix(code)}{year}/chapter/")
        try:
            editions[year] = pdf.render(source, target, base, site_url, docs_dir)
        except pdf.PdfError as err:
            from mkdocs.exceptions import Abort
            raise Abort(str(err)) from None


def _heading(page) -> str:
    """The chapter's heading as MkDocs' table of contents read it (plain text)."""
    first = page.toc.items[0] if page.toc.items else None
    return html.unescape(first.title) if first else str(page.title or "")

