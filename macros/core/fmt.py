"""Numbers, money, percentages and dates, written the way each language's
readers expect. Every function takes the language (a code of languages.LANGUAGES)
and never changes a figure's published precision.

Locale rules come from Babel (CLDR). Chinese follows the house typesetting
convention of the seed report: a space between Chinese and Arabic numerals
("45 场次", "1 月 13 日") and no digit grouping, as the report prints its figures.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from decimal import Decimal
from typing import Union

from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_decimal

from .figures import places
from .languages import LANGUAGES
from .schema import MonthOnly

Number = Union[int, Decimal]
LOCALES = {code: language.babel for code, language in LANGUAGES.items()}
# A figure and its unit never part at the end of a line (on a 360 px phone least of all).
NBSP = "\u00a0"
WAN = Decimal(10_000)
# CLDR's "long" date is used with the year; these are its parts without it.
_PATTERNS = {
    "zh": {"day_month": "M月d日", "month": "M月", "month_year": "y年M月"},
    "en": {"day_month": "d MMMM", "month": "MMMM", "month_year": "MMMM y"},
}


def _pattern(decimals: int, grouping: bool) -> str:
    base = "#,##0" if grouping else "0"
    return base + ("." + "0" * decimals if decimals else "")


def number(value: Number, lang: str) -> str:
    """A count or measure at its published precision: ``60173`` / ``60,173``."""
    return _number(str(Decimal(value)), lang)


# Babel takes a tenth of every page's time and the same figures recur on every page: each is
# formatted once. Keyed by the figure's text, as 1.0 and 1.00 are equal but published differently.
@functools.lru_cache(maxsize=8192)
def _number(text: str, lang: str) -> str:
    value = Decimal(text)
    return format_decimal(value, format=_pattern(places(value), lang != "zh"),
                          locale=LOCALES[lang], decimal_quantization=True)


def wan(value: Number) -> Decimal:
    """A figure published in 万 (ten thousands) as a plain number: 16 -> 160000."""
    return Decimal(value) * WAN


def with_unit(figure: str, unit: str, lang: str) -> str:
    """A formatted figure and its unit, bound together: ``45 场次``, ``4,768 m²``, ``12%``."""
    if not unit:
        return figure
    return f"{figure}{unit}" if unit == "%" else f"{figure}{NBSP}{unit}"


def money_figure(amount_wan: Number, lang: str) -> str:
    """An amount in 万元 as a table cell shows it under its unit: ``168.52`` / ``1,685,200`` (yuan)."""
    return _money_figure(str(Decimal(amount_wan)), lang)


@functools.lru_cache(maxsize=8192)
def _money_figure(text: str, lang: str) -> str:
    amount_wan = Decimal(text)
    if lang == "zh":
        return number(amount_wan, "zh")
    decimals = max(0, places(amount_wan) - 4)  # exact yuan: no precision lost, none invented
    return format_decimal(amount_wan * WAN, format=_pattern(decimals, True), locale=LOCALES[lang],
                          decimal_quantization=True)


def money(amount_wan: Number, lang: str) -> str:
    """An amount published in 万元: "168.52 万元" in Chinese, exact yuan "CNY 1,685,200" in English."""
    if lang == "zh":
        return with_unit(money_figure(amount_wan, lang), "万元", lang)
    return f"CNY{NBSP}{money_figure(amount_wan, lang)}"


def file_size(size: int, lang: str) -> str:
    """A download's size as readers read it: ``812 B``, ``3.4 KB``, ``1.2 MB``."""
    for unit, bound in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= bound:
            return with_unit(number(Decimal(size / bound).quantize(Decimal("0.1")), lang), unit, lang)
    return with_unit(number(size, lang), "B", lang)


def percent(value: Number, lang: str) -> str:
    """A percentage as published: ``18.16%`` (no space before %, in either language)."""
    return f"{number(value, lang)}%"


def signed_percent(value: Number, lang: str) -> str:
    """A change with its sign, for tables: ``+18.16%``, ``−22.35%`` (a true minus sign)."""
    value = Decimal(value)
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{percent(abs(value), lang)}"


def change(value: Number, lang: str, previous_year: int, up: str | None = None,
           down: str | None = None) -> str:
    """A change on the previous year with its direction.

    ``较上年提高了 18.16%`` / ``up 18.16% on 2019``; a negative value reads
    ``较上年下降了 22.35%`` / ``down 22.35% on 2019``. ``up`` and ``down``
    replace the verbs (for example 增加 / 减少 for visitor numbers).
    """
    value = Decimal(value)
    size = percent(abs(value), lang)
    if lang == "zh":
        if value == 0:
            return "与上年持平"
        verb = (up or "提高") if value > 0 else (down or "下降")
        return f"较上年{verb}了 {size}"
    if value == 0:
        return f"unchanged on {previous_year}"
    verb = (up or "up") if value > 0 else (down or "down")
    return f"{verb} {size} on {previous_year}"


def space_cjk(text: str) -> str:
    """Put a space between Chinese characters and Latin letters or numerals: a no-break space,
    so that ``1 月 13 日`` never parts at the end of a line."""
    text = re.sub(r"([\u4e00-\u9fff])([0-9A-Za-z])", rf"\1{NBSP}\2", text)
    return re.sub(r"([0-9A-Za-z%])([\u4e00-\u9fff])", rf"\1{NBSP}\2", text)


def date(value: dt.date | MonthOnly, lang: str, with_year: bool | None = None) -> str:
    """A date: ``1 月 13 日`` / ``13 January 2020``; a month: ``5 月`` / ``May 2020``.

    Chinese omits the year by default (the chapter names it); English keeps it.
    """
    if with_year is None:
        with_year = lang == "en"
    if isinstance(value, MonthOnly):
        text = format_date(dt.date(value.year, value.month, 1), _PATTERNS[lang]["month_year" if with_year else "month"],
                           locale=LOCALES[lang])
    else:
        text = format_date(value, "long" if with_year else _PATTERNS[lang]["day_month"], locale=LOCALES[lang])
    return space_cjk(text) if lang == "zh" else text


def as_of(value: dt.date, lang: str) -> str:
    """A reporting date: the last day of a year reads ``2020 年底`` / ``the end of 2020``."""
    if (value.month, value.day) == (12, 31):
        return f"{value.year}{NBSP}年底" if lang == "zh" else f"the end of {value.year}"
    return date(value, lang, with_year=True)


def date_range(start: dt.date, end: dt.date | None, lang: str) -> str:
    """``1 月 13 日—1 月 17 日`` / ``13–17 January 2020``, ``14 April – 5 May 2020``."""
    if end is None or end == start or isinstance(start, MonthOnly):
        return date(start, lang)
    if lang == "zh":
        return f"{date(start, lang)}—{date(end, lang)}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{date(end, lang)}"
    if start.year == end.year:
        return f"{format_date(start, _PATTERNS[lang]['day_month'], locale=LOCALES[lang])} – {date(end, lang)}"
    return f"{date(start, lang)} – {date(end, lang)}"


def month(value: int, lang: str) -> str:
    """A month of the year: ``4 月`` / ``April``."""
    text = format_date(dt.date(2000, value, 1), _PATTERNS[lang]["month"], locale=LOCALES[lang])
    return space_cjk(text) if lang == "zh" else text


def at_least(value: int, lang: str) -> str:
    """A published lower bound: ``上千`` / ``over 1,000``; other values ``300 余`` / ``over 300``."""
    if lang == "zh":
        words = {100: "上百", 1000: "上千", 10000: "上万"}
        return words.get(int(value), f"{number(value, 'zh')}{NBSP}余")
    return f"over {number(value, 'en')}"


def ordinal(value: Number, lang: str) -> str:
    """25 -> "25th" in English (21st, 22nd, 23rd, 11th …); Chinese writes the number (第 25 个)."""
    n = int(value)
    if lang == "zh":
        return number(n, lang)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{number(n, lang)}{suffix}"


_DIGITS = "零一二三四五六七八九"


def cn_numeral(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 25 -> 二十五 (chapter numbers, up to 99)."""
    if not 0 < n < 100:
        raise ValueError(f"chapter number out of range: {n}")
    tens, ones = divmod(n, 10)
    return ((_DIGITS[tens] if tens > 1 else "") + ("十" if tens else "") + (_DIGITS[ones] if ones else "")) or "零"


def heading_case(text: str, lang: str) -> str:
    """A data label that reads mid-sentence ("staff costs") as a table label ("Staff costs")."""
    return text[:1].upper() + text[1:] if lang == "en" else text


def mid_sentence(text: str, lang: str) -> str:
    """A label ("Visits") as it reads inside a sentence ("visits"); a name in capitals ("PDF") stays."""
    if lang == "en" and text[:2] != text[:2].upper():
        return text[:1].lower() + text[1:]
    return text


def items(names: list[str], lang: str) -> str:
    """A list as a sentence says it: ``计划、大事记和经费`` / ``plan, chronicle and finance``."""
    return format_list(names, locale=LANGUAGES[lang].babel) if names else ""
