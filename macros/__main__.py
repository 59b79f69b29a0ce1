"""``python -m macros <command> …``: the project's tools, one module each under macros/tools/.

Each module has ``main(args) -> exit status``; it is imported only when its command runs.
"""
from __future__ import annotations

import importlib
import sys

# command -> (module under macros.tools, extra keyword arguments for its main)
COMMANDS = {
    "check": ("check", {}),
    "i18n-status": ("i18n_status", {}),
    "publish": ("publish", {}),
    "rollback": ("publish", {"rollback": True}),
    "linkcheck": ("linkcheck", {}),
    "schema": ("jsonschema_export", {}),
    "new-year": ("scaffold", {}),
}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in COMMANDS:
        print("用法 / usage: python -m macros {" + ",".join(COMMANDS) + "} …", file=sys.stderr)
        return 2
    module, options = COMMANDS[argv[0]]
    return importlib.import_module(f"macros.tools.{module}").main(argv[1:], **options)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
