"""Year-on-year figures: the change on the previous year, and series over the years.

A change the report states is used as stated (the checks compare it with the previous
year's data where that exists); where the report states none, it is computed from the
previous year's value. The previous year is one a page may show (``Site.previous``): a
finished year is never compared with a draft.
"""
from __future__ import annotations

from decimal import Decimal

from . import figures
from .schema import Measure
from .site import Site, Year

# The service measures followed from year to year, in the order chapters and charts show them.
MEASURES = ("views", "downloads", "circulation")


def measure(year: Year | None, name: str) -> Measure | None:
    return getattr(year.statistics, name) if year is not None else None


def change_of(site: Site, year: int, name: str) -> Decimal | None:
    """The change of measure *name* in *year* on the year before, in %."""
    now = measure(site.years[year], name)
    if now is None:
        return None
    if now.change_percent is not None:
        return now.change_percent
    before = measure(site.previous(year), name)
    return figures.change(now.value, before.value if before else None)


def series(site: Site, name: str, years: list[int]) -> list[tuple[int, int]]:
    """(year, value) of measure *name* for each of *years* that has it, oldest first. *years*
    are those a page may show together: ``site.comparable(year)`` for a page of *year*."""
    out = []
    for year in sorted(years):
        found = measure(site.years[year], name)
        if found is not None and found.value is not None:
            out.append((year, found.value))
    return out
