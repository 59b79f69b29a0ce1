"""Every figure of a year's data, looked for on that year's pages: the invariant that holds
for any report, any year, in every language (used on the real report and on fixtures)."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

from pydantic import BaseModel

from conftest import page_text
from macros.core import fmt, tables


def figures(model, place=()):
    """(place, value) of every number and date in a validated model; identifiers and flags are no figures."""
    if isinstance(model, BaseModel):
        for name in type(model).model_fields:
            yield from figures(getattr(model, name), place + (name,))
    elif isinstance(model, list):
        for i, item in enumerate(model):
            yield from figures(item, place + (i,))
    elif isinstance(model, dict):
        for key, value in model.items():
            yield from figures(value, place + (key,))
    elif isinstance(model, (int, Decimal, dt.date)) and not isinstance(model, bool):
        yield place, model


def written(value, code: str) -> set[str]:
    """The ways a page may write *value*: as a count, an amount, a percentage, a date."""
    if isinstance(value, dt.date):
        forms = {fmt.date(value, code), fmt.date(value, code, with_year=True), fmt.as_of(value, code)}
    else:
        forms = {fmt.number(value, code), fmt.number(abs(value), code), fmt.money_figure(value, code),
                 fmt.at_least(value, code)}
        if isinstance(value, int) or value == value.to_integral_value():
            forms.add(fmt.number(fmt.wan(value), code))   # a figure published in 万
    return {re.sub(r"\s+", " ", f) for f in forms}


def year_pages(site: Path, prefix: str, year: int) -> str:
    folder = site / prefix / str(year)
    return " ".join(page_text(site, p.relative_to(site).as_posix()) for p in sorted(folder.rglob("index.html")))


# A day of the year (5 月 18 日, 18 May, 18–20 May): its numbers are no count the page shows.
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
DAYS = re.compile(rf"\d{{1,2}} 月 \d{{1,2}} 日|\d{{1,2}}(?:–\d{{1,2}})? (?:{_MONTHS})\b")


def shown(form: str, text: str) -> bool:
    """Whether *form* stands in *text* as a figure of its own, not as part of a longer one:
    5 is not shown by 45, 2020, 1.5 or 5,000."""
    return re.search(rf"(?<![\d.,]){re.escape(form)}(?!\d|[.,]\d)", text) is not None


# The figures the registry shows to fewer places than published (tables.Indicator.places), by path.
SHOWN_TO = {tuple(i.path.split(".")): i.places for entry in tables.TABLES if isinstance(entry, tables.Indicators)
            for i in entry.indicators if i.places is not None}


def missing_figures(site: Path, prefix: str, year, code: str) -> list:
    """Figures of *year* (a site.Year) that none of its pages in edition *code* shows."""
    text = year_pages(site, prefix, year.year)
    counts = DAYS.sub(" ", text)   # a count is never found in a date
    out = []
    for topic in year.documents:
        for place, value in figures(year.topic(topic)):
            forms = written(value, code)
            if (topic, *place) in SHOWN_TO:   # a figure the registry shows to fewer places (0.1234: 0.12)
                forms.add(fmt.rounded(value, SHOWN_TO[(topic, *place)], code))
            if topic == "chronicle" and place[-1] == "date":  # an event is dated by its whole span
                event = year.chronicle.events[place[1]]
                forms.add(re.sub(r"\s+", " ", fmt.date_range(event.date, event.end, code)))
            if not any(shown(form, text if isinstance(value, dt.date) else counts) for form in forms):
                out.append((topic, place, value))
    return out


# Numbering that is no figure: a heading's section number (### 1.2 …, **1.2 …**).
SECTION_NUMBER = re.compile(r"^([ \t]*(?:#+[ \t]+|\*\*))\d+(?:\.\d+)*[.、)）]?(?=[ \t\u3000])", re.M)


def typed_figures(docs: Path, year) -> list:
    """(page, figure) of every figure of *year*'s data (a site.Year) typed into its chapters under
    *docs* instead of coming through a macro: counts of 100 or more and every non-whole number,
    in either language's writing; section numbers are left out."""
    typed = set()
    for topic in year.documents:
        for _, value in figures(year.topic(topic)):
            if isinstance(value, (int, Decimal)) and (abs(value) >= 100 or value != int(value)):
                typed |= {fmt.number(value, "zh"), fmt.number(value, "en")}
    found = []
    for page in sorted((docs / str(year.year)).glob("*.md")):
        prose = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", "", page.read_text(encoding="utf-8"), flags=re.S)
        prose = SECTION_NUMBER.sub(r"\1", re.sub(r"\A---.*?---", "", prose, flags=re.S))
        found += [(page.name, f) for f in sorted(typed)
                  if re.search(rf"(?<![\d.,]){re.escape(f)}(?![\d.,])", prose)]
    return found
