"""No command-line argument gets past `python -m macros`: every attack in tests/attacks/argv.txt
is refused in one line naming the argument, with no traceback, before one file of the project
is created, changed or removed. The format of the corpus is described at its top."""
from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import copy_project

CORPUS = Path(__file__).resolve().parent / "attacks" / "argv.txt"
# the argument each command's refusal names
NAMED = {"new-year": "YEAR", "restore": "YEAR", "own-chapters": "YEAR"}
_ESCAPE = re.compile(r"\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|(.))")
_SIMPLE = {"t": "\t", "n": "\n", "e": "\x1b", "\\": "\\"}


def argument(field: str) -> str:
    """One argument as the corpus writes it: ``""`` is empty, escapes stand for what a line cannot hold."""
    if field == '""':
        return ""

    def one(match: re.Match) -> str:
        code = match.group(1) or match.group(2) or match.group(3)
        if code:
            return chr(int(code, 16))
        assert match.group(4) in _SIMPLE, f"unknown escape \\{match.group(4)} in {CORPUS.name}"
        return _SIMPLE[match.group(4)]

    return _ESCAPE.sub(one, field)


def attacks() -> list:
    out = []
    for number, line in enumerate(CORPUS.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        command, *fields = line.split("\t")
        assert command in NAMED, f"{CORPUS.name}:{number}: which argument does {command!r} name? Add it to NAMED."
        out.append(pytest.param(command, [argument(f) for f in fields], id=f"{number}:{line[:40]}"))
    return out


def tree(project: Path) -> str:
    """A hash of every file and folder of the project: names, kinds and contents."""
    digest = hashlib.sha256()
    for path in sorted(project.rglob("*")):
        if "__pycache__" in path.parts:
            continue
        digest.update(path.relative_to(project).as_posix().encode("utf-8", "surrogateescape") + b"\0")
        if path.is_file() and not path.is_symlink():
            digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def fixture_project(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("attacks") / "project", "anju-2020")
    return project, tree(project)


@pytest.mark.parametrize("command, args", attacks())
def test_every_attack_on_the_command_line_is_refused_naming_the_argument_and_changing_nothing(
        fixture_project, command, args):
    project, before = fixture_project
    result = subprocess.run([sys.executable, "-m", "macros", command, *args], cwd=project,
                            capture_output=True, timeout=60,
                            env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PYTHONIOENCODING="utf-8"))
    said = (result.stdout + result.stderr).decode("utf-8", "replace")
    assert result.returncode != 0, said
    assert NAMED[command] in said and "Traceback" not in said, said
    assert len(said.strip().splitlines()) == 1, said                # one line
    assert "\x1b" not in said and "\u200b" not in said, said         # shown, never acted on by a terminal
    assert tree(project) == before, f"{command} {args!r} changed the project"
