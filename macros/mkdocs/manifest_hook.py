"""MkDocs hook: record a finished build in build.json (see release.py).

Runs after everything else has written its files, including the second
language's build, the search-index split and the PDFs. Listed last under
``hooks:`` in mkdocs.yml.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from mkdocs.plugins import event_priority

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # hooks load by path
from macros.core.pages import year_of  # noqa: E402
from macros.tools.release import write_manifest  # noqa: E402
from macros.core.validate import draft_years  # noqa: E402

_years: set[int] = set()


def on_files(files, config):
    _years.update(y for f in files.documentation_pages() if (y := year_of(f.src_uri)))
    return files


@event_priority(-300)
def on_post_build(config):
    i18n = config.plugins.get("i18n")
    if i18n is not None and getattr(i18n, "building", False):
        return  # the inner build of another language; the outer build records the whole site
    drafts = draft_years(Path(config.config_file_path).parent / "data") & _years
    write_manifest(Path(config.site_dir), sorted(_years), sorted(drafts),
                   bool(config.extra.get("preview")), os.environ.get("SOURCE_DATE_EPOCH"))
    _years.clear()
