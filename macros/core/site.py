"""The site model: what every renderer reads. Built once per build by ``validate.load_site``.

A :class:`Year` holds one year's report as validated models, one field per topic file of
``data/<year>/``, with the documents they came from (for line numbers). A :class:`Site`
holds the library and every year.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .load import Document
from .memo import FileMemo
from .problems import Problem
from .schema import Activities, Chronicle, Finance, Library, Profile, ReportMeta, Staff, Statistics


@dataclass(frozen=True)
class Year:
    year: int
    report: ReportMeta
    profile: Profile
    staff: Staff
    finance: Finance
    statistics: Statistics
    activities: Activities
    chronicle: Chronicle
    documents: dict[str, Document] = field(repr=False, compare=False)
    todo: tuple[Problem, ...] = ()   # a draft's fields still to fill, with file and line

    @property
    def draft(self) -> bool:
        return self.report.draft

    def topic(self, name: str):
        """The model of one topic file, by its name: ``year.topic("staff")``."""
        return getattr(self, name)


@dataclass(frozen=True)
class Site:
    data_dir: Path
    library: Library
    years: dict[int, Year]
    # What is made from the model (the open data files), kept with it: a model read again from
    # changed files starts with none (core/memo.py).
    memo: FileMemo = field(default_factory=FileMemo, repr=False, compare=False)

    @property
    def project(self) -> Path:
        return self.data_dir.parent

    def comparable(self, year: int) -> list[int]:
        """The years up to *year* that a page of *year* may show beside it, oldest first. A
        finished year is compared with no draft, so that a draft's figures never reach a
        published page; a draft shows in the preview only, beside drafts and finished years alike."""
        now = self.years.get(year)
        with_drafts = now is not None and now.draft
        return [y for y in sorted(self.years) if y <= year and (with_drafts or y == year or not self.years[y].draft)]

    def previous(self, year: int) -> Year | None:
        """The report of the year before *year*, when the archive has it and a page of *year* may
        show it (see comparable): every change on the previous year, stated, checked or computed,
        is taken against this one."""
        return self.years[year - 1] if year - 1 in self.comparable(year) else None

    def shown_years(self, drafts: bool = False) -> list[int]:
        """Years to show, newest first; draft years only when *drafts* (the preview)."""
        return sorted((y for y, r in self.years.items() if drafts or not r.draft), reverse=True)
