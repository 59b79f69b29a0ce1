"""The formatting functions on edge values, in both languages."""
import datetime as dt
from decimal import Decimal as D

import pytest

from macros.core import figures, fmt
from macros.core.fmt import NBSP
from macros.core.schema import MonthOnly


@pytest.mark.parametrize("value, zh, en", [
    (0, "0", "0"),
    (D("0"), "0", "0"),
    (52418, "52418", "52,418"),
    (1234567890, "1234567890", "1,234,567,890"),
    (D("0.2417"), "0.2417", "0.2417"),
    (D("207.5"), "207.5", "207.5"),
    (D("207.50"), "207.50", "207.50"),   # published precision kept, trailing zero too
    (D("31.27"), "31.27", "31.27"),
])
def test_number_keeps_published_precision(value, zh, en):
    assert fmt.number(value, "zh") == zh
    assert fmt.number(value, "en") == en


@pytest.mark.parametrize("wan, zh, en", [
    (D("243.71"), "243.71 万元", "CNY 2,437,100"),
    (D("207.5"), "207.5 万元", "CNY 2,075,000"),
    (D("0"), "0 万元", "CNY 0"),
    (D("0.94"), "0.94 万元", "CNY 9,400"),
    (D("12345.6789"), "12345.6789 万元", "CNY 123,456,789"),
    (D("0.00005"), "0.00005 万元", "CNY 0.5"),  # beyond a yuan: no precision lost
])
def test_money_in_wan_and_exact_yuan(wan, zh, en):
    # the figure and its unit never part at a line's end
    assert fmt.money(wan, "zh") == zh.replace(" ", NBSP)
    assert fmt.money(wan, "en") == en.replace(" ", NBSP)


@pytest.mark.parametrize("value, zh, en", [
    (D("27.43"), "较上年提高了 27.43%", "up 27.43% on 2019"),
    (D("-31.08"), "较上年下降了 31.08%", "down 31.08% on 2019"),
    (D("0"), "与上年持平", "unchanged on 2019"),
    (D("-0.01"), "较上年下降了 0.01%", "down 0.01% on 2019"),
])
def test_change_has_direction(value, zh, en):
    assert fmt.change(value, "zh", 2019) == zh
    assert fmt.change(value, "en", 2019) == en


def test_change_verbs_can_be_replaced():
    assert fmt.change(D("-8.85"), "zh", 2019, up="增加", down="减少") == "较上年减少了 8.85%"


def test_signed_percent():
    assert fmt.signed_percent(D("-31.08"), "en") == "−31.08%"
    assert fmt.signed_percent(D("27.43"), "zh") == "+27.43%"


@pytest.mark.parametrize("start, end, zh, en", [
    (dt.date(2020, 1, 13), dt.date(2020, 1, 17), "1 月 13 日—1 月 17 日", "13–17 January 2020"),
    (dt.date(2020, 4, 14), dt.date(2020, 5, 5), "4 月 14 日—5 月 5 日", "14 April – 5 May 2020"),
    (dt.date(2020, 12, 30), dt.date(2021, 1, 2), "12 月 30 日—1 月 2 日", "30 December 2020 – 2 January 2021"),
    (dt.date(2020, 5, 18), None, "5 月 18 日", "18 May 2020"),
    (MonthOnly(2020, 5), None, "5 月", "May 2020"),
])
def test_dates_and_ranges(start, end, zh, en):
    assert fmt.date_range(start, end, "zh") == zh.replace(" ", NBSP)
    assert fmt.date_range(start, end, "en") == en


def test_date_with_year_in_chinese():
    assert fmt.date(dt.date(2020, 12, 31), "zh", with_year=True) == f"2020{NBSP}年{NBSP}12{NBSP}月{NBSP}31{NBSP}日"


@pytest.mark.parametrize("n, word", [(1, "一"), (5, "五"), (10, "十"), (11, "十一"), (20, "二十"), (25, "二十五"), (99, "九十九")])
def test_chapter_numerals(n, word):
    assert fmt.cn_numeral(n) == word


def test_chapter_numeral_out_of_range():
    with pytest.raises(ValueError):
        fmt.cn_numeral(100)


@pytest.mark.parametrize("part, whole, decimals, expected", [
    (11, 11, 0, D("100")), (5, 11, 1, D("45.5")), (1, 8, 1, D("12.5")), (1, 3, 2, D("33.33")),
    (2, 3, 0, D("67")), (1, 0, 0, D("0")), (D("0.5"), 1, 0, D("50")),
])
def test_share_rounds_half_up(part, whole, decimals, expected):
    assert figures.share(part, whole, decimals) == expected


def test_at_least():
    assert fmt.at_least(1000, "zh") == "上千"
    assert fmt.at_least(1000, "en") == "over 1,000"
    assert fmt.at_least(300, "zh") == f"300{NBSP}余"


def test_space_between_chinese_and_numerals():
    assert fmt.space_cjk("共开展45场次") == f"共开展{NBSP}45{NBSP}场次"


@pytest.mark.parametrize("n, en", [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"),
                                   (13, "13th"), (21, "21st"), (22, "22nd"), (25, "25th"), (101, "101st"), (111, "111th")])
def test_english_ordinals(n, en):
    assert fmt.ordinal(n, "en") == en
    assert fmt.ordinal(n, "zh") == str(n)


def test_a_year_end_reporting_date_reads_as_the_report_writes_it():
    assert fmt.as_of(dt.date(2020, 12, 31), "zh") == f"2020{NBSP}年底"
    assert fmt.as_of(dt.date(2020, 12, 31), "en") == "the end of 2020"
    assert fmt.as_of(dt.date(2020, 6, 30), "zh") == f"2020{NBSP}年{NBSP}6{NBSP}月{NBSP}30{NBSP}日"


@pytest.mark.parametrize("size, zh, en", [(812, "812 B", "812 B"), (3481, "3.4 KB", "3.4 KB"),
                                          (1258291, "1.2 MB", "1.2 MB"), (5_000_000, "4.8 MB", "4.8 MB"),
                                          (480 * 1024, "480 KB", "480 KB")])   # no ".0"
def test_file_sizes_read_as_readers_read_them(size, zh, en):
    assert fmt.file_size(size, "zh") == zh.replace(" ", NBSP) and fmt.file_size(size, "en") == en.replace(" ", NBSP)


@pytest.mark.parametrize("now, before, expected", [(90000, 80000, D("12.50")), (12345, 15432, D("-20.00")),
                                                   (5, 0, None), (None, 3, None)])
def test_a_change_is_computed_to_two_places(now, before, expected):
    assert figures.change(now, before) == expected


@pytest.mark.parametrize("wan, zh, en", [
    (D("123.46"), "123.5 万元", "CNY 1.23 million"),   # a tile's few characters; the table keeps the exact figure
    (D("107.2"), "107.2 万元", "CNY 1.07 million"),
    (D("200"), "200 万元", "CNY 2 million"),           # no decimals invented
    (D("1234.56"), "1234.6 万元", "CNY 12.35 million"),
    (D("18"), "18 万元", "CNY 180,000"),              # under a million: the exact yuan is short enough
    (D("0.94"), "0.9 万元", "CNY 9,400"),
])
def test_money_in_a_tile_takes_the_compact_form_readers_use(wan, zh, en):
    assert fmt.compact_money(wan, "zh") == zh.replace(" ", NBSP)
    assert fmt.compact_money(wan, "en").replace(NBSP, " ") == en
    assert fmt.compact_money_figure(wan, "zh") == zh.split()[0]


@pytest.mark.parametrize("value, decimals, shown", [
    (D("0.1296"), 2, "0.13"), (D("0.135"), 2, "0.14"), (D("0.1349"), 2, "0.13"),   # half away from zero
    (D("17.19"), 2, "17.19"), (D("3.9"), 2, "3.9"), (61234, 2, "61,234"),          # never more decimals
])
def test_a_figure_rounded_to_the_places_a_reader_needs(value, decimals, shown):
    assert fmt.rounded(value, decimals, "en") == shown


def test_a_change_not_known_is_said_so():
    assert fmt.change_unknown(2019, "zh") == "2019 年：未公布"
    assert fmt.change_unknown(2019, "en") == "2019: not published"
