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
    ("figure: 1e5\n", "1e5"),          # YAML 1.2 read 100000.0; here text, so the schema says how to write it
    ("figure: 1e-999999999\n", "1e-999999999"),
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


@pytest.mark.parametrize("key", ["~", "null", "? [a]", "? {a: 1}"])
def test_a_key_that_is_no_name_is_told_at_its_own_line(tmp_path, key):
    lines = ["# yaml-language-server: $schema=../schema/staff.schema.json", "as_of: 2020-12-31", "headcount: 11",
             "education:", "  - id: junior_college", "    count: 5", "", key if key.startswith("?") else f"{key}: 1"]
    [problem] = refused(write(tmp_path, "\n".join(lines) + "\n"))
    assert problem.line == 8 and "字段名" in problem.expected_zh and "field name" in problem.expected_en
    assert "should be" not in problem.expected_en   # staff words, not pydantic's


def test_a_number_python_cannot_read_is_told_at_its_line(tmp_path):
    [problem] = refused(write(tmp_path, "a: 1\nterminals: " + "9" * 5000 + "\n"))
    assert problem.line == 2 and problem.field == "terminals" and "5000" in problem.found


@pytest.mark.parametrize("text", ['title: "关于下达\\n=====\\n\\n-----\\n\\n    CODE"\n',
                                  "title: |\n  关于下达\n  =====\n", 'title: "a\\u2028b"\n'])
def test_a_line_break_in_a_text_is_refused(tmp_path, text):
    [problem] = refused(write(tmp_path, text))
    assert problem.line == 1 and problem.field == "title"


def test_a_text_folded_over_lines_or_ending_a_block_is_one_line(tmp_path):
    found = load_document(write(tmp_path, "a: >\n  关于下达\n  2020 年\nb: |\n  one line\n")).data
    assert found == {"a": "关于下达 2020 年", "b": "one line"}


INVISIBLE = ["\U000E0041", "\u180E", "\uFFF9", "\U0001D173", "\u034F", "\u3164", "\u115F", "\u1160", "\uFFA0",
             "\u2800", "\u17B4", "\u17B5", "\uFE0F", "\uFE00", "\U000E0100", "\u180B", "\uE000", "\U000F0000", "\u0378"]


@pytest.mark.parametrize("char", INVISIBLE, ids=lambda c: f"U+{ord(c):04X}")
def test_each_invisible_character_is_refused_typed_or_escaped_and_in_a_comment(tmp_path, char):
    typed = refused(write(tmp_path, f"a: 1\nname: 安居{char}区\n"))
    escaped = refused(write(tmp_path, f'a: 1\nname: "安居\\U{ord(char):08X}区"\n', "escaped.yaml"))
    comment = refused(write(tmp_path, f"a: 1\n# 安居{char}区\nb: 2\n", "comment.yaml"))
    for [problem], field in ((typed, "name"), (escaped, "name"), (comment, None)):
        assert problem.line == 2 and problem.field == field and f"U+{ord(char):04X}" in problem.found


@pytest.mark.parametrize("text", ["❤️", "©️", "1️⃣", "#️⃣", "☎︎", "👍🏽", "↔️", "〽️"])
def test_an_emoji_may_ask_for_its_picture_or_its_text_form(tmp_path, text):
    assert load_document(write(tmp_path, f"name: 读书日{text}\n")).data == {"name": f"读书日{text}"}


def test_a_digit_asks_for_a_picture_only_as_a_keycap(tmp_path):
    [problem] = refused(write(tmp_path, "name: 第1\ufe0f名\n"))
    assert "U+FE0F" in problem.found


def test_a_list_or_a_value_no_report_has_is_refused_before_anything_is_built(tmp_path):
    # 7500 kinds of activity, or a 500 KB name, took minutes and gigabytes to build.
    from macros.core.load import MAX_ITEMS, MAX_TEXT, load_document
    from macros.core.problems import DataError
    long_list = tmp_path / "activities.yaml"
    long_list.write_text("by_kind:\n" + "".join(f"  - id: k{i}\n    count: 1\n" for i in range(MAX_ITEMS + 1)),
                         encoding="utf-8")
    long_text = tmp_path / "library.yaml"
    long_text.write_text("name:\n  zh: " + "馆" * (MAX_TEXT + 1) + "\n", encoding="utf-8")
    for path, said in ((long_list, "列表过长"), (long_text, "个字符")):
        with pytest.raises(DataError) as told:
            load_document(path, path.name, tmp_path)
        assert said in told.value.problems[0].found and told.value.problems[0].line, told.value.report()
