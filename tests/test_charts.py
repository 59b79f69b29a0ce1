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
from macros.core import charts, fmt, strings, tables, trends
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


def drawn_scales(body: str) -> list[float]:
    """px per unit of each bar of a chart (body: its figure), read as a reader reads it: the bar's
    length (the furthest x of its parts, a stack's included) against the figure written at its end."""
    scales = []
    for svg in re.findall(r"<svg .*?</svg>", body, re.S):
        rows: dict[tuple[float, float], float] = {}
        for path in re.findall(r'aria-roledescription="rect mark" d="(M[^"]+)"', svg):
            points = [(float(x), float(y)) for x, y in re.findall(r"(-?[\d.]+),(-?[\d.]+)", path)]
            top = points[0][1]
            height = float(re.search(r"v([\d.]+)", path).group(1)) if "h" in path else \
                max(y for _, y in points) - top
            key = (round(top, 1), round(top + height, 1))
            end = max(x for x, _ in points) + (float(re.search(r"h([\d.]+)", path).group(1)) if "h" in path else 0)
            rows[key] = max(rows.get(key, 0), end)
        for x, y, text in re.findall(r'<text [^>]*transform="translate\(([\d.]+),([\d.]+)\)"[^>]*>([^<]*)</text>', svg):
            for (top, bottom), end in rows.items():
                figure_ = re.search(r"\d[\d,]*(?:\.\d+)?", html.unescape(text))
                if top <= float(y) <= bottom + 6 and abs(float(x) - end - 4) < 1 and figure_:
                    scales.append(end / float(figure_.group().replace(",", "")))
    return scales


def chart_unit(body: str, code: str) -> str | None:
    """The one unit a chart's subtitle names ("本级财政预算构成（万元），2020 年"), or None for a
    chart of several measures (each on its own scale)."""
    subtitle = html.unescape(re.search(r'<span class="report-chart__subtitle">(.*?)</span></figcaption>', body, re.S).group(1))
    pattern = re.escape(strings.t("chart.subtitle", code, measure="\0", unit="\1", year="\2"))
    pattern = pattern.replace(re.escape("\0"), ".+").replace(re.escape("\1"), "(.+?)").replace(re.escape("\2"), r"\d{4}")
    found = re.fullmatch(pattern, re.sub(r"<[^>]+>", "", subtitle))
    return found.group(1) if found else None


@pytest.mark.parametrize("fixture", ["report", "archive"])
def test_every_chart_on_a_page_draws_one_unit_on_one_scale(fixture, request):
    site = request.getfixturevalue(fixture)
    compared = 0
    for page in site.rglob("index.html"):
        source = page.read_text(encoding="utf-8")
        code = "en" if page.relative_to(site).parts[0] == "en" else "zh"
        by_unit: dict[str, dict[str, list[float]]] = {}
        for name, body in re.findall(r'<figure class="report-chart" id="figure-(\w+)">(.*?)</figure>', source, re.S):
            unit = chart_unit(body, code)
            if unit is not None:
                by_unit.setdefault(unit, {})[name] = drawn_scales(body)
        for unit, charts_ in by_unit.items():
            assert all(charts_.values()), (page, unit, charts_)   # every chart's bars were read
            scales = [s for found in charts_.values() for s in found]
            compared += len(charts_) > 1
            # the same figure draws as long in every chart of the page in that unit
            assert max(scales) - min(scales) < 0.002 * max(scales), (str(page.relative_to(site)), unit, charts_)
    assert compared, "no page of the fixture has two charts in one unit"


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
    rises = [m for m in trends.MEASURES if getattr(REPORT.years[2020].statistics, m).change_percent > 0]
    # a fall is drawn apart from a rise in a pair that says neither good nor bad (never red), and
    # written with its sign
    colours = dict(re.findall(r'aria-label="(\w+)" role="graphics-symbol" aria-roledescription="rect mark" d="[^"]+" fill="(#\w+)"', body))
    assert falls and rises and {colours[m] for m in falls} == {charts.FALL} and {colours[m] for m in rises} == {charts.RISE}


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


def luminance(hex_colour):
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one, other="#ffffff"):
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_chart_colours_meet_wcag_aa_on_white():
    for colour in (charts.PRIMARY, charts.RISE, charts.TEXT, charts.MUTED):
        assert contrast(colour) >= 4.5, colour
    assert contrast(charts.FALL) >= 3   # a bar, not text: WCAG's 3:1 for graphics


def test_a_rise_and_a_fall_differ_in_lightness_not_in_red_against_green():
    # told apart without colour vision; neither is the red that means a fall to some readers
    assert contrast(charts.RISE, charts.FALL) >= 1.8
    for colour in (charts.RISE, charts.FALL):
        red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
        assert red <= max(green, blue), colour


# ------------------------------------------------------------ titles: the point, in the staff's words

ORGANISATION = "---\ntitle: 机构与人员\n---\n\n# {{ chapter_heading() }}\n\n"


def caption(rendered: str, name: str) -> tuple[str, str]:
    """(the visible title as markup, the accessible name of its first drawing) of chart *name*."""
    body = re.search(rf'<figure class="report-chart" id="figure-{name}">(.*?)</figure>', rendered, re.S).group(1)
    title = re.search(r'<span class="report-chart__title">(.*?)</span><span class="report-chart__subtitle">', body).group(1)
    return title, re.search(r"<svg .*?<title[^>]*>(.*?)</title>", body, re.S).group(1)


def test_a_title_staff_write_around_a_chart_is_its_title_with_figures_from_the_data(project):
    from test_chapters import render
    staff = load_site(project / "data").years[2020].staff
    roles = [r for r in staff.roles]
    text = (ORGANISATION + f'{{% call chart("roles") %}}\n{{{{ staff.roles.{roles[0].id}.count | num }}}} of the '
            '{{ staff.headcount | num }} staff <b>work</b> in reader services & R*D\n{% endcall %}\n')
    title, name = caption(render(project, "2020/organisation.en.md", text), "roles")
    said = f"{fmt.number(roles[0].count, 'en')} of the {fmt.number(staff.headcount, 'en')} staff"
    # one line, the figures from the data, the words as typed: markup shown, never acting
    assert html.unescape(title) == f"{said} <b>work</b> in reader services & R*D", title
    assert "<b>" not in title and html.unescape(html.unescape(name)) == html.unescape(title)


def test_a_mistake_in_a_charts_title_is_named_with_its_file_and_line(project):
    from test_chapters import mistake
    text = ORGANISATION + '{% call chart("roles") %}\n{{ staff.roles.reader_servces.count | num }} of the staff\n{% endcall %}\n'
    problem = mistake(project, "2020/organisation.md", text)
    assert problem.file == "docs/2020/organisation.md" and problem.line == ORGANISATION.count("\n") + 2, problem.render()
    assert "reader_services" in problem.expected_en


def test_only_a_macro_that_takes_a_title_takes_a_block(project):
    from test_chapters import mistake
    problem = mistake(project, "2020/organisation.md", ORGANISATION + '{% call table("roles") %}x{% endcall %}\n')
    assert problem.line == ORGANISATION.count("\n") + 1 and "{% call %}" in problem.found


@pytest.mark.parametrize("prefix, code", [("", "zh"), ("en/", "en")])
def test_a_charts_own_title_shows_no_decimal_the_data_does_not_need(report, prefix, code):
    year = REPORT.years[2020]
    shown = 0
    for page in ("2020/plan/", "2020/organisation/", "2020/finance/"):
        source = (report / prefix / page / "index.html").read_text(encoding="utf-8")
        for name, body in re.findall(r'<figure class="report-chart" id="figure-(\w+)">(.*?)</figure>', source, re.S):
            entry = tables.table(name)
            if not isinstance(entry, tables.Breakdown):
                continue
            title = html.unescape(re.sub(r"<[^>]+>", "", re.search(r'report-chart__title">(.*?)</span><span', body).group(1)))
            shown += 1
            assert not re.search(r"\d[.,]\d+\s*%", title), title   # shares in whole percent
            if entry.unit.integer and entry.shares:   # people: "7 of 11", never 63.6%
                assert "%" not in title and fmt.number(tables.resolve(year, entry.whole), code) in title, title
    assert shown >= 4


# ------------------------------------------------------------ the charts' typeface, in the PDF too

@pytest.mark.parametrize("prefix, code", [("", "zh"), ("en/", "en")])
def test_the_pdf_sets_the_charts_in_the_languages_typeface(report, tmp_path, prefix, code):
    import subprocess
    import weasyprint
    from macros.core.languages import LANGUAGES
    svgs = [svg for page in ("2020/plan/", "2020/organisation/", "2020/finance/", "2020/statistics/")
            for svg in re.findall(r"<svg .*?</svg>", (report / prefix / page / "index.html").read_text(encoding="utf-8"), re.S)]
    pdf = tmp_path / "charts.pdf"
    weasyprint.HTML(string=f'<html lang="{code}"><body>{"".join(svgs)}</body></html>').write_pdf(pdf)
    listed = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    faces = {line.split()[0].split("+", 1)[-1] for line in listed}
    # the language's one family (Noto Sans lends its minus sign to Noto Sans Math): no CJK JP, no DejaVu
    allowed = {LANGUAGES[code].typeface.replace(" ", "-"), charts.SYMBOLS.replace(" ", "-")}
    assert faces and faces <= allowed, faces
    assert LANGUAGES[code].typeface.replace(" ", "-") in faces


# ------------------------------------------------------------ read on a phone

@pytest.mark.parametrize("prefix", ["", "en/"])
def test_every_text_a_chart_shows_is_14_px_or_more_on_a_phone(tab, base_url, report, prefix):
    from browser import PHONE
    page = tab(viewport=PHONE, is_mobile=True, locale="zh-CN")
    pages = sorted(p.parent.relative_to(report / prefix).as_posix() for p in (report / prefix).glob("*/*/index.html")
                   if 'class="report-chart"' in p.read_text(encoding="utf-8"))
    assert pages
    for path in pages:
        page.goto(f"{base_url}{prefix}{path}/")
        # the title, subtitle, source and the table's disclosure as laid out, and every label of
        # every drawing as it is scaled to the screen
        sizes = page.evaluate("""() => [...document.querySelectorAll("figure.report-chart")].flatMap(figure => [
            ...[...figure.querySelectorAll("figcaption span, .report-chart__source, summary")].map(e =>
                [e.className || e.tagName, parseFloat(getComputedStyle(e).fontSize)]),
            ...[...figure.querySelectorAll("svg")].flatMap(svg => [...svg.querySelectorAll("text")].map(t =>
                ["svg text", parseFloat(getComputedStyle(t).fontSize) * svg.getBoundingClientRect().width
                              / svg.viewBox.baseVal.width]))])""")
        assert sizes and all(size >= 14 for _, size in sizes), (path, [s for s in sizes if s[1] < 14])


LAST_LINE = """spans => spans.map(span => {
    // each character's line, as the browser wrapped it; the characters of the last line
    const walker = document.createTreeWalker(span, NodeFilter.SHOW_TEXT), placed = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (let i = 0; i < node.length; i++) {
            if (/\\s/.test(node.data[i])) continue;
            const range = document.createRange();
            range.setStart(node, i); range.setEnd(node, i + 1);
            const box = range.getClientRects()[0];
            if (box) placed.push([box.top + box.height / 2, node.data[i]]);
        }
    }
    const last = Math.max(...placed.map(p => p[0])), height = parseFloat(getComputedStyle(span).fontSize);
    return [span.textContent, placed.filter(p => p[0] > last - height / 2).map(p => p[1]).join("")];
})"""


# The page again, in a frame as wide as each viewport in turn: its media queries and line breaks are
# the page's at that width, measured in one evaluation instead of one round trip to the browser a width.
AT_WIDTHS = """async ({widths, height, lastLine}) => {
    const frame = document.createElement("iframe");
    frame.style.cssText = `position: fixed; top: 0; left: 0; border: 0; height: ${height}px`;
    await new Promise(done => { frame.onload = done; frame.src = location.href; document.body.append(frame); });
    await frame.contentDocument.fonts.ready;
    const measure = frame.contentWindow.eval(lastLine);
    const measured = widths.map(width => {
        frame.style.width = `${width}px`;
        return measure([...frame.contentDocument.querySelectorAll(".report-chart__title, .report-chart__subtitle")]);
    });
    frame.remove();
    return measured;
}"""


def test_no_chinese_chart_title_or_subtitle_leaves_one_character_alone_on_its_last_line(tab, base_url, report):
    from browser import PHONE
    page = tab(viewport=PHONE, is_mobile=True, locale="zh-CN")
    pages = sorted(p.parent.relative_to(report).as_posix() for p in report.glob("*/*/index.html")
                   if 'class="report-chart"' in p.read_text(encoding="utf-8"))
    widths = range(300, 1000, 2)   # phones, tablets, narrow windows: wherever the lines happen to break
    wrapped = 0
    for path in pages:
        page.set_viewport_size(PHONE)
        page.goto(f"{base_url}{path}/")
        measured = page.evaluate(AT_WIDTHS, {"widths": list(widths), "height": PHONE["height"], "lastLine": LAST_LINE})
        for width in (widths[0], 360, 768, widths[-1]):   # the frame breaks the lines as the viewport does
            page.set_viewport_size({"width": width, "height": PHONE["height"]})
            assert page.eval_on_selector_all(".report-chart__title, .report-chart__subtitle", LAST_LINE) \
                == measured[widths.index(width)], (path, width)
        for width, titles in zip(widths, measured):
            for text, last in titles:
                wrapped += last != re.sub(r"\s", "", text)
                # the last line holds two characters at least, punctuation aside
                assert len(re.sub(r"[、，。；：！？）》」』%（(）)\s]", "", last)) >= 2, (path, width, text, last)
    assert wrapped, "no title or subtitle wrapped at any width"


@pytest.mark.parametrize("label", ["公用经费、工会经费、党组织活动费", "中央下拨免费开放资金和本级财政预算", "2020 年数值及较上年变化率"])
def test_a_chinese_label_in_a_chart_keeps_two_characters_on_its_last_line(label):
    for width in range(60, 330, 5):
        lines = charts._wrap(label, "zh", width)
        assert "".join(lines) == label.replace(" ", "") or " ".join(lines).replace(" ", "") == label.replace(" ", "")
        assert len(re.sub(r"[、，。\s]", "", lines[-1])) >= 2 or len(lines) == 1, (width, lines)
        assert not any(line.startswith(("、", "，", "。")) for line in lines), (width, lines)
