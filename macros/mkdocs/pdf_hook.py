"""MkDocs hook: `mkdocs build` makes the PDF edition of each year, per language.

Collects each chapter's HTML as MkDocs writes it, then, once a language's
build is done, hands them to pdf.py in navigation order. The preview
(`mkdocs serve`) skips it unless REPORT_PDF=1; REPORT_PDF=0 skips it anywhere.
Listed under ``hooks:`` in mkdocs.yml.
"""
from __future__ import annotations

import os
import re
import sys
from collections import defaultdict
from pathlib import Path

from mkdocs.exceptions import Abort
from mkdocs.plugins import event_priority, get_plugin_logger

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # hooks load by path
from macros.core import pdf  # noqa: E402
from macros.core.pages import is_chapter, year_of  # noqa: E402
from macros.core.strings import edition, t  # noqa: E402
from macros.core.load import load_document  # noqa: E402
from macros.core.schema import Library  # noqa: E402

log = get_plugin_logger("pdf")
_command = "build"
_chapters: dict[tuple[str, int], list[tuple[int, pdf.Chapter]]] = defaultdict(list)
_order: dict[str, int] = {}


def enabled() -> bool:
    wanted = os.environ.get("REPORT_PDF")
    return wanted == "1" or (wanted != "0" and _command != "serve")


def on_startup(command, dirty):
    global _command
    _command = command
    if not enabled():
        log.info("预览不生成 PDF；make build 会生成。/ The preview makes no PDF; make build does.")


def on_nav(nav, config, files):
    _order.clear()
    _order.update({page.file.src_uri: i for i, page in enumerate(nav.pages)})
    language = edition(config.theme.get("language"))
    for key in [k for k in _chapters if k[0] == language]:
        del _chapters[key]
    return nav


def on_post_page(output, page, config):
    if enabled() and is_chapter(page.file.src_uri):
        language = edition(config.theme.get("language"))
        heading = re.sub(r"<[^>]+>", "", re.search(r"<h1[^>]*>(.*?)</h1>", page.content, re.S).group(1)).strip()
        chapter = pdf.Chapter(f"chapter-{len(_chapters[(language, year_of(page.file.src_uri))]) + 1}",
                              heading, pdf.chapter_html(page.content))
        _chapters[(language, year_of(page.file.src_uri))].append((_order.get(page.file.src_uri, 0), chapter))
    return output


@event_priority(50)  # before mkdocs-static-i18n starts the next language's build
def on_post_build(config):
    if not enabled():
        return
    language = edition(config.theme.get("language"))
    root = Path(config.site_dir)  # the site root in every language's build (pages carry their /en/ prefix)
    # (the data was validated before any page rendered; only the library's name is needed here)
    library = Library.model_validate(load_document(Path(config.config_file_path).parent / "data/library.yaml").data)
    name = getattr(library.name, language) or library.name.zh
    for (lang, year), chapters in sorted(_chapters.items()):
        if lang != language:
            continue
        ordered = [c for _, c in sorted(chapters, key=lambda item: item[0])]
        title = t("report_title", language, year=year, library=name)
        source = pdf.document(language, name, title, t("contents", language), ordered)
        try:
            pdf.render(source, root / "downloads" / str(year) / pdf.file_name(year, language),
                       base_url=(root / str(year)).as_uri() + "/", title=title, lang=language)
        except pdf.PdfError as err:
            raise Abort(str(err)) from None
