"""Command line of the project's tools: ``python -m macros check [DATA_DIR]``
validates the data only.

Exit status 0 when the data is sound, 1 with every problem listed otherwise.
Draft years list their empty fields as a to-do list without failing.
"""
from __future__ import annotations

import sys
from pathlib import Path

from .problems import DataError
from .validate import load_site


def check(data_dir: Path) -> int:
    try:
        site = load_site(data_dir)
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


# Sub-commands: name -> function taking the remaining arguments, returning the exit status.
COMMANDS = {
    "check": lambda args: check(Path(args[0]) if args else Path("data")),
    "i18n-status": lambda args: __import__("macros.i18n_status", fromlist=["main"]).main(args),
    "publish": lambda args: __import__("macros.publish", fromlist=["main"]).main(args),
    "rollback": lambda args: __import__("macros.publish", fromlist=["main"]).main(args, rollback=True),
    "linkcheck": lambda args: __import__("macros.linkcheck", fromlist=["main"]).main(args),
    "schema": lambda args: __import__("macros.jsonschema_export", fromlist=["main"]).main(args),
    "new-year": lambda args: __import__("macros.scaffold", fromlist=["main"]).main(args),
}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in COMMANDS:
        print("用法 / usage: python -m macros {" + ",".join(COMMANDS) + "} …", file=sys.stderr)
        return 2
    return COMMANDS[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
