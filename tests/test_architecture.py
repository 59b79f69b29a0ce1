"""The shape of the code, as the README describes it: a core without MkDocs, thin glue on
documented extension points, tools behind `python -m macros`, one home for each idea."""
from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = ROOT / "macros"
MODULES = sorted(PACKAGE.rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """The project's modules *path* imports, relative imports resolved."""
    tree, name, found = ast.parse(path.read_text(encoding="utf-8")), module_name(path), set()
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            target = ".".join(p for p in (base, node.module or "") if p)
            for alias in node.names:
                found.add(f"{target}.{alias.name}" if f"{target}.{alias.name}" in NAMES else target)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return {m for m in found if m in NAMES and m != name}


NAMES = {module_name(p) for p in MODULES}


LINT_IMPORTS = [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command as c; sys.exit(c())"]


def lint_imports(project: Path) -> subprocess.CompletedProcess:
    """import-linter's contracts (pyproject.toml) held against the package in *project*."""
    return subprocess.run([*LINT_IMPORTS, "--config", str(ROOT / "pyproject.toml"), "--no-cache"], cwd=project,
                          env=dict(os.environ, PYTHONPATH=str(project)), capture_output=True, text=True, timeout=120)


def test_the_layer_contracts_hold():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout, result.stdout


@pytest.mark.parametrize("module, backward", [
    ("core/fmt.py", "from ..mkdocs import plugin"),          # the core reaching up into the glue
    ("core/schema.py", "import mkdocs.config"),              # the core using MkDocs
    ("mkdocs/footer.py", "from ..tools import publish"),     # the glue reaching up into a tool
])
def test_a_backward_import_breaks_a_contract(tmp_path, module, backward):
    shutil.copytree(PACKAGE, tmp_path / "macros", ignore=shutil.ignore_patterns("__pycache__"))
    path = tmp_path / "macros" / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{backward}  # noqa\n", encoding="utf-8")
    result = lint_imports(tmp_path)
    assert result.returncode != 0 and "BROKEN" in result.stdout, result.stdout + result.stderr


def test_the_core_never_imports_mkdocs():
    for path in (PACKAGE / "core").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import) mkdocs\b", source, re.M), path


def test_the_modules_import_each_other_without_a_circle():
    graph = {module_name(p): imports_of(p) - {"macros"} for p in MODULES}

    def visit(node, trail):
        if node in trail:
            raise AssertionError(" -> ".join(trail[trail.index(node):] + [node]))
        for nxt in sorted(graph.get(node, ())):
            visit(nxt, trail + [node])
    for node in graph:
        visit(node, [])


def test_the_data_flows_one_way_from_load_to_render():
    # load -> schema -> checks -> site model -> render, with the small helpers each stage may use before it
    # the table registry comes before the checks: they verify the sums its breakdowns declare
    order = ["problems", "languages", "strings", "load", "schema", "figures", "fmt", "chronicle", "site", "trends",
             "tables", "checks", "validate", "render", "charts", "opendata", "pdf"]
    rank = {f"macros.core.{n}": i for i, n in enumerate(order)}
    for path in (PACKAGE / "core").glob("*.py"):
        me = module_name(path)
        for other in imports_of(path):
            if me in rank and other in rank:
                assert rank[other] < rank[me], (me, other)


def test_no_function_is_longer_than_80_lines():
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                assert node.end_lineno - node.lineno < 80, (path.relative_to(ROOT), node.name)


@pytest.mark.parametrize("private", [r"\.building\b", r"format_error", r"mkdocs_macros\.errors", r"\._env\b",
                                     r"plugins\.get\(\"i18n\"\)", r"i18n_files_per_language", r"current_language\b"])
def test_nothing_reads_a_plugins_private_state_or_patches_it(private):
    for path in MODULES:
        assert not re.search(private, path.read_text(encoding="utf-8")), (path.relative_to(ROOT), private)


def test_the_plugin_uses_mkdocs_documented_events_only():
    from mkdocs.plugins import EVENTS
    from macros.mkdocs.plugin import ReportPlugin
    events = {f"on_{name}" for name in EVENTS}
    defined = {name for name in vars(ReportPlugin) if name.startswith("on_")}
    assert defined and defined <= events, defined - events


def test_the_languages_are_stated_once():
    """In macros/locales/languages.yaml, data: no Python file (languages.py included) names a tag or locale."""
    for path in MODULES:
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"zh-Hans|zh_Hans_CN|en_GB|\(\"zh\", \"en\"\)", source), path.relative_to(ROOT)
    assert "zh_Hans_CN" in (PACKAGE / "locales" / "languages.yaml").read_text(encoding="utf-8")


def test_the_readmes_layout_table_matches_the_folders():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `(macros/[\w/]*)` \|", readme, re.M))
    folders = {f"macros/{p.name}/" for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert folders <= listed, folders - listed
    for entry in re.findall(r"^\| `([\w./<>-]+)` \|", readme, re.M):
        if "<" not in entry and ("/" in entry or "." in entry):
            assert (ROOT / entry).exists(), entry
