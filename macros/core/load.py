"""Reading the report's YAML files safely.

Staff edit these files by hand, often on Windows, so this module is strict
about what PyYAML is lenient about: the encoding must be UTF-8, a key may
appear only once in a mapping, and tabs may not indent. Every value keeps the
line it came from, so that later checks can point at it.

Decimal numbers are read from their source text (``105.5`` stays ``105.5``,
``40`` stays ``40``) so that figures keep their published precision.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from .problems import DataError, Problem

Path_ = tuple  # a value's place in a document: keys and list indexes


@dataclass
class Document:
    """One YAML file: its values and the line (1-based) of each value."""

    path: Path
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def line_of(self, place: Path_) -> int:
        """The line of the value at *place*, or of its nearest parent."""
        place = tuple(place)
        while place:
            if place in self.lines:
                return self.lines[place]
            place = place[:-1]
        return self.lines.get((), 1)


_TAB_INDENT = re.compile(r"^ *\t", re.M)


def read_text(path: Path, shown: str) -> str:
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):  # Notepad's UTF-8 BOM is harmless
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise DataError([Problem(
            shown, line, None,
            "文件应以 UTF-8 编码保存（在记事本或 VS Code 中“另存为”并选择 UTF-8）",
            "the file must be saved as UTF-8 (use 'Save as' and choose UTF-8)",
            "看起来是 GBK 或其他编码 / looks like GBK or another encoding",
        )]) from None
    return text.replace("\r\n", "\n")


def load_document(path: Path, shown: str | None = None) -> Document:
    """Read one YAML file into a :class:`Document`, or raise DataError."""
    shown = shown or path.as_posix()
    text = read_text(path, shown)
    tab = _TAB_INDENT.search(text)
    if tab:
        line = text[: tab.start()].count("\n") + 1
        raise DataError([Problem(
            shown, line, None,
            "缩进只能用空格，不能用 Tab 键",
            "indent with spaces only, never with tabs",
            "行首有 Tab 字符 / a tab at the start of the line",
        )])
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise DataError([Problem(
            shown, 1, None,
            "文件不能为空，应包含本主题的数据",
            "the file must not be empty; it should hold this topic's data",
            "空文件 / an empty file",
        )])
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else None
        raise DataError([Problem(
            shown, line, None,
            "正确的 YAML 格式（检查冒号后的空格、引号是否成对、缩进是否对齐）",
            "valid YAML (check the space after each colon, paired quotes, aligned indentation)",
            f"YAML 语法错误 / syntax error: {err.problem}",
        )]) from None
    doc = Document(path=path, data=None)
    problems: list[Problem] = []
    doc.data = _construct(node, (), doc, shown, problems)
    if problems:
        raise DataError(problems)
    return doc



_SCALARS = yaml.constructor.SafeConstructor()
_FLOAT_TAG = "tag:yaml.org,2002:float"
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"


def _scalar(node: yaml.ScalarNode) -> Any:
    if node.tag == _FLOAT_TAG:
        text = node.value.replace("_", "")
        try:
            return Decimal(text)
        except ArithmeticError:
            return text  # .inf / .nan: the schema rejects them with a message
    try:
        return _SCALARS.construct_object(node, deep=True)
    except (ValueError, yaml.YAMLError):
        return node.value  # e.g. 2020-05-38: kept as text, so the schema reports it


def _construct(node: yaml.Node, place: Path_, doc: Document, shown: str,
               problems: list[Problem]) -> Any:
    doc.lines[place] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if isinstance(key, (_dt.date, int)) and not isinstance(key, bool):
                key = str(key_node.value)
            if key in result:
                first = doc.lines.get(place + (key,), "?")
                problems.append(Problem(
                    shown, key_node.start_mark.line + 1, _dotted(place + (key,)),
                    f"同一层级中每个字段只能出现一次（第 {first} 行已经写过）",
                    f"each field only once at the same level (already given on line {first})",
                    f"重复的字段 / duplicate field “{key}”",
                ))
                continue
            result[key] = _construct(value_node, place + (key,), doc, shown, problems)
            doc.lines[place + (key,)] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _construct(item, place + (i,), doc, shown, problems)
            for i, item in enumerate(node.value)
        ]
    return _scalar(node)


def _dotted(place: Path_) -> str:
    """``("budget", "items", 2, "amount")`` -> ``budget.items[3].amount``.

    List positions are shown counting from 1, as staff count them.
    """
    out = ""
    for part in place:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += ("." if out else "") + str(part)
    return out


dotted = _dotted
