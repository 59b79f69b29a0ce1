"""Charts drawn at build time from data into static SVG (Vega-Lite via vl-convert).

No JavaScript is needed to see them; they print and go into the PDF with the
page. Every number a chart shows is formatted by fmt.py, so the chart, the
table beside it and the prose agree to the digit, in each language.
SVGs are cached by the hash of their specification (``.cache/charts``).
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from . import fmt
from .strings import t

PRIMARY = "#8c2b1f"      # the theme's primary colour: 8.9:1 on white
NEGATIVE = "#1f5f8c"     # falls: 6.6:1 on white
TEXT = "#1f1f1f"
MUTED = "#595959"        # axis text: 7:1 on white
FONT = ('"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", '
        '"WenQuanYi Micro Hei", system-ui, sans-serif')
WIDTH = 320              # plot width in px: drawn near 1:1 on a 360 px phone


def _config() -> dict:
    return {
        "font": FONT, "background": "white", "view": {"stroke": None},
        "axis": {"labelColor": MUTED, "titleColor": TEXT, "labelFontSize": 13, "titleFontSize": 13,
                 "gridColor": "#e0e0e0", "domainColor": MUTED, "tickColor": MUTED, "labelLimit": 170},
        "text": {"fontSize": 13, "color": TEXT},
    }


def bars(rows: list[dict], lang: str, title: str) -> dict:
    """Horizontal bars, one per row {label, value, text}: the label above its bar, the formatted
    value at its end, so the whole width goes to the bars and labels never shrink on a phone."""
    top = max([r["value"] for r in rows] + [0]) * 1.3 or 1
    y = {"field": "label", "type": "nominal", "sort": None, "axis": None}
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "description": title, "width": WIDTH, "height": {"step": 46}, "config": _config(),
        "data": {"values": rows},
        "encoding": {"y": y, "x": {"field": "value", "type": "quantitative", "title": None, "axis": None,
                                   "scale": {"domain": [0, top]}}},
        "layer": [
            {"mark": {"type": "bar", "color": PRIMARY, "size": 16, "yOffset": 9, "cornerRadiusEnd": 2}},
            {"mark": {"type": "text", "align": "left", "baseline": "middle", "dx": 4, "yOffset": 9},
             "encoding": {"text": {"field": "text"}}},
            {"mark": {"type": "text", "align": "left", "baseline": "middle", "yOffset": -10, "limit": WIDTH},
             "encoding": {"x": {"datum": 0}, "text": {"field": "label"}}},
        ],
    }


def changes(rows: list[dict], lang: str, title: str) -> dict:
    """Diverging bars of changes on the previous year, rises and falls in two colours,
    each label above its bar."""
    limit = max([abs(r["value"]) for r in rows] + [1]) * 1.6
    y = {"field": "label", "type": "nominal", "sort": None, "axis": None}
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "description": title, "width": WIDTH, "height": {"step": 46}, "config": _config(),
        "data": {"values": rows},
        "encoding": {"y": y, "x": {"field": "value", "type": "quantitative", "title": None,
                                   "scale": {"domain": [-limit, limit]}, "axis": None}},
        "layer": [
            {"mark": {"type": "bar", "size": 16, "yOffset": 9, "cornerRadiusEnd": 2},
             "encoding": {"color": {"condition": {"test": "datum.value < 0", "value": NEGATIVE}, "value": PRIMARY}}},
            {"transform": [{"filter": "datum.value >= 0"}],
             "mark": {"type": "text", "baseline": "middle", "align": "left", "dx": 4, "yOffset": 9},
             "encoding": {"text": {"field": "text"}}},
            {"transform": [{"filter": "datum.value < 0"}],
             "mark": {"type": "text", "baseline": "middle", "align": "right", "dx": -4, "yOffset": 9},
             "encoding": {"text": {"field": "text"}}},
            {"mark": {"type": "text", "align": "left", "baseline": "middle", "yOffset": -10, "limit": WIDTH},
             "encoding": {"x": {"datum": -limit}, "text": {"field": "label"}}},
            {"mark": {"type": "rule", "color": MUTED}, "encoding": {"x": {"datum": 0}, "y": {}}},
        ],
    }


def trend(rows: list[dict], lang: str, title: str) -> dict:
    """One small line chart per measure over the years available."""
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "description": title, "config": _config(), "data": {"values": rows},
        "facet": {"row": {"field": "label", "type": "nominal", "sort": None, "title": None,
                          "header": {"labelFontSize": 13, "labelColor": TEXT, "labelAngle": 0, "labelAlign": "left",
                                     "labelAnchor": "start", "labelOrient": "top", "labelPadding": 14}}},
        "resolve": {"scale": {"y": "independent"}},
        "spec": {"width": WIDTH, "height": 90, "layer": [
            {"mark": {"type": "line", "color": PRIMARY, "point": {"color": PRIMARY}},
             "encoding": {"x": {"field": "year", "type": "ordinal", "title": None, "axis": {"labelAngle": 0}},
                          "y": {"field": "value", "type": "quantitative", "title": None, "axis": {"format": "~s"}}}},
            {"mark": {"type": "text", "dy": -10},
             "encoding": {"x": {"field": "year", "type": "ordinal"}, "y": {"field": "value", "type": "quantitative"},
                          "text": {"field": "text"}}}]},
    }


# ------------------------------------------------------------ from data

NAMES = ("activities", "education", "roles", "employment", "titles", "budget", "expenditure", "statistics")


def _label(text, lang: str) -> str:
    from .render import heading_case
    return heading_case(getattr(text, lang) or text.zh or "", lang)


def specs(name: str, report, site, lang: str) -> list[tuple[dict, str]]:
    """The chart(s) for *name* in *report*: [(Vega-Lite spec, accessible title)]."""
    from . import trends
    title = t(f"caption.{name}", lang)
    if name in ("education", "roles", "employment", "titles"):
        rows = [{"label": _label(i.label, lang), "value": i.count, "text": fmt.number(i.count, lang)}
                for i in getattr(report.staff, name) if i.count is not None]
        return [(bars(rows, lang, title), title)]
    if name in ("budget", "expenditure"):
        rows = [{"label": _label(i.name, lang), "value": float(i.amount), "text": fmt.money(i.amount, lang)}
                for i in getattr(report.finance, name).items if i.amount is not None]
        return [(bars(rows, lang, title), title)]
    if name == "activities":
        a = report.activities
        rows = [{"label": _label(k.name, lang), "value": k.count, "text": fmt.number(k.count, lang)}
                for k in a.by_kind if k.count is not None]
        counted = sum(r["value"] for r in rows)
        if a.total is not None and a.total > counted:
            rows.append({"label": t("other_kinds", lang), "value": a.total - counted,
                         "text": fmt.number(a.total - counted, lang)})
        return [(bars(rows, lang, title), title)]
    if name == "statistics":
        out = []
        rows = []
        for measure in trends.MEASURES:
            change = trends.change_of(site, report.year, measure)
            if change is not None:
                rows.append({"label": t(f"stat.{measure}", lang), "value": float(change),
                             "text": fmt.signed_percent(change, lang)})
        if rows:
            change_title = t("caption.changes", lang, year=report.year - 1)
            out.append((changes(rows, lang, change_title), change_title))
        years = [y for y in sorted(site.years) if y <= report.year and not site.years[y].draft or y == report.year]
        points = [{"label": t(f"stat.{m}", lang), "year": str(y), "value": v, "text": fmt.number(v, lang)}
                  for m in trends.MEASURES for y, v in trends.series(site, m, years)]
        if len({p["year"] for p in points}) >= 2:
            trend_title = t("caption.trend", lang)
            out.append((trend(points, lang, trend_title), trend_title))
        return out
    raise ValueError(f"chart(): unknown chart “{name}”; known: {', '.join(NAMES)}")


# ------------------------------------------------------------ SVG

def to_svg(spec: dict, name: str, title: str, cache_dir: Path | None) -> str:
    """The SVG for *spec*, made accessible and safe to inline (ids unique per chart)."""
    key = hashlib.sha256(json.dumps(spec, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:20]
    cached = cache_dir / f"{key}.svg" if cache_dir else None
    if cached and cached.exists():
        svg = cached.read_text(encoding="utf-8")
    else:
        import vl_convert
        svg = vl_convert.vegalite_to_svg(spec)
        if cached:
            cached.parent.mkdir(parents=True, exist_ok=True)
            cached.write_text(svg, encoding="utf-8")
    return _accessible(svg, f"chart-{name}", title)


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
