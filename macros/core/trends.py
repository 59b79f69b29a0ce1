"""Year-on-year figures: the change on the previous year, and series over years.

A change the report states is used as stated (the validator has checked it
against the previous year's data where that exists); where the report states
none, it is computed from the previous year's value.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .validate import Site

MEASURES = ("views", "downloads", "circulation")
COMPUTED_PLACES = Decimal("0.01")  # as the reports publish their rates


def computed_change(now: int | None, before: int | None) -> Decimal | None:
    """(now − before) ÷ before × 100, to two places; None when it cannot be computed."""
    if now is None or not before:
        return None
    return ((Decimal(now) - before) / before * 100).quantize(COMPUTED_PLACES, rounding=ROUND_HALF_UP)


def change_of(site: "Site", year: int, measure: str) -> Decimal | None:
    """The change of *measure* (views, downloads, circulation) in *year* on the year before."""
    stated = getattr(site.years[year].statistics, measure).change_percent
    if stated is not None:
        return stated
    previous = site.years.get(year - 1)
    if previous is None:
        return None
    return computed_change(getattr(site.years[year].statistics, measure).value,
                           getattr(previous.statistics, measure).value)


def series(site: "Site", measure: str, years: list[int] | None = None) -> list[tuple[int, int]]:
    """(year, value) of *measure* for every year given (default: all), oldest first."""
    years = sorted(years if years is not None else site.years)
    out = []
    for year in years:
        value = getattr(site.years[year].statistics, measure).value
        if value is not None:
            out.append((year, value))
    return out
