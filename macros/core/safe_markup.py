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

Comments and declarations the browser could read differently from this parser
(``<!-->``, ``--!>``, ``<![CDATA[``) are refused too, so what is checked is what runs.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from .problems import Problem

# Text and layout, tables, images, and the SVG of the charts (names as HTMLParser gives them: lower case).
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


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[Unsafe] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_ELEMENTS:
            self.found.append(Unsafe(f"<{tag}>", f"<{tag}"))
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.found.append(Unsafe(f"<{tag} {name}=…>", name))
            elif name == "style" and _STYLE_THAT_LOADS.search(value):
                self.found.append(Unsafe(f'<{tag} style="…">', "style"))
            elif name in _ADDRESSES:
                links = tag == "a" and name in ("href", "xlink:href")
                parts = [p.strip().split(" ")[0] for p in value.split(",")] if "srcset" in name else [value]
                if any(_link_runs(p) if links else _loads_from_elsewhere(p) for p in parts):
                    self.found.append(Unsafe(f'<{tag} {name}="{_address(value)[:60]}">', _address(value)[:60] or name))

    handle_startendtag = handle_starttag

    def handle_comment(self, data):
        if re.search(r"[<>]|--|^-?$", data):   # read otherwise by browsers: <!-->, <!--->, --!>
            self.found.append(Unsafe("<!-- … -->", "<!--"))

    def handle_decl(self, decl):
        self.found.append(Unsafe(f"<!{decl[:20]}>", "<!"))

    def unknown_decl(self, data):
        self.found.append(Unsafe(f"<![{data[:20]}>", "<!["))

    def handle_pi(self, data):
        self.found.append(Unsafe(f"<?{data[:20]}>", "<?"))


def unsafe(html: str) -> list[Unsafe]:
    """What in *html* (a page's rendered content) could act in a reader's browser; [] when nothing."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.found


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
