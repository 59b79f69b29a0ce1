"""The MkDocs events this project uses, in one place (listed under ``hooks:`` in mkdocs.yml).

Each event hands over to a module of macros/mkdocs/, imported when the event runs, so that
`mkdocs serve` uses edited code (see macros.forget_changed_code). mkdocs-static-i18n builds
each further language inside the default language's ``on_post_build`` (at priority -100);
the two priorities below are placed around that on purpose, and tests pin the result
(tests/test_editions.py).
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # MkDocs loads hooks by path
import macros  # noqa: E402
from macros.mkdocs import console  # noqa: E402

console.quiet("build", lambda: _depth > 0)   # before any plugin's first line: the project's words, real warnings
log = get_plugin_logger("report")
# A page's file name: it is the page's address, and its title when the page gives none.
PAGE_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*\.md")
PAGE_NAME_ZH = "页面文件名只用英文字母、数字、- 和 _，如 finance.md"
PAGE_NAME_EN = "a page's file name of letters, digits, - and _ only, such as finance.md"
_command = "build"
_depth = 0   # builds under way: mkdocs-static-i18n runs each further language's build inside the first
# The preview's own state, kept from one build to the next (preview.py): its pages as last built,
# the mistakes its pages show (printed once a rebuild), and whether its port was checked.
_pages = None
_shown: list[str] = []
_port_checked = False


def on_startup(command, dirty):
    global _command
    _command = command
    from macros.mkdocs import console
    console.quiet(command, lambda: _depth > 0)
    if command == "serve":
        log.info("预览不生成 PDF；make build 会生成。/ The preview makes no PDF; make build does.")


@event_priority(100)  # first: the years and drafts decide the navigation every other plugin reads
def on_config(config):
    global _pages, _port_checked
    changed = macros.forget_changed_code()
    if _command == "serve":
        from macros.mkdocs import preview
        if not _port_checked:   # before the first build: a busy port is told now, not after it
            _port_checked = True
            _refuse_busy_port(config)
        if changed or _pages is None:   # new code may render any page differently
            _pages = preview.RenderedPages()
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
    if _depth == 1:
        _shown.clear()


def on_build_error(error):
    global _depth
    _depth = 0
    _shown.clear()
    if _pages is not None:
        _pages.failed()
    from macros.mkdocs import pdf_edition
    pdf_edition.abandon()


def on_files(files, config):
    from macros.core.load import inside
    project, docs = Path(config.config_file_path).parent, Path(config.docs_dir).resolve()
    in_docs = {folder: Path(folder).resolve() == docs for folder in {f.src_dir for f in files if f.src_dir}}
    leaving = sorted(f.src_uri for f in files if f.src_dir and in_docs[f.src_dir]   # not the theme's thousands
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


def on_pre_page(page, config, files):
    # The page's date is its year's, not the build's (core/build_date.py): committing next year
    # leaves a published year's sitemap entries and footers as they were.
    from macros.mkdocs.years import date_page
    date_page(page, config)
    return page


@event_priority(-100)  # last: the Markdown as the macros and mkdocs-static-i18n leave it
def on_page_markdown(markdown, page, config, files):
    # The preview makes again only the pages whose inputs changed (preview.py).
    return _pages.reuse(markdown, page, config, files) if _pages is not None else markdown


def on_page_content(html, page, config, files):
    from macros.mkdocs import console
    if _pages is not None and (kept := _pages.restored(page, files)) is not None:
        _shown.extend(console.problems_in(kept))
        return kept
    # Nothing in a page's content may act in a reader's browser, whatever wrote it (core/safe_markup.py).
    # Then figures bound to their units, dotted names kept whole; the first paragraph as the page's
    # description for search engines and shared links (core/typeset.py).
    from macros.core import typeset
    from macros.mkdocs.page import checked_content
    html = checked_content(html, page, bool(config.extra.get("preview")))
    content, first = typeset.typeset(html)
    description = None
    if first and not page.meta.get("description"):
        description = page.meta["description"] = typeset.description(first)
    if _pages is not None:
        _pages.keep(page, content, description)
        _shown.extend(console.problems_in(content))
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
    search_index.split(site, _pages)
    if _command == "serve":
        from macros.mkdocs import console
        _pages.finished()
        console.tell(log, _shown)   # what the pages show, in the terminal too: once, not once a language
        return  # a preview is never published: no build.json to publish it by
    from macros.mkdocs import footer
    footer.share_card(config)
    write_manifest(site, config.extra.get("report_years", []), config.extra.get("report_drafts", []),
                   bool(config.extra.get("preview")), _shared_date(config))


def _shared_date(config) -> str | None:
    """The date of the pages every year shares (the newest), as build.json records it."""
    dates = config.extra.get("report_dates")
    return str(dates.shared) if dates is not None else None


@event_priority(100)  # first: before any plugin watches a path of its own
def on_serve(server, config, builder):
    from macros.mkdocs import preview
    preview.watch_closely(server, config)
    _refuse_busy_port(config)   # taken while the first build ran: one line, not a traceback
    return server


def _refuse_busy_port(config) -> None:
    from macros.mkdocs import preview
    if preview.port_busy(config.dev_addr.host, config.dev_addr.port):
        from mkdocs.exceptions import Abort
        raise Abort(preview.busy_message(config.dev_addr.port))
