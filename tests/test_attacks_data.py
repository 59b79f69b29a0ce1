"""Data can never subvert the page or the machine: every attack of tests/attacks/data.txt,
written into the anju-2020 fixture, is refused at its file and line, in staff words, before
anything is computed, and `make check` says so without a traceback."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import FIXTURES, copy_project
from macros.core.load import load_document
from macros.core.problems import DataError, Problem
from macros.core.validate import load_site

CORPUS = Path(__file__).parent / "attacks" / "data.txt"
FIXTURE = FIXTURES / "anju-2020"
YEAR = "2020"
PHOTO = "2020/photos/reading-day.jpg"   # a picture the fixture's docs/ holds in these tests
PYDANTIC_WORDS = ("should be", "Input should", "Keys should")


@dataclass(frozen=True)
class Attack:
    number: int   # its line in the corpus
    where: str    # a data file of data/2020/, or a folder beside it ("0999/")
    field: str    # the field as staff see it, "after <field>", or "-"
    value: str    # as typed, see the corpus's header

    @property
    def folder(self) -> bool:
        return self.where.endswith("/")

    def __str__(self) -> str:
        return f"{self.number}:{self.where}:{self.field}:{self.value[:30]}"


def corpus() -> list[Attack]:
    out = []
    for number, line in enumerate(CORPUS.read_text(encoding="utf-8").split("\n"), 1):
        if not line.strip() or line.startswith("#"):
            continue
        where, field, value = line.split("\t")
        out.append(Attack(number, where, field, value))
    return out


def typed(value: str) -> str:
    """The corpus's value as staff would type it (see the corpus's header)."""
    value = re.sub(r"\\repeat\{(\d+)\}\{([^}]*)\}", lambda m: m.group(2) * int(m.group(1)), value)
    return re.sub(r"\\u\{([0-9A-Fa-f]+)\}", lambda m: chr(int(m.group(1), 16)), value)


def place_of(field: str) -> tuple:
    """``events[2].title.zh`` -> ``("events", 1, "title", "zh")``."""
    place: list = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", field):
        place.append(int(index) - 1 if index else name)
    return tuple(place)


def attacked(root: Path, attack: Attack) -> tuple[Path, str, int | None]:
    """The fixture's data/ (and a photo under docs/) with *attack* written in: the project, the
    file staff must be told of, and the line."""
    project = root / "project"
    shutil.copytree(FIXTURE / "data", project / "data")
    (project / "docs" / PHOTO).parent.mkdir(parents=True)
    (project / "docs" / PHOTO).write_bytes(b"\xff\xd8\xff\xe0")
    if attack.folder:
        name = attack.where.rstrip("/")
        shutil.copytree(project / "data" / YEAR, project / "data" / name)
        return project, f"data/{name}", None
    path = project / "data" / YEAR / attack.where
    lines = path.read_text(encoding="utf-8").split("\n")
    where = load_document(FIXTURE / "data" / YEAR / attack.where).lines
    after = attack.field.startswith("after ")
    place = place_of(attack.field.removeprefix("after "))
    if place in where:
        at = where[place] - 1
        key = re.match(rf"^(\s*(?:-\s+)?){re.escape(place[-1])}:", lines[at])
        assert key, f"{attack}: no “{place[-1]}:” on line {at + 1}"
        if after:
            at += 1
            lines.insert(at, " " * len(key.group(1)) + typed(attack.value))
        else:
            lines[at] = key.group(0) + " " + typed(attack.value)
    else:   # a field the fixture leaves out (a photo): added to its group
        parent = lines[where[place[:-1]] - 1]
        item = re.match(r"^(\s*-\s+)", parent)
        indent = len(item.group(1)) if item else len(parent) - len(parent.lstrip()) + 2
        at = where[place[:-1]]
        lines.insert(at, " " * indent + f"{place[-1]}: " + typed(attack.value))
    path.write_text("\n".join(lines), encoding="utf-8")
    return project, f"data/{YEAR}/{attack.where}", at + 1


def refused(project: Path) -> list[Problem]:
    with pytest.raises(DataError) as info:
        load_site(project / "data")
    return info.value.problems


def assert_told(problems: list[Problem], attack: Attack, file: str, line: int | None) -> None:
    report = "\n".join(p.render() for p in problems)
    here = [p for p in problems if p.file == file and p.line == line]
    assert here, f"{attack} is not refused at {file}:{line}:\n{report}"
    if not attack.folder and not attack.field.startswith("after "):
        assert any(p.field == attack.field or (p.field or "").startswith(attack.field + ".") for p in here), report
    for p in here:   # in staff words, both languages, never pydantic's English
        assert p.expected_zh and p.expected_en and not any(w in p.expected_en for w in PYDANTIC_WORDS), report


ATTACKS = corpus()


def test_the_corpus_is_read_whole():
    assert len(ATTACKS) >= 60 and all(a.where and a.field and a.value for a in ATTACKS)


@pytest.mark.parametrize("attack", ATTACKS, ids=str)
def test_each_attack_is_refused_at_its_file_and_line(attack, tmp_path):
    project, file, line = attacked(tmp_path, attack)
    assert_told(refused(project), attack, file, line)


# One of each kind through `make check` itself: its output, its exit status, no traceback.
THROUGH_CHECK = ["1e-999999999", r"\repeat{5000}{9}", "~: 1", r"诵读\u{E0041}活动",
                 "https://evil.example/t.png", "0999/"]


@pytest.mark.parametrize("attack", [a for a in ATTACKS if a.value in THROUGH_CHECK or a.where in THROUGH_CHECK], ids=str)
def test_make_check_refuses_it_with_the_file_and_line_and_no_traceback(attack, tmp_path):
    project, file, line = attacked(tmp_path / "data-only", attack)
    whole = copy_project(tmp_path / "whole", "anju-2020")
    shutil.rmtree(whole / "data")
    shutil.copytree(project / "data", whole / "data")
    shutil.copytree(project / "docs" / "2020" / "photos", whole / "docs" / "2020" / "photos")
    result = subprocess.run([sys.executable, "-m", "macros", "check"], cwd=whole, capture_output=True,
                            text=True, timeout=120)
    output = result.stdout + result.stderr
    assert result.returncode == 1 and "Traceback" not in output, output
    assert (f"{file}:{line}  第 {line} 行" if line else f"✗ {file}\n") in output, output
