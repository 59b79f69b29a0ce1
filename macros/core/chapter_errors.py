"""A mistake in a chapter's macros, told in the staff's language.

Jinja's own messages ("'mony' is undefined", "'Budget object' has no attribute 'totl'")
name Python classes and count lines from after the front matter. Here every mistake
becomes a :class:`Problem`: the chapter file and its exact line, what is unknown, in
Chinese and English, and the nearest valid names: only this project's macros, filters
and data names, and only those close enough to be meant ("mony": money, never month).

A figure or part the year's data leaves blank or lacks is named by its data file and
field (``data/2022/profile.yaml`` field ``terminals``), and staff are told to fill it in;
deleting the sentence is offered only for an optional part (marked 可省略 in the schema,
as the files of a new year say), the one kind a year may truly not have. The build,
the preview and `make check` all word a mistake here, so they say the same thing.
"""
from __future__ import annotations

import difflib
import re
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.utils import missing
from pydantic import BaseModel

from .checks import described
from .problems import Problem
from .schema import TOPICS, Library, model_inside
from .tables import ABSENT, UnknownTable


class UnknownName(jinja2.UndefinedError):
    """A name or field a chapter uses that does not exist (raised by :class:`StaffUndefined`)."""

    def __init__(self, name: str, owner):
        super().__init__(f"{name} is undefined")
        self.name, self.owner = name, owner


class StaffUndefined(jinja2.StrictUndefined):
    """Jinja's strict undefined, keeping what was looked up and where, for the message."""

    def _fail_with_undefined_error(self, *args, **kwargs):
        if self._undefined_exception is SecurityError:   # the sandbox refused it (sandbox.py)
            raise NotAllowed(f".{self._undefined_name}", None)
        raise UnknownName(self._undefined_name or "", self._undefined_obj)

    __str__ = __iter__ = __len__ = __bool__ = __eq__ = __ne__ = __hash__ = _fail_with_undefined_error
    __int__ = __float__ = __complex__ = __pow__ = __rpow__ = _fail_with_undefined_error
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _fail_with_undefined_error
    __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = __mod__ = __rmod__ = _fail_with_undefined_error
    __lt__ = __le__ = __gt__ = __ge__ = __getitem__ = __call__ = __contains__ = _fail_with_undefined_error


class NotAllowed(Exception):
    """A chapter wrote something that is not text, data, a macro or a filter (see sandbox.py)."""

    def __init__(self, construct: str, line: int | None, legacy_include: bool = False):
        super().__init__(construct)
        self.construct, self.lineno, self.legacy_include = construct, line, legacy_include


class AbsentPart(Exception):
    """A chapter uses a part its year does not have (an optional part left out of the data)."""

    def __init__(self, path: str):
        super().__init__(path)
        self.path = path


@dataclass
class ChapterSource:
    """Where a chapter's text came from: for file names and true line numbers."""

    shown: str           # docs/2021/finance.md, as staff see it
    offset: int          # lines of front matter before the text that was rendered
    text: str            # the text that was rendered
    year: int | None
    names: list[str]     # every name a chapter may use: variables, macros, filters
    macros: list[str] = field(default_factory=list)    # the names a chapter calls: table, chart …
    filters: list[str] = field(default_factory=list)   # the names after a |: money, num …
    report: Any = None   # the year the page reads (site.Year): where a part of the data is written


# How alike a name must be to be offered (difflib's ratio): "mony" is 0.89 like money, 0.67 like
# month; "listng" 0.92 like listing, 0.8 like list. Only the nearest are offered, never a crowd.
_ALIKE = 0.75
_NEAREST = 0.05


def _nearest(name: str, choices) -> list[str]:
    """The names *name* was most likely meant to be: its letters swapped (mun: num), then the
    closest look-alikes among *choices* (this project's names only: the caller passes them)."""
    choices = [c for c in dict.fromkeys(choices) if not c.startswith("_") and c != name]
    swapped = [c for c in choices if sorted(c) == sorted(name)]
    scored = sorted(((difflib.SequenceMatcher(None, name, c).ratio(), c) for c in choices),
                    key=lambda pair: -pair[0])
    best = scored[0][0] if scored else 0
    alike = [c for ratio, c in scored if ratio >= _ALIKE and ratio >= best - _NEAREST]
    return list(dict.fromkeys(swapped + alike))[:3]


def _line_of(error: Exception, source: ChapterSource) -> tuple[str, int | None]:
    """(file as shown, line in that file) of the innermost template frame of *error*."""
    if isinstance(error, jinja2.TemplateSyntaxError):
        if error.filename and error.filename != "<template>":
            return _shown_include(error.filename), error.lineno
        return source.shown, (error.lineno or 0) + source.offset
    if isinstance(error, NotAllowed) and error.lineno:   # found by its shape, before anything ran
        return source.shown, error.lineno + source.offset
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if f.filename == "<template>" or f.filename.endswith(".md")]
    if not frames:
        return source.shown, None
    last = frames[-1]
    if last.filename == "<template>":
        return source.shown, last.lineno + source.offset
    return _shown_include(last.filename), last.lineno


def _shown_include(filename: str) -> str:
    parts = Path(filename).parts
    return "/".join(parts[parts.index("docs"):]) if "docs" in parts else filename


def _suggest(found: list[str]) -> tuple[str, str]:
    if not found:
        return "", ""
    return f"（是不是想写 {'、'.join(found)}？）", f" (did you mean {', '.join(found)}?)"


_UNSET = object()


def _absent_path(name: str | None, line: str, variables: dict) -> str | None:
    """The first dotted path on *line* that reaches a part the year leaves blank or lacks
    (activities.closure, profile.terminals); with *name*, only a path that goes through it."""
    for match in re.finditer(r"(?<![\w.])[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+", line):
        parts = match.group().split(".")
        if parts[0] not in variables or (name is not None and name not in parts[1:]):
            continue
        value = variables[parts[0]]
        for i, part in enumerate(parts[1:], 1):
            if value is None or value is ABSENT:
                return ".".join(parts[:i])
            value = getattr(value, part, _UNSET)
            if value is _UNSET:   # no such field: told as an unknown name where it is used
                break
        else:
            if value is None or value is ABSENT:
                return ".".join(parts)
    return None


def _part_path(path: str | None) -> bool:
    """Whether *path* names a part of the data (finance.budget, data/2019), not a field alone (count)."""
    return bool(path) and (path.startswith("data/") or path.split(".")[0] in (*TOPICS, "library"))


def _in_file(data, names: list[str]) -> tuple[str, list[str]]:
    """("blank" | "missing" | "written", the place reached) of the field *names* in a file's raw data."""
    place: list[str] = []
    for name in names:
        if not isinstance(data, dict):
            break
        place.append(name)
        if name not in data:
            return "missing", place
        data = data[name]
        if data is None or data == "":
            return "blank", place
    return "written", place


def _computed(model, place: list[str]) -> str | None:
    """The description of the computed figure at *place* ("… ÷ headcount / …"), or None when it is typed."""
    for name in place[:-1]:
        info = getattr(model, "model_fields", {}).get(name)
        model = model_inside(info.annotation) if info is not None else None
    computed = getattr(model, "model_computed_fields", {}).get(place[-1]) if place else None
    return (computed.description or "") if computed is not None else None


def _absent(shown: str, line: int | None, path: str | None, source: ChapterSource) -> Problem:
    """The message for a part of the data a chapter uses that its year leaves blank or lacks."""
    report = source.report
    year = report.year if report is not None else source.year
    if path and path.startswith("data/"):   # a year the archive has no data for: key_figures(2019)
        return Problem(shown, line, None, f"{path}/ 中的数据（年份写错时请改正）",
                       f"the data of {path}/ (correct the year if it is mistyped)",
                       f"没有 {path}/ / there is no {path}/")
    topic, *names = (path or "").split(".")
    if not names or not (topic == "library" or (topic in TOPICS and report is not None)):
        where = f"data/{year}/" if year else "data/"
        return Problem(shown, line, path, f"在 {where} 中填写这一行用到的数据", f"the figures this line uses filled in, in {where}",
                       "这一行用到的数据是空的或没有写 / a figure or part this line uses is blank or missing in the data")
    if topic == "library":   # the library's own details: one file for every year
        zh, en, optional = described(Library, tuple(names))
        name, zh, en = ".".join(names), f"（{zh}）" if zh else "", f" ({en})" if en else ""
        return Problem(shown, line, path,
                       f"在 data/library.yaml 中写上并填写 {name}{zh}" + ("；没有时，请删去章节中用到它的句子" if optional else ""),
                       f"{name} written and filled in, in data/library.yaml{en}"
                       + ("; if the library has none, delete the sentence that uses it" if optional else ""),
                       f"data/library.yaml 中 {name} 是空的或没有写 / {name} is blank or missing in data/library.yaml")
    where = f"data/{year}/{topic}.yaml"
    document = report.documents[topic]
    state, place = _in_file(document.data, names)
    zh, en, optional = described(TOPICS[topic], tuple(place))
    name = ".".join(place)
    computed = _computed(TOPICS[topic], place)
    if computed is not None:   # a figure the data computes (a share): its figures are what to fill in
        how_zh, _, how_en = computed.partition(" / ")
        return Problem(shown, line, path, f"在 {where} 中填写算出 {name} 所用的数字（{how_zh}）；"
                                          "本年没有这些数字时，请删去章节中用到它的句子",
                       f"the figures {name} is computed from filled in, in {where} ({how_en or how_zh}); "
                       "if the year has none, delete the sentence that uses it",
                       f"{where} 的数字算不出 {name} / the figures in {where} give no {name}")
    if state == "missing" and optional:   # the one kind of part a year may truly not have
        return Problem(shown, line, path, f"本年有这一部分{f'（{zh}）' if zh else ''}时，在 {where} 中写上 {name}；"
                                          "没有时，请删去章节中用到它的句子",
                       f"{name}{f' ({en})' if en else ''} written in {where} if the year has it; "
                       "if it has none, delete the sentence that uses it",
                       f"{where} 中没有 {name} / {where} has no {name}")
    zh, en = f"（{zh}）" if zh else "", f" ({en})" if en else ""
    delete_zh = "；本年没有这一部分时，请删去这一行和章节中用到它的句子" if optional else ""
    delete_en = "; if the year has none, delete that line and the sentence that uses it" if optional else ""
    if state == "blank":
        at = document.line_of(tuple(place))
        return Problem(shown, line, path, f"在 {where} 第 {at} 行填写 {name}{zh}{delete_zh}",
                       f"{name} filled in, in {where} line {at}{en}{delete_en}",
                       f"{where}:{at} 中 {name} 是空的 / {name} is blank in {where}:{at}")
    if state == "missing":
        return Problem(shown, line, path, f"在 {where} 中写上 {name} 并填写{zh}",
                       f"{name} written and filled in, in {where}{en}",
                       f"{where} 中没有 {name} / {where} has no {name}")
    # written, yet nothing to show: a table whose every figure is still empty
    return Problem(shown, line, path, f"在 {where} 中填写 {name}{zh}{delete_zh}", f"{name} filled in, in {where}{en}{delete_en}",
                   f"{where} 中 {name} 没有填写的数字 / {name} has no figure filled in, in {where}")


def _not_allowed(error, shown: str, line: int | None) -> Problem:
    """What a chapter may write instead of what the sandbox refused."""
    if getattr(error, "legacy_include", False):
        year = shown.split("/")[1] if shown.count("/") >= 2 else "…"
        return Problem(shown, line, None, f"本年自己的文字：运行 make own-chapters YEAR={year}，把旧版共用章节变成本年的章节",
                       f"the year's own text: run make own-chapters YEAR={year} to give it the shared chapters' text",
                       "这一章还在引用旧版共用章节 / the chapter still includes the old shared chapters")
    construct = getattr(error, "construct", None)
    if construct is None:   # the sandbox refused a value's attribute or a call while running
        attribute = re.search(r"attribute '([^']+)'", str(error))
        construct = f".{attribute.group(1)}" if attribute else "(…)"
    return Problem(shown, line, None,
                   "章节中只写文字、数据、宏和过滤器，如 {{ finance.budget.total | money }}、{{ chart(\"budget\") }}",
                   "only text, data, macros and filters in a chapter, e.g. {{ finance.budget.total | money }}, "
                   "{{ chart(\"budget\") }}",
                   f"这一写法不允许在章节中使用 / not allowed in a chapter: {construct}")


def explain(error: Exception, source: ChapterSource, variables: dict) -> Problem:
    """The staff's message for *error*, raised while rendering *source*."""
    shown, line = _line_of(error, source)
    source_line = ""
    if shown == source.shown and line:
        lines = source.text.splitlines()
        index = line - source.offset - 1
        source_line = lines[index] if 0 <= index < len(lines) else ""
    if isinstance(error, (NotAllowed, SecurityError)):
        return _not_allowed(error, shown, line)
    if isinstance(error, UnknownTable):
        hint = _suggest(_nearest(error.name, error.known))
        return Problem(shown, line, None, "表格或图表的名称之一：" + "、".join(error.known) + hint[0],
                       "one of the tables and charts: " + ", ".join(error.known) + hint[1],
                       f"未知的表格 / unknown table “{error.name}”")
    if isinstance(error, AbsentPart) or (isinstance(error, UnknownName) and error.owner in (None, ABSENT)):
        path = error.path if isinstance(error, AbsentPart) else _absent_path(error.name, source_line, variables)
        if not _part_path(path):   # a blank figure given to a filter, or a field alone (total(…, "count"))
            path = _absent_path(None, source_line, variables) or (path if _part_path(path) else None)
        return _absent(shown, line, path, source)
    if isinstance(error, UnknownName):
        owner = error.owner
        if owner is missing and source.macros and re.search(rf"(?<![\w.]){re.escape(error.name)}\s*\(", source_line):
            choices = source.macros   # written as a call: table(…), chart(…)
            what_zh, what_en = "已知的宏", "a known macro"
        elif owner is missing:
            choices = [n for n in source.names if n not in source.filters]   # data and macros
            what_zh, what_en = "已知的名称", "a known name"
        elif isinstance(owner, BaseModel):
            choices = [*type(owner).model_fields, *type(owner).model_computed_fields]   # shares the data computes
            what_zh, what_en = "这一项下已有的字段", "a field this part has"
        elif isinstance(owner, dict):
            choices = [str(k) for k in owner]
            what_zh, what_en = "这一项下已有的名称", "a name this part has"
        else:
            choices = []
            what_zh, what_en = "已知的名称", "a known name"
        hint = _suggest(_nearest(error.name.rsplit(".", 1)[-1], choices))   # items.personel: personnel
        listed_zh = "：" + "、".join(choices[:12]) if choices and owner is not missing else ""
        listed_en = ": " + ", ".join(choices[:12]) if choices and owner is not missing else ""
        return Problem(shown, line, None, f"{what_zh}{listed_zh}{hint[0]}", f"{what_en}{listed_en}{hint[1]}",
                       f"未知的名称 / unknown name “{error.name}”")
    if isinstance(error, jinja2.TemplateSyntaxError):
        unknown_filter = re.search(r"No filter named '([^']+)'", error.message or "")
        if unknown_filter:
            name = unknown_filter.group(1)
            hint = _suggest(_nearest(name, source.filters or source.names))
            return Problem(shown, line, None, f"已知的过滤器（| 后面的名称）{hint[0]}", f"a known filter (the name after |){hint[1]}",
                           f"未知的过滤器 / unknown filter “{name}”")
        return Problem(shown, line, None,
                       "宏的正确写法：{{ … }} 和 {% … %} 成对，括号、引号成对",
                       "a macro written right: {{ … }} and {% … %} closed, brackets and quotes paired",
                       f"写法有误 / not understood: {error.message}")
    # Python's own words (class names, reprs) mean nothing to staff: the line says which macro
    return Problem(shown, line, None, "能够执行的宏（检查宏的名称和括号里的内容，与编辑指南中的写法对照）",
                   "a macro that can run (check its name and what is inside the brackets against the guide)",
                   "这一行的宏无法执行 / the macro on this line cannot run")
