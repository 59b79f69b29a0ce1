"""`make check`: the data and the chapters' state, without building, in well under a second.

Exit status 0 when everything is sound, 1 with every problem listed otherwise. A draft
year lists its empty fields as a to-do list without failing; a finished year may keep no
to-do marker and must have every translation. Every year, a draft too, has its pages in
UTF-8 and lists its chapters by their file names; a folder of docs/ meant as a year is
named as one (2021, never 0999). The data and the chapters are checked together, so that
one run lists everything to fix.
"""
from __future__ import annotations

import sys
from pathlib import Path

from ..core import chapters
from ..core.problems import DataError, Problem
from ..core.validate import draft_years, load_site, year_dirs
from ..core.years import is_year_name


def check(data_dir: Path) -> int:
    docs_dir = data_dir.parent / "docs"
    found: list[Problem] = []
    site = None
    try:
        site = load_site(data_dir)
    except DataError as err:
        found += err.problems
    # with the data unreadable, its folders and report.yaml still say which years are drafts
    drafts = {y for y, report in site.years.items() if report.draft} if site else draft_years(data_dir)
    years = sorted(site.years) if site else [int(p.name) for p in year_dirs(data_dir) if is_year_name(p.name)]
    found += [p for year in years for p in chapters.problems(docs_dir, year, year in drafts)]
    found += chapters.misnamed_years(docs_dir).values()
    if found:
        print(DataError(found).report(), file=sys.stderr)
        return 1
    for year in sorted(site.years):
        report = site.years[year]
        state = "草稿 / draft" if report.draft else "发布 / published"
        print(f"✓ data/{year}: 数据无误 / data is sound ({state})")
        if report.todo:
            print(f"  待填写 {len(report.todo)} 项 / {len(report.todo)} field(s) still to fill:")
            for p in report.todo:
                print(f"  - {p.file}:{p.line}  {p.field}  {p.expected_zh} / {p.expected_en}")
    return 0


def main(args: list[str]) -> int:
    return check(Path(args[0]) if args else Path("data"))
