"""MkDocs hook: a draft year is previewed by `mkdocs serve`, never built for publishing.

A year is a draft while data/<year>/report.yaml says ``draft: true``. Its pages
are marked as MkDocs ``draft_docs`` (served in preview, left out of
`mkdocs build`) and, outside preview, its section leaves the navigation.
Listed under ``hooks:`` in mkdocs.yml.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pathspec
from mkdocs.plugins import event_priority

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # hooks load by path
from macros.core.pages import year_of  # noqa: E402
from macros.core.build_date import source_date_epoch  # noqa: E402
from macros.core.validate import draft_years  # noqa: E402

_command = "build"


def on_startup(command, dirty):
    global _command
    _command = command


@event_priority(100)  # before the i18n plugin copies the configuration per language
def on_config(config):
    # MkDocs and WeasyPrint read the build's date from here: the content's, never the clock's.
    os.environ["SOURCE_DATE_EPOCH"] = str(source_date_epoch(Path(config.config_file_path).parent))
    drafts = draft_years(Path(config.config_file_path).parent / "data")
    # REPORT_PREVIEW=1 makes `mkdocs build` build drafts too, as the preview does (never publish that).
    preview = _command == "serve" or os.environ.get("REPORT_PREVIEW") == "1"
    config.extra["preview"] = preview
    if not drafts or preview:
        return config
    config.draft_docs = pathspec.GitIgnoreSpec.from_lines([f"/{year}/" for year in drafts])
    config.nav = _without_years(config.nav, drafts)
    return config


def _without_years(nav, years):
    """The nav config without the entries of the given years."""
    if nav is None:
        return None
    kept = []
    for entry in nav:
        value = next(iter(entry.values())) if isinstance(entry, dict) else entry
        if isinstance(value, str) and year_of(value) in years:
            continue
        if isinstance(value, list):
            inner = _without_years(value, years)
            if not inner:
                continue
            entry = {next(iter(entry)): inner}
        kept.append(entry)
    return kept
