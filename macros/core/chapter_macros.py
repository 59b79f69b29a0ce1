"""The macros chapters and pages call: ``{{ table("budget") }}``, ``{{ chapter_heading() }}``.

Plain functions of the page (Jinja passes its context; page.py bound the page once) and
their arguments. Each builds its HTML with core/render.py from the table registry and the
site model; nothing here knows the report's topics.

Each docstring is the editing guide's reference: its first line in Chinese, the second
in English.
"""
from __future__ import annotations

import difflib
import inspect
import os
from decimal import Decimal

import jinja2
from markupsafe import Markup

from . import charts, figures, fmt, opendata, reference, render, tables, trends
from . import key_figures as key_figures_of
from .chapter_errors import AbsentPart, UnknownName
from .languages import CODES, DEFAULT, LANGUAGES, prefix
from .sandbox import PAGE_KEY, ChapterSandbox
from .schema import Named, item_ids, item_named, named_place
from .strings import has, t


def _page(context):
    return context[PAGE_KEY]


def _own_edition(code: str) -> str:
    """An edition's name in its own language, as its readers look for it ("English edition"): by
    its own name alone ("한국어") where its catalogue does not word it."""
    if has(f"edition.{code}", code):
        return t(f"edition.{code}", code)
    return t("edition", code, name=LANGUAGES[code].name) if has("edition", code) else LANGUAGES[code].name


def _year(page, year=None):
    found = page.site.years.get(int(year)) if year else page.year
    if found is None:
        raise AbsentPart(f"data/{year}")
    return found


class _StillToFill(Exception):
    """A draft's table or chart with nothing filled in yet: shown as the to-do marker."""


def _rows(page, name: str, year=None):
    entry = tables.table(name)
    found = _year(page, year)
    rows = entry.rows(found, page.site)
    if rows is None or all(r.value is None for r in rows):
        if found.draft:
            raise _StillToFill()
        raise AbsentPart(_part(entry))
    return entry, rows


def _part(entry) -> str:
    """The part of a year a table comes from, as staff find it in the data: finance.budget."""
    path = getattr(entry, "items", None) or getattr(entry, "name", "")
    return path.removesuffix(".items")


def _todo_when_unfilled(macro):
    """A draft's table, list or chart with nothing filled in yet shows the to-do marker."""
    import functools

    @functools.wraps(macro)
    def shown(context, *args, **kwargs):
        try:
            return macro(context, *args, **kwargs)
        except _StillToFill:
            return render.still_to_fill(_page(context).locale)
    return shown


def _download(page, entry, year) -> str:
    return page.link(f"downloads/{year}/{entry.file}.csv")


# ------------------------------------------------------------ tables, lists, charts

@jinja2.pass_context
@_todo_when_unfilled
def table(context, name):
    """数据表格，并链接到它的 CSV 文件；名称见下方“表格和图表的名称”。
    A data table linked to its CSV file; the names are listed under "Names of tables and charts"."""
    page = _page(context)
    entry, rows = _rows(page, name)
    return render.table(entry, rows, page.locale, _download(page, entry, page.year.year))


@jinja2.pass_context
@_todo_when_unfilled
def figure(context, name, row):
    """表格中一行的数字，按表格显示的精度（不带单位）：{{ figure("statistics", "per_capita_new_acquisitions") }} 册 → 0.14 册。
    A row's figure as its table shows it, to the places the table declares, without its unit: 0.14."""
    page = _page(context)
    entry, rows = _rows(page, name)
    found = {r.id: r for r in rows}
    if row not in found:
        raise UnknownName(f"{name}.{row}", dict.fromkeys(found))
    return render.figure(entry, found[row], page.locale)


@jinja2.pass_context
@_todo_when_unfilled
def listing(context, name, pattern=None):
    """把表格各项写成一句话：大学专科学历 5 人，本科以上学历 6 人；pattern 改写每一项，如 "{label}使用 {value}"。
    A table's items as running prose; pattern words each item, e.g. "{value} on {label}"."""
    page = _page(context)
    entry, rows = _rows(page, name)
    if not isinstance(entry, tables.Breakdown):
        raise tables.UnknownTable(name)
    return render.listing(entry, rows, page.locale, pattern)


@jinja2.pass_context
@_todo_when_unfilled
def chart(context, name, title=None, caller=None):
    """图表（静态图片），附标题、数据来源和可展开的表格；标题写在 {% call chart("roles") %} 和 {% endcall %} 之间，一行话说出图表的要点，数字用宏。
    A chart with its title, source and table; write its title, one line that says the chart's point, between {% call chart("roles") %} and {% endcall %}, with figures through macros."""
    page = _page(context)
    entry, _ = _rows(page, name)
    year = page.year
    found = charts.specs(entry, year, page.site, page.locale, page.library_name, page.charts)
    if not found:
        if year.draft:
            raise _StillToFill()
        raise AbsentPart(_part(entry))
    written = _written_title(Markup(caller()) if caller is not None else title)   # a block: escaped by the sandbox
    named = [written.striptags() if written and i == 0 else c.title for i, c in enumerate(found)]   # its accessible name
    svgs = []
    if os.environ.get("REPORT_CHARTS", "1") != "0":  # REPORT_CHARTS=0: tables only (make bench)
        cache = page.docs_dir.parent / ".cache" / "charts"
        svgs = [charts.to_svg(c.spec, f"{name}-{i}", named[i], cache) for i, c in enumerate(found)]
    rows = entry.rows(year, page.site) or []
    source = t("chart.source", page.locale, library=page.library_name, year=year.year)
    return render.chart_figure(name, svgs, charts.no_orphan(written or found[0].title, page.locale),
                               charts.no_orphan(found[0].subtitle, page.locale), source,
                               render.table(entry, rows, page.locale, _download(page, entry, year.year)),
                               page.locale)


def _written_title(title) -> Markup | None:
    """A chart's title as staff wrote it, on one line: the text of a ``{% call %}`` block (its words
    escaped by the sandbox, its figures written by macros) or a title="…" argument (escaped here);
    None where there is none, so that the chart states its own point."""
    if title is None:
        return None
    written = Markup(" ".join(str(title if isinstance(title, Markup) else render.esc(str(title))).split()))
    return written or None


@jinja2.pass_context
def chronicle_events(context):
    """本年的大事记：data/<年份>/chronicle.yaml 中的每一件事，按月份排列。
    The year's chronicle, every event of data/<year>/chronicle.yaml, by month."""
    page = _page(context)
    return render.chronicle(page.year.chronicle.events, page.locale, page.url)


@jinja2.pass_context
def change_of(context, measure):
    """浏览量（views）、下载量（downloads）或流通人次（circulation）较上年的变化，%：按年报所写，或由上一年数据计算。
    The change of views, downloads or circulation on the previous year in %: as stated, or computed."""
    page = _page(context)
    value = trends.change_of(page.site, page.year.year, measure)
    if value is None and trends.measure(page.year, measure) is None:
        raise AbsentPart(f"statistics.{measure}")
    return value


def share(part, whole, decimals=0):
    """part ÷ whole 的百分比，四舍五入到 decimals 位小数。
    part ÷ whole as a percentage, rounded half up to decimals places."""
    return figures.share(part, whole, decimals)


def total(items, field="count"):
    """一组数字之和，如 total(staff.education)。
    The sum of a field over a list, e.g. total(staff.education)."""
    values = [getattr(i, field) if field in getattr(type(i), "model_fields", ()) else None for i in items]
    if any(isinstance(v, bool) or not isinstance(v, (int, Decimal)) for v in values):
        raise AbsentPart(f"{field}")   # a field that is not a figure of every item
    return sum(values)


# ------------------------------------------------------------ titles and contents

def _number_word(number: int, lang: str) -> str:
    return fmt.cn_numeral(number) if LANGUAGES[lang].numerals == "chinese" else str(number)


@jinja2.pass_context
def chapter_heading(context):
    """本章的标题，按目录顺序编号：第一章 工作计划与总结。
    The chapter's heading, numbered in the order of the year's contents."""
    page = _page(context)
    number = page.chapter_number()
    title = page.meta.get("title", "")
    if number is None:
        return render.esc(str(title))
    written = page.file_locale   # an untranslated page reads wholly as its original
    return render.esc(t("chapter_heading", written, number=_number_word(number, written), title=title))


@jinja2.pass_context
def report_title(context, year=None, short=False):
    """年报的标题：2020 年安居区图书馆年报；short=True 时不含馆名：2020 年年报。
    The report's title: Anju District Library Annual Report 2020; with short=True, without the
    library's name (Annual Report 2020), for where the name stands just above."""
    page = _page(context)
    if _none_published(page, year):
        return render.esc(t("no_report", page.locale))
    return render.esc(t("report_short" if short else "report_title", page.locale, year=year or page.year.year,
                        library=page.library_name))


@jinja2.pass_context
def archive_title(context):
    """全部年报的总标题：安居区图书馆年报。
    The title of the whole archive."""
    page = _page(context)
    return render.esc(t("archive_title", page.locale, library=page.library_name))


@jinja2.pass_context
def contents(context, year=None):
    """一年的目录：各章按顺序编号并链接。
    A year's contents: every chapter, numbered and linked."""
    page = _page(context)
    year = int(year or page.year.year)
    return render.contents([{"href": page.link(c.url), "heading": t("chapter_heading", page.locale, title=c.title,
                                                                    number=_number_word(c.number, page.locale))}
                            for c in page.chapter_links(year)])


# ------------------------------------------------------------ the cover, the year, the downloads

def _none_published(page, year) -> bool:
    """A page outside the years, asking for no year, in a project with no year to show yet (its
    first year still a draft): the cover says so instead of showing a report."""
    return year is None and page.year is None


def _no_report_note(page, key: str = "no_report.note") -> str:
    return render.no_report(t(key, page.locale))


@jinja2.pass_context
def key_figures(context, year=None):
    """一年的主要数字（图块），附与上年的比较：用于封面和年份首页。
    A year's key figures as tiles, with the change on the previous year: for the cover and year pages."""
    page = _page(context)
    if _none_published(page, year):
        return _no_report_note(page)
    found = _year(page, year)
    return render.key_figures(key_figures_of.tiles(found, page.site, page.locale), page.locale)


@jinja2.pass_context
def pdf_download(context, year=None):
    """年报 PDF 的下载链接（注明格式、大小和页数）和数据下载链接：用于封面和年份首页。
    The year's PDF (with its format, size and pages) and its data, for the cover and the year's page."""
    page = _page(context)
    if _none_published(page, year):
        return ""
    found = _year(page, year)
    meta, y = page.meta, found.year
    from .pages import pdf_name
    meta["report_year"] = y
    # this edition's first; another edition is named in its own language, as its readers look for it
    meta["report_pdf_links"] = [
        {"href": page.link(f"downloads/{y}/{pdf_name(page.site, y, code)}"), "file": pdf_name(page.site, y, code),
         "code": code, "tag": LANGUAGES[code].tag, "current": code == page.locale,
         "label": t("download.pdf_edition", code, year=y) if code == page.locale else _own_edition(code)}
        for code in sorted(CODES, key=lambda c: c != page.locale)]
    # the year's figures in one ZIP, with its format and size as each PDF gives its own
    archive = _data_archive(page, y)
    meta["report_data_link"], meta["report_data_label"], meta["report_data_facts"] = (
        archive["href"], t("download.data", page.locale), archive["facts"])
    return "\n\n<!-- report:pdf -->\n\n"


@jinja2.pass_context
def contact(context):
    """图书馆的联系方式：地址，以及数据中有的电话和开放时间。
    How to reach the library: its address, and its telephone and opening hours where the data gives them."""
    page = _page(context)
    return render.contact(page.site.library, page.locale)


@jinja2.pass_context
def reply_time(context):
    """无障碍说明用：多久答复读者的请求（按 library.yaml 的 accessibility.reply_working_days；没有写时为“尽快”）。
    For the accessibility statement: how soon a reader's request is answered (library.yaml's
    accessibility.reply_working_days; "as soon as we can" where it gives none)."""
    page = _page(context)
    statement = page.site.library.accessibility
    days = statement.reply_working_days if statement is not None else None
    if days is None:
        return t("statement.reply_soon", page.locale)
    key = "statement.reply_within_one" if days == 1 else "statement.reply_within"
    return t(key, page.locale, days=fmt.number(days, page.locale))


@jinja2.pass_context
def statement_dates(context):
    """无障碍说明用：说明的编写日期和最近一次复核日期（按 library.yaml 的 accessibility）。
    For the accessibility statement: when it was prepared and last reviewed (library.yaml's accessibility)."""
    page = _page(context)
    statement = page.site.library.accessibility
    if statement is None or statement.prepared is None:
        return render.todo(page.locale)
    prepared = fmt.date(statement.prepared, page.locale, with_year=True)
    if statement.reviewed is None:
        return t("statement.prepared", page.locale, prepared=prepared)
    return t("statement.prepared_and_reviewed", page.locale, prepared=prepared,
             reviewed=fmt.date(statement.reviewed, page.locale, with_year=True))


@jinja2.pass_context
def archive(context):
    """历年年报列表，由新到旧，每年链接到年份首页。
    Every year's report, newest first, each linked to its page."""
    page = _page(context)
    if not page.years_shown:
        return _no_report_note(page, "no_report")
    return render.archive([{"href": page.link(f"{prefix(page.locale)}{y}/"),
                            "title": t("report_title", page.locale, year=y, library=page.library_name)}
                           for y in page.years_shown])


def _data_archive(page, y: int) -> dict:
    """The link to year *y*'s data in one ZIP file, its words saying the year, the format and the size."""
    found = page.site.years[y]
    name = opendata.archive_name(page.site, y)
    size = fmt.file_size(len(opendata.files(found, page.site)[name]), page.locale)
    return {"href": page.link(f"downloads/{y}/{name}"), "label": t("download.all_data", page.locale, year=y, size=size),
            "facts": t("download.data_facts", page.locale, size=size)}


def _data_anchor(y: int) -> str:
    """The data page's section for year *y*: a year page's data link leads there."""
    return f"data-{y}"


@jinja2.pass_context
def data_download(context, year=None):
    """年份首页用：一行链接，下载本年全部数据（ZIP，注明大小），并指向数据下载页中本年的各表格文件。
    For the year's page: one line to download all the year's figures (ZIP, with its size), and the way
    to each table's own file on the data page."""
    page = _page(context)
    y = _year(page, year).year
    return render.data_download(_data_archive(page, y), page.link(f"{prefix(page.locale)}data/#{_data_anchor(y)}"),
                                page.locale)


@jinja2.pass_context
def downloads(context, year=None):
    """数据下载页用：每年的全部数据（ZIP）、每个表格的 CSV 和 JSON 文件及各栏说明；不写年份时列出每一年。
    For the data page: each year's data in one ZIP, each table's CSV and JSON files and what each
    column means; every year shown unless a year is given."""
    page = _page(context)
    if not year and not page.years_shown:
        return _no_report_note(page)
    years = [int(year)] if year else page.years_shown
    blocks = []
    for y in years:
        found = page.site.years[y]
        sizes = opendata.files(found, page.site)
        files = [{"title": data.title[page.locale], "links": [
                     {"href": page.link(f"downloads/{y}/{data.name}.{ext}"), "format": ext.upper(),
                      "size": t("download.size", page.locale,
                                size=fmt.file_size(len(sizes[f"{data.name}.{ext}"]), page.locale))}
                     for ext in ("csv", "json")]}
                 for data in opendata.datasets(found, page.site)]
        heading = None if year else t("report_title", page.locale, year=y, library=page.library_name)
        blocks.append(render.downloads(heading, _data_anchor(y), _data_archive(page, y), files,
                                       page.link(f"downloads/{y}/datapackage.json"), page.locale))
    return "".join(blocks)


# ------------------------------------------------------------ the editing guide's references

def code(text):
    """编辑指南用：把宏的写法原样显示为代码（不执行）。
    For the editing guide: a macro shown as code, not run."""
    return render.code(text)


def code_block(text):
    """编辑指南用：多行示例，原样显示为代码块（不执行）。
    For the editing guide: a multi-line example shown as a code block, not run."""
    return render.code_block(text.strip())


@jinja2.pass_context
def macro_reference(context):
    """编辑指南中的宏和过滤器列表，由它们的说明自动生成。
    The editing guide's list of every macro and filter, from their docstrings."""
    from . import filters
    page = _page(context)
    heads = (t("reference.call", page.locale), t("reference.does", page.locale))
    table_heads = tuple(t(k, page.locale) for k in ("reference.table_name", "reference.table_caption",
                                                   "reference.table_file"))
    return render.reference([
        {"heading": t("reference.macros", page.locale), "code": False, "head": heads,
         "rows": reference.callables(MACROS, page.locale) + [_named_item(page.locale)]},
        {"heading": t("reference.filters", page.locale), "code": False, "head": heads,
         "rows": reference.callables(filters.FILTERS, page.locale, filters=True)},
        {"heading": t("reference.tables", page.locale), "code": False, "head": table_heads,
         "rows": reference.tables(page.locale)}])


@jinja2.pass_context
def field_reference(context):
    """编辑指南中每个数据文件的字段列表，由数据结构自动生成。
    The editing guide's list of every data file's fields, from the data schema."""
    page = _page(context)
    heads = tuple(t(key, page.locale) for key in ("reference.field", "reference.kind", "reference.does"))
    # a file's name is shown in a code span, which shows its text as typed: as Markup, not escaped
    return render.reference([{"heading": Markup(name), "code": True, "head": heads,
                              "rows": reference.fields(model, page.locale)}
                             for name, model in reference.data_files().items()])


def _named_item(lang: str) -> tuple[str, str]:
    """The guide's line for quoting one item of a list by its id (schema.Named): not a macro, but
    written where staff look for how to write a figure."""
    zh, en, *_ = inspect.cleandoc(Named.__doc__).splitlines()
    return "<list>.<id>.<field>", zh if lang == "zh" else en


MACROS = [table, figure, listing, chart, chronicle_events, change_of, share, total, chapter_heading, report_title,
          archive_title, contents, key_figures, pdf_download, archive, contact, reply_time, statement_dates, data_download,
          downloads, macro_reference,
          field_reference, code, code_block]
# Names kept for chapters written before the macros were renamed.
ALIASES: dict = {}


class _ReportSandbox(ChapterSandbox):
    """The chapters' sandbox, which tells an item a named list does not have by the ids it has."""

    def getattr(self, obj, attribute):
        return _item_or_told(obj, attribute, super().getattr(obj, attribute))

    def getitem(self, obj, argument):
        value = super().getitem(obj, argument)
        return _item_or_told(obj, argument, value) if isinstance(argument, str) else value


def _item_or_told(items, name: str, value):
    """*value*, as the sandbox found it; for a named list (schema.Named) that has no item *name*,
    UnknownName naming the list, with the ids it has, nearest first."""
    if not isinstance(items, Named) or not isinstance(value, jinja2.Undefined):
        return value
    found = item_named(items, name)   # an id the list's own methods shadow (count, index), refused as one
    if found is not None:
        return found
    ids = sorted(item_ids(items), key=lambda i: -difflib.SequenceMatcher(None, name, i).ratio())
    place = named_place(items)
    raise UnknownName(f"{place}.{name}" if place else name, dict.fromkeys(ids))


def sandbox() -> ChapterSandbox:
    """The sandbox every page of a build renders in: these macros and the filters, nothing else."""
    from . import filters
    macros = {m.__name__: m for m in MACROS} | dict(ALIASES)
    return _ReportSandbox(macros, {f.__name__: f for f in filters.FILTERS})
