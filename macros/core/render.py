"""HTML that chapters insert through macros: tables, lists, the chronicle, figures at a glance.

Every piece of text that comes from data passes through :func:`esc` exactly once, so
markup typed into a YAML field shows as typed and is never executed or interpreted.
Every HTML block is written on a single line, so Markdown passes it through untouched.
"""
from __future__ import annotations

import html
import re
from collections import defaultdict
from typing import Iterable

from . import chronicle as chronicle_text
from . import fmt, links
from .languages import text_in
from .strings import t
from .tables import MONEY, WAN_YUAN, Breakdown, Indicators, Row, Unit

# HTML's special characters, and those Markdown or Jinja would act on, as entities:
# one pass, so that no entity is escaped twice.
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;",
             **{c: f"&#{ord(c)};" for c in "\\`*_[]{}#|!~^$"}}


def esc(text: str) -> str:
    """Escape *text* for HTML and Markdown alike (anything else is made text first: a list's items too)."""
    return "".join(_ENTITIES.get(c, c) for c in (text if isinstance(text, str) else str(text)))


def translated(text, lang: str) -> str:
    """A data text (schema Text) or a registry label ({"zh": …}) in *lang*, escaped.
    A missing translation (drafts only) shows the Chinese."""
    return esc(text_in(text, lang))


def contact_parts(library, lang: str) -> list[str]:
    """How to reach the library, from its data, one part each (HTML): the address, and the telephone,
    email and opening hours where the data gives them; a telephone or email is a link. The footer
    and the accessibility statement both say it this way."""
    def link(scheme: str, value: str) -> str:
        return f'<a href="{scheme}:{esc(value.replace(" ", ""))}">{esc(value)}</a>'
    parts = [(t("footer.address", lang), translated(library.address, lang)),
             (t("footer.telephone", lang), link("tel", library.telephone) if library.telephone else ""),
             (t("footer.email", lang), link("mailto", library.email) if library.email else ""),
             (t("footer.hours", lang), translated(library.opening_hours, lang) if library.opening_hours else "")]
    return [f"{label}{value}" for label, value in parts if value]


def contact(library, lang: str) -> str:
    """The library's contact parts as one run of text, as a sentence gives them."""
    return t("list_separator", lang).join(contact_parts(library, lang))


def todo(lang: str) -> str:
    return t("todo", lang)


def _cell(value, unit_cell, lang: str) -> str:
    return todo(lang) if value is None else unit_cell(value, lang)


class Words(str):
    """A table cell of words (a document's title, yes or no), not a figure: left-aligned, wrapping."""


class UnitCell(str):
    """A table cell that names the unit of the figure before it."""


def _tag(tag: str, content: str, css: str = "", scope: str = "") -> str:
    attributes = (f' class="{css}"' if css else "") + (f' scope="{scope}"' if scope else "")
    return f"<{tag}{attributes}>{content}</{tag}>"


def _table(caption: str, head: list[str], rows: list[tuple[list[str], str]], lang: str,
           download: str | None, css: str) -> str:
    """A report table: label column left, figures right-aligned in tabular digits, the total set apart.
    *rows* are (cells, role); the role "total" goes to the table's foot."""
    if download:
        caption += (f' <a class="report-table__download" href="{html.escape(download)}" download>'
                    f'{t("download.csv", lang)}</a>')
    def kind(cell):
        return "words" if isinstance(cell, Words) else "unit" if isinstance(cell, UnitCell) else "num"

    def line(cells):  # the row's label is its header; words take the unit's column where it is empty
        out, i = [_tag("th", cells[0], scope="row")], 1
        while i < len(cells):
            cell = cells[i]
            if isinstance(cell, Words) and i + 1 < len(cells) and cells[i + 1] == "" and isinstance(cells[i + 1], UnitCell):
                out.append(f'<td class="words" colspan="2">{cell}</td>')
                i += 2
                continue
            out.append(_tag("td", cell, kind(cell)))
            i += 1
        return "<tr>" + "".join(out) + "</tr>"

    rows = _on_the_decimal(rows)
    head_row = "<tr>" + "".join(_tag("th", h, "" if i == 0 else kind(h), "col") for i, h in enumerate(head)) + "</tr>"
    body = "".join(line(cells) for cells, role in rows if role != "total")
    foot = "".join(line(cells) for cells, role in rows if role == "total")
    return (f'\n\n<div class="report-table-wrap"><table class="report-table {css}"><caption>{caption}</caption>'
            f'<thead>{head_row}</thead><tbody>{body}</tbody>'
            + (f'<tfoot>{foot}</tfoot>' if foot else "") + "</table></div>\n\n")


_FIGURE = re.compile(r"^([+\u2212-]?[\d,]+)(?:\.(\d+))?(%?)$")


def _on_the_decimal(rows: list[tuple[list[str], str]]) -> list[tuple[list[str], str]]:
    """Each column's figures padded on the right with figure spaces (the width of a digit) and
    a punctuation space (the width of the point) to its most decimals, so that right-aligned
    figures line up on the decimal point. Nothing is rounded or added that a reader sees."""
    width = max((len(cells) for cells, _ in rows), default=0)
    out = [(list(cells), role) for cells, role in rows]
    for column in range(1, width):
        found = [_FIGURE.match(str(cells[column])) if column < len(cells) and type(cells[column]) is str else None
                 for cells, _ in out]
        most = max((len(m.group(2) or "") for m in found if m), default=0)
        if not most:
            continue
        for (cells, _), m in zip(out, found):
            if m:
                decimals = len(m.group(2) or "")
                pad = ("" if decimals else "\u2008") + "\u2007" * (most - decimals)
                cells[column] = m.group(1) + (f".{m.group(2)}" if decimals else "") + pad + m.group(3)
    return out


def table(entry, rows: list[Row], lang: str, download: str | None = None) -> str:
    """A registered table (tables.TABLES) for one year, in *lang*."""
    caption = translated(entry.caption, lang)
    if isinstance(entry, Breakdown):
        head = [translated(entry.category, lang), translated(entry.unit.header, lang)]
        if entry.shares:
            head.append(t("share_percent", lang))
        lines = []
        for r in rows:
            cells = [fmt.heading_case(translated(r.label, lang), lang), _cell(r.value, entry.unit.cell, lang)]
            if entry.shares:
                cells.append("" if r.share is None else fmt.number(r.share, lang))
            lines.append((cells, r.role))
        return _table(caption, head, lines, lang, download, "report-table--breakdown")
    head = [t("indicator", lang), t("value", lang), UnitCell(t("unit", lang))]
    if isinstance(entry, Indicators) and entry.changes:
        head.append(t("change", lang))
    lines = []
    for r in rows:
        if r.unit is WAN_YUAN:
            cells = [translated(r.label, lang), _cell(r.value, MONEY.cell, lang), UnitCell(MONEY.short[lang])]
        else:
            cells = [translated(r.label, lang), _indicator_value(r.value, lang),
                     UnitCell(translated(r.unit, lang) if r.unit else "")]
        if entry.changes:
            cells.append("" if r.change is None else fmt.signed_percent(r.change, lang))
        lines.append((cells, r.role))
    return _table(caption, head, lines, lang, download, "report-table--indicators")


def _indicator_value(value, lang: str) -> str:
    if value is None:
        return todo(lang)
    if isinstance(value, bool):
        return Words(t("yes" if value else "no", lang))
    if hasattr(value, "zh"):
        return Words(translated(value, lang))
    if hasattr(value, "isoformat"):
        return fmt.date(value, lang, with_year=True)
    return fmt.number(value, lang)


_FIELD = re.compile(r"\{label\}|\{value\}|\{\{|\}\}")


def listing(entry: Breakdown, rows: list[Row], lang: str, pattern: str | None = None) -> str:
    """A breakdown's items as running prose: ``大学专科学历 5 人，本科以上学历 6 人`` /
    ``5 with a junior college diploma and 6 with a bachelor's degree or higher``.
    *pattern* (``"{label}使用 {value}"``) words each item as the chapter needs."""
    unit: Unit = entry.unit
    pattern = esc(pattern) if pattern else unit.listing[lang]
    pattern = pattern.replace("&#123;", "{").replace("&#125;", "}")
    # {label} and {value} are replaced as text, never by str.format, which would let a chapter's
    # pattern reach a value's attributes ("{label.__class__}")
    parts = [_FIELD.sub(lambda m: {"{label}": translated(r.label, lang), "{value}": str(_cell(r.value, unit.prose, lang)),
                                   "{{": "{", "}}": "}"}[m.group()], pattern)
             for r in rows if r.role == "item"]
    if lang == "zh":
        return "，".join(parts)
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1] if parts else ""


def chronicle(events, lang: str, page_url: str | None = None) -> str:
    """The chronicle as a timeline: grouped by month, each date shown once, every event linkable.
    *page_url* is the address of the page it is on, from which a photo (a path under docs/) is linked."""
    months: dict[tuple, list] = defaultdict(list)
    for number, event in enumerate(events, 1):
        key = (event.date.year, event.date.month) if event.date else (0, 0)
        months[key].append((number, event))
    out = ['\n\n<div class="chronicle">']
    for (year, month), items in months.items():
        heading = fmt.month(month, lang) if month else todo(lang)
        out.append(f'<section class="chronicle__month"><h2 class="chronicle__month-name" id="month-{year}-{month:02d}">'
                   f"{heading}</h2><ol class=\"chronicle__events\">")
        for number, event in items:
            out.append(_event(number, event, lang, page_url))
        out.append("</ol></section>")
    out.append("</div>\n\n")
    return "".join(out)


def _event(number: int, event, lang: str, page_url: str | None) -> str:
    anchor = f"event-{number}"
    when = chronicle_text.when(event, lang, todo(lang))
    place = (f'<p class="chronicle__place"><span class="chronicle__place-label">{t("place", lang)}</span>'
             f"{translated(event.place, lang)}</p>") if event.place else ""
    photo = ""
    if event.photo:   # a path under docs/ (schema.py, checks.py): the same path on the site
        src = event.photo if page_url is None else links.relative(event.photo, page_url)
        photo = (f'<img class="chronicle__photo" src="{html.escape(src)}" '
                 f'alt="{translated(event.photo_alt, lang) if event.photo_alt else ""}" loading="lazy">')
    account = chronicle_text.account(event, lang, todo(lang), literal=esc)
    # Each date is shown once: in the account when it says it, else beside the title.
    shown = "" if chronicle_text.dates_itself(event, lang) else f'<time datetime="{event.date or ""}">{when}</time> '
    return (f'<li class="chronicle__event" id="{anchor}">'
            f'<h3 class="chronicle__title">{shown}<a class="chronicle__anchor" href="#{anchor}">'
            f"{translated(event.title, lang)}</a></h3>{place}{photo}<p>{account}</p></li>")


def key_figures(tiles: Iterable[tuple[str, str, str, str | None]], lang: str) -> str:
    """Figure tiles for a cover: (label, figure, unit, change line or None) each."""
    items = []
    for label, figure, unit, change in tiles:
        change_html = f'<span class="key-figure__change">{change}</span>' if change else ""
        items.append(f'<li class="key-figure"><span class="key-figure__label">{label}</span>'
                     f'<span class="key-figure__value">{figure}'
                     + (f'<span class="key-figure__unit">{unit}</span>' if unit else "") + "</span>"
                     f"{change_html}</li>")
    return f'\n\n<ul class="key-figures">{"".join(items)}</ul>\n\n'


def reference_table(rows: list[tuple[str, ...]], head: tuple[str, ...]) -> str:
    """A plain reference table (the editing guide's macro and field lists); the first column is code."""
    def row(values):
        first, *rest = values
        return f"<tr><td><code>{esc(first)}</code></td>" + "".join(f"<td>{esc(v)}</td>" for v in rest) + "</tr>"
    cells = "".join(f"<th>{h}</th>" for h in head)
    body = "".join(row(r) for r in rows)
    return f'\n\n<table class="reference-table"><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>\n\n'


def chart_figure(name: str, svgs: list[str], title: str, subtitle: str, source: str, table_html: str,
                 lang: str) -> str:
    """A chart (or its charts) that stands alone: a visible title that states the point, the measure
    and period, the source, and its table folded beneath it."""
    return (f'\n\n<figure class="report-chart" id="figure-{name}">'
            f'<figcaption class="report-chart__caption"><span class="report-chart__title">{title}</span>'
            f'<span class="report-chart__subtitle">{subtitle}</span></figcaption>'
            f'{"".join(svgs)}<p class="report-chart__source">{source}</p>'
            f'<details class="report-chart__table"><summary>{t("chart.table", lang)}</summary>'
            f'{table_html.strip()}</details></figure>\n\n')


def downloads_table(rows: list[tuple[str, str, str]], lang: str) -> str:
    """The data page's list of files: what each holds with its file's name under it, and its
    links (already HTML). Two columns, so that the list reads on a 360 px phone."""
    head = "".join(f"<th>{t(k, lang)}</th>" for k in ("content", "formats"))
    body = "".join(f'<tr><td>{esc(b)}<br><code class="file-name">{esc(a)}</code></td><td>{c}</td></tr>'
                   for a, b, c in rows)
    return (f'\n\n<div class="report-table-wrap"><table class="report-table downloads"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>\n\n")


def problem_panel(title: str, message: str) -> str:
    """A mistake shown in the preview page itself: the same message the build prints."""
    return (f'\n\n<div class="admonition failure report-problem"><p class="admonition-title">{esc(title)}</p>'
            f"<pre>{esc(message)}</pre></div>\n\n")
