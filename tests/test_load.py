"""A data file is read strictly: what staff typed, or a message with its file and line.
Hostile files (an alias bomb, control characters, a link to a secret) are refused at once,
and nothing outside the project is ever read or shown."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from macros.core.load import MAX_BYTES, load_document
from macros.core.problems import DataError
from macros.core.validate import load_site


def refused(path: Path, root: Path | None = None):
    with pytest.raises(DataError) as info:
        load_document(path, root=root)
    return info.value.problems


def write(tmp_path: Path, text: str, name: str = "profile.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("text, value", [
    ("terminals: 022\n", 22),            # YAML 1.1 read 18 (octal)
    ("floor_area: 1_000\n", "1_000"),    # YAML 1.1 read 1000; here text, so the schema says how to write it
    ("time: 1:30\n", "1:30"),            # YAML 1.1 read 90 (sexagesimal)
    ("code: 0x12\n", "0x12"),            # YAML 1.1 and 1.2 read 18
    ("flag: yes\n", "yes"),              # YAML 1.1 read true
    ("flag: off\n", "off"),
    ("ratio: .inf\n", ".inf"),
    ("share: 207.50\n", "207.50"),       # a decimal keeps its published precision
    ("draft: false\n", False),
    ("empty:\n", None),
])
def test_scalars_follow_yaml_1_2_and_mean_what_was_typed(tmp_path, text, value):
    found = load_document(write(tmp_path, text)).data
    (key, got), = found.items()
    assert str(got) == str(value) and type(got).__name__ in ("int", "str", "bool", "NoneType", "Decimal")
    if isinstance(value, int) and not isinstance(value, bool):
        assert got == value


def test_an_alias_bomb_is_refused_before_it_is_expanded(tmp_path):
    # 9 levels of 9 aliases: 387 million leaves if expanded.
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    path = write(tmp_path, "\n".join(lines) + "\n")
    assert path.stat().st_size < 1024
    started = time.monotonic()
    [problem] = refused(path)
    assert time.monotonic() - started < 5, "the bomb was expanded"
    assert problem.line == 1 and "锚点" in problem.expected_zh and "alias" in problem.expected_en


def test_a_self_referencing_alias_is_refused(tmp_path):
    [problem] = refused(write(tmp_path, "a: &a\n  b: *a\n"))
    assert problem.line == 1 and "alias" in problem.found


def test_nesting_deeper_than_any_report_is_refused(tmp_path):
    [problem] = refused(write(tmp_path, "a: " + "[" * 40 + "]" * 40 + "\n"))
    assert "nesting" in problem.expected_en


@pytest.mark.parametrize("text", ["title: !include /etc/passwd\n", "x: !!python/object:os.system ls\n",
                                  "x: !!str 12\n"])
def test_tags_are_refused(tmp_path, text):
    [problem] = refused(write(tmp_path, text))
    assert problem.line == 1 and "tag" in problem.expected_en


@pytest.mark.parametrize("text, line", [
    ("a: 1\nname: x\x07y\n", 2),                  # BEL typed
    ('a: 1\nname: "x\\x00y"\n', 2),               # NUL as an escape
    ('name: "x\\ey"\n', 1),                        # ESC as an escape
    ('name: "x\\ay"\n', 1),                        # BEL as an escape
    ("name: 安居\u202e区\n", 1),                    # right-to-left override
    ("a: 1\nb: 2\nname: 安\u200b居\n", 3),         # zero-width space
    ("name: 安居\u2066区\u2069\n", 1),              # isolate
])
def test_control_and_invisible_characters_are_refused_at_their_line(tmp_path, text, line):
    [problem] = refused(write(tmp_path, text))
    assert problem.line == line and "U+" in problem.found


def test_a_full_width_colon_is_named_at_its_line(tmp_path):
    [problem] = refused(write(tmp_path, "floor_area: 3120\nheadcount： 12\nterminals: 18\n"))
    assert problem.line == 2 and "全角冒号" in problem.found and ":" in problem.expected_zh


def test_full_width_spaces_and_tabs_in_the_indentation_are_named(tmp_path):
    [problem] = refused(write(tmp_path, "education:\n\u3000- id: x\n"))
    assert problem.line == 2 and "全角空格" in problem.expected_zh


def test_a_symlink_to_a_secret_is_refused_without_showing_it(tmp_path):
    secret = tmp_path / "outside" / "shadow"
    secret.parent.mkdir()
    secret.write_text("root:$6$SECRETHASH:19000:0:99999:7:::\n", encoding="utf-8")
    project = tmp_path / "project"
    (project / "data").mkdir(parents=True)
    link = project / "data" / "library.yaml"
    link.symlink_to(secret)
    [problem] = refused(link, root=project)
    shown = problem.render()
    assert "SECRETHASH" not in shown and str(secret) not in shown and "outside the project" in problem.found


@pytest.mark.parametrize("target", ["/dev/zero", "/"])
def test_a_link_to_a_device_or_a_folder_is_refused(tmp_path, target):
    link = tmp_path / "profile.yaml"
    link.symlink_to(target)
    [problem] = refused(link, root=None)
    assert "ordinary file" in problem.expected_en


def test_a_file_larger_than_any_report_is_refused(tmp_path):
    path = write(tmp_path, "# " + "x" * (MAX_BYTES + 10) + "\na: 1\n")
    [problem] = refused(path)
    assert "KB" in problem.expected_en


def test_a_year_folder_linked_outside_the_project_is_not_followed(project, tmp_path):
    outside = tmp_path / "elsewhere" / "2019"
    outside.parent.mkdir()
    os.rename(project / "data" / "2020", outside)
    (project / "data" / "2020").symlink_to(outside)
    with pytest.raises(DataError) as info:
        load_site(project / "data")
    [problem] = info.value.problems
    assert problem.file == "data/2020" and "outside the project" in problem.found and str(outside) not in problem.render()
