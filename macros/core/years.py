"""What a report year is, stated once: four digits from 1949 to 2100, one folder name for each.

``data/2020/`` and ``docs/2020/`` are the 2020 report; ``data/999``, ``data/0999`` or
``data/3000`` are nobody's year. The data loader, the chapters, the tools and every
command-line argument read this one rule.
"""
from __future__ import annotations

import re

FIRST, LAST = 1949, 2100
_FOUR_DIGITS = re.compile(r"[0-9]{4}")   # ASCII digits only: \d would take ２０２０ and ٢٠٢٠

EXPECTED_ZH = f"四位数字的年份，{FIRST}–{LAST}，如 2021"
EXPECTED_EN = f"a four-digit year from {FIRST} to {LAST}, such as 2021"


def is_year_name(name: str) -> bool:
    """A folder name that is a report year: ``2020`` yes; ``0999``, ``999``, ``20201`` no."""
    return _FOUR_DIGITS.fullmatch(name) is not None and FIRST <= int(name) <= LAST


def parse_year(text: str) -> int | None:
    """The year *text* names, or None when it is not one (the caller says EXPECTED_* to staff)."""
    text = text.strip() if isinstance(text, str) else ""
    return int(text) if is_year_name(text) else None
