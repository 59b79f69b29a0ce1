"""The MkDocs events this project uses, in one place (listed under ``hooks:`` in mkdocs.yml).

Each event hands over to a module of macros/mkdocs/, imported when the event runs, so that
`mkdocs serve` uses edited code (see macros.forget_changed_code). mkdocs-static-i18n builds
each further language inside the default language's ``on_post_build`` (at priority -100);
the two priorities below are placed around that on purpose, and tests pin the result
(tests/test_editions.py).
"""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # MkDocs loads hooks by path
import macros  # noqa: E402

log = get_plugin_logger("report")
# A page's file name: it is the page's address, and its title when the page gives none.
PAGE_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*\.md")
PAGE_NAME_ZH = "页面文件名只用英文字母、数字、- 和 _，如 finance.md"
PAGE_NAME_EN = "a page's file name of letters, digits, - and _ only, such as finance.md"
_command = "build"
_depth = 0   # builds under way: mkdocs-static-i18n runs each further language's build inside the first


def on_startup(command, dirty):
    global _command
    _command = command
    if command == "serve":
        log.info("预览不生成 PDF；make build 会生成。/ The preview makes no PDF; make build does.")


@event_priority(100)  # first: the years and drafts decide the navigation every other plugin reads
def on_config(config):
    macros.forget_changed_code()
    from macros.core.links import site_url_mistake
    mistake = site_url_mistake(config.site_url or "")
    if mistake:   # it is written into every page's links and cards: never as markup
        from mkdocs.exceptions import Abort
        raise Abort(mistake)
    from macros.mkdocs import years
    years.configure(config, _command)
    return config


def on_pre_build(config):
    global _depth
    _depth += 1


def on_build_error(error):
    global _depth
    _depth = 0
    from macros.mkdocs import pdf_edition
    pdf_edition.abandon()


def on_files(files, config):
    from macros.core.load import inside
    project, docs = Path(config.config_file_path).parent, Path(config.docs_dir).resolve()
    leaving = sorted(f.src_uri for f in files if f.src_dir and Path(f.src_dir).resolve() == docs
                     and not inside(Path(f.abs_src_path), project))
    if leaving:  # never publish what a link in docs/ points to outside the project
        raise PluginError("docs/ 中有指向项目之外的链接，网站未生成 / links in docs/ lead outside the project; "
                          "the site was not built:\n" + "\n".join(f"  ✗ docs/{uri}" for uri in leaving))
    from macros.core.chapters import read_chapter
    from macros.core.problems import DataError, Problem
    unreadable = []
    for page in files.documentation_pages():   # MkDocs itself would stop on a GBK page with a traceback
        if not PAGE_NAME.fullmatch(page.src_uri):   # a name becomes the page's title and address as it is
            unreadable.append(Problem(f"docs/{page.src_uri}", None, None, PAGE_NAME_ZH, PAGE_NAME_EN,
                                      "文件名中有其他字符 / the file name has other characters"))
            continue
        try:
            read_chapter(Path(page.abs_src_path), project)
        except DataError as error:
            unreadable += error.problems
    if unreadable:
        raise PluginError(DataError(unreadable).report())
    from macros.mkdocs import charts_ahead
    charts_ahead.draw(config, _command)
    return files


def on_page_content(html, page, config, files):
    # Nothing in a page's content may act in a reader's browser, whatever wrote it (core/safe_markup.py).
    # Then figures bound to their units, dotted names kept whole; the first paragraph as the page's
    # description for search engines and shared links (core/typeset.py).
    from macros.core import typeset
    from macros.mkdocs.page import checked_content
    html = checked_content(html, page, bool(config.extra.get("preview")))
    content, first = typeset.typeset(html)
    if first and not page.meta.get("description"):
        page.meta["description"] = typeset.description(first)
    return content


def on_env(env, config, files):
    # The theme's templates, compiled once and kept: each build (and each language's) would
    # otherwise compile Material's templates again.
    import jinja2
    cache = Path(config.config_file_path).parent / ".cache" / "templates"
    cache.mkdir(parents=True, exist_ok=True)
    env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(cache))
    # What every page's footer says, and the PDF (made here: every page's content is rendered
    # by now, no page template yet, so that the pages can say its size and length).
    from macros.core import fmt
    from macros.mkdocs import footer, pdf_edition
    env.globals["report_footer"] = footer.facts(config)
    env.filters["report_file_size"] = fmt.file_size   # sizes as the data page writes them (KB, MB)
    pdf_edition.make(env, config, files, _command)
    return env


@event_priority(-200)  # after mkdocs-static-i18n has built every other language and merged the search index
def on_post_build(config):
    global _depth
    from macros.mkdocs import pdf_edition, search_index
    from macros.tools.release import write_manifest
    _depth -= 1
    if _depth > 0:
        return  # a further language, built inside the first one's build: the whole site is not done yet
    pdf_edition.finish(log)
    site = Path(config.site_dir)
    search_index.split(site)
    if _command == "serve":
        return  # a preview is never published: no build.json to publish it by
    from macros.mkdocs import footer
    footer.share_card(config)
    write_manifest(site, config.extra.get("report_years", []), config.extra.get("report_drafts", []),
                   bool(config.extra.get("preview")), os.environ.get("SOURCE_DATE_EPOCH"))
