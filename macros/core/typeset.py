"""Typesetting a page's text after Markdown, as Chinese and English readers expect (clreq).

- A figure never parts from its unit at the end of a line: the space between a number and
  the word or symbol after it (``45 场次``, ``16.19 TB``, ``3 人``) becomes a no-break space,
  and a unit of two or more characters (``万元``, ``场次``), or one typed without a space
  (``5月``), is kept whole with its figure, since Chinese may break between any two characters. Figures formatted by the macros are bound
  already; this binds the units staff type.
- An apostrophe (``library's``, ``Sui'an``, ``managers'``) is set as one (’), as the curly
  quotation marks around it are.
- A short name joined by a middle dot or a plus (``悦读·阅美``, ``社保卡+城市读者``) is kept on
  one line, so that no line starts with the dot or the plus; so is a range of figures (``13–17``), so that no line starts with its end.
- The page's first paragraph of text (a ``<p>`` without a class: not a cover line or a
  caption) becomes its description, for search engines and for the card a link shows when
  it is shared (WeChat reads Open Graph tags).

Only text is touched: tags, attributes, code, scripts, styles and SVG pass through as they are.
"""
from __future__ import annotations

import html
import re
import unicodedata
from html.parser import HTMLParser

NBSP = "\u00a0"
_UNIT_AFTER_FIGURE = re.compile(r"(?<=\d) (?=[\u4e00-\u9fff]|(?:TB|GB|MB|KB|kB|B|m²|km|%)(?![A-Za-z]))")
# library's, Sui&#39;an (escaped by the macros), managers'
_APOSTROPHE = re.compile(r"(?<=[A-Za-z])(?:'|&#39;|&#x27;)(?=[A-Za-z])|(?<=s)(?:'|&#39;|&#x27;)(?=[\s,.;:!?)]|$)")
# Chinese units of more than one character (one character cannot break)
UNITS_ZH = ("万元", "亿元", "万册", "万人", "人次", "场次", "册次", "个月", "平方米", "小时")
_KEPT_WHOLE = re.compile(r"[\u4e00-\u9fff]{1,6}[·+][\u4e00-\u9fff]{1,6}|\d+–\d+"
                         r"|\d[\d,.]*(?:\u00a0?(?:" + "|".join(UNITS_ZH) + r")|[\u4e00-\u9fff])")
# 。！？； end a Chinese sentence; ". " before a capital ends an English one ("No. 2" does not).
_SENTENCE_END = re.compile(r"[。！？；]|[.!?](?=\s+[A-Z“‘\"(])")
_VERBATIM = {"code", "pre", "script", "style", "svg", "kbd", "samp", "textarea", "title"}


class _Typesetter(HTMLParser):
    """Passes the HTML through as written; each run of text between two tags (its character
    references as written, &#39; and all) goes through set_text."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.text: list[str] = []  # the run of text since the last tag, as written
        self.verbatim = 0          # depth inside elements whose text is left alone
        self.first_paragraph: list[str] | None = None
        self.in_paragraph = False

    def flush(self):
        if self.text:
            raw = "".join(self.text)
            self.text = []
            if self.in_paragraph:
                self.first_paragraph.append(html.unescape(raw))
            self.out.append(raw if self.verbatim or self.cdata_elem else set_text(raw))

    def handle_starttag(self, tag, attrs):
        self.flush()
        self.out.append(self.get_starttag_text())
        if tag in _VERBATIM:
            self.verbatim += 1
        if tag == "p" and self.first_paragraph is None and not self.verbatim and not dict(attrs).get("class"):
            self.first_paragraph, self.in_paragraph = [], True

    def handle_startendtag(self, tag, attrs):
        self.flush()
        self.out.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        self.flush()
        self.out.append(f"</{tag}>")
        if tag in _VERBATIM and self.verbatim:
            self.verbatim -= 1
        if tag == "p":
            self.in_paragraph = False

    def handle_data(self, data):
        self.text.append(data)

    def handle_entityref(self, name):
        self.text.append(f"&{name};")

    def handle_charref(self, name):
        self.text.append(f"&#{name};")

    def handle_comment(self, data):
        self.flush()
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl):
        self.flush()
        self.out.append(f"<!{decl}>")

    def handle_pi(self, data):
        self.flush()
        self.out.append(f"<?{data}>")

    def unknown_decl(self, data):
        self.flush()
        self.out.append(f"<![{data}]>")


def set_text(text: str) -> str:
    """One run of text with figures bound to their units, dotted names and ranges kept whole."""
    text = _APOSTROPHE.sub("\u2019", _UNIT_AFTER_FIGURE.sub(NBSP, text))
    return _KEPT_WHOLE.sub(lambda m: f'<span class="keep">{m.group()}</span>', text)


def typeset(content: str) -> tuple[str, str]:
    """(*content* typeset, its first paragraph as plain text)."""
    setter = _Typesetter()
    setter.feed(content)
    setter.close()
    setter.flush()
    first = re.sub(r"\s+", " ", "".join(setter.first_paragraph or [])).strip()
    return "".join(setter.out), first


def description(first_paragraph: str, width: int = 160) -> str:
    """A page's description for search results and shared links: its first paragraph, cut at the
    last sentence end within *width* columns (a Chinese character is two), else at a word."""
    columns, fits = 0, len(first_paragraph)
    for i, char in enumerate(first_paragraph):
        columns += 2 if unicodedata.east_asian_width(char) in "WF" else 1
        if columns > width:
            fits = i
            break
    if fits == len(first_paragraph):
        return first_paragraph
    ends = [m.end() for m in _SENTENCE_END.finditer(first_paragraph[: fits + 1])]
    if ends and ends[-1] > fits // 3:
        return first_paragraph[: ends[-1]].rstrip()
    cut = first_paragraph[: fits - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > fits // 2 else cut).rstrip(" ,;:") + "…"
