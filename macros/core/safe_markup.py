"""The last check of every page's content: markup that could act in a reader's browser.

Chapters may use HTML for layout, and Markdown itself writes links, images and (with
``attr_list``) attributes. Whatever wrote it (the chapter's text, its Markdown, a macro,
a data text), the HTML of a page's content is read here once it is rendered, as the
browser will read it, and refused when it holds:

- an element that is not text, layout, a table, an image or a chart (``<script>``,
  ``<iframe>``, ``<style>``, ``<form>``, ``<noscript>``, ``<meta>`` …);
- an event handler (``onclick``, ``onerror`` …), or a style that loads or escapes;
- a link that runs (``javascript:``), or an image, frame or style from another host:
  readers in mainland China wait for other hosts, and no page asks one.

The HTML is read by an HTML5 parser, as a browser reads it, so odd markup (``<!-->``,
``title=="…``, a NUL in a tag) cannot look like text here and like a tag there.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
import tinyhtml5

from .problems import Problem

# Text and layout, tables, images, and the SVG of the charts (compared in lower case).
ALLOWED_ELEMENTS = frozenset("""
a abbr article aside b blockquote br caption cite code col colgroup data dd del details dfn div dl dt em
figcaption figure footer h1 h2 h3 h4 h5 h6 header hr i img ins kbd li main mark nav ol p pre q s samp section
small span strong sub summary sup table tbody td tfoot th thead time tr u ul var wbr
svg g path rect line polyline polygon circle ellipse text tspan title desc defs clippath lineargradient stop
""".split())
# Attributes whose value is an address the browser follows or loads.
_ADDRESSES = frozenset({"href", "xlink:href", "src", "srcset", "poster", "data", "background", "action",
                        "formaction", "cite", "longdesc", "usemap", "lowsrc", "dynsrc", "ping", "manifest",
                        "codebase", "archive", "classid", "icon", "profile", "imagesrcset"})
_LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel"})   # where a link may lead; nothing loads from them
_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):", re.I)
_LOADS_BY_URL = re.compile(r"url\s*\(\s*['\"]?\s*(?!#)", re.I)   # url(#clip) points into the page
_STYLE_THAT_LOADS = re.compile(r"url\s*\(|image-set|image\s*\(|expression|@import|behavior|binding|\\|/\*|//", re.I)


@dataclass(frozen=True)
class Unsafe:
    """One thing refused: what it is, as the chapter would write it, and a word to find it by."""

    construct: str
    needle: str


def _address(value: str) -> str:
    # As browsers read an address: tabs and line breaks anywhere dropped, spaces and controls at the ends
    return re.sub(r"[\t\n\r]", "", value).strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f"
                                                  "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c"
                                                  "\x1d\x1e\x1f ")


def _loads_from_elsewhere(value: str) -> bool:
    """An address that names a scheme or a host: not a file of this site."""
    value = _address(value)
    return bool(_SCHEME.match(value)) or value.startswith(("//", "\\", "/\\")) or "\\" in value


def _link_runs(value: str) -> bool:
    """A link that runs code or opens something other than a page (javascript:, data:, vbscript: …)."""
    scheme = _SCHEME.match(_address(value))
    return scheme is not None and scheme.group(1).lower() not in _LINK_SCHEMES


def _attribute_problem(tag: str, name: str, value: str) -> str | None:
    """What is wrong with one attribute, as the chapter would write it; None when nothing."""
    if name.startswith("on"):
        return f"<{tag} {name}=…>"
    if _LOADS_BY_URL.search(value) or name == "style" and _STYLE_THAT_LOADS.search(value):
        return f'<{tag} {name}="…">'   # url(…) in style, fill, filter, mask, cursor …: a request
    if name == "class" and "mermaid" in value.lower():
        return f'<{tag} class="{value[:40]}">'   # the theme would fetch a diagram script from a CDN
    if name in _ADDRESSES:
        links = tag == "a" and name in ("href", "xlink:href")
        parts = [p.strip().split(" ")[0] for p in value.split(",")] if "srcset" in name else [value]
        if any(_link_runs(p) if links else _loads_from_elsewhere(p) for p in parts):
            return f'<{tag} {name}="{_address(value)[:60]}">'
    return None


def unsafe(html: str) -> list[Unsafe]:
    """What in *html* (a page's rendered content) could act in a reader's browser; [] when nothing.
    It is read by an HTML5 parser (tinyhtml5, as WeasyPrint uses), so that what is checked is
    what a browser builds, whatever Python's own HTML parser would make of odd markup."""
    found = []
    for element in tinyhtml5.parse(html, namespace_html_elements=False).iter():
        if not isinstance(element.tag, str):
            continue   # a comment: the parser has read it as a browser does, and it is inert
        tag = element.tag.rpartition("}")[2].lower()
        if tag in ("html", "head", "body"):
            continue   # the parser's own frame around a fragment
        if tag not in ALLOWED_ELEMENTS:
            found.append(Unsafe(f"<{tag}>", f"<{tag}"))
        for name, value in element.attrib.items():
            name = name.rpartition("}")[2].lower()
            wrong = _attribute_problem(tag, name, value or "")
            if wrong:
                found.append(Unsafe(wrong, name if name.startswith("on") else _address(value or "")[:60] or name))
    return found


def problem(html: str, shown: str, source: str) -> Problem | None:
    """The staff's message for the first thing in *html* that could act (None when nothing does):
    *shown* is the page's file as staff see it, *source* its text, to find the line by."""
    found = unsafe(html)
    if not found:
        return None
    return Problem(shown, line_of(found[0], source), None, *_ONLY_TEXT,
                   f"这一写法不允许在章节中使用 / not allowed in a chapter: {found[0].construct}")


# What a page may hold instead: said once, for every markup refused.
_ONLY_TEXT = ("文字、链接和本网站的图片；不用脚本、事件属性（如 onclick）、javascript: 链接或其他网站的图片",
              "text, links and this site's images: no scripts, event attributes (such as onclick), javascript: links "
              "or images from another site")


def line_of(found: Unsafe, source: str) -> int | None:
    """The line of *source* (a page's whole file) that wrote *found*, when it can be told from the
    text; None when it was assembled (by a macro, or in pieces)."""
    needle = found.needle.lower()
    for number, line in enumerate(source.splitlines(), 1):
        if needle in line.lower():
            return number
    return None
