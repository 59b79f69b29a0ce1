"""The dates a build writes: each year's own, and the newest for the pages every year shares.

Two builds of one state of the project must be byte-identical, and committing next year must
leave a published year as it was: its pages' "last updated", its PDFs' creation date, its
sitemap entries. So every date comes from the content, never from the clock, and a year's
from that year's content only:

- **a year** (its pages, their footer and ``<lastmod>``, its PDFs): the ``updated:`` date staff
  set in ``data/<year>/report.yaml`` when given; else the time of the last commit that touched
  ``data/<year>/`` or ``docs/<year>/``; else (a copy without git history, such as a zip
  download, or a year not yet committed) the newest date written in ``data/<year>/``;
- **the pages every year shares** (home, data page, guide, accessibility statement, 404, the
  sitemap as a whole and its gzip header): the newest of the shown years' dates and of the
  shared content's own date: the last commit that touched ``data/`` or ``docs/`` outside the
  year folders, or without git the newest date in those data files (``library.yaml``…).
  A draft year moves it only where the draft is shown (the preview);
- ``SOURCE_DATE_EPOCH``, when set, is a ceiling on every date, as ``tar --clamp-mtime`` reads
  it: no date written is later. Set to the last commit's time, as reproducible-build tooling
  sets it, it changes nothing, so a published year stays byte-identical; with no date in the
  content at all, it is the date.

A year's date is its last change, not its last byte of output: a commit to the code or to
``library.yaml`` changes no year's date (the report was not updated). Dates are UTC.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from pydantic import ValidationError

from .load import inside, load_document
from .memo import FileMemo
from .problems import DataError
from .schema import ReportMeta
from .years import is_year_name


_EPOCH = re.compile(r"[0-9]{1,10}")   # ASCII digits: str.isdigit() also takes ² and ٣
LATEST = 4102444800                  # 2100-01-01: no later date is a report's
# Every folder of data/ or docs/ named as a year, for git: the shared content is the rest.
# Not the pages every year shares: each year's own folders, and the editors' JSON Schemas that
# `python -m macros schema` regenerates when the engine changes (no reader sees them).
_NOT_SHARED = (":(exclude,glob)data/[0-9][0-9][0-9][0-9]/**", ":(exclude,glob)docs/[0-9][0-9][0-9][0-9]/**",
               ":(exclude,glob)data/schema/**")


@dataclass(frozen=True)
class ContentDates:
    """When each part of the site last changed, in seconds since 1970 (UTC)."""

    shared: int                                   # the pages every year shares: the newest
    years: dict[int, int] = field(default_factory=dict)

    def epoch(self, year: int | None = None) -> int:
        """The date of *year*'s pages and files; of the shared pages for None or a year not dated."""
        return self.years.get(year, self.shared) if year is not None else self.shared

    def moment(self, year: int | None = None) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.epoch(year), dt.timezone.utc)

    def day(self, year: int | None = None) -> dt.date:
        return self.moment(year).date()


def content_dates(root: Path, shown: Iterable[int] | None = None, memo: FileMemo | None = None) -> ContentDates:
    """The dates of the project at *root* (see the module's docstring): of each year in *shown*
    (every year folder of data/ and docs/ when None) and of the pages they share."""
    years = sorted(set(shown)) if shown is not None else _year_names(root)
    history = _History(root)
    own = history.last_change("data", "docs", *_NOT_SHARED) or _newest_date(_shared_data_files(root), root, memo)
    dated = {year: _stated(root, year, memo)
             or history.last_change(f"data/{year}", f"docs/{year}")
             or _newest_date(_files(root / "data" / str(year)), root, memo)
             or own   # a year with no date at all: the shared content's
             for year in years}
    ceiling = stated_ceiling()
    clamp = (lambda epoch: min(epoch, LATEST)) if ceiling is None else \
        (lambda epoch: min(epoch, ceiling) if epoch else ceiling)
    return ContentDates(shared=clamp(max([own, *dated.values()])),
                        years={year: clamp(epoch) for year, epoch in dated.items()})


def source_date_epoch(root: Path) -> int:
    """The newest date of the project at *root*, every year counted (see the module's docstring)."""
    return content_dates(root).shared


def stated_ceiling() -> int | None:
    """SOURCE_DATE_EPOCH, when it is a date (ASCII digits, not after 2100); else None."""
    stated = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(stated) if _EPOCH.fullmatch(stated) and int(stated) <= LATEST else None


def _year_names(root: Path) -> list[int]:
    return sorted({int(p.name) for top in (root / "data", root / "docs") if top.is_dir()
                   for p in top.iterdir() if p.is_dir() and is_year_name(p.name)})


class _History:
    """The git history of *root*, if it is the top of a git work tree (not merely inside one)."""

    def __init__(self, root: Path):
        self.root = root
        top, _, shallow = self._git("rev-parse", "--show-toplevel", "--git-path", "shallow").partition("\n")
        self.present = bool(top) and bool(shallow) and Path(top).resolve() == root.resolve()
        # A shallow clone's oldest commits stand for all the history before them: what they
        # "changed" says nothing of when (CI must fetch the whole history: fetch-depth: 0).
        shallow_file = root / shallow   # --git-path is relative to -C's folder, or absolute
        self.boundary = set(shallow_file.read_text().split()) if self.present and shallow_file.is_file() else set()

    def _git(self, *args: str) -> str:
        try:
            return subprocess.run(["git", "-C", str(self.root), *args], capture_output=True, text=True,
                                  timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    def last_change(self, *pathspecs: str) -> int | None:
        """The time of the last commit that touched *pathspecs*; None when none did, when the history
        is cut before it (a shallow clone), or without git history."""
        if not self.present:
            return None
        found = self._git("log", "-1", "--format=%H %ct", "--", *pathspecs).split()
        if len(found) != 2 or found[0] in self.boundary or not _EPOCH.fullmatch(found[1]):
            return None
        return int(found[1]) if int(found[1]) <= LATEST else None


def _stated(root: Path, year: int, memo: FileMemo | None) -> int | None:
    """The ``updated:`` date of the year's report.yaml, when staff give one (validation reports a wrong one)."""
    path = root / "data" / str(year) / "report.yaml"
    if not _readable(path, root):
        return None
    try:
        stated = ReportMeta.model_validate(load_document(path, root=root, memo=memo).data).updated
    except (DataError, ValidationError):
        return None
    return _midnight(stated) if stated is not None else None


def _readable(path: Path, root: Path) -> bool:
    """A file of the project itself: one that leads out of it (a link) is never read, or its date would be published."""
    return path.is_file() and not path.is_symlink() and inside(path, root)


def _files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.yaml")) if folder.is_dir() else []


def _shared_data_files(root: Path) -> list[Path]:
    """The data files outside the year folders: library.yaml and anything beside it."""
    data_dir = root / "data"
    return [p for p in _files(data_dir) if not is_year_name(p.relative_to(data_dir).parts[0])]


def _newest_date(paths: list[Path], root: Path, memo: FileMemo | None) -> int:
    """Midnight UTC of the newest date in the data files *paths*; 0 when there is none."""
    newest: dt.date | None = None
    for path in paths:
        if not _readable(path, root):
            continue
        try:
            values = [load_document(path, root=root, memo=memo).data]
        except DataError:
            continue  # the build's validation reports the file
        while values:
            value = values.pop()
            if isinstance(value, dict):
                values.extend(value.values())
            elif isinstance(value, list):
                values.extend(value)
            elif isinstance(value, dt.date) and (newest is None or value > newest):
                newest = value
    return _midnight(newest) if newest is not None else 0


def _midnight(day: dt.date) -> int:
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc).timestamp())
