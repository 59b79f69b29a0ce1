"""Which years a build shows, in what order, and the date it writes.

The navigation is made from the content: each year folder of ``docs/`` with its
``index.md`` becomes a section, newest first, after the home page; its chapters follow
in the order its index lists them. Adding a year is adding its folders; nothing in
mkdocs.yml names a year. A draft year (``draft: true``) is built by the preview only:
MkDocs' ``draft_docs`` leaves its pages out of `mkdocs build`.
"""
from __future__ import annotations

import os
from pathlib import Path

import pathspec

from ..core import chapters
from ..core.build_date import source_date_epoch
from ..core.validate import draft_years


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
    config.nav = navigation(config.nav, docs_dir, shown)
    config.extra["report_years"] = shown
    config.extra["report_drafts"] = [y for y in shown if y in drafts]
    hidden = [y for y in chapters.years(docs_dir) if y not in shown]
    if hidden:
        config.draft_docs = pathspec.GitIgnoreSpec.from_lines([f"/{year}/" for year in hidden])


def navigation(pages: list | None, docs_dir: Path, years: list[int]) -> list:
    """mkdocs.yml's pages with a section per year after the first (the home page)."""
    pages = [p for p in pages or [] if not (isinstance(p, dict) and any(
        str(k).isdigit() for k in p))]  # a nav written before the years were generated
    sections = [{str(year): [f"{year}/index.md", *[source.relative_to(docs_dir).as_posix()
                                                    for source in chapters.sources(docs_dir, year)]]}
                for year in years]
    return pages[:1] + sections + pages[1:]
