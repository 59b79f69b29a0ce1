"""Chapters render in a sandbox: content is data, never code.

CI builds every chapter on a machine that holds the deploy key, and staff edit chapters.
So a chapter reaches only what it needs: the year's data, the library, this project's
macros and filters. It is checked twice:

- before it runs, by its shape (:func:`check`): data, macro calls and filters are all a
  chapter ever writes (and, for a macro that takes one, a block of text around them:
  ``{% call chart("roles") %}…{% endcall %}``, whose words are escaped like data), so anything else (``{% for %}``, ``{% set %}``, ``{% include %}``,
  arithmetic, a name beginning with ``_``, a call of anything but a macro) is refused at
  its line, in the staff's words;
- while it runs, by Jinja's :class:`~jinja2.sandbox.SandboxedEnvironment`, narrowed
  further: none of Jinja's default globals (``lipsum``, ``cycler``, ``joiner``,
  ``namespace``, ``range``, ``dict``), none of its filters or tests, and of a value only
  its data: no attribute that starts with ``_`` and nothing callable (a method is code).

The page the macros work for travels in the context under :data:`PAGE_KEY`, a key no
template can spell, so a chapter can neither print nor reach it (it holds paths).
"""
from __future__ import annotations

import datetime as dt
import functools
import inspect
import re
from collections.abc import Callable, Mapping
from decimal import Decimal

from jinja2 import Undefined, nodes, pass_context
from markupsafe import Markup
from jinja2.sandbox import SandboxedEnvironment

from .chapter_errors import AbsentPart, NotAllowed, StaffUndefined
from .render import esc
from .strings import t

PAGE_KEY = "report page"   # not an identifier: out of every template's reach

# What a chapter may write: text, data (a.b, a[0], a["b"]), constants, calls of a macro
# with arguments, and filters. Lists and tuples are a macro's arguments.
_ALLOWED = (nodes.Template, nodes.Output, nodes.TemplateData, nodes.Name, nodes.Getattr, nodes.Getitem,
            nodes.Call, nodes.Keyword, nodes.Filter, nodes.Const, nodes.List, nodes.Tuple, nodes.Neg, nodes.Pos)
# What the refused shapes are called in the message, so staff recognise what they wrote.
_SHOWN = {nodes.For: "{% for %}", nodes.If: "{% if %}", nodes.Assign: "{% set %}", nodes.AssignBlock: "{% set %}",
          nodes.Include: "{% include %}", nodes.Import: "{% import %}", nodes.FromImport: "{% from … import %}",
          nodes.Macro: "{% macro %}", nodes.CallBlock: "{% call %}", nodes.FilterBlock: "{% filter %}",
          nodes.With: "{% with %}", nodes.Block: "{% block %}", nodes.Extends: "{% extends %}",
          nodes.Test: "is …", nodes.CondExpr: "… if … else …", nodes.Compare: "==, <, >",
          nodes.BinExpr: "+ - * / % **", nodes.Concat: "~", nodes.And: "and", nodes.Or: "or", nodes.Not: "not",
          nodes.Slice: "[a:b]", nodes.Dict: "{…}"}


def check(source: str | nodes.Template, macros: frozenset[str], blocks: frozenset[str] | None = None) -> None:
    """Refuse *source* (a chapter's text, or its parse) unless it writes only text, data, macro calls
    and filters (NotAllowed, at its line). A ``{% call %}`` block is allowed around a call of a macro
    of *blocks* (None: of any macro, for a check of the shape only)."""
    from jinja2 import Environment
    template = source if isinstance(source, nodes.Template) else Environment().parse(source)   # nothing is run
    calls = 0
    for node in template.find_all(nodes.Node):
        line = getattr(node, "lineno", None)
        calls += isinstance(node, (nodes.Call, nodes.Filter))
        if calls > MAX_CALLS:   # each macro writes up to a table or a chart: a page of thousands is no page
            raise NotAllowed(f"超过 {MAX_CALLS} 个宏和过滤器 / more than {MAX_CALLS} macros and filters", line)
        if isinstance(node, nodes.CallBlock) and _block_of(node, macros, blocks):
            continue   # its call and its text are checked as any others
        if not isinstance(node, _ALLOWED):
            shown = next((s for kind, s in _SHOWN.items() if isinstance(node, kind)), type(node).__name__)
            include = isinstance(node, nodes.Include) and isinstance(node.template, nodes.Const) \
                and str(node.template.value).startswith("chapters/")
            raise NotAllowed(shown, line, legacy_include=include)
        if isinstance(node, nodes.Name) and (node.name.startswith("_") or node.name in _JINJA_OWN):
            raise NotAllowed(node.name, line)
        if isinstance(node, nodes.Getattr) and node.attr.startswith("_"):
            raise NotAllowed(f".{node.attr}", line)
        if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) \
                and isinstance(node.arg.value, str) and node.arg.value.startswith("_"):
            raise NotAllowed(f'["{node.arg.value}"]', line)
        if isinstance(node, nodes.Call) and not (isinstance(node.node, nodes.Name) and node.node.name in macros):
            if isinstance(node.node, nodes.Name):
                continue   # an unknown name: told as one, with the nearest macros, when it runs
            raise NotAllowed(f".{node.node.attr}(…)" if isinstance(node.node, nodes.Getattr) else "(…)", line)
        if isinstance(node, nodes.Call) and (node.dyn_args is not None or node.dyn_kwargs is not None):
            raise NotAllowed("*args / **kwargs", line)

def _block_of(node: nodes.CallBlock, macros: frozenset[str], blocks: frozenset[str] | None) -> bool:
    """A block of text handed to a macro that takes one (``{% call chart("roles") %}``): no
    arguments of its own (``{% call(x) … %}``), a macro by its name. A name no macro has is
    told as unknown when it runs."""
    called = node.call.node if isinstance(node.call, nodes.Call) else None
    if node.args or node.defaults or not isinstance(called, nodes.Name):
        return False
    return blocks is None or called.name in blocks or called.name not in macros


def escape_blocks(template: nodes.Template) -> nodes.Template:
    """*template* with the words typed inside each ``{% call %}`` block escaped as a data text is
    (a chart's title: ``<b>`` shows as typed); the macros and data inside write as anywhere else."""
    for block in template.find_all(nodes.CallBlock):
        for data in block.find_all(nodes.TemplateData):
            data.data = str(esc(data.data))
    return template


# Names Jinja itself answers in every template (the template object, a loop's state).
_JINJA_OWN = frozenset({"self", "loop", "super", "caller", "varargs", "kwargs"})


@pass_context
def _printed(context, value):
    """What ``{{ … }}`` writes: a macro's markup as it is; a figure, a date or a data text as typed.
    A figure a draft has not filled in yet is its to-do marker, as the filters show it."""
    if isinstance(value, Markup):
        return value
    if isinstance(value, Undefined):
        value._fail_with_undefined_error()
    if value is None:
        page = context.get(PAGE_KEY)
        if page is not None and page.year is not None and page.year.draft:
            return t("todo", page.locale)
        raise AbsentPart(None)   # chapter_errors.py names the blank or missing field from the line
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal, dt.date)):
        raise NotAllowed("整个数据部分，而不是其中的一个数字或文字 / a whole part of the data, not one figure or text", None)
    return esc(str(value))


def _writes_markup(function: Callable) -> Callable:
    """*function* with what it returns marked as markup (its Jinja context argument kept)."""
    @functools.wraps(function)   # copies Jinja's pass_context mark too
    def written(*args, **kwargs):
        value = function(*args, **kwargs)
        return Markup(value) if isinstance(value, str) else value
    return written


# What a chapter could hand Markdown that costs minutes or breaks it: Python-Markdown looks for a
# link's end from every [ (quadratic in their number), recurses once per level of nesting, and
# stops with an internal error on <![ sections. A report's chapter comes nowhere near these.
MAX_CALLS = 400
MAX_BRACKETS = 1000
MAX_RENDERED = 4 * 1024 * 1024
_DEEP = re.compile(r"^(?:[ \t]{80,}|(?:>\s*){16,})", re.M)


def markdown_ready(text: str) -> str:
    """*text* (a rendered chapter) as it is, or NotAllowed for what would stall or break Markdown."""
    if len(text) > MAX_RENDERED:
        raise NotAllowed(f"页面超过 {MAX_RENDERED // 1024 // 1024} MB / a page over {MAX_RENDERED // 1024 // 1024} MB", None)
    if text.count("[") > MAX_BRACKETS:
        raise NotAllowed(f"超过 {MAX_BRACKETS} 个方括号 [ / more than {MAX_BRACKETS} brackets [", None)
    if "<![" in text:
        raise NotAllowed("<![…", None)   # the rendered text's lines are not the chapter's: no line
    deep = _DEEP.search(text)
    if deep or text.count("<div") > 300:
        raise NotAllowed("嵌套过深 / nested too deeply", None)
    return text


class ChapterSandbox(SandboxedEnvironment):
    """The environment chapters render in: this project's macros and filters, nothing of Jinja's."""

    def __init__(self, macros: Mapping[str, Callable], filters: Mapping[str, Callable]):
        # What a macro or filter writes is the page's markup; any other value a chapter prints (a
        # data text: {{ library.name.zh }}) is shown as typed, never read as HTML or Markdown.
        super().__init__(undefined=StaffUndefined, autoescape=False, keep_trailing_newline=True, finalize=_printed)
        self.globals = {name: _writes_markup(m) for name, m in macros.items()}
        self.filters = {name: _writes_markup(f) for name, f in filters.items()}
        self.tests = {}
        self.macro_names = frozenset(macros)
        # the macros that take a block of text (a chart's title): those with a ``caller`` argument
        self.block_macros = frozenset(name for name, m in macros.items()
                                      if "caller" in inspect.signature(m).parameters)
        self._allowed_calls = {id(f) for f in (*self.globals.values(), *self.filters.values())}
        self._templates: dict[str, object] = {}   # a chapter's text -> its compiled template

    def is_safe_attribute(self, obj, attr: str, value) -> bool:
        return not attr.startswith("_") and not callable(value) and super().is_safe_attribute(obj, attr, value)

    def getattr(self, obj, attribute):
        # Jinja hands out a str's own methods (format) even when is_safe_attribute says no
        value = super().getattr(obj, attribute)
        return self.unsafe_undefined(obj, attribute) if callable(value) and not isinstance(value, Undefined) else value

    def call(__self, __context, __obj, *args, **kwargs):
        if isinstance(__obj, Undefined):   # a misspelt macro: told as an unknown name, with the nearest ones
            __obj._fail_with_undefined_error()
        return super().call(__context, __obj, *args, **kwargs)

    def is_safe_callable(self, obj) -> bool:
        return id(obj) in self._allowed_calls

    def render_chapter(self, source: str, variables: Mapping, page) -> str:
        """*source* checked, then rendered with *variables* (the data) and *page* for the macros;
        what it renders is checked for what would stall or break Markdown (see :func:`markdown_ready`)."""
        return markdown_ready(self._compiled(source).render({**variables, PAGE_KEY: page}))

    def _compiled(self, source: str):
        # Parsed once, checked by its shape, compiled once: a chapter's text is the same in both
        # languages' builds and, by `make new-year`, often from one year to the next (make check
        # renders every year). A text that was refused is never kept, so it is refused every time.
        template = self._templates.get(source)
        if template is None:
            parsed = self.parse(source)
            check(parsed, self.macro_names, self.block_macros)
            template = self._templates[source] = self.from_string(escape_blocks(parsed))
            if len(self._templates) > 1024:   # a long preview session: the oldest go first
                del self._templates[next(iter(self._templates))]
        return template
