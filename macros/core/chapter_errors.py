"""A mistake in a chapter's macros, told in the staff's language.

Jinja's own messages ("'mony' is undefined", "'Budget object' has no attribute 'totl'")
name Python classes and count lines from after the front matter. Here every mistake
becomes a :class:`Problem`: the chapter file and its exact line, what is unknown, in
Chinese and English, and the nearest valid names.
"""
from __future__ import annotations

import difflib
import re
import traceback
from dataclasses import dataclass
from pathlib import Path

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.utils import missing
from pydantic import BaseModel

from .problems import Problem
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


def _nearest(name: str, choices) -> list[str]:
    """The names *name* was most likely meant to be: its letters swapped (mun: num), then look-alikes."""
    choices = [c for c in dict.fromkeys(choices) if not c.startswith("_")]
    swapped = [c for c in choices if sorted(c) == sorted(name) and c != name]
    alike = difflib.get_close_matches(name, choices, n=3, cutoff=0.5)
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


def _absent_path(name: str, line: str, variables: dict) -> str | None:
    """The dotted path on *line* whose part the year lacks, ending in *name*: activities.closure."""
    for match in re.finditer(r"[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)+", line):
        parts = match.group().split(".")
        if name not in parts[1:]:
            continue
        value = variables.get(parts[0])
        for i, part in enumerate(parts[1:], 1):
            if value is None or value is ABSENT:
                return ".".join(parts[:i])
            value = getattr(value, part, None)
    return None


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
        topic = (path or "").split(".")[0]
        where = f"data/{source.year}/{topic}.yaml" if source.year and topic else "data/"
        return Problem(shown, line, path,
                       f"{where} 中有这一部分；本年没有时，请删去章节中用到它的句子",
                       f"{where} to have this part; if the year has none, delete the sentence that uses it",
                       f"本年的数据没有 {path or error} / this year's data has no {path or error}")
    if isinstance(error, UnknownName):
        owner = error.owner
        if owner is missing:
            choices = source.names
            what_zh, what_en = "已知的名称", "a known name"
        elif isinstance(owner, BaseModel):
            choices = list(type(owner).model_fields)
            what_zh, what_en = "这一项下已有的字段", "a field this part has"
        elif isinstance(owner, dict):
            choices = [str(k) for k in owner]
            what_zh, what_en = "这一项下已有的名称", "a name this part has"
        else:
            choices = []
            what_zh, what_en = "已知的名称", "a known name"
        hint = _suggest(_nearest(error.name, choices))
        listed_zh = "：" + "、".join(choices[:12]) if choices and owner is not missing else ""
        listed_en = ": " + ", ".join(choices[:12]) if choices and owner is not missing else ""
        return Problem(shown, line, None, f"{what_zh}{listed_zh}{hint[0]}", f"{what_en}{listed_en}{hint[1]}",
                       f"未知的名称 / unknown name “{error.name}”")
    if isinstance(error, jinja2.TemplateSyntaxError):
        unknown_filter = re.search(r"No filter named '([^']+)'", error.message or "")
        if unknown_filter:
            name = unknown_filter.group(1)
            hint = _suggest(_nearest(name, source.names))
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
