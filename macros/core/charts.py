"""Charts drawn at build time from data into static SVG (Vega-Lite via vl-convert).

No JavaScript is needed to see them; they print and go into the PDF with the page. Every
number a chart shows is formatted by fmt.py, so the chart, the table beside it and the
prose agree to the digit, in each language. Which chart a table has is said in its entry
of the registry (tables.py). SVGs are cached by the hash of their specification.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import textwrap
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from . import fmt, trends
from .site import Site, Year
from .strings import t
from .tables import Breakdown, Indicators, scale_of

PRIMARY = "#8c2b1f"      # the theme's primary colour: 8.9:1 on white
SECONDARY = "#c98a7f"    # the same hue, lighter: the earlier year, the other part of a stack
NEGATIVE = "#1f5f8c"     # falls: 6.6:1 on white
TEXT = "#1f1f1f"
MUTED = "#595959"        # axis text: 7:1 on white
FONT = ('"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", '
        '"WenQuanYi Micro Hei", system-ui, sans-serif')
WIDTH = 320              # plot width in px: drawn near 1:1 on a 360 px phone
FONT_SIZE = 14           # at least 14 px on a phone
STEP = 52                # room for a label line above each bar


@dataclass(frozen=True)
class Chart:
    spec: dict
    title: str           # states the point
    subtitle: str        # the measure, the unit, the period


def _config() -> dict:
    return {
        "font": FONT, "background": "white", "view": {"stroke": None},
        "axis": {"labelColor": MUTED, "titleColor": TEXT, "labelFontSize": FONT_SIZE, "titleFontSize": FONT_SIZE,
                 "gridColor": "#e0e0e0", "domainColor": MUTED, "tickColor": MUTED, "labelLimit": 0},
        "text": {"fontSize": FONT_SIZE, "color": TEXT},
        "header": {"labelFontSize": FONT_SIZE, "labelLimit": 0},
    }


def _wrap(label: str, lang: str) -> list[str]:
    """A label in lines that fit the chart's width: never cut short with an ellipsis."""
    width = 22 if lang == "zh" else 44   # characters per line at 14 px in 320 px
    return textwrap.wrap(label, width) or [label]


def _base(title: str, rows: list[dict]) -> dict:
    return {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "description": title,
            "width": WIDTH, "config": _config(), "data": {"values": rows}}


def bars(rows: list[dict], title: str, top: float | None = None, colour: str = PRIMARY) -> dict:
    """Horizontal bars, one per row {label (lines), value, text}: the label above its bar and the
    formatted value at its end, so that the whole width goes to the bars. *top* is the longest
    bar of the chart's scale group, so that charts comparing like with like share one scale."""
    longest = max([r["value"] for r in rows] + [float(top or 0), 0]) or 1
    lines = max(len(r["label"]) for r in rows) if rows else 1
    y = {"field": "key", "type": "nominal", "sort": None, "axis": None}
    return {
        **_base(title, rows), "height": {"step": STEP + FONT_SIZE * (lines - 1)},
        "encoding": {"y": y, "x": {"field": "value", "type": "quantitative", "title": None, "axis": None,
                                   "scale": {"domain": [0, longest * 1.35]}}},
        "layer": [
            {"mark": {"type": "bar", "color": colour, "size": 16, "yOffset": 12, "cornerRadiusEnd": 2}},
            {"mark": {"type": "text", "align": "left", "baseline": "middle", "dx": 4, "yOffset": 12},
             "encoding": {"text": {"field": "text"}}},
            {"mark": {"type": "text", "align": "left", "baseline": "bottom", "yOffset": 2, "lineHeight": FONT_SIZE + 2},
             "encoding": {"x": {"datum": 0}, "text": {"field": "label"}}},
        ],
    }


def paired(rows: list[dict], title: str) -> dict:
    """Two bars per measure, the earlier year lighter, each on the measure's own scale (small
    multiples), with both values and the change written out."""
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json", "description": title,
        "config": _config(), "data": {"values": rows},
        "facet": {"row": {"field": "label", "type": "nominal", "sort": None, "title": None,
                          "header": {"labelAngle": 0, "labelAlign": "left", "labelAnchor": "start",
                                     "labelOrient": "top", "labelColor": TEXT, "labelPadding": 6}}},
        "resolve": {"scale": {"x": "independent"}},
        "spec": {"width": WIDTH, "height": {"step": 26}, "layer": [
            {"mark": {"type": "bar", "size": 16, "cornerRadiusEnd": 2},
             "encoding": {"y": {"field": "year", "type": "ordinal", "title": None,
                                "axis": {"labelFontSize": FONT_SIZE, "domain": False, "ticks": False}},
                          "x": {"field": "value", "type": "quantitative", "axis": None,
                                "scale": {"domainMin": 0, "nice": False}},
                          "color": {"field": "shade", "type": "nominal", "legend": None,
                                    "scale": {"domain": ["earlier", "now"], "range": [SECONDARY, PRIMARY]}}}},
            {"mark": {"type": "text", "align": "left", "baseline": "middle", "dx": 4},
             "encoding": {"y": {"field": "year", "type": "ordinal"}, "x": {"field": "value", "type": "quantitative"},
                          "text": {"field": "text"}}},
        ]},
    }


def trend(rows: list[dict], order: list[str], title: str) -> dict:
    """One small line chart per measure over the years available, in the measures' own order."""
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json", "description": title,
        "config": _config(), "data": {"values": rows},
        "facet": {"row": {"field": "label", "type": "nominal", "sort": order, "title": None,
                          "header": {"labelAngle": 0, "labelAlign": "left", "labelAnchor": "start",
                                     "labelOrient": "top", "labelColor": TEXT, "labelPadding": 14}}},
        "resolve": {"scale": {"y": "independent"}},
        "spec": {"width": WIDTH, "height": 90, "layer": [
            {"mark": {"type": "line", "color": PRIMARY, "point": {"color": PRIMARY}},
             "encoding": {"x": {"field": "year", "type": "ordinal", "title": None, "axis": {"labelAngle": 0}},
                          "y": {"field": "value", "type": "quantitative", "title": None, "axis": {"format": "~s"}}}},
            {"mark": {"type": "text", "dy": -10},
             "encoding": {"x": {"field": "year", "type": "ordinal"}, "y": {"field": "value", "type": "quantitative"},
                          "text": {"field": "text"}}}]},
    }


def stacked(rows: list[dict], title: str) -> dict:
    """Bars built of parts {key, label, part, value, text}: a budget and the fund beside it,
    against what was spent, so that the sum can be read off."""
    return {
        **_base(title, rows), "height": {"step": STEP},
        "encoding": {"y": {"field": "key", "type": "nominal", "sort": None, "axis": None}},
        "layer": [
            {"mark": {"type": "bar", "size": 16, "yOffset": 12},
             "encoding": {"x": {"field": "value", "type": "quantitative", "stack": "zero", "axis": None,
                                "scale": {"domain": [0, max([r["end"] for r in rows] + [1]) * 1.35]}},
                          "color": {"field": "shade", "type": "nominal", "legend": None,
                                    "scale": {"domain": ["first", "second"], "range": [PRIMARY, SECONDARY]}},
                          "order": {"field": "position"}}},
            {"transform": [{"filter": "datum.last"}],
             "mark": {"type": "text", "align": "left", "baseline": "middle", "dx": 4, "yOffset": 12},
             "encoding": {"x": {"field": "end", "type": "quantitative"}, "text": {"field": "text"}}},
            {"transform": [{"filter": "datum.position == 0"}],
             "mark": {"type": "text", "align": "left", "baseline": "bottom", "yOffset": 2},
             "encoding": {"x": {"datum": 0}, "text": {"field": "label"}}},
        ],
    }


# ------------------------------------------------------------ from data

def _label(text, lang: str) -> str:
    from .render import heading_case
    return heading_case(getattr(text, lang, None) or getattr(text, "zh", None) or
                        (text.get(lang) or text.get("zh") if isinstance(text, dict) else "") or "", lang)


def specs(entry, year: Year, site: Site, lang: str, library: str) -> list[Chart]:
    """The chart(s) registered for *entry* (tables.py) in *year*; [] where the year lacks the data."""
    if entry.chart == "bars" and isinstance(entry, Breakdown):
        return _bars(entry, year, lang)
    if entry.chart == "changes" and isinstance(entry, Indicators):
        return _changes(year, site, lang) + _trend(year, site, lang)
    if entry.chart == "funding":
        return _funding(year, lang)
    return []


def _bars(entry: Breakdown, year: Year, lang: str) -> list[Chart]:
    rows = [r for r in entry.rows(year) or [] if r.role != "total" and r.value is not None]
    if not rows:
        return []
    data = [{"key": r.id, "label": _wrap(_label(r.label, lang), lang), "value": float(r.value),
             "text": entry.unit.prose(r.value, lang)} for r in rows]
    caption = _label(entry.caption, lang)
    largest = max(rows, key=lambda r: r.value)
    if entry.shares and largest.share is not None:
        title = t("chart.largest_share", lang, label=_label(largest.label, lang), share=fmt.number(largest.share, lang))
    else:
        title = t("chart.largest", lang, label=_label(largest.label, lang),
                  value=entry.unit.prose(largest.value, lang))
    subtitle = t("chart.subtitle", lang, measure=caption, unit=entry.unit.short[lang], year=year.year)
    top = scale_of(entry, year)
    return [Chart(bars(data, f"{title}. {subtitle}", float(top) if top else None), title, subtitle)]


def _changes(year: Year, site: Site, lang: str) -> list[Chart]:
    from .tables import table
    previous = site.previous(year.year)
    rows, points = [], []
    for r in table("statistics").rows(year, site) or []:
        if r.id not in trends.MEASURES or r.value is None or r.change is None:
            continue
        label = _label(r.label, lang)
        rows.append((label, r))
        before = trends.measure(previous, r.id)
        if before is not None and before.value is not None:
            points.append({"label": label, "year": str(year.year - 1), "value": before.value, "shade": "earlier",
                           "text": fmt.number(before.value, lang)})
        points.append({"label": label, "year": str(year.year), "value": r.value, "shade": "now",
                       "text": f"{fmt.number(r.value, lang)}  {fmt.signed_percent(r.change, lang)}"})
    if not rows:
        return []
    title = t("chart.changes_point", lang, changes=t("list_separator", lang).join(
        t("chart.change_item", lang, label=label, change=fmt.signed_percent(r.change, lang)) for label, r in rows))
    subtitle = t("chart.changes_subtitle" if previous else "chart.changes_subtitle_one", lang,
                 previous=year.year - 1, year=year.year)
    return [Chart(paired(points, f"{title}. {subtitle}"), title, subtitle)]


def _trend(year: Year, site: Site, lang: str) -> list[Chart]:
    years = [y for y in sorted(site.years) if y <= year.year and (not site.years[y].draft or y == year.year)]
    from .tables import table
    labels = {i.id: _label(i.label, lang) for i in table("statistics").indicators}
    points = [{"label": labels[m], "year": str(y), "value": v, "text": fmt.number(v, lang)}
              for m in trends.MEASURES for y, v in trends.series(site, m, years)]
    shown = sorted({p["year"] for p in points})
    if len(shown) < 2:
        return []
    title = t("chart.trend", lang)
    subtitle = t("chart.trend_subtitle", lang, first=shown[0], year=shown[-1])
    return [Chart(trend(points, [labels[m] for m in trends.MEASURES], f"{title}. {subtitle}"), title, subtitle)]


def _funding(year: Year, lang: str) -> list[Chart]:
    fin = year.finance
    if fin.budget is None or fin.expenditure is None or None in (fin.budget.total, fin.expenditure.total):
        return []
    budget_parts = [("budget", t("chart.budget", lang), fin.budget.total)]
    if fin.central_free_opening_fund is not None:
        budget_parts.append(("fund", t("chart.central_fund", lang), fin.central_free_opening_fund))
    rows, end = [], 0
    for position, (key, label, value) in enumerate(budget_parts):
        end += value
        rows.append({"key": "available", "label": t("chart.available", lang), "position": position,
                     "shade": "first" if position == 0 else "second", "value": float(value), "end": float(end),
                     "last": position == len(budget_parts) - 1,
                     "text": " + ".join(fmt.money(v, lang) for _, _, v in budget_parts)
                     + (f" = {fmt.money(end, lang)}" if len(budget_parts) > 1 else "")})
    rows.append({"key": "spent", "label": t("chart.spent", lang), "position": 0, "shade": "first",
                 "value": float(fin.expenditure.total), "end": float(fin.expenditure.total), "last": True,
                 "text": fmt.money(fin.expenditure.total, lang)})
    title = t("chart.funding_point", lang, available=fmt.money(end, lang), spent=fmt.money(fin.expenditure.total, lang))
    subtitle = t("chart.subtitle", lang, measure=t("chart.funding_measure", lang), unit=t("tile.money_unit", lang),
                 year=year.year)
    return [Chart(stacked(rows, f"{title}. {subtitle}"), title, subtitle)]


# ------------------------------------------------------------ SVG

def cached_file(spec: dict, cache_dir: Path) -> Path:
    """Where the SVG of *spec* is kept: named by a hash of the specification and of the library
    that draws it, so that any change to either draws it anew."""
    made_with = json.dumps([spec, version("vl-convert-python")], sort_keys=True, ensure_ascii=False)
    return cache_dir / f"{hashlib.sha256(made_with.encode()).hexdigest()[:24]}.svg"


def draw(spec: dict, cache_dir: Path | None) -> str:
    """The SVG of *spec*, from the cache or drawn (and kept) now."""
    cached = cached_file(spec, cache_dir) if cache_dir else None
    if cached and cached.exists():
        return cached.read_text(encoding="utf-8")
    import vl_convert
    svg = _stable_ids(vl_convert.vegalite_to_svg(spec))
    if cached:
        cached.parent.mkdir(parents=True, exist_ok=True)
        aside = cached.with_name(f"{cached.name}.{os.getpid()}.tmp")
        aside.write_text(svg, encoding="utf-8")
        aside.replace(cached)   # two builds at once never read half a file
    return svg


def _stable_ids(svg: str) -> str:
    """Ids numbered by their place in this SVG: Vega numbers its clip paths by how many it drew
    before in the same process, so the same chart would differ from one build to the next."""
    ids = list(dict.fromkeys(re.findall(r'\bid="([A-Za-z_-]+\d+)"', svg)))
    if not ids:
        return svg
    new = {old: f"{re.match(r'[A-Za-z_-]+', old).group()}{n}" for n, old in enumerate(ids, 1)}
    pattern = re.compile(r'(?<=["#])(' + "|".join(map(re.escape, sorted(new, key=len, reverse=True))) + r')(?=[")])')
    return pattern.sub(lambda m: new[m.group(1)], svg)


def to_svg(spec: dict, name: str, title: str, cache_dir: Path | None) -> str:
    """The SVG for *spec*, made accessible and safe to inline (ids unique per chart)."""
    return _accessible(draw(spec, cache_dir), f"chart-{name}", title)


def _accessible(svg: str, prefix: str, title: str) -> str:
    from .render import esc
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    svg = re.sub(r'url\(#([^)]+)\)', lambda m: f"url(#{prefix}-{m.group(1)})", svg)
    svg = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}-{m.group(1)}"', svg)
    # The root: scalable (viewBox, no fixed size) and named for screen readers; the marks inside
    # stay hidden from them, because the table alternative carries the same numbers.
    svg = re.sub(r'^<svg ([^>]*?)\s*width="[\d.]+" height="[\d.]+"',
                 lambda m: f'<svg {m.group(1)} role="img" aria-labelledby="{prefix}-title"', svg, count=1)
    svg = svg.replace(">", f'><title id="{prefix}-title">{esc(title)}</title>', 1)
    return svg

