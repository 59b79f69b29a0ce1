"""Typesetting a page's text after Markdown, as Chinese and English readers expect (clreq).

- A figure never parts from its unit at the end of a line: the space between a number and
  the word or symbol after it (``45 场次``, ``16.19 TB``, ``3 人``) becomes a no-break space,
  and a unit of two or more characters (``万元``, ``场次``), or one typed without a space
  (``5月``), is kept whole with its figure, since Chinese may break between any two characters. Figures formatted by the macros are bound
  already; this binds the units staff type.
- An apostrophe (``library's``, ``Sui'an``, ``managers'``) is set as one (’), as the curly
  quotation marks around it are.
- A short name joined by a middle dot or a plus (``悦读·阅美``, ``社保卡+城市读者``) is kept on
  one line; a longer one (``举怀邀明月·共话家国情``) may break, but never at the dot or the plus,
  so that no line starts or ends with it: held whole, eleven characters leave a third of a
  phone's line empty before them. A range of figures (``13–17``) is kept whole, so that no line
  starts with its end.
- A paragraph's last line never holds a single Han character: its last two are kept together.
- No space stands next to full-width punctuation (``CSV（196 B）``, ``《…》``), nor between a
  Han character and a link or other inline element that opens or closes with one: full-width
  punctuation carries its own space, and Chinese sets no space between characters
  (the space between Han characters and Latin letters or numerals stays).
- A single dash between Han characters is the two-em dash (``——``, GB/T 15834's 破折号),
  however it was typed; a date range keeps its one-em dash (``1 月 13 日—1 月 17 日``, the
  standard's 连接号 for the start and end of a period).
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
HAN = "\u4e00-\u9fff"
# A name joined by a middle dot or a plus kept whole up to this many characters (悦读·阅美, 悦读吧·安居);
# beyond it only the joint is held (月·共), so that a long name cannot open a hole in the line before it.
SHORT_NAME = 6
_JOINED_NAME = re.compile(rf"[{HAN}]+(?:[·+][{HAN}]+)+")
_JOINT = re.compile(rf"[{HAN}](?:[·+][{HAN}])+")
_KEPT_WHOLE = re.compile(r"\d+–\d+|\d[\d,.]*(?:\u00a0?(?:" + "|".join(UNITS_ZH) + rf")|[{HAN}])")
# Full-width punctuation: it carries its own space, so no space stands beside it.
FULL_WIDTH = ("、。〃〈〉《》「」『』【】〔〕〖〗〘〙〚〛〜〝〞〟"
              "！＂＃＄％＆＇（）＊＋，－．／：；＜＝＞？＠［＼］＾＿｀｛｜｝～｟｠｡｢｣､･")
_SPACE = " \t\n\u00a0"
_SPACE_BESIDE_FULL_WIDTH = re.compile(rf"[{_SPACE}]+(?=[{FULL_WIDTH}])|(?<=[{FULL_WIDTH}])[{_SPACE}]+")
# 闻粽叶飘香—端午节: a dash typed once between Han characters (or a title's marks) is the two-em dash.
_SINGLE_DASH = re.compile(rf"(?<=[{HAN}》」』）”])—(?=[{HAN}《「『（“])")
# The end of a paragraph: its last two Han characters, and the punctuation closing it.
_CLOSERS = "。，、；：！？”’）》」』】〕…—"
_CLOSING = re.compile(f"[{_SPACE}{_CLOSERS}]*")
_LAST_TWO = re.compile(rf"[{HAN}]{{2}}[{_CLOSERS}]*(?=[{_SPACE}]*$)")
# ... or, after a kept unit, the one character after it joins it (举怀邀明<keep>月·共</keep>话)
_LAST_AFTER_KEPT = re.compile(rf"</span>([{HAN}][{_CLOSERS}]*)(?=[{_SPACE}]*$)")
_LINK = re.compile(r"</?a[\s>]")
# Text runs between these tags read as one line of text; any other tag ends a block.
_INLINE = {"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "i", "kbd", "mark", "q",
           "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var"}
# Body text whose last line may not hold one character alone (a chart's subtitle or a table's
# header is set by its own template).
_PARAGRAPHS = {"p", "li"}
# 。！？； end a Chinese sentence; ". " before a capital ends an English one ("No. 2" does not).
_SENTENCE_END = re.compile(r"[。！？；]|[.!?](?=\s+[A-Z“‘\"(])")
_VERBATIM = {"code", "pre", "script", "style", "svg", "kbd", "samp", "textarea", "title"}


class _Typesetter(HTMLParser):
    """Reads the HTML as written into tokens: tags as written, and each run of text between two
    tags (its character references as written, &#39; and all). `typeset` then sets the text."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        # [kind, markup or text, where]: kind "text", "inline", "block" or "end" (of a paragraph);
        # where a text stands: "verbatim" (code), "prose" (a paragraph or list item) or ""
        self.tokens: list[list] = []
        self.text: list[str] = []      # the run of text since the last tag, as written
        self.verbatim = 0              # depth inside elements whose text is left alone
        self.prose = 0                 # depth inside paragraphs and list items
        self.first_paragraph: list[str] | None = None
        self.in_paragraph = False

    def flush(self):
        if self.text:
            raw = "".join(self.text)
            self.text = []
            if self.in_paragraph:
                self.first_paragraph.append(html.unescape(raw))
            where = "verbatim" if self.verbatim or self.cdata_elem else "prose" if self.prose else ""
            self.tokens.append(["text", raw, where])

    def _tag(self, tag, markup, closing=False):
        kind = "inline" if tag in _INLINE else "end" if closing and tag in _PARAGRAPHS else "block"
        self.tokens.append([kind, markup, ""])

    def handle_starttag(self, tag, attrs):
        self.flush()
        self._tag(tag, self.get_starttag_text())
        if tag in _VERBATIM:
            self.verbatim += 1
        self.prose += tag in _PARAGRAPHS
        if tag == "p" and self.first_paragraph is None and not self.verbatim and not dict(attrs).get("class"):
            self.first_paragraph, self.in_paragraph = [], True

    def handle_startendtag(self, tag, attrs):
        self.flush()
        self._tag(tag, self.get_starttag_text())

    def handle_endtag(self, tag):
        self.flush()
        self._tag(tag, f"</{tag}>", closing=True)
        if tag in _VERBATIM and self.verbatim:
            self.verbatim -= 1
        if tag in _PARAGRAPHS and self.prose:
            self.prose -= 1
        if tag == "p":
            self.in_paragraph = False

    def handle_data(self, data):
        self.text.append(data)

    def handle_entityref(self, name):
        self.text.append(f"&{name};")

    def handle_charref(self, name):
        self.text.append(f"&#{name};")

    def _markup(self, markup):
        self.flush()
        self.tokens.append(["block", markup, ""])

    def handle_comment(self, data):
        self._markup(f"<!--{data}-->")

    def handle_decl(self, decl):
        self._markup(f"<!{decl}>")

    def handle_pi(self, data):
        self._markup(f"<?{data}>")

    def unknown_decl(self, data):
        self._markup(f"<![{data}]>")


def _neighbour(tokens, i: int, step: int) -> str:
    """The first character that is not a space from token *i* on, going by *step* within a line
    of text (across inline tags, not past a block); "" if there is none."""
    while 0 <= i < len(tokens):
        kind, value, _ = tokens[i]
        if kind == "text" and (visible := value.strip(_SPACE)):
            return visible[0] if step > 0 else visible[-1]
        if kind not in ("text", "inline"):
            break
        i += step
    return ""


def _han(char: str) -> bool:
    return bool(char) and HAN[0] <= char <= HAN[-1]


def _tight(before: str, after: str, han_too: bool) -> bool:
    """Whether no space belongs between *before* and *after*: none beside full-width punctuation,
    and (*han_too*) none between two Han characters."""
    if not before or not after:
        return False
    return before in FULL_WIDTH or after in FULL_WIDTH or (han_too and _han(before) and _han(after))


def _close_spaces(tokens) -> None:
    """No space beside full-width punctuation, whichever run or tag it is in; and none between a
    paragraph's Han character and the Han character a link (an inline tag) in it opens or closes
    with. A space alone between two tags (two links side by side) parts them, and so does one
    beside a link outside a paragraph (a table's caption and its download link): only punctuation
    closes those."""
    for i, token in enumerate(tokens):
        kind, value, where = token
        if kind != "text" or where == "verbatim":
            continue
        visible = value.strip(_SPACE)
        if not visible:
            if value and _tight(_neighbour(tokens, i - 1, -1), _neighbour(tokens, i + 1, 1), han_too=False):
                token[1] = ""
            continue
        prose = where == "prose"
        if value[0] in _SPACE and _tight(_neighbour(tokens, i - 1, -1), visible[0], han_too=prose):
            value = value.lstrip(_SPACE)
        if value[-1] in _SPACE and _tight(visible[-1], _neighbour(tokens, i + 1, 1), han_too=prose):
            value = value.rstrip(_SPACE)
        token[1] = _SPACE_BESIDE_FULL_WIDTH.sub("", value)


def _last_runs(tokens) -> set[int]:
    """The tokens holding the last Han characters of a paragraph or list item: its last run of
    text, or the run before the punctuation that closes it (``<strong>年报</strong>。``). A link's
    text is left as written: a list of links (the contents) is no paragraph, and a link is read
    by its words."""
    last = set()
    for i, (kind, _, _) in enumerate(tokens):
        if kind != "end":
            continue
        j = i - 1
        while j >= 0 and (tokens[j][0] == "inline" or (tokens[j][0] == "text" and tokens[j][2] != "verbatim"
                                                      and _CLOSING.fullmatch(tokens[j][1]))):
            if tokens[j][0] == "inline" and _LINK.match(tokens[j][1]):
                break
            j -= 1
        if j >= 0 and tokens[j][0] == "text" and tokens[j][2] != "verbatim":
            last.add(j)
    return last


def _keep(text: str) -> str:
    return f'<span class="keep">{text}</span>'


def _names(match: re.Match) -> str:
    name = match.group()
    return _keep(name) if len(name) <= SHORT_NAME else _JOINT.sub(lambda m: _keep(m.group()), name)


def set_text(text: str, last: bool = False) -> str:
    """One run of text with figures bound to their units, names and ranges kept together, and
    (*last*: a paragraph's last run) its last two Han characters kept on one line."""
    text = _APOSTROPHE.sub("\u2019", _UNIT_AFTER_FIGURE.sub(NBSP, text))
    text = _SINGLE_DASH.sub("——", text)
    # names first, then figures, each in text the other left alone
    parts = re.split(r"(<span class=\"keep\">.*?</span>)", _JOINED_NAME.sub(_names, text))
    text = "".join(part if part.startswith("<span") else _KEPT_WHOLE.sub(lambda m: _keep(m.group()), part)
                   for part in parts)
    if last:
        text, joined = _LAST_AFTER_KEPT.subn(r"\1</span>", text)
        if not joined:
            text = _LAST_TWO.sub(lambda m: _keep(m.group()), text)
    return text


def typeset(content: str) -> tuple[str, str]:
    """(*content* typeset, its first paragraph as plain text)."""
    setter = _Typesetter()
    setter.feed(content)
    setter.close()
    setter.flush()
    tokens = setter.tokens
    _close_spaces(tokens)
    last = _last_runs(tokens)
    out = [set_text(value, i in last) if kind == "text" and where != "verbatim" else value
           for i, (kind, value, where) in enumerate(tokens)]
    first = re.sub(r"\s+", " ", "".join(setter.first_paragraph or [])).strip()
    return "".join(out), first


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
