"""The PDF edition of each year, made by `mkdocs build` for each language (core/pdf.py does the work).

Made at MkDocs' ``on_env`` event: by then every page's content is rendered and no page
template yet, so the PDF reads the chapters' own HTML and headings from MkDocs' table of
contents. A PDF made before from exactly the same inputs is reused from ``.cache/pdf``;
the others are laid out in worker processes, one per core, while MkDocs goes on with the
pages. The preview (`mkdocs serve`) makes none; REPORT_PDF=1 or 0 decides.

Every link to a PDF gives its format, size and pages (the theme's ``report_pdf_facts``).
No page waits for a PDF: the pages of one language are written while its PDFs are made, and
the other language's PDF, on the cover, is made by a build that comes after. So each link
carries a mark (pdf.facts_mark); ``on_post_page`` notes the pages that carry one, and the
outermost build's ``on_post_build``, once every PDF of every language exists, writes their
facts in (:func:`finish`). A build without PDFs (the preview) writes the format alone.
"""
from __future__ import annotations

import functools
import html
import os
from concurrent.futures import Future
from pathlib import Path
from urllib.parse import urljoin

from ..core import chapters, pdf
from ..core.languages import DEFAULT, LANGUAGES, page_locale, prefix, text_in
from ..core.strings import t
from ..core.pages import pdf_name
from .workers import CORES


def enabled(command: str) -> bool:
    wanted = os.environ.get("REPORT_PDF")
    return wanted == "1" or (wanted != "0" and command != "serve")


def build_locale(config) -> str:
    """The edition a build writes: mkdocs-static-i18n sets theme.language for each language's build."""
    language = config.theme.get("language") or DEFAULT
    return next((code for code, lang in LANGUAGES.items() if language in (code, lang.tag)), DEFAULT)


def facts_text(command: str, name: str, code: str) -> str:
    """What a link to the PDF *name* in language *code* says of it, as the page is written: the
    mark that :func:`finish` fills in, or, in a build that makes no PDF, the format alone."""
    return pdf.facts_mark(name, code) if enabled(command) else pdf.facts(None, code)


def make(env, config, files, build) -> None:
    """This language's PDF of each year shown, kept in *build* (build.Build) until the build's end."""
    env.globals["report_pdf_facts"] = functools.partial(facts_text, build.command)
    site = build.valid_site()
    if not enabled(build.command) or site is None:
        return
    code = build_locale(config)
    docs_dir = build.docs_dir
    by_source = {}
    for file in files.documentation_pages():
        if file.page is not None and page_locale(file.page.url) == code and chapters.is_chapter(file.src_uri):
            by_source[file.src_uri.replace(f".{code}.md", ".md")] = file.page
    library = text_in(site.library.name, code)
    site_url = config.site_url or "http://127.0.0.1:8000/"
    dates = config.extra["report_dates"]   # each PDF carries its year's last change (years.configure)
    jobs = []
    for year in config.extra.get("report_years", []):  # newest first: the cover waits for it first
        pages = [by_source[s.relative_to(docs_dir).as_posix()] for s in chapters.sources(docs_dir, year)
                 if s.relative_to(docs_dir).as_posix() in by_source]
        if not pages:
            continue
        contents = [pdf.Chapter(f"chapter-{number}", _heading(page), pdf.chapter_html(page.content, code))
                    for number, page in enumerate(pages, 1)]
        source = pdf.document(code, library, t("report_title", code, year=year, library=library),
                              t("pdf.cover_title", code), str(year), t("contents", code), contents,
                              updated=dates.moment(year))
        target = Path(config.site_dir) / "downloads" / str(year) / pdf_name(site, year, code)
        # Chapters of one year sit at one depth, so their relative links resolve alike from here.
        base = urljoin(site_url, f"{prefix(code)}{year}/chapter/")
        jobs.append((year, (source, code, target, base, site_url, docs_dir, build.cache_dir / "pdf")))
    # The workers take every other PDF, this process the rest: one layout per core, and no
    # more copies of the layout engine in memory than there are cores.
    ours = []
    for number, (year, job) in enumerate(jobs):
        if CORES > 1 and number % CORES:
            build.pdfs.append(build.workers.pool("pdf", CORES - 1).submit(pdf.render, *job))
        else:
            ours.append(job)
    for job in ours:
        made = Future()
        try:
            made.set_result(pdf.render(*job))
        except pdf.PdfError as err:
            made.set_exception(err)
        build.pdfs.append(made)


def finish(build, log) -> None:
    """Wait for every PDF of the build, then give each link to one its size and pages; stop the
    build with the first problem, as the staff read it."""
    from mkdocs.exceptions import Abort
    made = reused = 0
    editions = {}
    try:
        for future in build.pdfs:
            edition = future.result()
            editions[edition.path.name] = edition
            reused, made = reused + edition.reused, made + (not edition.reused)
    except pdf.PdfError as err:
        raise Abort(str(err)) from None
    finally:
        build.pdfs.clear()
        build.workers.stop("pdf")
    for page in build.pdf_link_pages:
        page.write_text(pdf.fill_facts(page.read_text(encoding="utf-8"), editions), encoding="utf-8")
    build.pdf_link_pages.clear()
    if made or reused:
        log.info(f"PDF：新生成 {made} 个，重用 {reused} 个 / PDF editions: {made} made, {reused} reused")


def _heading(page) -> str:
    """The chapter's heading as MkDocs' table of contents read it (plain text)."""
    first = page.toc.items[0] if page.toc.items else None
    return html.unescape(first.title) if first else str(page.title or "")
