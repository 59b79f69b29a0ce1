"""``python -m macros <command> …``: the project's tools, under macros/tools/.

Each command is a function ``(args) -> exit status``; its module is imported only when it runs.
"""
from __future__ import annotations

import importlib
import sys

# command -> (module under macros.tools, function, extra keyword arguments)
COMMANDS = {
    "check": ("check", "main", {}),
    "i18n-status": ("i18n_status", "main", {}),
    "publish": ("publish", "main", {}),
    "rollback": ("publish", "main", {"rollback": True}),
    "linkcheck": ("linkcheck", "main", {}),
    "schema": ("jsonschema_export", "main", {}),
    "new-year": ("scaffold", "main", {}),
    "restore": ("scaffold", "restore_main", {}),
    "own-chapters": ("scaffold", "own_chapters_main", {}),
}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in COMMANDS:
        print("用法 / usage: python -m macros {" + ",".join(COMMANDS) + "} …", file=sys.stderr)
        return 2
    module, function, options = COMMANDS[argv[0]]
    return getattr(importlib.import_module(f"macros.tools.{module}"), function)(argv[1:], **options)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
