"""What chapters insert through macros: tables, lists, the chronicle, figures at a glance.

This module decides what each block says, from the table registry and the site model, and
hands it as plain data to its template (templates.py, macros/theme/partials/report/), which
marks it up. Every text from data is escaped there exactly once, so markup typed into a YAML
field shows as typed and is never executed or interpreted.
"""
from __future__ import annotations

import re
from collections import defaultdict
from typing import Iterable

from markupsafe import Markup

from . import chronicle as chronicle_text
from . import fmt, links
from .languages import text_in
from .strings import t
from .tables import MONEY, WAN_YUAN, Breakdown, Indicators, Note, Row, Unit, UnknownTable
from .templates import esc, render_block   # esc: also how sandbox, charts and filters escape a text


def translated(text, lang: str) -> str:
    """A data text (schema Text) or a registry label ({"zh": …}) in *lang*, escaped.
    A missing translation (drafts only) shows the Chinese."""
    return esc(text_in(text, lang))


def contact_parts(library, lang: str) -> list[str]:
    """How to reach the library, from its data, one part each (HTML): the address, and the telephone,
    email and opening hours where the data gives them; a telephone or email is a link. The footer
    and the accessibility statement both say it this way."""
    parts = [("footer.address", "", text_in(library.address, lang)),
             ("footer.telephone", "tel", library.telephone), ("footer.email", "mailto", library.email),
             ("footer.hours", "", text_in(library.opening_hours, lang) if library.opening_hours else "")]
    return [render_block("contact-part", label=interface(key, lang), scheme=scheme, value=value,
                         address=value.replace(" ", ""))
            for key, scheme, value in parts if value]


def contact(library, lang: str) -> str:
    """The library's contact parts as one run of text, as a sentence gives them."""
    return t("list_separator", lang).join(contact_parts(library, lang))


def interface(key: str, lang: str) -> Markup:
    """An interface string (strings.py, no fields) for a template, as written: the project's own
    words, which hold no markup and are kept as typed ("[TODO]", "table's"), not escaped."""
    return Markup(t(key, lang))


def todo(lang: str) -> Markup:
    return interface("todo", lang)


def _cell(value, unit_cell, lang: str) -> str:
    return todo(lang) if value is None else unit_cell(value, lang)


class Words(str):
    """A table cell of words (a document's title, yes or no), not a figure: left-aligned, wrapping."""


class UnitCell(str):
    """A table cell that names the unit of the figure before it."""


class NotKnown(str):
    """A figure's cell where the figure is not known: words (未提供, not available), in its column's place."""


def _kind(cell) -> str:
    return ("words" if isinstance(cell, Words) else "unit" if isinstance(cell, UnitCell)
            else "num not-known" if isinstance(cell, NotKnown) else "num")


def _row(cells: list[str], head: list[str], labelled: set[int]) -> dict:
    """A table row for table.html: its label, and its cells with their kind and padding; words take
    the unit's column where it is empty (a document's title needs no unit). A cell of a column in
    *labelled* carries its column's heading (data-label), which a phone shows beside it when the
    table's rows are stacked."""
    out, i = [], 1
    while i < len(cells):
        cell = cells[i]
        spans = isinstance(cell, Words) and i + 1 < len(cells) and cells[i + 1] == "" and isinstance(cells[i + 1], UnitCell)
        text, pad, suffix = cell if isinstance(cell, tuple) else (cell, "", "")
        out.append({"text": text, "pad": pad, "suffix": suffix, "kind": _kind(text), "span": 2 if spans else 1,
                    "label": head[i] if i in labelled and i < len(head) else None})
        i += 2 if spans else 1
    return {"label": cells[0], "cells": out}


def _table(caption: str, head: list[str], rows: list[tuple[list[str], str]], lang: str,
           download: str | None, css: str, labelled: set[int] = frozenset(), notes: list[str] = ()) -> str:
    """A report table: label column left, figures right-aligned in tabular digits, the total set apart.
    *rows* are (cells, role); the role "total" goes to the table's foot. A table of more than three
    columns does not fit a 360 px phone: there its rows are stacked (report.css), each a block with
    its heading, its figures, and the cells of *labelled* columns with their heading beside them.
    *notes* (markup) are said beneath the table: what is no figure (tables.Note)."""
    rows = _on_the_decimal(rows)
    stacked = len(head) > 3
    return render_block("table", caption=caption, download=download, download_label=interface("download.csv", lang),
                        css=css + (" report-table--stacked" if stacked else ""), stacked=stacked,
                        head=[{"text": h, "kind": _kind(h)} for h in head],
                        body=[_row(cells, head, labelled) for cells, role in rows if role != "total"],
                        foot=[_row(cells, head, labelled) for cells, role in rows if role == "total"],
                        notes=list(notes))


_FIGURE = re.compile(r"^([+\u2212-]?[\d,]+)(?:\.(\d+))?(%?)$")


def _on_the_decimal(rows: list[tuple[list[str], str]]) -> list[tuple[list, str]]:
    """Each column's figures padded on the right with figure spaces (the width of a digit) and
    a punctuation space (the width of the point) to its most decimals, so that right-aligned
    figures line up on the decimal point. A padded cell is (figure, padding, % or nothing): a stacked
    row on a phone, where nothing lines up, leaves it out. Nothing is rounded or added that a
    reader sees."""
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
                cells[column] = (m.group(1) + (f".{m.group(2)}" if decimals else ""), pad, m.group(3))
    return out


def table(entry, rows: list[Row], lang: str, download: str | None = None) -> str:
    """A registered table (tables.TABLES) for one year, in *lang*."""
    caption = text_in(entry.caption, lang)
    if isinstance(entry, Breakdown):
        head = [text_in(entry.category, lang), text_in(entry.unit.header, lang)]
        if entry.shares:
            head.append(interface("share_percent", lang))
        lines = []
        for r in rows:
            cells = [fmt.heading_case(text_in(r.label, lang), lang), _cell(r.value, entry.unit.cell, lang)]
            if entry.shares:
                cells.append("" if r.share is None else fmt.number(r.share, lang))
            lines.append((cells, r.role))
        return _table(caption, head, lines, lang, download, "report-table--breakdown")
    head = [interface("indicator", lang), interface("value", lang), UnitCell(t("unit", lang))]
    if isinstance(entry, Indicators) and entry.changes:
        head.append(interface("change", lang))
    noted = entry.noted() if isinstance(entry, Indicators) else set()
    lines = []
    for r in rows:
        if r.id in noted:
            continue
        if r.unit is WAN_YUAN:
            cells = [text_in(r.label, lang), _cell(r.value, MONEY.cell, lang), UnitCell(MONEY.short[lang])]
        else:
            cells = [text_in(r.label, lang), _indicator_value(r.value, lang, entry.places(r.id)),
                     UnitCell(text_in(r.unit, lang) if r.unit else "")]
        if entry.changes:   # a change not known is said so, never a blank cell
            cells.append(NotKnown(t("table.not_available", lang)) if r.change is None
                         else fmt.signed_percent(r.change, lang))
        lines.append((cells, r.role))
    notes = [_note(note, {r.id: r.value for r in rows}, lang) for note in getattr(entry, "notes", ())]
    # a row's figure and unit read as one on a phone; its change is labelled
    return _table(caption, head, lines, lang, download, "report-table--indicators", labelled={3},
                  notes=[n for n in notes if n])


def figure(entry, row: Row, lang: str) -> str:
    """A row's figure as its table shows it (the places the registry declares), without its unit,
    for a chapter's sentence: 0.14 where the data publishes 0.1396."""
    if not isinstance(entry, (Breakdown, Indicators)):   # records (the chronicle) have no one figure
        raise UnknownTable(entry.name)
    if isinstance(entry, Breakdown):
        return _cell(row.value, entry.unit.cell, lang)
    if row.unit is WAN_YUAN:
        return _cell(row.value, MONEY.cell, lang)
    return _indicator_value(row.value, lang, entry.places(row.id))


def _note(note: Note, values: dict, lang: str) -> Markup | None:
    """A note's sentence, its data texts escaped; None where the year gives none of its fields."""
    found = {field: values.get(row) for field, row in note.fields.items()}
    if all(value is None for value in found.values()):
        return None
    key = note.key
    if len(found) == 1 and isinstance(next(iter(found.values())), bool):
        key = f"{key}.{'yes' if next(iter(found.values())) else 'no'}"
    return Markup(t(key, lang, **{field: todo(lang) if value is None else esc(_indicator_value(value, lang))
                                  for field, value in found.items()}))


def _indicator_value(value, lang: str, places: int | None = None) -> str:
    if value is None:
        return todo(lang)
    if isinstance(value, bool):
        return Words(t("yes" if value else "no", lang))
    if hasattr(value, "zh"):
        return Words(text_in(value, lang))
    if hasattr(value, "isoformat"):
        return fmt.date(value, lang, with_year=True)
    return fmt.number(value, lang) if places is None else fmt.rounded(value, places, lang)


_FIELD = re.compile(r"\{label\}|\{value\}|\{\{|\}\}")


def listing(entry: Breakdown, rows: list[Row], lang: str, pattern: str | None = None) -> str:
    """A breakdown's items as running prose: ``大学专科学历 5 人，本科以上学历 6 人`` /
    ``5 with a junior college diploma and 6 with a bachelor's degree or higher``.
    *pattern* (``"{label}使用 {value}"``) words each item as the chapter needs."""
    unit: Unit = entry.unit
    pieces = _FIELD.split(pattern or unit.listing[lang])
    fields = _FIELD.findall(pattern or unit.listing[lang])
    # {label} and {value} are replaced as text, never by str.format, which would let a chapter's
    # pattern reach a value's attributes ("{label.__class__}")
    items = []
    for r in (r for r in rows if r.role == "item"):
        filled = {"{label}": text_in(r.label, lang), "{value}": _cell(r.value, unit.prose, lang), "{{": "{", "}}": "}"}
        items.append([pieces[0], *(part for field, words in zip(fields, pieces[1:]) for part in (filled[field], words))])
    return render_block("listing", items=items, lang=lang)


def chronicle(events, lang: str, page_url: str | None = None) -> str:
    """The chronicle as a timeline: grouped by month, each date shown once, every event linkable.
    *page_url* is the address of the page it is on, from which a photo (a path under docs/) is linked."""
    months: dict[tuple, list] = defaultdict(list)
    for number, event in enumerate(events, 1):
        key = (event.date.year, event.date.month) if event.date else (0, 0)
        months[key].append(_event(number, event, lang, page_url))
    return render_block("chronicle", place_label=interface("place", lang), months=[
        {"year": year, "month": month, "name": fmt.month(month, lang) if month else todo(lang), "events": items}
        for (year, month), items in months.items()])


def _event(number: int, event, lang: str, page_url: str | None) -> dict:
    photo = None
    if event.photo:   # a path under docs/ (schema.py, checks.py): the same path on the site
        photo = event.photo if page_url is None else links.relative(event.photo, page_url)
    # Each date is shown once: in the account when it says it, else beside the title.
    dated = chronicle_text.dates_itself(event, lang)
    return {"number": number, "title": text_in(event.title, lang),
            "when": None if dated else chronicle_text.when(event, lang, todo(lang)),
            "datetime": str(event.date or ""), "place": text_in(event.place, lang) if event.place else "",
            "photo": photo, "photo_alt": text_in(event.photo_alt, lang) if event.photo_alt else "",
            # markup already: the account's own words escaped by esc, its figures formatted
            "account": Markup(chronicle_text.account(event, lang, todo(lang), literal=esc))}


def key_figures(tiles: Iterable[dict], lang: str) -> str:
    """Figure tiles for a cover: each a key_figures.Tile's label, figure, unit, and change (words
    and arrow, or None)."""
    return render_block("key-figures", tiles=list(tiles))


def reference(sections: list[dict]) -> str:
    """The editing guide's references (its macros, filters, tables, data files): each section a
    heading (*code*: a file's name), its table's *head* and *rows*; the first column is code."""
    return render_block("reference", sections=sections)


def contents(chapters: list[dict]) -> str:
    """A year's contents: each chapter's heading and address (href)."""
    return render_block("contents", chapters=chapters)


def no_report(text: str) -> str:
    """The cover's note while no year is published yet (a new library's first year is a draft)."""
    return render_block("no-report", text=text)


def archive(reports: list[dict]) -> str:
    """Every year's report: each one's title and address (href)."""
    return render_block("archive", reports=reports)


def code(text: str) -> str:
    """*text* shown as code in running text, as typed."""
    return render_block("code", text=text)


def code_block(text: str) -> str:
    """*text* shown as a code block, as typed."""
    return render_block("code-block", text=text)


def still_to_fill(lang: str) -> str:
    """The to-do marker in place of a draft's table, list or chart with nothing filled in yet."""
    return render_block("todo", todo=todo(lang))


def chart_figure(name: str, svgs: list[str], title: str, subtitle: str, source: str, table_html: str,
                 lang: str) -> str:
    """A chart (or its charts) that stands alone: a visible title that states the point, the measure
    and period, the source, and its table folded beneath it. *svgs* (drawn by vl-convert, their
    titles escaped by charts.py) and *table_html* (render.table's) are markup already."""
    return render_block("chart", name=name, svgs=[Markup(svg) for svg in svgs], title=title, subtitle=subtitle,
                        source=source, table=Markup(table_html), table_label=interface("chart.table", lang))


def downloads(heading: str | None, anchor: str, archive: dict, files: list[dict], package: str, lang: str) -> str:
    """A year's open data on the data page: *heading* (where the page lists several years) with its
    *anchor*, the year's data in one ZIP (*archive*: href, label), what each of its *files* holds
    (title, and links: href, format, size) and its data *package* (what each column means)."""
    return render_block("downloads", heading=heading, anchor=anchor, archive=archive, rows=files, package=package,
                        head=[interface(k, lang) for k in ("content", "formats")], dash=interface("dash", lang),
                        package_label=interface("download.package_label", lang),
                        package_words=interface("download.package", lang))


def data_download(archive: dict, data_page: str, lang: str) -> str:
    """The year page's one line of data: the year's ZIP (*archive*: href, label) and the way to each
    table's own file on the data page (*data_page*)."""
    before, _, after = t("download.each_table", lang, page="\0").partition("\0")
    return render_block("data-download", archive=archive, data_page=data_page, before=Markup(before),
                        after=Markup(after), page_label=interface("download.data_page", lang))


def problem_panel(title: str, message: str) -> str:
    """A mistake shown in the preview page itself: the same message the build prints."""
    return render_block("problem", title=title, message=message)
