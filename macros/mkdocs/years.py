"""Which years a build shows, in what order, and the dates it writes (each year's own: core/build_date.py).

The navigation is made from the content: each year folder of ``docs/`` with its
``index.md`` becomes a section, newest first, after the home page; its chapters follow
in the order its index lists them. Adding a year is adding its folders; nothing in
mkdocs.yml names a year. A draft year (``draft: true``) is built by the preview only:
MkDocs' ``draft_docs`` leaves its pages out of `mkdocs build`.

The preview (`mkdocs serve`) builds the pages of one year only, the one being edited
(its files changed last), with the cover and the data page: every save is shown in about
a second however long the archive grows. MkDocs' ``exclude_docs`` leaves the others out.

A year is a folder named as core/years.py says (2020; never 0999 or 3000). A folder of
``docs/`` meant as a year that is none, or a page of a year that is not UTF-8 (which MkDocs
would stop on with a traceback), stops a build with the staff's message; the preview leaves
that folder out and says why in its log, and for a page that is not UTF-8 every page of the
preview shows its message (data.py reports chapters.problems).
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pathspec
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger

from ..core import chapters
from ..core.build_date import content_dates, stated_ceiling
from ..core.memo import FileMemo
from ..core.problems import DataError, Problem
from ..core.validate import draft_years

log = get_plugin_logger("report")
def configure(config, command: str, memo: FileMemo, preview_state=None) -> None:
    """The years shown, their navigation and dates, written into *config* (each language's build
    configures again); *preview_state* (preview.PreviewState) remembers the year last announced."""
    project = Path(config.config_file_path).parent
    # The dates are the content's (core/build_date.py), set on each page (date_page) and PDF, never
    # written into the environment: the preview's next build would read them back as stated.
    # MkDocs reads SOURCE_DATE_EPOCH itself and stops on one it cannot read ("", 1e9): one the
    # dates do not take is no date, for MkDocs too.
    if stated_ceiling() is None:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
    # REPORT_PREVIEW=1 makes `mkdocs build` build drafts too, as the preview does (never publish that).
    preview = command == "serve" or os.environ.get("REPORT_PREVIEW") == "1"
    config.extra["preview"] = preview
    drafts = draft_years(project / "data", memo)
    docs_dir = Path(config.docs_dir)
    unfit = refused_folders(docs_dir, memo)
    if unfit and command != "serve":
        raise PluginError(DataError([p for found in unfit.values() for p in found]).report())
    # The preview goes on without them and says why: as info, since with `strict: true` a
    # warning would stop the preview.
    for folder, found in unfit.items():
        log.info(f"预览不包括 docs/{folder}/ / The preview leaves docs/{folder}/ out:\n"
                 + "\n".join(p.render() for p in found))
    _leave_out(config, unfit)
    shown = [y for y in chapters.years(docs_dir) if (preview or y not in drafts) and str(y) not in unfit]
    if command == "serve" and len(shown) > 1:
        edited = being_edited(project, shown)
        _leave_out(config, [str(y) for y in shown if y != edited])
        shown = [edited]
        if preview_state is not None and preview_state.announced_year != edited:   # once, not at every save nor once a language
            preview_state.announced_year = edited
            log.info(f"预览只生成正在编辑的 {edited} 年 / The preview builds the year being edited only: {edited}")
    config.extra["report_years"] = shown
    config.extra["report_drafts"] = [y for y in shown if y in drafts]
    # Each year's date and the shared pages' (core/build_date.py): pages, footers, sitemap, PDFs.
    config.extra["report_dates"] = content_dates(project, shown, memo)
    config.nav = navigation(config.nav, docs_dir, shown)
    # every draft's folder, with its index.md or not: a page of a draft never publishes
    hidden = [p.name for p in chapters.year_folders(docs_dir) if int(p.name) in drafts and int(p.name) not in shown]
    if hidden:
        config.draft_docs = pathspec.GitIgnoreSpec.from_lines([_folder_pattern(name) for name in hidden])


def date_page(page, config) -> None:
    """The page's date: its year's last change, or the newest for a page every year shares.
    MkDocs writes it as the page's ``<lastmod>`` in the sitemap (and the newest in the sitemap's
    gzip header); the footer shows it. Never the clock's, as MkDocs' own would be."""
    dates = config.extra.get("report_dates")
    if dates is not None:
        page.update_date = dates.day(chapters.year_of(page.file.src_uri)).isoformat()


def refused_folders(docs_dir: Path, memo: FileMemo) -> dict[str, list[Problem]]:
    """The folders of docs/ no build may publish (folder name -> its problems): a folder meant as a
    year that is none (0999, 3000), and a year whose pages are not all UTF-8."""
    unfit = {name: [problem] for name, problem in chapters.misnamed_years(docs_dir).items()}
    for folder in chapters.year_folders(docs_dir):   # read again only when a page of it changed
        found = memo.folder(folder, chapters.unreadable, docs_dir, int(folder.name))
        if found:
            unfit[folder.name] = found
    return unfit


def _leave_out(config, folders) -> None:
    """Leave these folders of docs/ out of the build, with MkDocs' ``exclude_docs``."""
    if not folders:
        return
    spec = pathspec.GitIgnoreSpec.from_lines([_folder_pattern(name) for name in folders])
    config.exclude_docs = pathspec.GitIgnoreSpec([*config.exclude_docs.patterns, *spec.patterns]) \
        if config.exclude_docs else spec


def _folder_pattern(name: str) -> str:
    """The gitignore pattern of one top folder of docs/, its name taken literally."""
    return "/" + re.sub(r"([\\*?\[\]!# ])", r"\\\1", name) + "/"


def being_edited(project: Path, years: list[int]) -> int:
    """The year whose data or pages changed last."""
    def changed(year: int) -> int:
        files = [*(project / "data" / str(year)).glob("*"), *(project / "docs" / str(year)).glob("*")]
        return max((f.stat().st_mtime_ns for f in files if f.is_file()), default=0)
    return max(years, key=changed)


def navigation(pages: list | None, docs_dir: Path, years: list[int]) -> list:
    """mkdocs.yml's pages with a section per year after the first (the home page)."""
    pages = [p for p in pages or [] if not (isinstance(p, dict) and any(
        str(k).isdigit() for k in p))]  # a nav written before the years were generated
    sections = [{str(year): [f"{year}/index.md", *[source.relative_to(docs_dir).as_posix()
                                                    for source in chapters.sources(docs_dir, year)]]}
                for year in years]
    return pages[:1] + sections + pages[1:]
