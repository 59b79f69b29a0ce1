"""Charts drawn at build time from data into static SVG (Vega-Lite via vl-convert).

No JavaScript is needed to see them; they print and go into the PDF with the page. Every
number a chart shows is formatted by fmt.py, so the chart, the table beside it and the
prose agree to the digit, in each language. Which chart a table has is said in its entry
of the registry (tables.py). SVGs are cached by the hash of their specification.

One page, one scale per unit: every bar a page draws in one unit (people, events, 万元) is as
long for the same figure, whichever chart it is in. The page's charts are the ones its text
calls (:func:`called`); each is drawn on the scale that leaves room for the figures of all of
them (:func:`page_scales`), across the same width.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from markupsafe import Markup

from . import figures, fmt, trends
from .languages import LANGUAGES, text_in
from .site import Site, Year
from .strings import t
from .templates import esc
from .tables import ABSENT, MONEY, TABLES, Breakdown, ChartKind, Indicators, Unit, resolve, table

PRIMARY = "#8c2b1f"      # the theme's primary colour: 8.9:1 on white
SECONDARY = "#c98a7f"    # the same hue, lighter: the earlier year, the other part of a stack
# A change's direction, in a pair that says neither good nor bad (red reads as a fall to English
# readers, as a rise to Chinese ones): dark blue and mid grey, told apart by lightness (2:1) in any
# colour vision, each at least 3:1 on white. The sign is written with the figure too (+18%, −22%).
RISE = "#1f5f8c"         # 6.8:1 on white
FALL = "#8a8a8a"         # 3.5:1 on white
TEXT = "#1f1f1f"
MUTED = "#595959"        # axis text: 7:1 on white
# The system faces a reader's browser may have, after the language's own typeface (typeface()):
# Chinese first for Chinese, Latin first for English. Unquoted (valid CSS for names of words):
# WeasyPrint reads a quoted name in an SVG only when it comes first, so that the PDF set the
# charts in Noto Sans CJK JP and DejaVu Sans whatever the list said.
FONTS = {"cjk": 'PingFang SC, Hiragino Sans GB, Microsoft YaHei, Source Han Sans SC, WenQuanYi Micro Hei, '
                'system-ui, sans-serif',
         "latin": 'system-ui, -apple-system, Segoe UI, Roboto, Helvetica Neue, Arial, Noto Sans CJK SC, sans-serif'}
# Noto Sans has no minus sign (U+2212, "−22%"): the Noto face that has it, of the same design, comes
# next, before the system's fallback could set it in DejaVu (Debian's fontconfig aliases Arial,
# system-ui and sans-serif to it). Installed with Noto Sans (fonts-noto-core).
SYMBOLS = "Noto Sans Math"
PADDING = {"left": 0, "top": 4, "right": 4, "bottom": 4}   # the bars start where the caption does
# A chart is drawn for a 360 px phone and shown at its drawn size (never scaled up; on a
# phone, 328 px of page, scaled down by 1 % at most), so that its labels are read at 15 px.
WIDTH = 320              # everything a chart draws, labels and figures included, fits in this
FONT_SIZE = 15
AXIS = 48                # the year labels left of a small multiple's bars or line


@dataclass(frozen=True)
class Chart:
    spec: dict
    title: str           # states the point
    subtitle: str        # the measure, the unit, the period
    unit: str | None = None   # the unit its bars measure (unit_key), shared with the page's other charts in it
    end: float = 0            # the scale's end this chart needs alone, for the figures it writes


def unit_key(unit: Unit) -> str:
    """What names a unit's scale: charts drawing in one unit share their page's scale for it."""
    return unit.short.key


CHART_CALL = re.compile(r"""\bchart\(\s*["'](\w+)["']""")


def called(text: str) -> tuple[str, ...]:
    """The registered tables whose charts a page's *text* calls, in order: ``chart("budget")``,
    ``{% call chart("budget") %}``."""
    known = {entry.name for entry in TABLES}
    return tuple(dict.fromkeys(name for name in CHART_CALL.findall(text) if name in known))


def _config() -> dict:
    return {
        "font": FONTS["cjk"], "background": "white", "view": {"stroke": None},
        "axis": {"labelColor": MUTED, "titleColor": TEXT, "labelFontSize": FONT_SIZE, "titleFontSize": FONT_SIZE,
                 "gridColor": "#e0e0e0", "domainColor": MUTED, "tickColor": MUTED, "labelLimit": 0},
        "text": {"fontSize": FONT_SIZE, "color": TEXT},
        "header": {"labelFontSize": FONT_SIZE, "labelLimit": 0},
    }


def text_width(text: str) -> float:
    """About how wide *text* is drawn at FONT_SIZE, in px: a Chinese character is square, a
    Latin letter or digit a little over half as wide (a generous guess, so nothing is cut)."""
    return sum(FONT_SIZE if unicodedata.east_asian_width(c) in "WF" else FONT_SIZE * 0.62 for c in text)


_NOT_FIRST = "[、，。；：！？）》」』]"   # marks that may not begin a line of Chinese


def _wrap(label: str, lang: str, width: float = WIDTH) -> list[str]:
    """A label in lines that fit *width*: broken between words (English) or characters
    (Chinese), never cut short with an ellipsis, and never leaving one Chinese character alone
    on its last line ("录")."""
    cjk = LANGUAGES[lang].spacing == "cjk"
    # English breaks at spaces only, Chinese between characters but never inside a figure with
    # its unit: a no-break space (CNY\u00a01,865,200, 168.52\u00a0万元) holds; nor before a mark that
    # may not begin a line (、，。）)
    pieces = re.findall(r"[0-9A-Za-z.,%+\-]+(?:\u00a0\S{1,2})? ?|." + _NOT_FIRST + "*" if cjk else r"[^ ]+ *", label)
    lines: list[list[str]] = [[]]
    for piece in pieces:
        if lines[-1] and text_width("".join(lines[-1] + [piece]).rstrip()) > width:
            lines.append([])
        lines[-1].append(piece)
    if cjk and len(lines) > 1 and len(re.sub(_NOT_FIRST + r"|\s", "", "".join(lines[-1]))) == 1 and len(lines[-2]) > 1:
        lines[-1].insert(0, lines[-2].pop())   # the last line takes the character before it
    shown = ["".join(line).rstrip() for line in lines if "".join(line).strip()]
    return shown or [label]


# The end of a Chinese title or subtitle kept on one line: its last two characters, with the figure
# before them where they are its unit (186.52 万元) and the punctuation after them.
_LAST_TWO = re.compile(r"(?:\d[\d,.]*[ \u00a0]?)?[\u4e00-\u9fff][^\u4e00-\u9fff<>\s]{0,3}[\u4e00-\u9fff][^\u4e00-\u9fff<>\w\s]*$")


def no_orphan(text, lang: str):
    """*text* (markup) whose last line, however the page wraps it, holds at least two characters:
    in Chinese, which breaks between any two, its last two are kept together. English breaks
    between words, so is left as it is."""
    text = Markup(text) if isinstance(text, Markup) else Markup(esc(text))
    if LANGUAGES[lang].spacing != "cjk":
        return text
    return Markup(_LAST_TWO.sub(lambda m: f'<span class="keep">{m.group()}</span>', str(text), count=1))


def room(rows: list[dict], width: float = WIDTH) -> float:
    """The scale's end that leaves room right of each bar for its figure (row "text"), for
    rows {value, text} drawn across *width*: value / end × width + text + 8 px ≤ width."""
    ends = [float(r["value"]) * width / max(width - text_width(r["text"]) - 8, width * 0.25) for r in rows]
    return max(ends + [max([float(r["value"]) for r in rows] + [0]) * 1.05]) or 1


def _small_multiples(rows: list[dict], title: str, order, padding: int, independent: str) -> dict:
    """One small chart per measure (row "label"), headed by its name, each on its own *independent*
    scale ("x" or "y"), in *order* (None: as the rows come)."""
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json", "description": title,
        "config": _config(), "padding": PADDING, "data": {"values": rows},
        "facet": {"row": {"field": "label", "type": "nominal", "sort": order, "title": None,
                          "header": {"labelAngle": 0, "labelAlign": "left", "labelAnchor": "start",
                                     "labelOrient": "top", "labelColor": TEXT, "labelPadding": padding}}},
        "resolve": {"scale": {independent: "independent"}},
    }


LINE = FONT_SIZE + 3      # a label's line
BAR = 16                  # a bar's thickness
GAP = 14                  # between one bar and the next row's label


def _laid_out(rows: list[dict]) -> tuple[list[dict], list[dict], int]:
    """(bars, label lines, height): each row {label (lines), …} placed from the top, its
    label's lines above its bar, so that a label of any number of lines has its room."""
    placed, lines, y = [], [], 0
    for row in rows:
        for line in row["label"]:
            y += LINE
            lines.append({"text": line, "y": y - 4})
        placed.append({**row, "top": y + 2, "bottom": y + 2 + BAR, "middle": y + 2 + BAR / 2})
        y += 2 + BAR + GAP
    return placed, lines, y - GAP + 2


def _rows_chart(title: str, rows: list[dict], domain: list[float], bar: dict, text_at: str) -> dict:
    """Bars of *rows* (laid out by _laid_out) across the width on a scale over *domain*; *bar*
    is the bar layer's mark and encoding, *text_at* the field the figures stand right of."""
    placed, lines, height = _laid_out(rows)
    y = {"type": "quantitative", "axis": None, "scale": {"domain": [0, height], "range": [0, height]}}
    x = {"type": "quantitative", "axis": None, "scale": {"domain": domain}}
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json", "description": title,
        "width": WIDTH, "height": height, "config": _config(), "padding": PADDING,
        "layer": [
            {"data": {"values": placed}, **bar},
            {"data": {"values": [r for r in placed if r.get("text_here", True)]},
             "mark": {"type": "text", "align": "left", "baseline": "middle", "dx": 4},
             "encoding": {"x": {"field": text_at, **x}, "y": {"field": "middle", **y}, "text": {"field": "text"}}},
            {"data": {"values": lines},
             "mark": {"type": "text", "align": "left", "baseline": "alphabetic"},
             "encoding": {"x": {"value": 0}, "y": {"field": "y", **y}, "text": {"field": "text"}}},   # the left edge
        ],
        "resolve": {"scale": {"x": "shared", "y": "shared"}},
    }


def bars(rows: list[dict], title: str, end: float | None = None, colour: str = PRIMARY) -> dict:
    """Horizontal bars, one per row {key, label (lines), value, text}: the label above its bar
    and the formatted value at its end, so that the whole width goes to the bars. *end* is the
    scale's end its page gives the unit (one scale per unit on a page)."""
    end = max(end or 0, room(rows))
    bar = {"mark": {"type": "rect", "color": colour, "cornerRadiusTopRight": 2, "cornerRadiusBottomRight": 2},
           "encoding": {"x": {"field": "start"}, "x2": {"field": "value"}, "y": {"field": "top"},
                        "y2": {"field": "bottom"}, "description": {"field": "key", "type": "nominal"}}}
    return _fixed_y(_rows_chart(title, [{**r, "start": 0} for r in rows], [0, end], bar, "value"))


def paired(rows: list[dict], title: str) -> dict:
    """Two bars per measure, the earlier year lighter, each on the measure's own scale (small
    multiples), with both values and the change written out."""
    year = {"field": "year", "type": "ordinal", "title": None,
            "axis": {"labelFontSize": FONT_SIZE, "domain": False, "ticks": False}}
    scale = {"type": "quantitative", "axis": None, "scale": {"domainMin": 0, "nice": False}}
    return {
        **_small_multiples(rows, title, None, 6, "x"),
        "spec": {"width": WIDTH - AXIS, "height": {"step": 26}, "layer": [
            # each measure has its own scale: an unseen mark at "room" leaves space for the figures
            {"mark": {"type": "point", "opacity": 0}, "encoding": {"y": year, "x": {"field": "room", **scale}}},
            {"mark": {"type": "bar", "size": 16, "cornerRadiusEnd": 2},
             "encoding": {"y": year, "x": {"field": "value", **scale},
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
        **_small_multiples(rows, title, order, 14, "y"),
        "spec": {"width": WIDTH - AXIS, "height": 90, "layer": [
            {"mark": {"type": "line", "color": PRIMARY, "point": {"color": PRIMARY}},
             "encoding": {"x": {"field": "year", "type": "ordinal", "title": None, "axis": {"labelAngle": 0}},
                          "y": {"field": "value", "type": "quantitative", "title": None, "axis": {"format": "~s"}}}},
            {"mark": {"type": "text", "dy": -10},
             "encoding": {"x": {"field": "year", "type": "ordinal"}, "y": {"field": "value", "type": "quantitative"},
                          "text": {"field": "text"}}}]},
    }


def stacked(rows: list[dict], title: str, end: float | None = None) -> dict:
    """Bars built of parts, one row per bar {key, label (lines), parts [{value, shade}], text}:
    a budget and the fund beside it, against what was spent, so that the sum can be read off.
    *end*: the scale's end its page gives the unit (one scale per unit on a page)."""
    for row in rows:
        row["end"] = float(sum(part["value"] for part in row["parts"]))
    end = max(end or 0, room([{"value": r["end"], "text": r["text"]} for r in rows]))
    placed, _, _ = _laid_out(rows)
    pieces, start = [], 0.0
    for row in placed:
        start = 0.0
        for part in row["parts"]:
            pieces.append({"key": row["key"], "start": start, "stop": start + float(part["value"]),
                           "shade": part["shade"], "top": row["top"], "bottom": row["bottom"]})
            start += float(part["value"])
    chart = _rows_chart(title, rows, [0, end], {"data": {"values": pieces}, "mark": {"type": "rect"}, "encoding": {
        "x": {"field": "start", "type": "quantitative"}, "x2": {"field": "stop"},
        "y": {"field": "top", "type": "quantitative"}, "y2": {"field": "bottom"},
        "color": {"field": "shade", "type": "nominal", "legend": None,
                  "scale": {"domain": ["first", "second"], "range": [PRIMARY, SECONDARY]}},
        "description": {"field": "key", "type": "nominal"}}}, "end")
    return _fixed_y(chart)


def diverging(rows: list[dict], title: str) -> dict:
    """Bars left (a fall) or right (a rise) of zero, one per row {key, label (lines), value,
    text}: the change of measures that have no common unit. The sign is written with the
    figure, so that colour is never the only difference."""
    low = min([float(r["value"]) for r in rows] + [0]) * 1.05
    high = max(0.0, *(float(r["value"]) for r in rows))
    for r in rows:   # room right of each bar (or of zero, for a fall) for its figure
        a = (text_width(r["text"]) + 8) / WIDTH
        high = max(high, (max(0.0, float(r["value"])) - a * low) / (1 - a))
    placed = [{**r, "start": 0, "at": max(0.0, float(r["value"])),
               "shade": "fall" if r["value"] < 0 else "rise"} for r in rows]
    bar = {"mark": {"type": "rect"},
           "encoding": {"x": {"field": "start"}, "x2": {"field": "value"}, "y": {"field": "top"},
                        "y2": {"field": "bottom"}, "description": {"field": "key", "type": "nominal"},
                        "color": {"field": "shade", "type": "nominal", "legend": None,
                                  "scale": {"domain": ["rise", "fall"], "range": [RISE, FALL]}}}}
    chart = _rows_chart(title, placed, [low, high], bar, "at")
    # zero, marked beside each bar (a line the whole height would cross the labels)
    beside = [{"zero": 0, "top": r["top"] - 3, "bottom": r["bottom"] + 3} for r in chart["layer"][0]["data"]["values"]]
    chart["layer"].append({"data": {"values": beside}, "mark": {"type": "rule", "color": MUTED},
                           "encoding": {"x": {"field": "zero"}, "y": {"field": "top"}, "y2": {"field": "bottom"}}})
    return _fixed_y(chart)


def _fixed_y(chart: dict) -> dict:
    """Every layer of *chart* on its one x scale (0 to the end) and its one y scale (px from
    the top), whatever each layer's encoding says."""
    x = chart["layer"][1]["encoding"]["x"]
    y = chart["layer"][1]["encoding"]["y"]
    for layer in chart["layer"]:
        encoding = layer["encoding"]
        if "value" not in encoding["x"]:   # a position in px stays where it is
            encoding["x"] = {**encoding["x"], "type": "quantitative", "axis": None, "scale": x["scale"]}
        encoding["y"] = {**encoding["y"], "type": "quantitative", "axis": None, "scale": y["scale"]}
    return chart


# ------------------------------------------------------------ from data

def _label(text, lang: str) -> str:
    return fmt.heading_case(text_in(text, lang), lang)


def specs(entry, year: Year, site: Site, lang: str, library: str, page: tuple[str, ...] = ()) -> list[Chart]:
    """The chart(s) registered for *entry* (tables.py) in *year*; [] where the year lacks the data.
    *page*: the tables whose charts the same page shows (:func:`called`), whose bars in the same
    unit are drawn on the same scale."""
    if entry.chart is None:
        return []
    charts = _DRAWN_BY[entry.chart](entry, year, site, lang, page_scales([entry.name, *page], year, site, lang))
    for chart in charts:
        chart.spec["config"]["font"] = typeface(lang)
    return charts


def typeface(lang: str) -> str:
    """The font family a chart's text names: the language's one typeface (Language.typeface, the
    PDF's too) first, so that the PDF sets the charts as it sets the text (Noto Sans CJK SC, not
    the JP face fontconfig would pick for "PingFang SC", nor DejaVu's figures); then the faces a
    reader's system has, for a browser without it."""
    language = LANGUAGES[lang]
    return f'{language.typeface}, {SYMBOLS}, {FONTS["cjk" if language.spacing == "cjk" else "latin"]}'



def page_scales(names, year: Year, site: Site, lang: str) -> dict[str, float]:
    """unit_key -> the end of the one scale the charts of tables *names* share for that unit:
    the end that leaves room for every figure of every one of them."""
    ends: dict[str, float] = {}
    for name in dict.fromkeys(names):
        entry = table(name)
        if entry.chart is None:
            continue
        for chart in _DRAWN_BY[entry.chart](entry, year, site, lang, {}):
            if chart.unit is not None:
                ends[chart.unit] = max(ends.get(chart.unit, 0), chart.end)
    return ends


def _bars(entry: Breakdown, year: Year, site: Site, lang: str, ends: dict[str, float]) -> list[Chart]:
    rows = [r for r in entry.rows(year) or [] if r.role != "total" and r.value is not None]
    if not rows:
        return []
    data = [{"key": r.id, "label": _wrap(_label(r.label, lang), lang), "value": float(r.value),
             "text": entry.unit.prose(r.value, lang)} for r in rows]
    caption = _label(entry.caption, lang)
    title = _point(entry, rows, year, lang)
    subtitle = t("chart.subtitle", lang, measure=caption, unit=entry.unit.short[lang], year=year.year)
    unit, alone = unit_key(entry.unit), room(data)
    return [Chart(bars(data, f"{title}. {subtitle}", ends.get(unit, alone)), title, subtitle, unit, alone)]


def _point(entry: Breakdown, rows: list, year: Year, lang: str) -> str:
    """What a breakdown's chart shows, as its title when staff write none: the largest item (or
    items, when tied), as a count of the whole ("7 of 11") or a share in whole percent; the whole,
    when the remainder ("other") outweighs every named item. No decimal the data does not need."""
    named = [r for r in rows if r.role == "item"]
    top = max((r.value for r in named), default=None)
    if top is None or any(r.role == "other" and r.value > top for r in rows):
        whole = resolve(year, entry.whole)
        value = entry.unit.prose(whole if whole not in (None, ABSENT) else sum(r.value for r in rows), lang)
        short = entry.unit.short[lang]
        return t("chart.whole", lang, value=value if short in value else f"{value} {short}")   # 45 events
    leaders = [r for r in named if r.value == top]
    label = fmt.items([fmt.mid_sentence(_label(r.label, lang), lang) for r in leaders], lang)
    whole = resolve(year, entry.whole)
    if entry.shares and entry.unit.integer and whole not in (None, ABSENT):   # people: 7 of 11, not 63.6%
        return t("chart.largest_count" if len(leaders) == 1 else "chart.largest_counts", lang, label=label,
                 value=entry.unit.prose(top, lang), whole=entry.unit.prose(whole, lang), unit=entry.unit.short[lang])
    if entry.shares and leaders[0].share is not None:
        return t("chart.largest_share" if len(leaders) == 1 else "chart.largest_shares", lang,
                 label=label, share=fmt.number(_whole_percent(top, whole), lang))
    return t("chart.largest" if len(leaders) == 1 else "chart.largest_each", lang, label=label,
             value=entry.unit.prose(top, lang))


def _whole_percent(part, whole):
    """part ÷ whole in whole percent; to a tenth where a whole number would say 0% or 100% of a
    part that is neither none nor all."""
    share = figures.share(part, whole, 0)
    return figures.share(part, whole, 1) if share in (0, 100) and 0 < part < whole else share


def _changes_and_trend(entry: Indicators, year: Year, site: Site, lang: str, ends: dict[str, float]) -> list[Chart]:
    # changes in % and measures of their own units: each on its own scale
    return _changes(entry, year, site, lang) + _trend(entry, year, site, lang)


def _changes(entry: Indicators, year: Year, site: Site, lang: str) -> list[Chart]:
    previous = site.previous(year.year)
    rows, points = [], []
    for r in entry.rows(year, site) or []:
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
    # the point: the measure that moved most
    label, moved = max(rows, key=lambda pair: abs(pair[1].change))
    title = t("chart.changes_point", lang, previous=year.year - 1, label=fmt.mid_sentence(label, lang),
              change=fmt.signed_percent(moved.change, lang))
    if not any(p["shade"] == "earlier" for p in points):
        # the earlier year is not in the archive: the changes alone, each with this year's figure
        subtitle = t("chart.changes_subtitle_one", lang, previous=year.year - 1, year=year.year)
        bars_of = [{"key": r.id, "label": _wrap(t("chart.change_label", lang, label=label,
                                                  value=fmt.number(r.value, lang)), lang),
                    "value": float(r.change), "text": fmt.signed_percent(r.change, lang)} for label, r in rows]
        return [Chart(diverging(bars_of, f"{title}. {subtitle}"), title, subtitle)]
    for label, _ in rows:
        mine = [p for p in points if p["label"] == label]
        for p in mine:
            p["room"] = room(mine, WIDTH - AXIS)
    subtitle = t("chart.changes_subtitle", lang, previous=year.year - 1, year=year.year)
    return [Chart(paired(points, f"{title}. {subtitle}"), title, subtitle)]


def _trend(entry: Indicators, year: Year, site: Site, lang: str) -> list[Chart]:
    years = site.comparable(year.year)   # a finished year is never drawn beside a draft
    labels = {i.id: _label(i.label, lang) for i in entry.indicators}
    points = [{"label": labels[m], "year": str(y), "value": v, "text": fmt.number(v, lang)}
              for m in trends.MEASURES for y, v in trends.series(site, m, years)]
    shown = sorted({p["year"] for p in points})
    if len(shown) < 2:
        return []
    title = t("chart.trend", lang)
    subtitle = t("chart.trend_subtitle", lang, first=shown[0], year=shown[-1])
    return [Chart(trend(points, [labels[m] for m in trends.MEASURES], f"{title}. {subtitle}"), title, subtitle)]


def _funding(entry: Indicators, year: Year, site: Site, lang: str, ends: dict[str, float]) -> list[Chart]:
    fin = year.finance
    if fin.budget is None or fin.expenditure is None or None in (fin.budget.total, fin.expenditure.total):
        return []
    budget_parts = [("budget", t("chart.budget", lang), fin.budget.total)]
    if fin.central_free_opening_fund is not None:
        budget_parts.append(("fund", t("chart.central_fund", lang), fin.central_free_opening_fund))
    end = sum(value for _, _, value in budget_parts)
    # the sum written out under the label (168.52 万元 + 18 万元 = 186.52 万元), the total at the bar's end
    parts = " + ".join(fmt.money(v, lang) for _, _, v in budget_parts) + f" = {fmt.money(end, lang)}"
    available = [t("chart.available", lang), *_wrap(parts, lang)] if len(budget_parts) > 1 else [t("chart.available", lang)]
    rows = [{"key": "available", "label": available, "text": fmt.money(end, lang),
             "parts": [{"value": float(value), "shade": "first" if position == 0 else "second"}
                       for position, (_, _, value) in enumerate(budget_parts)]},
            {"key": "spent", "label": [t("chart.spent", lang)], "text": fmt.money(fin.expenditure.total, lang),
             "parts": [{"value": float(fin.expenditure.total), "shade": "first"}]}]
    title = t("chart.funding_point", lang, available=fmt.money(end, lang), spent=fmt.money(fin.expenditure.total, lang))
    subtitle = t("chart.subtitle", lang, measure=t("chart.funding_measure", lang), unit=MONEY.short[lang],
                 year=year.year)
    unit = unit_key(MONEY)
    alone = room([{"value": float(sum(p["value"] for p in r["parts"])), "text": r["text"]} for r in rows])
    return [Chart(stacked(rows, f"{title}. {subtitle}", ends.get(unit, alone)), title, subtitle, unit, alone)]


# How each kind of chart the registry declares is drawn: (entry, year, site, lang, the page's
# scale ends by unit) -> its charts.
_DRAWN_BY = {ChartKind.BARS: _bars, ChartKind.CHANGES: _changes_and_trend, ChartKind.FUNDING: _funding}


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
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    svg = re.sub(r'url\(#([^)]+)\)', lambda m: f"url(#{prefix}-{m.group(1)})", svg)
    svg = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}-{m.group(1)}"', svg)
    # The root: shown at its drawn width, narrower only where the page is (width, viewBox, no
    # height: the stylesheet keeps the proportions), and named for screen readers; the marks
    # inside stay hidden from them, because the table alternative carries the same numbers.
    svg = re.sub(r'^<svg ([^>]*?)\s*width="([\d.]+)" height="[\d.]+"',
                 lambda m: f'<svg {m.group(1)} width="{m.group(2)}" role="img" aria-labelledby="{prefix}-title"',
                 svg, count=1)
    svg = svg.replace(">", f'><title id="{prefix}-title">{esc(title)}</title>', 1)
    return svg

