"""Charts: static SVG drawn from data, in both languages, each with an accessible
name and a table alternative holding the same numbers as the YAML."""
from __future__ import annotations

import html
import re

import pytest

from conftest import ROOT
from macros.core import fmt, trends
from macros.core.validate import load_site

SITE_DATA = load_site(ROOT / "data")
REPORT = SITE_DATA.years[2020]
CHARTS = {  # chart -> the chapter that shows it
    "activities": "2020/plan/", "education": "2020/organisation/", "roles": "2020/organisation/",
    "employment": "2020/organisation/", "titles": "2020/organisation/", "budget": "2020/finance/",
    "expenditure": "2020/finance/", "statistics": "2020/statistics/",
}


def expected_values(name: str, lang: str) -> list[str]:
    """The numbers chart *name* must show, formatted as the page formats them."""
    r = REPORT
    if name in ("education", "roles", "employment", "titles"):
        return [fmt.number(i.count, lang) for i in getattr(r.staff, name)]
    if name in ("budget", "expenditure"):
        return [fmt.money(i.amount, lang) for i in getattr(r.finance, name).items]
    if name == "activities":
        kinds = [k.count for k in r.activities.by_kind]
        return [fmt.number(c, lang) for c in kinds] + [fmt.number(r.activities.total - sum(kinds), lang)]
    return [fmt.signed_percent(trends.change_of(SITE_DATA, 2020, m), lang) for m in trends.MEASURES]


def figure(site, page: str, name: str) -> str:
    source = (site / page / "index.html").read_text(encoding="utf-8")
    match = re.search(rf'<figure class="report-chart" id="figure-{name}">(.*?)</figure>', source, re.S)
    assert match, f"no chart {name} on {page}"
    return match.group(1)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", CHARTS)
def test_each_chart_is_an_svg_showing_the_yaml_values(site, name, lang):
    prefix = "" if lang == "zh" else "en/"
    body = figure(site, prefix + CHARTS[name], name)
    svgs = re.findall(r"<svg .*?</svg>", body, re.S)
    assert svgs, "no inline SVG"
    texts = [html.unescape(t) for svg in svgs for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]
    for value in expected_values(name, lang):
        assert value in texts, (name, lang, value, texts)
    # the SVG scales with the page: a viewBox and no fixed pixel size on the root
    root = re.match(r"<svg [^>]*>", svgs[0]).group(0)
    assert "viewBox" in root and not re.search(r'\swidth="\d', root)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", CHARTS)
def test_each_chart_has_an_accessible_name_and_a_table_alternative(site, name, lang):
    prefix = "" if lang == "zh" else "en/"
    body = figure(site, prefix + CHARTS[name], name)
    for svg in re.findall(r"<svg .*?</svg>", body, re.S):
        labelled = re.search(r'role="img" aria-labelledby="([^"]+)"', svg).group(1)
        title = re.search(rf'<title id="{labelled}">([^<]+)</title>', svg)
        assert title and title.group(1).strip()
    table = re.search(r"<details[^>]*>.*?<table.*?</table>.*?</details>", body, re.S)
    assert table, "no table alternative"
    cells = [html.unescape(c) for c in re.findall(r"<t[dh][^>]*>([^<]*)</t[dh]>", table.group(0))]
    for value in expected_values(name, lang):
        assert value in cells, (name, lang, value)


def test_ids_are_unique_on_every_page(site):
    for page in site.rglob("*.html"):
        ids = re.findall(r'\sid="([^"]+)"', page.read_text(encoding="utf-8"))
        duplicates = {i for i in ids if ids.count(i) > 1}
        assert not duplicates, (page.relative_to(site), sorted(duplicates)[:5])


def test_chart_labels_follow_the_language(site):
    zh = figure(site, "2020/finance/", "budget")
    en = figure(site, "en/2020/finance/", "budget")
    assert "人员保障经费" in zh and "Staff costs" in en and "人员保障经费" not in en


def test_chart_colours_meet_wcag_aa_on_white():
    from macros.core import charts

    def luminance(hex_colour):
        channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    for colour in (charts.PRIMARY, charts.NEGATIVE, charts.TEXT, charts.MUTED):
        ratio = (1.05) / (luminance(colour) + 0.05)
        assert ratio >= 4.5, (colour, ratio)
