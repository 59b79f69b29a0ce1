"""The filters chapters write after a value: ``{{ finance.budget.total | money }}``.

Plain functions of the page (read from Jinja's context, bound once per page in page.py)
and a value. A value a draft has not filled in yet shows as 【待填写】 / [TODO]; a part a
finished year does not have stops the build with a message naming it.

Each docstring is the editing guide's reference: its first line in Chinese, the second
in English.
"""
from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal

import jinja2

from . import fmt, render
from .chapter_errors import AbsentPart, NotAllowed
from .sandbox import PAGE_KEY
from .schema import MonthOnly
from .strings import t


def _page(context):
    return context[PAGE_KEY]


def _value_filter(format_value):
    """A filter that formats a filled-in value, passes the to-do marker on, and says what is wrong otherwise."""
    @functools.wraps(format_value)
    @jinja2.pass_context
    def filtered(context, value, *args, **kwargs):
        page = _page(context)
        if isinstance(value, jinja2.Undefined):
            value._fail_with_undefined_error()  # names the misspelt variable or field
        if value is None:
            if page.year is not None and not page.year.draft:
                raise AbsentPart(None)
            return t("todo", page.locale)
        if value == t("todo", page.locale):  # chained filters pass the marker on
            return value
        if isinstance(value, bool) or not isinstance(value, (int, Decimal, dt.date, MonthOnly)):
            # a figure or a date of the data: never text typed in the chapter ("1e-10000000" would
            # be written out to ten million places)
            raise NotAllowed("数据中的数字或日期之外的值 / a value that is not a figure or date of the data", None)
        return format_value(page, value, *args, **kwargs)
    return filtered


@_value_filter
def num(page, value):
    """一个数字，按公布的精度：60173。
    A count or measure at its published precision: 60173 / 60,173."""
    return fmt.number(value, page.locale)


@_value_filter
def money(page, amount_wan):
    """金额（数据以万元为单位）：168.52 万元。
    An amount in 万元: "168.52 万元" / "CNY 1,685,200"."""
    return fmt.money(amount_wan, page.locale)


@_value_filter
def pct(page, value):
    """百分比：18.16%。
    A percentage: 18.16%."""
    return fmt.percent(value, page.locale)


@_value_filter
def change(page, value, up=None, down=None):
    """较上年的变化：较上年提高了 18.16%；up、down 可换动词，如 change(down="减少")。
    A change on the previous year: up 18.16% on 2019; up/down replace the verbs."""
    verbs = [render.esc(str(v)) if v is not None else None for v in (up, down)]   # a chapter's words, as text
    return fmt.change(value, page.locale, page.year.year - 1, *verbs)


@_value_filter
def date(page, value, with_year=None):
    """日期：1 月 13 日（只有月份时：5 月）。
    A date: 13 January 2020 (a month alone: May 2020)."""
    return fmt.date(value, page.locale, with_year)


@_value_filter
def as_of(page, value):
    """统计日期：12 月 31 日写作“2020 年底”。
    A reporting date: 31 December reads "the end of 2020"."""
    return fmt.as_of(value, page.locale)


@_value_filter
def month(page, value):
    """月份：4 月。
    A month number as a name: April."""
    return fmt.month(value, page.locale)


@_value_filter
def at_least(page, value):
    """公布的下限：上千、300 余。
    A published lower bound: over 1,000."""
    return fmt.at_least(value, page.locale)


@_value_filter
def wan(page, value):
    """以“万”为单位的数字换成普通数字：16 → 160000（再接 num）。
    A figure in 万 (ten thousands) as a plain number: 16 -> 160000 (then num)."""
    return fmt.wan(value)


@jinja2.pass_context
def text(context, value):
    """数据中的文字，按本页语言：馆名、地址等。
    A text from the data in the page's language: the library's name, an address."""
    if isinstance(value, jinja2.Undefined):
        value._fail_with_undefined_error()
    page = _page(context)
    if value is None:
        if page.year is not None and not page.year.draft:
            raise AbsentPart(None)
        return t("todo", page.locale)
    return render.translated(value, page.locale)


FILTERS = [num, money, pct, change, date, as_of, month, at_least, wan, text]
