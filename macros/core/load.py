"""Reading the report's YAML files, strictly and safely.

Staff edit these files by hand, often on Windows, and a data file is also an attack
surface, so this reader refuses what YAML would otherwise accept silently:

- a file that is not UTF-8, not a regular file, larger than any report needs, or a
  link leading out of the project (its target is never read or shown);
- tabs or full-width spaces in the indentation, a full-width colon after a field name;
- control characters, and characters a reader cannot see or that change how text reads
  (Unicode's format, private-use, unassigned and default-ignorable characters, fillers,
  variation selectors that follow no emoji), typed or written as escapes such as ``"\\x00"``;
- a line break inside a value: every text is inline text, never Markdown structure;
- anchors and aliases (``&a`` / ``*a``: no use in a report, and the way to an alias
  bomb), tags (``!include …``), and nesting deeper than any report needs;
- a key given twice, and a key that is no name (``~:``, ``? [a]``);
- a number longer than any figure (Python would refuse to read it).

Scalars follow YAML 1.2's core rules, not 1.1's: ``022`` is 22, while ``1:30``,
``0x12``, ``yes`` and ``1e5`` stay text, so that a figure is what staff typed or an error
(an exponent such as ``1e-999999999`` would make a figure no page could print).
Decimals keep their published precision (``105.5`` stays ``105.5``), and every value
keeps the line it came from, so that later checks can point at it.
"""
from __future__ import annotations

import datetime as dt
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from .memo import FileMemo, file_state
from .problems import DataError, Problem

Place = tuple  # a value's place in a document: keys and list indexes
MAX_BYTES = 512 * 1024   # a year's largest file is a few kB
MAX_DEPTH = 8            # the schema nests five levels at most
MAX_ITEMS = 500          # items of one list: a year has a few dozen events, a dozen budget items
MAX_TEXT = 5000          # characters of one value: a chronicle entry is a paragraph, not a book
MAX_DIGITS = 30          # a figure has a dozen digits at most; Python refuses ints of 4300


@dataclass
class Document:
    """One YAML file: its values and the line (1-based) of each value."""

    path: Path
    data: Any
    lines: dict[Place, int] = field(default_factory=dict)

    def line_of(self, place: Place) -> int:
        """The line of the value at *place*, or of its nearest parent."""
        place = tuple(place)
        while place:
            if place in self.lines:
                return self.lines[place]
            place = place[:-1]
        return self.lines.get((), 1)


def shown_path(path: Path, root: Path | None) -> str:
    """*path* as staff see it: relative to the project (data/2020/staff.yaml)."""
    if root is not None:
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def dotted(place: Place) -> str:
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


def _problem(shown: str, line: int | None, zh: str, en: str, found: str) -> DataError:
    return DataError([Problem(shown, line, None, zh, en, found)])


# ------------------------------------------------------------ the file

def inside(path: Path, root: Path) -> bool:
    """Whether *path*, links followed, stays inside *root*."""
    try:
        path.resolve(strict=False).relative_to(root.resolve())
        return True
    except (ValueError, OSError, RuntimeError):
        return False


def read_text(path: Path, shown: str, root: Path | None = None) -> str:
    """The file's text, or DataError: never a link out of *root*, a device, or a huge file."""
    if root is not None and not inside(path, root):
        raise _problem(shown, None, "项目文件夹里的普通文件（链接不能指向项目之外）",
                       "an ordinary file inside the project (a link must not lead outside it)",
                       "指向项目之外的链接，未读取 / a link leading outside the project; not read")
    try:
        info = path.stat()
    except OSError:
        raise _problem(shown, None, "存在的文件", "an existing file",
                       "文件不存在或无法读取 / missing or unreadable") from None
    if not stat.S_ISREG(info.st_mode):
        raise _problem(shown, None, "普通文件", "an ordinary file",
                       "不是普通文件（文件夹、设备等）/ not an ordinary file") from None
    if info.st_size > MAX_BYTES:
        raise _problem(shown, None, f"不超过 {MAX_BYTES // 1024} KB 的数据文件",
                       f"a data file of at most {MAX_BYTES // 1024} KB",
                       f"{info.st_size // 1024} KB") from None
    raw = path.read_bytes()[: MAX_BYTES + 1]
    if raw.startswith(b"\xef\xbb\xbf"):  # Notepad's UTF-8 BOM is harmless
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise _problem(shown, raw[: err.start].count(b"\n") + 1,
                       "文件应以 UTF-8 编码保存（在记事本或 VS Code 中“另存为”并选择 UTF-8）",
                       "the file must be saved as UTF-8 (use 'Save as' and choose UTF-8)",
                       "看起来是 GBK 或其他编码 / looks like GBK or another encoding") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


# ------------------------------------------------------------ characters and lines staff cannot see

# C0 and C1 controls but tab and newline, and DEL.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# What a reader cannot see, yet is stored, searched and copied, or what makes text read
# differently from how it is stored: Unicode's default-ignorable code points (zero-width and
# direction-changing characters, the Hangul and Mongolian fillers, the combining grapheme
# joiner, Khmer's inherent vowels, variation selectors, tag characters), the line and
# paragraph separators and the braille blank; and with them, every character of the format,
# private-use, surrogate and unassigned categories (_UNSEEN_CATEGORIES, with what staff are told).
_INVISIBLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u2028-\u202e"
                        "\u2060-\u206f\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8"
                        "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]")
_UNSEEN_CATEGORIES = {
    "Cf": "不可见或改变文字方向的字符 / invisible or direction-changing character",
    "Co": "私用区字符（输入法自造的生僻字等，别的电脑上显示不出）/ private-use character",
    "Cs": "代理字符（不完整的字符）/ surrogate (half a character)",
    "Cn": "未分配的字符 / unassigned character",
}
# An emoji may ask for its picture (U+FE0F) or its text form (U+FE0E): ❤️ ©️ and the keycap
# 1️⃣. Anywhere else a variation selector is one more invisible character.
_EMOJI_STYLE = "\ufe0e\ufe0f"
_EMOJI_BASES = "\u203c\u2049\u3030\u303d"   # beside the symbols (So, Sm)
_KEYCAP_BASES, _KEYCAP = "#*0123456789", "\u20e3"
_FULLWIDTH_COLON = re.compile(r"^[ \t]*(?:-[ \t]+)?[A-Za-z_][A-Za-z0-9_]*[ \t]*：")
_BAD_INDENT = re.compile(r"^[ ]*[\t\u3000]")


def _unseen(text: str) -> str | None:
    """The first character of *text* a reader cannot see (see _INVISIBLE), or None."""
    if text.isascii():
        return None
    for at, char in enumerate(text):
        if char.isascii():
            continue
        if char in _EMOJI_STYLE and at and _emoji_before(text, at):
            continue
        if _INVISIBLE.match(char) or unicodedata.category(char) in _UNSEEN_CATEGORIES:
            return char
    return None


def _emoji_before(text: str, at: int) -> bool:
    """Whether the variation selector at *at* follows an emoji (so it is part of its sequence)."""
    base = text[at - 1]
    if base in _KEYCAP_BASES:
        return text[at + 1: at + 2] == _KEYCAP
    return base in _EMOJI_BASES or unicodedata.category(base) in ("So", "Sm")


def _character_problem(text: str) -> tuple[str, str, str] | None:
    """(expected zh, expected en, found) for a character no report text may hold."""
    control = _CONTROL.search(text)
    if control:
        return ("只含可见文字的文本（不能有控制字符）", "text without control characters",
                f"控制字符 / control character U+{ord(control.group()):04X}")
    unseen = _unseen(text)
    if unseen:
        what = _UNSEEN_CATEGORIES.get(unicodedata.category(unseen), _UNSEEN_CATEGORIES["Cf"])
        name = unicodedata.name(unseen, "")
        return ("不含不可见字符的文本（复制网页或 Word 文字时常会带入，请删除后重新输入）",
                "text without invisible characters (they come along when copying from web pages "
                "or Word; delete and retype the text)",
                f"{what} U+{ord(unseen):04X}" + (f" {name}" if name else ""))
    return None


def _scan_lines(text: str, shown: str) -> list[Problem]:
    """Each line as staff typed it. A line YAML would misread (its indentation, a full-width
    colon) stops the reading here; a character no text may hold is returned, so that the
    reading can name its field (see _parse): a comment is checked here alone."""
    problems, characters = [], []
    for number, line in enumerate(text.split("\n"), 1):
        if _BAD_INDENT.match(line):
            problems.append(Problem(shown, number, None, "缩进只能用半角空格，不能用 Tab 键或全角空格",
                                    "indent with ordinary spaces only, never with tabs or full-width spaces",
                                    "行首有 Tab 或全角空格 / a tab or full-width space at the start of the line"))
        elif _FULLWIDTH_COLON.match(line):
            problems.append(Problem(shown, number, None, "字段名后用半角冒号“:”，后面加一个空格",
                                    "a half-width colon ':' and a space after the field name",
                                    "全角冒号“：”/ a full-width colon '：'"))
        else:
            wrong = _character_problem(line)
            if wrong:
                characters.append(Problem(shown, number, None, *wrong))
    if problems:
        raise DataError(sorted(problems + characters, key=lambda p: p.line))
    return characters


# ------------------------------------------------------------ YAML, the subset a report needs

class _Loader(yaml.SafeLoader):
    """YAML 1.2's core scalars, and dates: no octal, sexagesimal, yes/no or .inf."""


_Loader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in (
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("int", r"^[-+]?[0-9]+$", "-+0123456789"),
    ("float", r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)$", "-+0123456789."),   # 1e5 stays text
    ("timestamp", r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "0123456789"),
):
    _Loader.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(_pattern), list(_first))

_TAG = "tag:yaml.org,2002:"


def _refuse_what_reports_never_need(text: str, shown: str) -> None:
    """Anchors, aliases, tags, deep nesting, long lists and long values, found in the event stream
    before anything is built."""
    depth, counts = 0, []
    try:
        for event in yaml.parse(text, Loader=_Loader):
            line = event.start_mark.line + 1
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise _problem(shown, line, "直接写出每个值（年报数据不用锚点 & 和别名 *）",
                               "every value written out (report data uses no anchors & or aliases *)",
                               "锚点或别名 / an anchor or alias")
            tag = getattr(event, "tag", None)
            if tag is not None and not (isinstance(event, yaml.ScalarEvent) and event.implicit[0]):
                raise _problem(shown, line, "不带标签的值（去掉以 ! 开头的部分）",
                               "a value without a tag (remove the part starting with !)",
                               f"标签 / a tag “{tag}”")
            if isinstance(event, yaml.ScalarEvent) and len(event.value) > MAX_TEXT:
                raise _problem(shown, line, f"不超过 {MAX_TEXT} 个字符的值", f"a value of at most {MAX_TEXT} characters",
                               f"{len(event.value)} 个字符 / characters")
            if counts and not isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                counts[-1] -= 1   # what a list (or a mapping: keys and values) may still hold
                if counts[-1] < 0:
                    raise _problem(shown, line, f"每个列表不超过 {MAX_ITEMS} 项", f"at most {MAX_ITEMS} items in a list",
                                   "列表过长 / a list too long")
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                counts.append(MAX_ITEMS if isinstance(event, yaml.SequenceStartEvent) else 2 * MAX_ITEMS)
                depth += 1
                if depth > MAX_DEPTH:
                    raise _problem(shown, line, f"不超过 {MAX_DEPTH} 层的嵌套", f"at most {MAX_DEPTH} levels of nesting",
                                   "嵌套过深 / nested too deeply")
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                counts.pop()
                depth -= 1
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        raise _problem(shown, mark.line + 1 if mark else None,
                       "正确的 YAML 格式（检查冒号后的空格、引号是否成对、缩进是否对齐）",
                       "valid YAML (check the space after each colon, paired quotes, aligned indentation)",
                       f"YAML 语法错误 / syntax error: {err.problem}") from None


def load_document(path: Path, shown: str | None = None, root: Path | None = None,
                  memo: FileMemo | None = None) -> Document:
    """Read one YAML file into a :class:`Document`, or raise DataError.

    *root* is the project folder: a file reached through a link out of it is refused. With a
    *memo*, a file read before and unchanged since is not parsed again (the build date, the
    drafts and the validation all read the same files)."""
    shown = shown or shown_path(path, root)
    state = file_state(path)
    if memo is None or state is None:
        return _parse(path, shown, root)
    return memo.get(("document", str(path), shown, str(root)), state, lambda: _parse(path, shown, root))


def _parse(path: Path, shown: str, root: Path | None) -> Document:
    text = read_text(path, shown, root)
    characters = _scan_lines(text, shown)
    if all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        raise _problem(shown, 1, "文件不能为空，应包含本主题的数据",
                       "the file must not be empty; it should hold this topic's data", "空文件 / an empty file")
    try:
        _refuse_what_reports_never_need(text, shown)
        node = yaml.compose(text, Loader=_Loader)
    except DataError as err:
        raise DataError(sorted(characters + err.problems, key=lambda p: p.line or 0)) from None
    except yaml.YAMLError as err:   # PyYAML's reader stops at a control character the lines have named
        raise DataError(characters) if characters else _problem(
            shown, None, "正确的 YAML 格式", "valid YAML", f"YAML 错误 / error: {err}") from None
    doc = Document(path=path, data=None)
    problems: list[Problem] = []
    named: set[int] = set()   # the lines of values found wrong, each told with its field
    doc.data = _construct(node, (), doc, shown, problems, named)
    problems += [p for p in characters if p.line not in named]   # in a comment
    if problems:
        raise DataError(sorted(problems, key=lambda p: p.line or 0))
    return doc


def _kind(node: yaml.ScalarNode) -> str:
    """What YAML reads the scalar as: "str", "int", "float", "bool", "null" or "timestamp"."""
    return node.tag.removeprefix(_TAG) if node.style is None else "str"


def _scalar(node: yaml.ScalarNode) -> Any:
    kind, text = _kind(node), node.value
    if kind == "null":
        return None
    if kind == "bool":
        return text.lower() == "true"
    if kind == "int":
        return int(text, 10)
    if kind == "float":
        return Decimal(text)
    if kind == "timestamp":
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return text  # e.g. 2020-05-38: kept as text, so the schema reports it
    if node.style in ("|", ">"):
        return text.rstrip("\n")  # the line break a block scalar ends with is no part of the text
    return text


def _value_problem(node: yaml.ScalarNode) -> tuple[str, str, str] | None:
    """(expected zh, expected en, found) for a value no report may hold, seen before it is built."""
    kind = _kind(node)
    digits = sum(c.isdigit() for c in node.value) if kind in ("int", "float") else 0
    if digits > MAX_DIGITS:
        return (f"不超过 {MAX_DIGITS} 位的数字（由数字组成的文字请加引号）",
                f"a number of at most {MAX_DIGITS} digits (a text of digits goes in quotes)",
                f"{digits} 位的数字 / a number of {digits} digits")
    if kind != "str":
        return None
    text = _scalar(node)
    if "\n" in text:   # a text is inline: a line break would start a heading, a rule, a code block
        return ("一行文字，中间不换行（长的文字也写在同一行里）",
                "text on one line, without line breaks (write a long text on one line too)",
                "文字中有换行 / a line break in the text")
    return _character_problem(text)  # "\x00", "\e" and friends written as escapes


def _construct(node: yaml.Node, place: Place, doc: Document, shown: str, problems: list[Problem],
               named: set[int]) -> Any:
    line = node.start_mark.line + 1
    doc.lines[place] = line
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode) or _kind(key_node) == "null":   # ~: 1, ? [a]
                found = (f"空的字段名 / an empty field name “{key_node.value}”" if isinstance(key_node, yaml.ScalarNode)
                         else "列表或一组值 / a list or a group of values")
                problems.append(Problem(shown, key_line, dotted(place) or None,
                                        "字段名，如 headcount（写在冒号前，不能为空，也不能是列表或一组值）",
                                        "a field name such as headcount (before the colon; not empty, "
                                        "not a list or a group of values)", found))
                continue
            key = key_node.value  # 2020: or 12: as a key is still a name, as typed
            wrong = _character_problem(key)
            if wrong:
                problems.append(Problem(shown, key_line, dotted(place) or None, *wrong))
                named.add(key_line)
                continue
            if key in result:
                first = doc.lines.get(place + (key,), "?")
                problems.append(Problem(
                    shown, key_line, dotted(place + (key,)),
                    f"同一层级中每个字段只能出现一次（第 {first} 行已经写过）",
                    f"each field only once at the same level (already given on line {first})",
                    f"重复的字段 / duplicate field “{key}”"))
                continue
            result[key] = _construct(value_node, place + (key,), doc, shown, problems, named)
            doc.lines[place + (key,)] = key_line
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, place + (i,), doc, shown, problems, named) for i, item in enumerate(node.value)]
    wrong = _value_problem(node)
    if wrong:
        problems.append(Problem(shown, line, dotted(place) or None, *wrong))
        end = node.end_mark.line + (1 if node.end_mark.column else 0)
        named.update(range(line, max(line, end) + 1))
        return None
    return _scalar(node)
