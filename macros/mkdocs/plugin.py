"""The publisher's MkDocs plugin: every event the project uses, and the state they share.

Registered by entry point as ``report`` (pyproject.toml) and listed under ``plugins:`` in
mkdocs.yml. Each event hands over to a module of macros/mkdocs/ or macros/core/.

State, in two places and nowhere else:
- this object, for the whole MkDocs process: the command, the chapters' sandbox (it keeps
  each chapter compiled), the memo of what was read from files (core/memo.py) and the
  preview's memory of its last build. MkDocs keeps a plugin that has ``on_startup`` from one
  build of `mkdocs serve` to the next (its documented plugin cache), so the preview's next
  build finds them.
- a :class:`build.Build`, started with each build: the site model, the data's mistakes, the
  PDFs being made and the worker processes making them.

The order of events, as MkDocs and mkdocs-static-i18n run them:
1. ``on_config`` (priority 100, before any other plugin reads the navigation): the years and
   drafts, the dates, the data validated (once per build); then (−110, after
   mkdocs-static-i18n) the engine's theme put in front.
2. ``on_files``: every page readable; the charts drawn ahead.
3. ``on_page_markdown`` (0, after mkdocs-static-i18n's at 50): each page's macros rendered
   in the sandbox; then the preview reuses what it can.
4. ``on_page_content``: every page checked for markup that could act; typeset.
5. ``on_env``: the footer's facts; the PDFs (every page's content is rendered by now).
   ``on_post_page``: the pages whose PDF links wait for the PDFs' size and pages noted.
   ``on_post_template``: the first language's 404 page is every language's.
6. ``on_post_build`` (−200): mkdocs-static-i18n builds each further language inside its own
   ``on_post_build`` (−100), with the same plugin objects; so events 1–6 run again, nested.
   ``self.running`` counts the builds under way; the outermost one's end (after every
   language) writes the open data, waits for the PDFs and writes their size and pages into
   the links to them, splits the search index and writes build.json. tests/test_editions.py
   pins this order.
"""
from __future__ import annotations

import re
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import Abort, PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger

from ..core.memo import FileMemo
from . import console

THEME = Path(__file__).resolve().parents[1] / "theme"   # the engine's templates, partials and styles
STYLES = ("assets/report.css", "assets/print.css")
# A page's file name: it is the page's address, and its title when the page gives none.
PAGE_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*\.md")
PAGE_NAME_ZH = "页面文件名只用英文字母、数字、- 和 _，如 finance.md"
PAGE_NAME_EN = "a page's file name of letters, digits, - and _ only, such as finance.md"
log = get_plugin_logger("report")


class ReportConfig(base.Config):
    # Where the build keeps what it can make again (charts, PDFs, compiled templates), in the project.
    cache_dir = c.Type(str, default=".cache")


class ReportPlugin(BasePlugin[ReportConfig]):
    def __init__(self):
        self.command = "build"
        self.running = 0              # builds under way: each further language's runs inside the first
        self.build = None             # the current build.Build
        self.memo = FileMemo()
        self.sandbox = None
        self.preview = None           # preview.PreviewState, in `mkdocs serve` only
        console.quiet("build", lambda: self.running > 0)   # before any plugin's first line

    def on_startup(self, *, command, dirty):
        from . import preview
        self.command = command
        console.quiet(command, lambda: self.running > 0)
        if command == "serve":
            self.preview = preview.PreviewState()
            log.info("预览不生成 PDF；make build 会生成。/ The preview makes no PDF; make build does.")

    @event_priority(100)  # first: the years and drafts decide the navigation every other plugin reads
    def _on_config_years(self, config):
        from ..core import languages
        from ..core.links import site_url_mistake
        from . import years
        if self.preview is not None:
            self.preview.check_port(config)   # before the first build: a busy port is told now, not after it
        mistake = site_url_mistake(config.site_url or "")
        if mistake:   # it is written into every page's links and cards: never as markup
            raise Abort(mistake)
        languages.configure(Path(config.config_file_path).parent)   # the project's declared languages
        years.configure(config, self.command, self.memo, self.preview)
        if self.running == 0:   # the first language's build starts the build; the others share it
            self._start(config)
        return config

    @event_priority(-110)  # after mkdocs-static-i18n's (−100), which puts its own sitemap template first
    def _on_config_theme(self, config):
        _use_engine_theme(config)
        return config

    on_config = CombinedEvent(_on_config_years, _on_config_theme)

    def _start(self, config) -> None:
        from ..core.problems import DataError
        from ..core import chapter_macros
        from .build import Build
        project = Path(config.config_file_path).parent
        if self.sandbox is None:   # one for the process: it keeps each chapter's text compiled
            self.sandbox = chapter_macros.sandbox()
        self.build = Build(project=project, docs_dir=Path(config.docs_dir), cache_dir=project / self.config.cache_dir,
                           command=self.command, preview=bool(config.extra.get("preview")), memo=self.memo)
        try:
            self.build.validate()
        except DataError as err:
            raise Abort(err.report()) from None

    def on_pre_build(self, *, config):
        self.running += 1
        if self.running == 1 and self.preview is not None:
            self.preview.starting()

    def on_build_error(self, *, error):
        self.running = 0
        if self.preview is not None:
            self.preview.failed()
        if self.build is not None:
            self.build.abandon()

    def on_files(self, files, *, config):
        from . import charts_ahead
        _refuse_pages_outside(files, config)
        _refuse_unreadable_pages(files, config)
        charts_ahead.draw(config, self.build)
        return files

    def on_pre_page(self, page, *, config, files):
        # The page's date is its year's, not the build's (core/build_date.py): committing next year
        # leaves a published year's sitemap entries and footers as they were.
        from .years import date_page
        date_page(page, config)
        return page

    def on_page_markdown(self, markdown, *, page, config, files):
        from .page import prepare
        markdown = prepare(page, markdown, self.build, self.sandbox)
        # The preview makes again only the pages whose inputs, macros run, changed (preview.py).
        return self.preview.pages.reuse(markdown, page, config, files) if self.preview is not None else markdown

    def on_page_content(self, html, *, page, config, files):
        from ..core import typeset
        from .page import checked_content
        if self.preview is not None and (kept := self.preview.restored(page, files)) is not None:
            return kept
        # Nothing in a page's content may act in a reader's browser, whatever wrote it (core/safe_markup.py).
        # Then figures bound to their units, dotted names kept whole (core/typeset.py).
        html = checked_content(html, page, self.build.preview)
        content, _first = typeset.typeset(html)
        if self.preview is not None:
            self.preview.keep(page, content)
        return content

    def on_env(self, env, *, config, files):
        # The theme's templates, compiled once and kept: each build (and each language's) would
        # otherwise compile Material's templates again.
        import jinja2
        from ..core import fmt
        from . import footer, pdf_edition
        cache = self.build.cache_dir / "templates"
        cache.mkdir(parents=True, exist_ok=True)
        env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(cache))
        # What every page's footer says, and the PDF (made here: every page's content is rendered
        # by now, no page template yet, so that the pages can say its size and length).
        env.globals["report_footer"] = footer.facts(config, self.build.valid_site())
        env.globals["report_not_found"] = footer.not_found()
        env.filters["report_file_size"] = fmt.file_size   # sizes as the data page writes them (KB, MB)
        pdf_edition.make(env, config, files, self.build)
        return env

    def on_post_template(self, output_content, *, template_name, config):
        # Every language's build writes the site's one 404.html; the first (the original's, with
        # every edition's words: theme/404.html) is the one a reader meets, whatever the address.
        if template_name == "404.html":
            if self.build.not_found is None:
                self.build.not_found = output_content
            return self.build.not_found
        return output_content

    def on_post_page(self, output, *, page, config):
        # A page with a link to a PDF is written before the PDF exists: its size and pages are
        # written in at the build's end (pdf_edition.finish).
        from ..core.pdf import FACTS_MARK
        if FACTS_MARK.search(output):
            self.build.pdf_link_pages.append(Path(page.file.abs_dest_path))
        return output

    @event_priority(-200)  # after mkdocs-static-i18n has built every other language and merged the search index
    def on_post_build(self, *, config):
        from ..core.release import write_manifest
        from . import footer, pdf_edition, search_index
        self.running -= 1
        if self.running > 0:
            return  # a further language, built inside the first one's build: the whole site is not done yet
        site = Path(config.site_dir)
        build, years = self.build, config.extra.get("report_years", [])
        build.write_downloads(site, years)
        pdf_edition.finish(build, log)
        search_index.split(site, self.preview.pages if self.preview is not None else None)
        if self.preview is not None:
            self.preview.finished(log)
            return  # a preview is never published: no build.json to publish it by
        footer.share_card(config, build.valid_site())
        dates = config.extra.get("report_dates")
        write_manifest(site, years, config.extra.get("report_drafts", []), build.preview,
                       str(dates.shared) if dates is not None else None)

    @event_priority(100)  # first: before any plugin watches a path of its own
    def on_serve(self, server, *, config, builder):
        from . import preview
        preview.watch_closely(server, config)
        self.preview.check_port(config, again=True)   # taken while the first build ran: one line, not a traceback
        return server


def _use_engine_theme(config) -> None:
    """The engine's theme (macros/theme/) goes first, behind only a project's own ``theme.custom_dir``:
    in front of Material's and of mkdocs-static-i18n's sitemap, which the engine's own replaces
    (it lists each page's editions). Its styles are added to every page. Each language's build
    configures again: nothing is added twice."""
    dirs = config.theme.dirs
    if str(THEME) in dirs:
        dirs.remove(str(THEME))
    custom = config.theme.custom_dir
    dirs.insert(dirs.index(custom) + 1 if custom in dirs else 0, str(THEME))
    for style in STYLES:
        if style not in [str(s) for s in config.extra_css]:
            config.extra_css.append(style)


def _refuse_pages_outside(files, config) -> None:
    """Never publish what a link in docs/ points to outside the project."""
    from ..core.load import inside
    project, docs = Path(config.config_file_path).parent, Path(config.docs_dir).resolve()
    in_docs = {folder: Path(folder).resolve() == docs for folder in {f.src_dir for f in files if f.src_dir}}
    leaving = sorted(f.src_uri for f in files if f.src_dir and in_docs[f.src_dir]   # not the theme's thousands
                     and not inside(Path(f.abs_src_path), project))
    if leaving:
        raise PluginError("docs/ 中有指向项目之外的链接，网站未生成 / links in docs/ lead outside the project; "
                          "the site was not built:\n" + "\n".join(f"  ✗ docs/{uri}" for uri in leaving))


def _refuse_unreadable_pages(files, config) -> None:
    """Every page's name and text readable: MkDocs itself would stop on a GBK page with a traceback."""
    from ..core.chapters import read_chapter
    from ..core.problems import DataError, Problem
    project = Path(config.config_file_path).parent
    unreadable = []
    for page in files.documentation_pages():
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
