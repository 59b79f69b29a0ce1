"""Each page of a build, rendered before MkDocs converts it (core/pages.py binds it).

``prepare()`` runs at the plugin's ``on_page_markdown``: it binds a :class:`ReportPage`,
renders the chapter's macros in the chapters' sandbox (core/sandbox.py) and turns any
mistake into the staff's message (core/chapter_errors.py): in the preview, shown in the
page itself; in a build, the build stops with it.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..core import chapters, fmt, links, render, safe_markup
from ..core.pages import ChapterMistake, ReportPage, no_data, pdf_name, render_page, report_page
from ..core.languages import LANGUAGES, page_locale
from ..core.problems import DataError, Problem
from ..core.sandbox import ChapterSandbox
from ..core.strings import t


def prepare(page, markdown: str, build, sandbox: ChapterSandbox) -> str:
    """The page's Markdown with its macros run, or the staff's message (see the module's docstring)."""
    if build.problem is not None:  # the data has mistakes: nothing can be rendered (preview only: a build stopped earlier)
        return render.problem_panel(t("problem_title", page_locale(page.url)), build.problem.report())
    here = report_page(build.site, build.docs_dir, page.file.src_uri, page.url, build.preview, page.meta)
    year_number = chapters.year_of(here.src_uri)
    if year_number is not None and year_number not in build.site.years:
        return _fail(here, no_data(year_number))
    try:
        file_text = chapters.read_chapter(Path(page.file.abs_src_path))
    except DataError as unreadable:
        return _fail(here, unreadable.problems[0])
    wrong = chapters.front_matter_problems(file_text, f"docs/{page.file.src_uri}")
    if wrong:   # the theme writes these into every page: held to their kinds before anything uses them
        return _fail(here, wrong[0])
    _describe(page, here)
    try:
        markdown = render_page(sandbox, here, markdown, file_text)
    except ChapterMistake as mistake:
        return _fail(here, mistake.problem)
    if page.title and "{{" in page.title:  # a title MkDocs read from the page's first heading, macros and all
        heading = re.search(r"^#\s+(.+)$", markdown, re.M)
        page.title = _as_text(heading.group(1).strip()) if heading else page.title   # data text stays escaped
    return markdown


def _as_text(title: str) -> str:
    """A title as text: a tag is shown, never run (& is left for entities)."""
    return title.replace("<", "&lt;").replace(">", "&gt;")


def checked_content(html: str, page, preview: bool) -> str:
    """The page's rendered content as it is, or, when it holds markup that could act in a reader's
    browser (core/safe_markup.py), the build stops and the preview shows why in its place."""
    try:
        source = chapters.read_chapter(Path(page.file.abs_src_path))
    except DataError:
        source = ""
    problem = safe_markup.problem(html, f"docs/{page.file.src_uri}", source)
    if problem is None:
        return html
    if not preview:
        from mkdocs.exceptions import PluginError
        raise PluginError(problem.render())
    return render.problem_panel(t("problem_title", page_locale(page.url)), problem.render())


def _fail(here: ReportPage, problem: Problem) -> str:
    """The build stops with the staff's message; the preview shows it in the page instead."""
    from mkdocs.exceptions import PluginError
    if not here.preview:
        raise PluginError(problem.render())
    return render.problem_panel(t("problem_title", here.locale), problem.render())


def _describe(page, here: ReportPage) -> None:
    """What the page template shows around the text: the tab title with the year, the PDF link, and
    for search engines and shared links, the kind of page (a home page is a website, any other an
    article) and its description: the one staff wrote in its front matter (``description:``), else one
    built from its title, the year and the library, never the text's first words (a chapter may
    open with a document's title)."""
    year = chapters.year_of(here.src_uri)
    library = here.library_name
    home = chapters.is_home(here.src_uri)   # the cover: the archive's own title
    page.meta["report_og_locale"] = LANGUAGES[here.locale].og_locale
    page.meta["report_og_type"] = "website" if home else "article"
    title = page.meta.get("title")
    if year is None:
        archive = t("archive_title", here.locale, library=library)
        page.meta.setdefault("report_tab_title", archive if home
                             else f"{page.title} · {library}" if page.title else library)
        if not home and title:   # the home page's is the site's (site_description in mkdocs.yml)
            page.meta.setdefault("description", t("page_description", here.locale, page=title, archive=archive))
        return
    report = t("report_short", here.locale, year=year)
    full_title = t("report_title", here.locale, year=year, library=library)
    if not chapters.is_chapter(here.src_uri):   # the year's page: what the report holds
        page.meta.setdefault("hide", ["toc"])      # it is a contents itself: Material's would repeat 目录
        page.meta.setdefault("description", t("year_description", here.locale, chapters=fmt.items(
            [c.title for c in here.chapter_links(year)], here.locale), title=full_title))
    elif title:
        page.meta.setdefault("description", t("chapter_description", here.locale, chapter=title, report=full_title))
    page.meta["report_tab_title"] = " · ".join(x for x in (title, report, library) if x)
    name = pdf_name(here.site, year, here.locale)
    page.meta["report_pdf"] = here.link(links.download(year, name))
    # its format, size and pages ({facts}) are the template's: written in once the PDF exists (pdf_edition.py)
    page.meta["report_pdf_label"] = t("download.pdf", here.locale, year=year, facts="{facts}")
    page.meta["report_pdf_file"], page.meta["report_pdf_code"] = name, here.locale
    page.meta["report_pdf_tag"] = LANGUAGES[here.locale].tag
