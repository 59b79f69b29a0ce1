"""``python -m macros <command> …``: the project's tools, under macros/tools/.

Each command is a function ``(args) -> exit status``; its module is imported only when it runs.
A command that takes a YEAR has it checked here, by the one rule of core/years.py, before its
tool is imported and before anything is read or written: a wrong argument is refused in one
line that names it, in the time Python takes to start.

No command shows staff a traceback: a mistake no tool foresaw is told in one message, with
where it happened for the maintainers (``REPORT_DEBUG=1`` shows the whole traceback).
"""
from __future__ import annotations

import importlib
import os
import sys
import traceback

from .core.years import EXPECTED_EN, EXPECTED_ZH, is_year_name

# command -> (module under macros.tools, function, extra keyword arguments, its positional
# arguments when they are checked here; None: the tool reads its own)
COMMANDS = {
    "check": ("check", "main", {}, None),
    "i18n-status": ("i18n_status", "main", {}, None),
    "publish": ("publish", "main", {}, None),
    "rollback": ("publish", "main", {"rollback": True}, None),
    "linkcheck": ("linkcheck", "main", {}, None),
    "schema": ("jsonschema_export", "main", {}, None),
    "new-year": ("scaffold", "main", {}, ("YEAR",)),
    "restore": ("scaffold", "restore_main", {}, ("YEAR",)),
    "own-chapters": ("scaffold", "own_chapters_main", {}, ("YEAR",)),
    "new-library": ("new_library", "main", {}, None),
    "edit": ("editor.server", "main", {}, None),
    "vendor-editor": ("editor.vendor", "main", {}, None),
}
# argument -> (what it must be, expected zh, expected en, an example)
ARGUMENTS = {
    "YEAR": (is_year_name, EXPECTED_ZH, EXPECTED_EN, "2021"),
}


def shown(text: str, limit: int = 40) -> str:
    """*text* as a message can show it: quoted, invisible and control characters as escapes (a
    terminal must not act on them), a long text cut short."""
    escaped = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"
                      for c in text[:limit])
    return f"“{escaped}{'…' if len(text) > limit else ''}”"


def refused(command: str, names: tuple[str, ...], args: list[str]) -> str | None:
    """The one-line message for arguments that are not what *command* takes, or None."""
    usage = f"python -m macros {command} " + " ".join(ARGUMENTS[n][3] for n in names)
    if len(args) < len(names):
        name = names[len(args)]
        return (f"✗ 缺少参数 {name}，应为{ARGUMENTS[name][1]}（{usage}）/ "
                f"argument {name} is missing: {ARGUMENTS[name][2]} ({usage})")
    if len(args) > len(names):
        extra = shown(args[len(names)])
        return (f"✗ 参数只有 {' '.join(names)}，多出了 {extra}（{usage}）/ "
                f"the only argument is {' '.join(names)}; found also {extra} ({usage})")
    for name, value in zip(names, args):
        rule, expected_zh, expected_en, _ = ARGUMENTS[name]
        if not rule(value):
            return (f"✗ 参数 {name} 应为{expected_zh}，实际是 {shown(value)} / "
                    f"argument {name} must be {expected_en}; found {shown(value)}")
    return None


def main(argv: list[str] | None = None) -> int:
    """The tools' entry (``python -m macros …``, or the ``annual-report`` command pyproject.toml installs)."""
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in COMMANDS:
        unknown = f"未知的命令 / unknown command {shown(argv[0])}; " if argv else ""
        print(f"{unknown}用法 / usage: python -m macros {{{','.join(COMMANDS)}}} …", file=sys.stderr)
        return 2
    module, function, options, names = COMMANDS[argv[0]]
    if names is not None:
        message = refused(argv[0], names, argv[1:])
        if message:
            print(message, file=sys.stderr)
            return 2
    try:
        return getattr(importlib.import_module(f"macros.tools.{module}"), function)(argv[1:], **options)
    except KeyboardInterrupt:
        print("\n✗ 已中断 / interrupted", file=sys.stderr)
        return 130
    except Exception as error:   # noqa: BLE001 - the last word: staff never see a traceback
        if os.environ.get("REPORT_DEBUG") == "1":
            raise
        where = traceback.extract_tb(error.__traceback__)[-1]
        try:
            place = f"{os.path.relpath(where.filename)}:{where.lineno}"
        except ValueError:   # another drive
            place = f"{where.filename}:{where.lineno}"
        print(f"✗ {argv[0]} 意外出错，请把这条信息发给维护者 / failed unexpectedly; please send this message "
              f"to the maintainers:\n    {type(error).__name__}: {error}\n"
              f"    ({place}; REPORT_DEBUG=1 shows the traceback)",
              file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
