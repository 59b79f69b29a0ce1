"""Chapters render in a sandbox: content is data, never code.

CI builds every chapter on a machine that holds the deploy key, and staff edit chapters.
So a chapter reaches only what it needs: the year's data, the library, this project's
macros and filters. It is checked twice:

- before it runs, by its shape (:func:`check`): data, macro calls and filters are all a
  chapter ever writes, so anything else (``{% for %}``, ``{% set %}``, ``{% include %}``,
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

import re
from collections.abc import Callable, Mapping
from html.parser import HTMLParser

from jinja2 import Undefined, nodes
from jinja2.sandbox import SandboxedEnvironment

from .chapter_errors import NotAllowed, StaffUndefined

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


def check(source: str, macros: frozenset[str]) -> None:
    """Refuse *source* unless it writes only text, data, macro calls and filters (NotAllowed, at its line)."""
    from jinja2 import Environment
    template = Environment().parse(source)   # a parse only: nothing is compiled or run
    for node in template.find_all(nodes.Node):
        line = getattr(node, "lineno", None)
        if isinstance(node, nodes.TemplateData):
            _check_markup(node.data, line)
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

# Names Jinja itself answers in every template (the template object, a loop's state).
_JINJA_OWN = frozenset({"self", "loop", "super", "caller", "varargs", "kwargs"})


# Markdown lets HTML through as it is: a chapter may use it for layout, never to run a script in
# the readers' browsers or to load anything from another host (readers in mainland China wait for it).
_ACTIVE_TAGS = frozenset({"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "meta",
                          "link", "style", "form", "input", "button", "textarea", "select", "svg", "math",
                          "template", "portal"})
_LOADING_ATTRIBUTES = frozenset({"src", "srcset", "poster", "data", "background", "formaction", "action", "ping",
                                 "xlink:href", "lowsrc", "dynsrc", "imagesrcset"})
_ELSEWHERE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:|//|\\\\)", re.I)   # a scheme, //host or \\host: not this site


class _Markup(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.refused: list[tuple[str, int]] = []

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        if tag in _ACTIVE_TAGS:
            self.refused.append((f"<{tag}>", line))
        for name, value in attrs:
            value = re.sub(r"[\x00-\x20]", "", value or "")
            if name.startswith("on") or name == "style" and re.search(r"url\(|expression|@import", value, re.I):
                self.refused.append((f"<{tag} {name}=…>", line))
            elif name in _LOADING_ATTRIBUTES and any(_ELSEWHERE.match(v) for v in value.split(",")):
                self.refused.append((f"<{tag} {name}=…>", line))
            elif re.match(r"(?:java|vb)script:|data:text/html", value, re.I):
                self.refused.append((f"<{tag} {name}=…>", line))

    handle_startendtag = handle_starttag


# Code in backticks or fences is shown, not run: the guide may write `<script>` as an example.
_CODE = re.compile(r"^(```|~~~).*?^\1[^\n]*$|(`+)(?:(?!\2).)+?\2", re.S | re.M)


# Markdown's own images: ![alt](address) and ![alt][name] with [name]: address. Any address that
# names a scheme or a host loads from elsewhere.
_MARKDOWN_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]*)")
_IMAGE_BY_NAME = re.compile(r"!\[([^\]]*)\](?:\[([^\]]*)\])?")
_REFERENCE = re.compile(r"^[ ]{0,3}\[([^\]]+)\]:\s*<?(\S*?)>?(?:\s|$)", re.M)


def _check_markup(text: str, first_line: int | None) -> None:
    text = _CODE.sub(lambda m: "\n" * m.group().count("\n"), text)   # the lines kept, for the count
    parser = _Markup()
    parser.feed(text)
    parser.close()
    refused = list(parser.refused)
    line_of = lambda m: text.count("\n", 0, m.start()) + 1  # noqa: E731
    refused += [("![…](…)", line_of(m)) for m in _MARKDOWN_IMAGE.finditer(text) if _ELSEWHERE.match(m.group(1))]
    images = {(m.group(2) or m.group(1)).strip().lower() for m in _IMAGE_BY_NAME.finditer(text)}
    refused += [("[…]: …", line_of(m)) for m in _REFERENCE.finditer(text)
                if m.group(1).strip().lower() in images and _ELSEWHERE.match(m.group(2))]
    if refused:
        construct, line = min(refused, key=lambda r: r[1])
        raise NotAllowed(construct, (first_line or 1) + line - 1)


class ChapterSandbox(SandboxedEnvironment):
    """The environment chapters render in: this project's macros and filters, nothing of Jinja's."""

    def __init__(self, macros: Mapping[str, Callable], filters: Mapping[str, Callable]):
        super().__init__(undefined=StaffUndefined, autoescape=False, keep_trailing_newline=True)
        self.globals = dict(macros)
        self.filters = dict(filters)
        self.tests = {}
        self.macro_names = frozenset(macros)
        self._allowed_calls = {id(f) for f in (*macros.values(), *filters.values())}

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
        """*source* checked, then rendered with *variables* (the data) and *page* for the macros."""
        check(source, self.macro_names)
        return self.from_string(source).render({**variables, PAGE_KEY: page})
