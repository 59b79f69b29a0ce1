"""mkdocs-macros glue: registers what chapters may call. No logic lives here.

Data is loaded and validated once per build, before any page renders; a page
only picks its year and language and hands plain values to the functions in
render.py and fmt.py.
"""
from __future__ import annotations

import functools
import os
from pathlib import Path

import jinja2

from ..core import charts, fmt, opendata, pdf, reference, render, trends
from ..core.pages import chapter_number, front_matter, is_chapter, year_of
from ..core.problems import DataError
from ..core.strings import DEFAULT_LANG, LANG_TAGS, edition, t
from ..core.validate import load_site


def define_env(env):
    # MkDocs is imported here, not at module level: the rest of the package
    # (python -m macros check, the tests) runs without it.
    from mkdocs.exceptions import Abort
    from mkdocs.utils import get_relative_url

    if env.conf["extra"].get("preview"):
        _reload_code()  # `mkdocs serve` keeps this process: pick up edits to macros/*.py
    root = Path(env.conf["config_file_path"]).parent
    try:
        site = _validated(root / "data")
    except DataError as err:
        raise Abort(err.report()) from None
    env.variables["site_data"] = site

    def lang() -> str:
        page = env.page
        return getattr(page.file, "locale", None) or DEFAULT_LANG if page else DEFAULT_LANG

    def report():
        return site.years[env.variables["year"]]

    def library_name(language: str) -> str:
        return render.tx(site.library.name, language)

    # ---- filters: one value, formatted for the page's language.
    # A value a draft year has not filled in yet shows as 【待填写】 / [TODO].

    def filter_(fn):
        @functools.wraps(fn)
        def filled(value, *args, **kwargs):
            if isinstance(value, jinja2.Undefined):
                value._fail_with_undefined_error()  # names the misspelt variable or field
            todo = t("todo", lang())
            if value is None or value == todo:  # chained filters pass the marker on
                return todo
            return fn(value, *args, **kwargs)
        return env.filter(filled)

    @filter_
    def num(value):
        """A count or measure at its published precision: 60173 / 60,173."""
        return fmt.number(value, lang())

    @filter_
    def money(amount_wan):
        """An amount in 万元: "168.52 万元" / "CNY 1,685,200"."""
        return fmt.money(amount_wan, lang())

    @filter_
    def pct(value):
        """A percentage: 18.16%."""
        return fmt.percent(value, lang())

    @filter_
    def change(value, up=None, down=None):
        """A change on the previous year: 较上年提高了 18.16% / up 18.16% on 2019.
        ``up``/``down`` replace the verbs, e.g. change(down="减少")."""
        return fmt.change(value, lang(), report().year - 1, up, down)

    @filter_
    def date(value, with_year=None):
        """A date: 1 月 13 日 / 13 January 2020 (a month alone: 5 月 / May 2020)."""
        return fmt.date(value, lang(), with_year)

    @filter_
    def as_of(value):
        """A reporting date: 2020 年底 / the end of 2020 for 31 December, else the full date."""
        return fmt.as_of(value, lang())

    @filter_
    def month(value):
        """A month number as a name: 4 月 / April."""
        return fmt.month(value, lang())

    @filter_
    def at_least(value):
        """A published lower bound: 上千 / over 1,000."""
        return fmt.at_least(value, lang())

    @filter_
    def wan(value):
        """A figure in 万 (ten thousands) as a plain number: 16 -> 160000."""
        return fmt.wan(value)

    @env.filter
    def text(value):
        """A bilingual data text in the page's language, escaped."""
        return render.tx(value, lang())

    # ---- macros

    @env.macro
    def total(items, field="count"):
        """The sum of a field over a list, e.g. total(staff.education)."""
        return sum(getattr(i, field) for i in items)

    @env.macro
    def change_of(measure):
        """The change of views, downloads or circulation on the previous year, in %:
        as the report states it, or computed from last year's data when it states none."""
        return trends.change_of(site, report().year, measure)

    @env.macro
    def share(part, whole, decimals=0):
        """part ÷ whole as a percentage, rounded to *decimals* places."""
        return fmt.share(part, whole, decimals)

    @env.macro
    def listing(items, unit="人"):
        """Counts as running prose: 大学专科学历 5 人，本科以上学历 6 人."""
        return render.listing(items, lang(), unit)

    @env.macro
    def report_title(year=None):
        """The report's title: 2020 年安居区图书馆年报."""
        return t("report_title", lang(), year=year or report().year, library=library_name(lang()))

    @env.macro
    def archive_title():
        """The title of the whole archive: 安居区图书馆年报."""
        return t("archive_title", lang(), library=library_name(lang()))

    @env.macro
    def chapter_heading():
        """The chapter's heading, numbered from the navigation order: 第一章 2020 年安居区图书馆……"""
        page = env.page
        number = chapter_number(page.file.src_uri, [p.file.src_uri for p in _siblings(page)])
        language = lang()
        return t("chapter_heading", language, number=_number_word(number, language), year=report().year,
                 library=library_name(language), title=page.meta.get("title", page.title))

    def chapter_links(year):
        """(heading, relative href) of each chapter of *year*, in navigation order."""
        nav, language = env.variables["navigation"], lang()
        chapters = [p for p in nav.pages if year_of(p.file.src_uri) == year and is_chapter(p.file.src_uri)]
        for number, p in enumerate(chapters, 1):
            title = front_matter(p.file.abs_src_path).get("title", p.title)
            heading = t("chapter_heading", language, number=_number_word(number, language), year=year,
                        library=library_name(language), title=title)
            yield heading, get_relative_url(p.url, env.page.url)

    def contents_list(year):
        links = "".join(f'<li><a href="{href}">{render.esc(heading)}</a></li>' for heading, href in chapter_links(year))
        return f'<ol class="report-contents">{links}</ol>'

    @env.macro
    def contents(year=None):
        """The 目录: every chapter of a year, numbered and linked, in navigation order."""
        return f"\n\n{contents_list(year or report().year)}\n\n"

    @env.macro
    def report_list():
        """Every year shown, newest first: title, figures at a glance and 目录 (for the home page)."""
        language, blocks = lang(), []
        nav = env.variables["navigation"]
        for year in years_in_nav(env):
            index = next((p for p in nav.pages if p.file.src_uri.startswith(f"{year}/index")), None)
            title = render.esc(t("report_title", language, year=year, library=library_name(language)))
            if index is not None:
                title = f'<a href="{get_relative_url(index.url, env.page.url)}">{title}</a>'
            blocks.append(f'<section class="report-year"><h2 id="report-{year}">{title}</h2>'
                          f"{render.headline_figures(site.years[year], language)}"
                          f'<p class="report-contents__label">{t("contents", language)}</p>'
                          f"{contents_list(year)}</section>")
        return "\n\n" + "".join(blocks) + "\n\n"

    @env.macro
    def macro_reference():
        """The editing guide's list of every macro and filter, from their docstrings."""
        language = lang()
        heads = (t("reference.call", language), t("reference.does", language))
        filters = [("value | " + sig, doc) for sig, doc in reference.callables(env.filters, module=__name__, filters=True)]
        return (f'\n\n### {t("reference.macros", language)}'
                + render.reference_table(reference.callables(env.macros, module=__name__), heads)
                + f'\n\n### {t("reference.filters", language)}'
                + render.reference_table(filters, heads))

    @env.macro
    def field_reference():
        """The editing guide's list of every data file's fields, from the data schema."""
        language = lang()
        heads = tuple(t(key, language) for key in ("reference.field", "reference.kind", "reference.does"))
        return "".join(f"\n\n### `{name}`" + render.reference_table(reference.fields(model), heads)
                       for name, model in reference.data_files().items())

    @env.macro
    def chronicle_events():
        """The year's chronicle (大事记), every event from data/<year>/chronicle.yaml."""
        return render.chronicle(report().chronicle.events, lang())

    def download_href(name):
        """The address of the CSV file behind table or chart *name*, from this page."""
        return get_relative_url(f"downloads/{report().year}/{opendata.FILE_OF[name]}.csv", env.page.url)

    @env.macro
    def chart(name):
        """A chart drawn from data, with its table alternative and CSV download:
        activities, education, roles, employment, titles, budget, expenditure, statistics."""
        r, language = report(), lang()
        svgs = []
        if os.environ.get("REPORT_CHARTS", "1") != "0":  # REPORT_CHARTS=0: tables only (for make bench)
            svgs = [charts.to_svg(spec, f"{name}-{i}", title, root / ".cache" / "charts")
                    for i, (spec, title) in enumerate(charts.specs(name, r, site, language))]
        return render.chart_figure(name, svgs, table(name), language)

    @env.macro
    def table(name):
        """A data table linked to its CSV file: education, roles, employment, titles, budget,
        expenditure, activities, statistics."""
        r, language, href = report(), lang(), download_href(name)
        if name in ("education", "roles", "employment"):
            return render.breakdown_table(getattr(r.staff, name), r.staff.headcount, name, language, href)
        if name == "titles":
            return render.breakdown_table(r.staff.titles, r.staff.professional_posts, name, language, href)
        if name in ("budget", "expenditure"):
            part = getattr(r.finance, name)
            return render.money_table(part.items, part.total, name, language, href)
        if name == "activities":
            return render.activities_table(r.activities, language, href)
        if name == "statistics":
            changes = {m: trends.change_of(site, r.year, m) for m in trends.MEASURES}
            return render.statistics_table(r.statistics, changes, language, href)
        raise ValueError(f"table(): unknown table “{name}”")

    @env.macro
    def downloads():
        """The open-data files of every year shown, for the 数据下载 / Data page."""
        language = lang()
        library = {"zh": site.library.name.zh, "en": site.library.name.en}
        blocks = []
        for year in years_in_nav(env):
            files = opendata.files(site.years[year], site, library)
            rows = []
            for table_ in opendata.tables(site.years[year], site):
                links = " · ".join(
                    f'<a href="{get_relative_url(f"downloads/{year}/{table_.name}.{ext}", env.page.url)}" download>'
                    f'{ext.upper()}</a> ({fmt.number(len(files[f"{table_.name}.{ext}"]), language)} B)'
                    for ext in ("csv", "json"))
                rows.append((table_.name + ".csv", table_.title[language], links))
            editions = " · ".join(
                f'<a href="{get_relative_url(f"downloads/{year}/{pdf.file_name(year, code)}", env.page.url)}" download>'
                f'{t("edition." + code, language)}</a>' for code in ("zh", "en"))
            package = get_relative_url(f"downloads/{year}/datapackage.json", env.page.url)
            blocks.append(f'\n\n## {t("report_title", language, year=year, library=library_name(language))}\n\n'
                          + f'<p>{t("download.pdf_editions", language)}: {editions}</p>\n\n'
                          + render.downloads_table(rows, language)
                          + f'\n\n<p><a href="{package}" download>datapackage.json</a> — {t("download.package", language)}</p>\n\n')
        return "".join(blocks)


def on_post_build(env):
    # The open data is written once, by the build of the default language, at the site root.
    if edition(env.conf["theme"].get("language")) != DEFAULT_LANG:
        return
    site = env.variables["site_data"]
    library = {"zh": site.library.name.zh, "en": site.library.name.en}
    for year in years_in_nav(env):
        opendata.write(Path(env.conf["site_dir"]), site.years[year], site, library)


_SITE_CACHE: dict = {}


def _validated(data_dir: Path):
    """load_site, once per state of data/: mkdocs-static-i18n configures the build again for
    each language, and the data has not changed in between."""
    stamp = tuple(sorted((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in data_dir.rglob("*.yaml")))
    if _SITE_CACHE.get("stamp") != stamp or _SITE_CACHE.get("loader") is not load_site:
        _SITE_CACHE.update(stamp=stamp, loader=load_site, site=load_site(data_dir))
    return _SITE_CACHE["site"]


def _reload_code():
    import importlib
    import sys
    # Dependency order: each module is reloaded after the modules it imports from.
    for name in ("problems", "load", "schema", "checks", "validate", "fmt", "strings", "render",
                 "trends", "pages", "reference", "charts", "opendata"):
        module = sys.modules.get(f"macros.core.{name}")
        if module is not None:
            importlib.reload(module)
    modules = {n: sys.modules[f"macros.core.{n}"] for n in ("fmt", "render", "trends", "reference", "pages",
                                                           "problems", "strings", "validate", "charts", "opendata")}
    globals().update({n: modules[n] for n in ("fmt", "render", "trends", "reference", "charts", "opendata")})
    for module, names in (("pages", ("chapter_number", "front_matter", "is_chapter", "year_of")),
                          ("problems", ("DataError",)), ("strings", ("t", "DEFAULT_LANG", "LANG_TAGS", "edition")),
                          ("validate", ("load_site",))):
        globals().update({n: getattr(modules[module], n) for n in names})


def _register_plain_template_errors():
    """A mistake in a chapter's macro call is reported with its file and line, not a traceback."""
    import traceback

    from mkdocs_macros.errors import format_error

    @format_error.register(Exception)
    def _plain(error, markdown, page):
        frames = [f for f in traceback.extract_tb(error.__traceback__)
                  if f.filename == "<template>" or f.filename.endswith(".md")]
        where = page.file.src_path
        if frames:  # the innermost template: an included chapter template if the mistake is there
            name = where if frames[-1].filename == "<template>" else frames[-1].filename
            where = f"{name}:{frames[-1].lineno}  第 {frames[-1].lineno} 行 / line {frames[-1].lineno}"
        return (f"✗ {where}\n"
                f"    宏或变量出错 / a macro or variable failed: {type(error).__name__}: {error}\n"
                f"    请检查 {{{{ … }}}} 中的名称是否拼写正确（可用的宏见编辑指南）。\n"
                f"    Check the names inside {{{{ … }}}} (the editing guide lists the macros).")


_register_plain_template_errors()


def on_pre_page_macros(env):
    # Each page sees its own year's data under short names: staff, finance, …
    # Pages outside a year folder (the home page) see the newest year shown.
    page = env.page
    site = env.variables["site_data"]
    year = year_of(page.file.src_uri) or max(years_in_nav(env), default=None)
    report = site.years.get(year)
    if report is None:
        from mkdocs.exceptions import Abort
        raise Abort(f"{page.file.src_path}: 没有 data/{year}/ 文件夹 / there is no data/{year}/ folder")
    env.variables["year"] = year
    env.variables["lang"] = getattr(page.file, "locale", None) or DEFAULT_LANG
    writing = edition(env.conf["theme"].get("language"))
    if year_of(page.file.src_uri):  # every page of a year's report offers its PDF
        from mkdocs.utils import get_relative_url
        href = get_relative_url(f"downloads/{year}/{pdf.file_name(year, writing)}", page.url)
        env.markdown = (f'<p class="report-pdf"><a href="{href}" download>{t("download.pdf", writing)}</a></p>\n\n'
                        + env.markdown)
    if env.variables["lang"] != writing:  # no translation yet: the original, with a notice
        env.markdown = (f'!!! note "{t("untranslated_title", writing)}"\n\n    {t("untranslated", writing)}\n\n'
                        f'<div lang="{LANG_TAGS[env.variables["lang"]]}" markdown>\n\n{env.markdown}\n\n</div>\n')
    env.variables["library"] = site.library
    env.variables.update(report.topics)


def years_in_nav(env) -> list[int]:
    """The years this build shows, newest first: draft years only in the preview."""
    nav = env.variables["navigation"]
    return sorted({y for p in nav.pages if (y := year_of(p.file.src_uri))}, reverse=True)


def _siblings(page):
    parent = page.parent
    children = parent.children if parent is not None else []
    return [c for c in children if getattr(c, "is_page", False)]


def _number_word(number: int, lang: str) -> str:
    return fmt.cn_numeral(number) if lang == "zh" else str(number)
