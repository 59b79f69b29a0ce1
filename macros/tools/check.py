"""`make check`: the data and the chapters' state, without building, in well under a second.

Exit status 0 when everything is sound, 1 with every problem listed otherwise. A draft
year lists its empty fields as a to-do list without failing; a finished year may keep no
to-do marker and must have every translation.
"""
from __future__ import annotations

import sys
from pathlib import Path

from ..core import chapters
from ..core.problems import DataError
from ..core.validate import load_site


def check(data_dir: Path) -> int:
    try:
        site = load_site(data_dir)
        found = [p for year, report in sorted(site.years.items())
                 for p in chapters.problems(data_dir.parent / "docs", year, report.draft)]
        if found:
            raise DataError(found)
    except DataError as err:
        print(err.report(), file=sys.stderr)
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
