"""A page as a build binds it, without MkDocs: its year, its edition, the language of its file,
and its macros rendered in the chapters' sandbox.

The plugin (macros/mkdocs/page.py) binds each page of a build so; `make check`
(macros/tools/check.py) binds every page the same way, without MkDocs, and says what a
build or the preview would say.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import chapters, charts, links
from .chapter_errors import ChapterSource, explain
from .languages import LANGUAGES, file_locale, page_locale, text_in
from .problems import Problem
from .sandbox import ChapterSandbox
from .site import Site, Year
from .strings import t


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
    charts: tuple[str, ...] = ()   # the tables whose charts its text calls: one scale per unit among them

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
    here.charts = charts.called(markdown)
    try:
        return before + sandbox.render_chapter(markdown, variables, here) + after
    except Exception as error:  # every mistake in a chapter ends here, as a message for staff
        _, _, offset = chapters.split_front_matter(file_text)
        names = sorted({*variables, *sandbox.globals, *sandbox.filters})
        source = ChapterSource(f"docs/{here.src_uri}", offset, markdown, chapters.year_of(here.src_uri), names,
                               macros=sorted(sandbox.globals), filters=sorted(sandbox.filters), report=here.year)
        raise ChapterMistake(explain(error, source, variables)) from None


def no_data(year: int) -> Problem:
    """A year's chapters without its data folder."""
    return Problem(f"docs/{year}/", None, None, f"data/{year}/ 文件夹", f"a data/{year}/ folder", "不存在 / there is none")


def _variables(here: ReportPage) -> dict:
    """The names a chapter uses: its year's topics (staff, finance, …), the library, the year.
    Nothing else: not the configuration, the environment, the page or the site (see core/sandbox.py)."""
    out = {"library": here.site.library, "lang": here.locale}
    if here.year is not None:
        out["year"] = here.year.year
        out.update({topic: here.year.topic(topic) for topic in here.year.documents})
    return out


def pdf_name(site: Site, year: int, code: str) -> str:
    return links.pdf_name(site.library.slug or links.slug(site.library.name.en), year, code)
