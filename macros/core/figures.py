"""The report's arithmetic, in one place: shares, changes and published precision.

Every rounding is half up, as Chinese statistical reports round, and no result is ever
shown more precisely than the figures it comes from were published.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Union

Number = Union[int, Decimal]


def places(value: Number) -> int:
    """How many decimals *value* was published with: 105.5 -> 1, 40 -> 0."""
    if isinstance(value, int):
        return 0
    return max(0, -value.as_tuple().exponent)


def rounded(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def at_precision(value: Decimal, like: Number) -> Decimal:
    """*value* rounded to the number of decimals *like* was published with."""
    return rounded(value, places(like))


def share(part: Number, whole: Number, decimals: int = 0) -> Decimal:
    """part ÷ whole as a percentage, rounded half up to *decimals* places (0 when there is no whole)."""
    if not whole:
        return Decimal(0)
    return rounded(Decimal(part) / Decimal(whole) * 100, decimals)


def change(now: Number | None, before: Number | None, decimals: int = 2) -> Decimal | None:
    """(now − before) ÷ before × 100: the change on the previous year in %, as reports publish it."""
    if now is None or not before:
        return None
    return rounded((Decimal(now) - Decimal(before)) / Decimal(before) * 100, decimals)
