"""Which years a build shows, in what order, and the date it writes.

The navigation is made from the content: each year folder of ``docs/`` with its
``index.md`` becomes a section, newest first, after the home page; its chapters follow
in the order its index lists them. Adding a year is adding its folders; nothing in
mkdocs.yml names a year. A draft year (``draft: true``) is built by the preview only:
MkDocs' ``draft_docs`` leaves its pages out of `mkdocs build`.

The preview (`mkdocs serve`) builds the pages of one year only, the one being edited
(its files changed last), with the cover and the data page: every save is shown in about
a second however long the archive grows. MkDocs' ``exclude_docs`` leaves the others out.
"""
from __future__ import annotations

import os
from pathlib import Path

import pathspec
from mkdocs.plugins import get_plugin_logger

from ..core import chapters
from ..core.build_date import source_date_epoch
from ..core.validate import draft_years

log = get_plugin_logger("report")


def configure(config, command: str) -> None:
    project = Path(config.config_file_path).parent
    # MkDocs and WeasyPrint read the build's date from here: the content's, never the clock's.
    os.environ["SOURCE_DATE_EPOCH"] = str(source_date_epoch(project))
    # REPORT_PREVIEW=1 makes `mkdocs build` build drafts too, as the preview does (never publish that).
    preview = command == "serve" or os.environ.get("REPORT_PREVIEW") == "1"
    config.extra["preview"] = preview
    drafts = draft_years(project / "data")
    docs_dir = Path(config.docs_dir)
    shown = [y for y in chapters.years(docs_dir) if preview or y not in drafts]
    if command == "serve" and len(shown) > 1:
        edited = being_edited(project, shown)
        left_out = [y for y in shown if y != edited]
        others = pathspec.GitIgnoreSpec.from_lines([f"/{y}/" for y in left_out])
        config.exclude_docs = pathspec.GitIgnoreSpec([*config.exclude_docs.patterns, *others.patterns]) \
            if config.exclude_docs else others
        shown = [edited]
        log.info(f"预览只生成正在编辑的 {edited} 年 / The preview builds the year being edited only: {edited}")
    config.extra["report_years"] = shown
    config.extra["report_drafts"] = [y for y in shown if y in drafts]
    config.nav = navigation(config.nav, docs_dir, shown)
    hidden = [y for y in chapters.years(docs_dir) if y not in shown and y in drafts]
    if hidden:
        config.draft_docs = pathspec.GitIgnoreSpec.from_lines([f"/{year}/" for year in hidden])


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
