"""Where a page sits in the report: its year, its chapter number, its title.

Plain functions over paths and front matter, so that they do not depend on
MkDocs' page objects (the glue in __init__.py passes plain values in).
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?\n)---\s*\n", re.S)


def year_of(src_uri: str) -> int | None:
    """``2020/finance.md`` -> 2020; pages outside a year folder -> None."""
    first = src_uri.replace("\\", "/").split("/", 1)[0]
    return int(first) if re.fullmatch(r"\d{4}", first) else None


def is_chapter(src_uri: str) -> bool:
    """A chapter is any page in a year folder other than the year's own index."""
    return year_of(src_uri) is not None and not re.search(r"(^|/)index(\.[a-z]{2})?\.md$", src_uri)


def front_matter(path: str | Path) -> dict:
    text = Path(path).read_text(encoding="utf-8")
    match = _FRONT_MATTER.match(text)
    return (yaml.safe_load(match.group(1)) or {}) if match else {}


def chapter_number(src_uri: str, siblings: list[str]) -> int:
    """The 1-based position of *src_uri* among the chapters in *siblings* (nav order)."""
    chapters = [s for s in siblings if is_chapter(s)]
    return chapters.index(src_uri) + 1
