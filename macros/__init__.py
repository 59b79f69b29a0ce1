"""The annual-report publisher.

- ``macros.core``: loads, validates and renders the report's data (no MkDocs import);
- ``macros.mkdocs``: the thin MkDocs glue: the chapters' macros and the hooks;
- ``macros.tools``: the command-line tools behind ``python -m macros …``.

mkdocs-macros loads this package (``module_name: macros``) and calls the functions
below; they only register and hand over to the glue, imported then, so that the tools
and ``python -m macros`` run without MkDocs or Jinja.
"""
from __future__ import annotations

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
_SNAPSHOT: dict[str, int] = {}
_SANDBOX: dict = {}   # the chapters' sandbox, and the code it was made by


def forget_changed_code() -> bool:
    """`mkdocs serve` keeps one Python process: when any file of this package has changed since
    the last build, every module of it but this one is forgotten, so that the next import reads
    the new code (and True is returned). Which modules there are follows the package itself;
    nothing is listed by hand."""
    snapshot = {str(p): p.stat().st_mtime_ns for p in _HERE.rglob("*.py")}
    changed = bool(_SNAPSHOT) and snapshot != _SNAPSHOT
    if changed:
        for name in [n for n in sys.modules if n.startswith(f"{__name__}.")]:
            del sys.modules[name]
    _SNAPSHOT.clear()
    _SNAPSHOT.update(snapshot)
    return changed


def define_env(env):
    forget_changed_code()
    from .mkdocs import chapter_macros, data
    # Pages render in the chapters' sandbox with this project's macros and filters only, never
    # in mkdocs-macros' own environment, which holds the configuration and Jinja's globals.
    # One sandbox for every build of the process (each language's, each of the preview's), made
    # again with the code: it keeps each chapter's text compiled.
    if _SANDBOX.get("code") is not chapter_macros:
        _SANDBOX.update(code=chapter_macros, sandbox=chapter_macros.sandbox())
    env.variables["chapter_sandbox"] = _SANDBOX["sandbox"]
    data.load(env)


def on_pre_page_macros(env):
    from .mkdocs import data, page
    page.prepare(env, *data.of(env))


def on_post_build(env):
    from .mkdocs import data
    data.write_downloads(env)
