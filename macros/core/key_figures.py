"""The key figures: which of a year's figures the cover and each year's page show as tiles.

Declared once here, so that the macro that shows them (``{{ key_figures() }}``) knows no topic:
a tile is either a row of a registered table (its label, unit and change as the table gives
them) or a total of the year's data, compared with the same total the year before.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from . import figures, fmt, tables
from .languages import text_in
from .strings import t


@dataclass(frozen=True)
class TableRow:
    """A row of a registered table (tables.TABLES), as that table shows it."""
    table: str
    row: str


@dataclass(frozen=True)
class Total:
    """A total of the year's data at *path* (``finance.expenditure.total``), named by interface strings."""
    path: str
    label: str                 # strings.py key
    unit: str | None = None    # strings.py key; None for an amount of money, which names its own
    money: bool = False        # published in 万元: 186.5 万元, CNY 1.87 million in a tile


KEY_FIGURES = (
    TableRow("statistics", "circulation"),
    TableRow("statistics", "new_acquisitions"),
    TableRow("statistics", "views"),
    Total("activities.total", "tile.activities", unit="tile.events"),
    Total("finance.expenditure.total", "tile.spending", money=True),
)


_AFTER_THE_FIGURE = re.compile(r"^(.*\d)\s*(.*)$", re.S)


def _at(year, path: str):
    """The value at *path* of *year*'s data, None where any part of it is missing."""
    value = year
    for name in path.split("."):
        value = getattr(value, name, None) if value is not None else None
    return value


def _tile(label: str, figure: str, unit: str, change: Decimal | None, lang: str, year: int) -> dict:
    # a change not known is said so, never left blank
    return {"label": label, "figure": figure, "unit": unit, "change": change,
            "change_words": fmt.change_unknown(year - 1, lang) if change is None else fmt.change(change, lang, year - 1)}


def tiles(year, site, lang: str) -> list[dict]:
    """*year*'s key figures that its data gives, in order: label, figure, unit, and the change on
    the previous year (a number, and in words; where it is not known, words that say so)."""
    previous, out = site.previous(year.year), []
    for figure in KEY_FIGURES:
        if isinstance(figure, TableRow):
            row = {r.id: r for r in tables.table(figure.table).rows(year, site) or []}.get(figure.row)
            if row is not None and row.value is not None:
                out.append(_tile(text_in(row.label, lang), fmt.number(row.value, lang), text_in(row.unit, lang),
                                 row.change, lang, year.year))
            continue
        value = _at(year, figure.path)
        if value is None:
            continue
        change = figures.change(value, _at(previous, figure.path) if previous else None)
        if figure.money:   # in a tile's compact form (the exact figure is the table's): the words
            # after its last digit (万元, million) set as its unit, a currency before it (CNY) kept
            shown, unit = _AFTER_THE_FIGURE.match(fmt.compact_money(value, lang)).groups()
        else:
            shown, unit = fmt.number(value, lang), t(figure.unit, lang) if figure.unit else ""
        out.append(_tile(t(figure.label, lang), shown, unit, change, lang, year.year))
    return out
