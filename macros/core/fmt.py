"""Numbers, money, percentages and dates, written the way each language's
readers expect. Every function takes the language (a code of languages.LANGUAGES)
and never changes a figure's published precision.

Locale rules come from Babel (CLDR), for the locale each language declares (languages.yaml).
Where a language's house style differs from CLDR, its declaration says how: Chinese follows the
typesetting convention of the seed report, a space between Chinese and Arabic numerals
("45 场次", "1 月 13 日") and no digit grouping, as the report prints its figures. The words
(较上年, "on 2019") are interface strings (strings.py).
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from decimal import Decimal
from typing import Union

from babel import Locale
from babel.dates import format_date, format_interval, format_skeleton
from babel.lists import format_list
from babel.numbers import format_compact_decimal, format_decimal

from . import figures
from .figures import places
from .languages import LANGUAGES, Language
from .schema import MonthOnly
from .strings import has, t

Number = Union[int, Decimal]
# A figure and its unit never part at the end of a line (on a 360 px phone least of all).
NBSP = "\u00a0"
WAN = Decimal(10_000)
# CLDR's "long" date is used with the year; these are its parts without it, where a language
# declares no pattern of its own (languages.yaml's dates:).
_SKELETONS = {"day_month": "MMMMd", "month": "MMMM", "month_year": "yMMMM"}


def _pattern(decimals: int, grouping: bool) -> str:
    base = "#,##0" if grouping else "0"
    return base + ("." + "0" * decimals if decimals else "")


def number(value: Number, lang: str) -> str:
    """A count or measure at its published precision: ``60173`` / ``60,173``."""
    return _number(str(Decimal(value)), LANGUAGES[lang])


# Babel takes a tenth of every page's time and the same figures recur on every page: each is
# formatted once. Keyed by the figure's text, as 1.0 and 1.00 are equal but published differently,
# and by the language's whole declaration (its locale and style), not only its code.
@functools.lru_cache(maxsize=8192)
def _number(text: str, language: Language) -> str:
    value = Decimal(text)
    return format_decimal(value, format=_pattern(places(value), language.grouping),
                          locale=language.babel, decimal_quantization=True)


def rounded(value: Number, decimals: int, lang: str) -> str:
    """A figure shown to *decimals* places, half away from zero, where a reader needs no more
    (0.1396 volumes per person reads ``0.14``); never more decimals than it was published with."""
    value = Decimal(value)
    if decimals < places(value):
        value = figures.rounded(value, decimals)
    return number(value, lang)


def _date(value: dt.date, part: str, language: Language) -> str:
    """*part* of a date (day_month, month, month_year) as *language* writes it."""
    pattern = language.dates.get(part)
    if pattern:
        return format_date(value, pattern, locale=language.babel)
    return format_skeleton(_SKELETONS[part], value, locale=language.babel)


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
    return _money_figure(str(Decimal(amount_wan)), LANGUAGES[lang])


@functools.lru_cache(maxsize=8192)
def _money_figure(text: str, language: Language) -> str:
    amount_wan = Decimal(text)
    if language.money == "wan":
        return _number(text, language)
    decimals = max(0, places(amount_wan) - 4)  # exact yuan: no precision lost, none invented
    return format_decimal(amount_wan * WAN, format=_pattern(decimals, language.grouping), locale=language.babel,
                          decimal_quantization=True)


def money(amount_wan: Number, lang: str) -> str:
    """An amount published in 万元: "168.52 万元" in Chinese, exact yuan "CNY 1,685,200" in English
    (the language's money: style, worded by its fmt.money.<style> string)."""
    return t(f"fmt.money.{LANGUAGES[lang].money}", lang, amount=money_figure(amount_wan, lang))


def compact_money_figure(amount_wan: Number, lang: str) -> str:
    """An amount in 万元 as a tile shows it, without its currency: ``186.5`` (万元, to one place) in
    Chinese; ``1.87 million`` (yuan, to two places, as CLDR words a million) in English, or the
    exact yuan below a million. The exact figure is the table's."""
    language = LANGUAGES[lang]
    amount_wan = Decimal(amount_wan)
    if language.money == "wan":
        return rounded(amount_wan, 1, lang)
    yuan = amount_wan * WAN
    if yuan < 1_000_000:
        return money_figure(amount_wan, lang)
    # CLDR words a million ("1.87 million") where the locale has long forms; some (ko) have only short
    style = "long" if "long" in Locale.parse(language.babel).compact_decimal_formats else "short"
    return format_compact_decimal(yuan, format_type=style, locale=language.babel, fraction_digits=2)


def compact_money(amount_wan: Number, lang: str) -> str:
    """An amount in 万元 in a tile's few characters: "186.5 万元" / "CNY 1.87 million"."""
    return t(f"fmt.money.{LANGUAGES[lang].money}", lang, amount=compact_money_figure(amount_wan, lang))


def file_size(size: int, lang: str) -> str:
    """A download's size as readers read it: ``812 B``, ``3.4 KB``, ``1.2 MB``."""
    for unit, bound in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= bound:
            tenths = Decimal(size / bound).quantize(Decimal("0.1"))
            # "480 KB", not "480.0 KB"
            return with_unit(number(tenths.to_integral() if tenths == tenths.to_integral() else tenths, lang), unit, lang)
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
    if value == 0:
        return t("fmt.unchanged", lang, previous_year=previous_year)
    verb = (up or t("fmt.up", lang)) if value > 0 else (down or t("fmt.down", lang))
    return t("fmt.change", lang, verb=verb, size=percent(abs(value), lang), previous_year=previous_year)


def change_unknown(previous_year: int, lang: str) -> str:
    """Where a change on the previous year is not known: ``2019 年：未公布`` / ``2019: not published``."""
    return t("fmt.change_unknown", lang, previous_year=previous_year)


def space_cjk(text: str) -> str:
    """Put a space between Chinese characters and Latin letters or numerals: a no-break space,
    so that ``1 月 13 日`` never parts at the end of a line."""
    text = re.sub(r"([\u4e00-\u9fff])([0-9A-Za-z])", rf"\1{NBSP}\2", text)
    return re.sub(r"([0-9A-Za-z%])([\u4e00-\u9fff])", rf"\1{NBSP}\2", text)


def date(value: dt.date | MonthOnly, lang: str, with_year: bool | None = None) -> str:
    """A date: ``1 月 13 日`` / ``13 January 2020``; a month: ``5 月`` / ``May 2020``.

    Chinese omits the year by default (the chapter names it: year_in_dates: false); English keeps it.
    """
    language = LANGUAGES[lang]
    if with_year is None:
        with_year = language.year_in_dates
    if isinstance(value, MonthOnly):
        text = _date(dt.date(value.year, value.month, 1), "month_year" if with_year else "month", language)
    else:
        text = format_date(value, "long", locale=language.babel) if with_year else _date(value, "day_month", language)
    return _spaced(text, language)


def _spaced(text: str, language: Language) -> str:
    return space_cjk(text) if language.spacing == "cjk" else text


def as_of(value: dt.date, lang: str) -> str:
    """A reporting date: the last day of a year reads ``2020 年底`` / ``the end of 2020``."""
    if (value.month, value.day) == (12, 31):
        return t("fmt.year_end", lang, year=value.year)
    return date(value, lang, with_year=True)


def date_range(start: dt.date, end: dt.date | None, lang: str) -> str:
    """``1 月 13 日—1 月 17 日`` / ``13–17 January 2020``, ``14 April – 5 May 2020``."""
    if end is None or end == start or isinstance(start, MonthOnly):
        return date(start, lang)
    language = LANGUAGES[lang]
    if language.ranges == "joined":
        return f"{date(start, lang)}—{date(end, lang)}"
    if language.ranges != "compact":   # CLDR's interval format
        skeleton = "yMMMMd" if language.year_in_dates or start.year != end.year else "MMMMd"
        return _spaced(format_interval(start, end, skeleton, locale=language.babel), language)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{date(end, lang)}"
    if start.year == end.year:
        return f"{_date(start, 'day_month', language)} – {date(end, lang)}"
    return f"{date(start, lang)} – {date(end, lang)}"


def month(value: int, lang: str) -> str:
    """A month of the year: ``4 月`` / ``April``."""
    language = LANGUAGES[lang]
    return _spaced(_date(dt.date(2000, value, 1), "month", language), language)


def at_least(value: int, lang: str) -> str:
    """A published lower bound: ``上千`` / ``over 1,000``; other values ``300 余`` / ``over 300``."""
    word = f"fmt.at_least.{int(value)}"   # a round number's word, where the language has one (上千)
    return t(word, lang) if has(word, lang) else t("fmt.at_least", lang, number=number(value, lang))


def ordinal(value: Number, lang: str) -> str:
    """25 -> "25th" in English (21st, 22nd, 23rd, 11th …); Chinese writes the number (第 25 个).
    The language's fmt.ordinal.<CLDR ordinal form> string words it, or its fmt.ordinal."""
    n = int(value)
    form = f"fmt.ordinal.{Locale.parse(LANGUAGES[lang].babel).ordinal_form(n)}"
    return t(form if has(form, lang) else "fmt.ordinal", lang, number=number(n, lang))


_DIGITS = "零一二三四五六七八九"


def cn_numeral(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 25 -> 二十五 (chapter numbers, up to 99)."""
    if not 0 < n < 100:
        raise ValueError(f"chapter number out of range: {n}")
    tens, ones = divmod(n, 10)
    return ((_DIGITS[tens] if tens > 1 else "") + ("十" if tens else "") + (_DIGITS[ones] if ones else "")) or "零"


def heading_case(text: str, lang: str) -> str:
    """A data label that reads mid-sentence ("staff costs") as a table label ("Staff costs")."""
    return text[:1].upper() + text[1:] if LANGUAGES[lang].casing else text


def mid_sentence(text: str, lang: str) -> str:
    """A label ("Visits") as it reads inside a sentence ("visits"); a name in capitals ("PDF") stays."""
    if LANGUAGES[lang].casing and text[:2] != text[:2].upper():
        return text[:1].lower() + text[1:]
    return text


def items(names: list[str], lang: str) -> str:
    """A list as a sentence says it: ``计划、大事记和经费`` / ``plan, chronicle and finance``."""
    return format_list(names, locale=LANGUAGES[lang].babel) if names else ""
