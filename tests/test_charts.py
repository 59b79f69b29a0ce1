"""Charts: static SVG drawn from the table registry, in both languages, each standing alone (a
visible title, its measure and period, its source), with an accessible name, a table holding
the same numbers as the data, one scale for charts that compare like with like, and no label
cut short."""
from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from conftest import FIXTURES
from macros.core import charts, fmt, tables, trends
from macros.core.validate import load_site

ARCHIVE = load_site(FIXTURES / "archive" / "data")
REPORT = load_site(FIXTURES / "anju-2020" / "data")


def figure(site: Path, page: str, name: str) -> str:
    source = (site / page / "index.html").read_text(encoding="utf-8")
    match = re.search(rf'<figure class="report-chart" id="figure-{name}">(.*?)</figure>', source, re.S)
    assert match, f"no chart {name} on {page}"
    return match.group(1)


def svg_texts(body: str) -> list[str]:
    return [html.unescape(t) for svg in re.findall(r"<svg .*?</svg>", body, re.S)
            for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]


def charted(site_data, year: int):
    """(table entry, page of the archive fixture) of every chart a chapter of *year* shows."""
    for page in ("review", "figures"):
        for code, prefix in (("zh", ""), ("en", "en/")):
            source = (FIXTURES / "archive/docs" / str(year) / f"{page}{'.en' if code == 'en' else ''}.md").read_text(encoding="utf-8")
            for name in re.findall(r'chart\("(\w+)"', source):
                yield tables.table(name), f"{prefix}{year}/{page}/", code


@pytest.mark.parametrize("year", [2019, 2020, 2021])
def test_each_chart_shows_the_figures_of_its_table_in_the_pages_language(archive, year):
    shown = list(charted(ARCHIVE, year))
    assert shown, f"the archive's chapters of {year} show no chart"
    for entry, page, code in shown:
        body = figure(archive, page, entry.name)
        texts = re.sub(r"\s", " ", " ".join(svg_texts(body)))
        for shown in expected(entry, ARCHIVE.years[year], code):
            assert re.sub(r"\s", " ", shown) in texts, (entry.name, page, shown)
        assert "…" not in texts  # no label cut short


def expected(entry, year, code: str) -> list[str]:
    """The figures a chart of *entry* must show: a breakdown's items, the measures' values, the funds."""
    rows = [r for r in entry.rows(year, ARCHIVE) or [] if r.role != "total" and r.value is not None]
    if isinstance(entry, tables.Breakdown):
        return [entry.unit.prose(r.value, code) for r in rows]
    if entry.chart is tables.ChartKind.CHANGES:
        return [fmt.number(r.value, code) for r in rows if r.id in trends.MEASURES]
    return [fmt.money(r.value, code) for r in rows if r.id in ("budget_total", "central_free_opening_fund", "expenditure_total")]


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_each_chart_stands_alone_and_has_an_accessible_name_and_a_table(report, prefix):
    for page in ("2020/plan/", "2020/organisation/", "2020/finance/", "2020/statistics/"):
        source = (report / prefix / page / "index.html").read_text(encoding="utf-8")
        found = re.findall(r'<figure class="report-chart" id="figure-(\w+)">(.*?)</figure>', source, re.S)
        assert found, f"no chart on {prefix}{page}"
        for name, body in found:
            # (the typesetting may keep a figure with its unit in a span inside each)
            title = re.search(r'<span class="report-chart__title">(.+?)</span><span class="report-chart__subtitle">', body)
            subtitle = re.search(r'<span class="report-chart__subtitle">(.+?)</span></figcaption>', body)
            source_line = re.search(r'<p class="report-chart__source">(.+?)</p>', body)
            assert title and subtitle and source_line and "2020" in subtitle.group(1), (page, name)
            svgs = re.findall(r"<svg .*?</svg>", body, re.S)
            assert svgs, (page, name)
            for svg in svgs:
                labelled = re.search(r'role="img" aria-labelledby="([^"]+)"', svg).group(1)
                assert re.search(rf'<title id="{labelled}">[^<]+</title>', svg)
                root = re.match(r"<svg [^>]*>", svg).group(0)
                # drawn for a 360 px phone (328 px of page), shown at that size, narrower only with the page
                width = float(re.search(r'viewBox="0 0 ([\d.]+) ', root).group(1))
                assert width <= 330 and f'width="{width:g}"' in root and "height=" not in root, (page, name, root)
            assert re.search(r"<details[^>]*>.*?<table.*?</table>.*?</details>", body, re.S), (page, name)


def bar_widths(body: str) -> dict[str, float]:
    """key of each bar -> its drawn length, from Vega's aria labels (the row's key) and paths."""
    out = {}
    for label, path in re.findall(r'aria-label="([^"]+)" role="graphics-symbol" aria-roledescription="rect mark" '
                                  r'd="(M0,[^"]+)"', body):
        # the bar's right end, round corner included: its path's furthest x
        out[html.unescape(label)] = max(float(x) for x, _ in re.findall(r"(-?[\d.]+),(-?[\d.]+)", path))
    return out


def test_staff_charts_share_one_scale(archive):
    year = ARCHIVE.years[2020]
    per_unit = set()
    for name in ("education", "roles"):
        widths = bar_widths(figure(archive, "2020/figures/", name))
        for row in tables.table(name).rows(year) or []:
            if row.role == "item":
                per_unit.add(round(widths[row.id] / row.value, 3))
    assert len(per_unit) == 1, per_unit  # 4 people draw as long in every chart of the group


def test_the_change_chart_shows_both_years_values_when_the_archive_has_them(archive):
    texts = " ".join(svg_texts(figure(archive, "2021/figures/", "statistics")))
    for measure in trends.MEASURES:
        now, before = (getattr(ARCHIVE.years[y].statistics, measure).value for y in (2021, 2020))
        assert fmt.number(now, "zh") in texts and fmt.number(before, "zh") in texts


def test_without_the_earlier_year_the_change_chart_shows_each_change_with_this_years_figure(report):
    body = figure(report, "2020/statistics/", "statistics")
    texts = " ".join(svg_texts(body))
    for measure in trends.MEASURES:
        row = getattr(REPORT.years[2020].statistics, measure)
        assert fmt.number(row.value, "zh") in texts and fmt.signed_percent(row.change_percent, "zh") in texts
        assert f'aria-label="{measure}"' in body   # a bar for each: its length the change, not the figure
    falls = [m for m in trends.MEASURES if getattr(REPORT.years[2020].statistics, m).change_percent < 0]
    assert falls and "#1f5f8c" in body   # a fall is drawn apart from a rise (and written with its sign)


def test_the_trend_chart_lists_the_measures_in_one_order_in_every_language(archive):
    orders = []
    for prefix, code in (("", "zh"), ("en/", "en")):
        labels = {i.label[code]: i.id for i in tables.table("statistics").indicators}
        trend = re.findall(r"<svg .*?</svg>", figure(archive, f"{prefix}2021/figures/", "statistics"), re.S)[-1]
        orders.append([labels[t] for t in svg_texts(trend) if t in labels])
    assert orders[0] == orders[1] and orders[0][:len(trends.MEASURES)] == list(trends.MEASURES)


def test_the_funding_chart_adds_the_fund_to_the_budget(report):
    texts = " ".join(svg_texts(figure(report, "2020/finance/", "finance")))
    fin = REPORT.years[2020].finance
    expected = (f"{fmt.money(fin.budget.total, 'zh')} + {fmt.money(fin.central_free_opening_fund, 'zh')}"
                f" = {fmt.money(fin.budget.total + fin.central_free_opening_fund, 'zh')}")
    assert re.sub(r"\s", " ", expected) in re.sub(r"\s", " ", texts)


def test_every_kind_of_chart_the_registry_declares_is_drawn():
    assert set(charts._DRAWN_BY) == set(tables.ChartKind)
    assert all(entry.chart is None or entry.chart in charts._DRAWN_BY for entry in tables.TABLES)


def test_chart_colours_meet_wcag_aa_on_white():
    def luminance(hex_colour):
        channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    for colour in (charts.PRIMARY, charts.NEGATIVE, charts.TEXT, charts.MUTED):
        assert 1.05 / (luminance(colour) + 0.05) >= 4.5, colour
