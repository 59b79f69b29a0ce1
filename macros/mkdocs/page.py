"""Each page, bound once before its macros run: its year, its edition, the language of its file.

``prepare()`` runs at the plugin's ``on_page_markdown``: it binds a :class:`ReportPage`,
renders the chapter's macros in the chapters' sandbox (core/sandbox.py) and turns any
mistake into the staff's message (core/chapter_errors.py): in the preview, shown in the
page itself; in a build, the build stops with it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..core import chapters, fmt, links, render, safe_markup
from ..core.chapter_errors import ChapterSource, explain
from ..core.languages import LANGUAGES, file_locale, page_locale, text_in
from ..core.problems import DataError, Problem
from ..core.sandbox import ChapterSandbox
from ..core.site import Site, Year
from ..core.strings import t


@dataclass
class ChapterLink:
    number: int
    title: str
    url: str             # site path of the chapter in the page's edition


@dataclass
class ReportPage:
    """What every macro and filter of one page needs: read from Jinja's context as ``report_page``."""

    site: Site
    year: Year | None      # the page's year; the newest year shown for pages outside the years
    locale: str            # the page locale: the edition the page belongs to
    file_locale: str       # the language its source file is written in
    url: str
    src_uri: str
    docs_dir: Path
    years_shown: list[int]
    preview: bool
    meta: dict = field(default_factory=dict)

    @property
    def library_name(self) -> str:
        return text_in(self.site.library.name, self.locale)

    def link(self, target: str) -> str:
        """*target* (a site path) relative to this page."""
        return links.relative(target, self.url)

    def chapter_links(self, year: int) -> list[ChapterLink]:
        """Every chapter of *year*, numbered in the order its index lists them, in this page's edition."""
        out = []
        for number, source in enumerate(chapters.sources(self.docs_dir, year), 1):
            written = chapters.twin(source, self.locale)
            meta = chapters.front_matter(written if written.is_file() else source)
            src_uri = source.relative_to(self.docs_dir).as_posix()
            out.append(ChapterLink(number, str(meta.get("title", source.stem)), links.page_url(src_uri, self.locale)))
        return out

    def chapter_number(self) -> int | None:
        year = chapters.year_of(self.src_uri)
        if year is None or not chapters.is_chapter(self.src_uri):
            return None
        names = [p.name for p in chapters.sources(self.docs_dir, year)]
        name = Path(self.src_uri).name
        name = name if name in names else Path(self.src_uri).name.replace(f".{self.file_locale}.md", ".md")
        return names.index(name) + 1 if name in names else None


def report_page(site: Site, docs_dir: Path, src_uri: str, url: str, preview: bool, meta: dict) -> ReportPage:
    """The page written in *src_uri* at *url*, bound as a build binds it: `make check` renders every
    page so, without MkDocs, and says what a build or the preview would say."""
    year_number = chapters.year_of(src_uri)
    shown = site.shown_years(drafts=preview)
    year = site.years.get(year_number) if year_number else site.years.get(shown[0]) if shown else None
    return ReportPage(site=site, year=year, locale=page_locale(url), file_locale=file_locale(src_uri),
                      url=url, src_uri=src_uri, docs_dir=docs_dir, years_shown=shown, preview=preview,
                      meta=meta)


class ChapterMistake(Exception):
    """A mistake in a page's macros, told for staff (its problem names the file and line)."""

    def __init__(self, problem: Problem):
        super().__init__(problem.render())
        self.problem = problem


def render_page(sandbox: ChapterSandbox, here: ReportPage, markdown: str, file_text: str) -> str:
    """The page's Markdown with its macros run in the chapters' sandbox, or ChapterMistake."""
    before, after = "", ""
    if here.file_locale != here.locale:  # no translation yet: the original, with a notice
        before = (f'!!! note "{t("untranslated_title", here.locale)}"\n\n    {t("untranslated", here.locale)}\n\n'
                  f'<div lang="{LANGUAGES[here.file_locale].tag}" markdown>\n\n')
        after = "\n\n</div>\n"
    variables = _variables(here)
    try:
        return before + sandbox.render_chapter(markdown, variables, here) + after
    except Exception as error:  # every mistake in a chapter ends here, as a message for staff
        _, _, offset = chapters.split_front_matter(file_text)
        names = sorted({*variables, *sandbox.globals, *sandbox.filters})
        source = ChapterSource(f"docs/{here.src_uri}", offset, markdown, chapters.year_of(here.src_uri), names,
                               macros=sorted(sandbox.globals), filters=sorted(sandbox.filters), report=here.year)
        raise ChapterMistake(explain(error, source, variables)) from None


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


def no_data(year: int) -> Problem:
    """A year's chapters without its data folder."""
    return Problem(f"docs/{year}/", None, None, f"data/{year}/ 文件夹", f"a data/{year}/ folder", "不存在 / there is none")


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


def _variables(here: ReportPage) -> dict:
    """The names a chapter uses: its year's topics (staff, finance, …), the library, the year.
    Nothing else: not the configuration, the environment, the page or the site (see core/sandbox.py)."""
    out = {"library": here.site.library, "lang": here.locale}
    if here.year is not None:
        out["year"] = here.year.year
        out.update({topic: here.year.topic(topic) for topic in here.year.documents})
    return out


def _describe(page, here: ReportPage) -> None:
    """What the page template shows around the text: the tab title with the year, the PDF link."""
    year = chapters.year_of(here.src_uri)
    library = here.library_name
    page.meta["report_og_locale"] = LANGUAGES[here.locale].og_locale
    if year is None:
        home = chapters.is_home(here.src_uri)   # the cover: the archive's own title
        page.meta.setdefault("report_tab_title", t("archive_title", here.locale, library=library) if home
                             else f"{page.title} · {library}" if page.title else library)
        return
    report = t("report_short", here.locale, year=year)
    if not chapters.is_chapter(here.src_uri):   # the year's page: what the report holds
        page.meta.setdefault("hide", ["toc"])      # it is a contents itself: Material's would repeat 目录
        page.meta.setdefault("description", t("year_description", here.locale, chapters=fmt.items(
            [c.title for c in here.chapter_links(year)], here.locale),
            title=t("report_title", here.locale, year=year, library=library)))
    title = page.meta.get("title")
    page.meta["report_tab_title"] = " · ".join(x for x in (title, report, library) if x)
    page.meta["report_pdf"] = here.link(links.download(year, pdf_name(here.site, year, here.locale)))
    page.meta["report_pdf_label"] = t("download.pdf", here.locale)



def pdf_name(site: Site, year: int, code: str) -> str:
    return links.pdf_name(site.library.slug or links.slug(site.library.name.en), year, code)
