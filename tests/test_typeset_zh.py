"""Chinese text is set as a Chinese reader expects (GB/T 15834, clreq), whoever typed it: staff in a
chapter or the data, or a template. The typesetter (core/typeset.py) is tested on small strings;
then the anju-2020 fixture is built and read as a reader meets it: its pages' text, its pages on a
360 px phone in Chromium, and its Chinese PDF.

- a long name joined by a dot may break (never at the dot), so no kept-together unit opens a hole
  of more than a third of a phone's line before it; a figure stays with its unit;
- a paragraph's last line never holds one Han character alone;
- no space beside full-width punctuation, nor between Han characters across a link;
- the dash between Han characters is the two-em dash (——); a date range keeps its one-em dash.
"""
from __future__ import annotations

import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from browser import PHONE

from macros.core.typeset import FULL_WIDTH, SHORT_NAME, typeset

HAN = "\u4e00-\u9fff"
KEEP = '<span class="keep">{}</span>'


def keep(text: str) -> str:
    return KEEP.format(text)


def body(html: str) -> str:
    return typeset(html)[0]


# ---- the typesetter, on small strings ----

@pytest.mark.parametrize("typed, set_as", [
    # a short name is kept whole; a long one only at its joint, so it may break elsewhere
    ("<div>“悦读·阅美”品牌</div>", f"<div>“{keep('悦读·阅美')}”品牌</div>"),
    ("<div>《举怀邀明月·共话家国情》等</div>", f"<div>《举怀邀明{keep('月·共')}话家国情》等</div>"),
    ("<div>社保卡+城市读者项目</div>", f"<div>社保{keep('卡+城')}市读者项目</div>"),
    # a figure stays with its unit, a range with its end
    ("<div>开展 45 场次，其中</div>", "<div>开展 " + keep("45\u00a0场次") + "，其中</div>"),
    ("<div>13–17 January</div>", f"<div>{keep('13–17')} January</div>"),
])
def test_names_are_kept_together_by_length_and_figures_always(typed, set_as):
    assert body(typed) == set_as


def test_a_name_of_the_short_length_is_whole_and_one_longer_is_not():
    short, longer = "甲" * (SHORT_NAME - 3) + "·乙乙", "甲" * (SHORT_NAME - 2) + "·乙乙"
    assert keep(short) in body(f"<div>{short}。</div>")
    assert keep(longer) not in body(f"<div>{longer}。</div>") and keep("甲·乙") in body(f"<div>{longer}。</div>")


@pytest.mark.parametrize("typed, set_as", [
    ("<p>受到学生和家长的一致好评。</p>", f"<p>受到学生和家长的一致{keep('好评。')}</p>"),
    ("<ul><li>线上展览”</li></ul>", f"<ul><li>线上{keep('展览”')}</li></ul>"),
    ("<p>见《年报》<strong>的说明</strong>。</p>", f"<p>见《年报》<strong>的{keep('说明')}</strong>。</p>"),
    # already bound: a figure with its unit ends the paragraph
    ("<p>共 45 场次。</p>", "<p>共 " + keep("45\u00a0场次") + "。</p>"),
    ("<p>举怀邀明月·共话</p>", f"<p>举怀邀明{keep('月·共话')}</p>"),
    # English, Latin letters, code and a link's words (a list of contents) are left as they are
    ("<p>It ends here.</p>", "<p>It ends here.</p>"),
    ("<p>下载 CSV。</p>", "<p>下载 CSV。</p>"),
    ("<p>下载<a>年报</a>。</p>", "<p>下载<a>年报</a>。</p>"),
    ('<ol><li><a href="review/">第一章 工作总结</a></li></ol>', '<ol><li><a href="review/">第一章 工作总结</a></li></ol>'),
    ("<pre>代码结束。</pre><p><code>代码</code></p>", "<pre>代码结束。</pre><p><code>代码</code></p>"),
])
def test_a_paragraphs_last_two_han_characters_share_its_last_line(typed, set_as):
    assert body(typed) == set_as


@pytest.mark.parametrize("typed, set_as", [
    # beside full-width punctuation, in one run or across tags
    ("<div>下载 CSV （196 B） 文件 。</div>", "<div>下载 CSV（196\u00a0B）文件。</div>"),
    ('<div><a href="a.csv">CSV</a> <span class="file-size">（202 B）</span></div>',
     '<div><a href="a.csv">CSV</a><span class="file-size">（202\u00a0B）</span></div>'),
    # between Han characters across a link; the space before a numeral stays (45 场次)
    ('<p>数据以 <a href="x">知识共享署名 4.0</a> 许可发布</p>', f'<p>数据以<a href="x">知识共享署名 4.0</a> 许可{keep("发布")}</p>'),
    ('<li>请 <a href="x">联系我们</a> 获取</li>', f'<li>请<a href="x">联系我们</a>{keep("获取")}</li>'),
    # two links side by side, or a caption and its link, stay apart; a space typed inside a title
    # stays; code is as typed
    ("<div><a>上一年</a> <a>下一年</a></div>", "<div><a>上一年</a> <a>下一年</a></div>"),
    ("<div>《追忆先贤 缅怀先烈》</div>", "<div>《追忆先贤 缅怀先烈》</div>"),
    ('<caption>经费构成 <a href="b.csv">下载 CSV</a></caption>', '<caption>经费构成 <a href="b.csv">下载 CSV</a></caption>'),
    ("<pre>a （ b ）</pre>", "<pre>a （ b ）</pre>"),
    # English is untouched
    ("<div>the <a>library</a> (Anju)</div>", "<div>the <a>library</a> (Anju)</div>"),
])
def test_no_space_beside_full_width_punctuation_or_between_han_across_a_link(typed, set_as):
    assert body(typed) == set_as


@pytest.mark.parametrize("typed, set_as", [
    ("<div>《闻粽叶飘香—端午节民俗文化展》图文展</div>", "<div>《闻粽叶飘香——端午节民俗文化展》图文展</div>"),
    ("<div>《闻粽叶飘香——端午节民俗文化展》图文展</div>", "<div>《闻粽叶飘香——端午节民俗文化展》图文展</div>"),
    ("<div>“阅读”—《年报》</div>", "<div>“阅读”——《年报》</div>"),
    # a period's start and end: GB/T 15834's one-em dash; English is untouched
    ("<div>1\u00a0月\u00a013\u00a0日—1\u00a0月\u00a017\u00a0日</div>",   # as the date macros write it
     "<div>1\u00a0月\u00a013\u00a0日—1\u00a0月\u00a017\u00a0日</div>"),
    ("<div>Anju—a district</div>", "<div>Anju—a district</div>"),
    ("<pre>甲—乙</pre>", "<pre>甲—乙</pre>"),
])
def test_the_dash_between_han_characters_is_the_two_em_dash(typed, set_as):
    assert body(typed) == set_as


def test_the_description_is_the_first_paragraph_as_typed():
    assert typeset("<p>数据以 <a>知识共享署名</a> 许可发布。</p>")[1] == "数据以 知识共享署名 许可发布。"


# ---- the built fixture, as a reader meets it ----

VERBATIM = {"pre", "script", "style", "textarea"}   # code in a line is read with it
INLINE = {"a", "abbr", "b", "cite", "code", "em", "i", "kbd", "mark", "q", "s", "samp", "small", "span",
          "strong", "sub", "sup", "time", "u"}


class _Lines(HTMLParser):
    """An article's text as lines a reader reads: inline tags joined (marked "|" where a link or
    other inline element opens or closes), any other tag a line break; a paragraph's or list
    item's lines marked "¶"; preformatted text left out."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.inside, self.verbatim, self.prose = False, 0, 0
        self.text: list[str] = []

    def _break(self, tag, step):
        if tag in INLINE:
            self.text.append("|")
        else:
            self.prose += step if tag in ("p", "li") else 0
            self.text.append("\n¶" if self.prose else "\n")

    def handle_starttag(self, tag, attrs):
        self.inside = self.inside or tag == "article"
        self.verbatim += tag in VERBATIM
        self._break(tag, 1)

    def handle_endtag(self, tag):
        self.inside = self.inside and tag != "article"
        self.verbatim -= tag in VERBATIM and self.verbatim > 0
        self._break(tag, -1)

    def handle_data(self, data):
        if self.inside and not self.verbatim:
            self.text.append(data)

    def lines(self) -> list[str]:
        return [line for line in "".join(self.text).split("\n") if line.replace("|", "").strip("¶ \t")]


def chinese_pages(site: Path) -> list[Path]:
    pages = [p for p in site.rglob("index.html") if not p.relative_to(site).parts[0] in ("en", "guide")]
    assert len(pages) >= 6
    return sorted(pages)


def lines_of(page: Path) -> list[str]:
    parser = _Lines()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.lines()


SPACE = "[ \u00a0\t]"
FW = re.escape(FULL_WIDTH)
BESIDE_FULL_WIDTH = re.compile(rf"{SPACE}\|*[{FW}]|[{FW}]\|*{SPACE}")
HAN_SPACE_LINK = re.compile(rf"^¶.*?(?:[{HAN}]{SPACE}+\|+[{HAN}]|[{HAN}]\|+{SPACE}+[{HAN}])")   # in a paragraph
SINGLE_DASH = re.compile(rf"(?<![—])(?<=[{HAN}])\|*—\|*(?=[{HAN}])")


@pytest.fixture(params=["report", "real_site"])
def site(request) -> Path:
    return request.getfixturevalue(request.param)


def test_the_chinese_pages_set_no_space_beside_full_width_punctuation_or_a_link(site):
    found = [(page.relative_to(site).as_posix(), m.string[max(0, m.end() - 24): m.end() + 12])
             for page in chinese_pages(site) for line in lines_of(page)
             for pattern in (BESIDE_FULL_WIDTH, HAN_SPACE_LINK) for m in pattern.finditer(line)]
    assert not found, found[:10]


def test_the_chinese_pages_set_no_single_dash_between_han_characters(site):
    text = "\n".join(line for page in chinese_pages(site) for line in lines_of(page))
    assert not SINGLE_DASH.findall(text), SINGLE_DASH.findall(text)[:5]


def test_a_dash_typed_once_in_the_data_is_set_as_the_two_em_dash(report):
    # the fixture's chronicle types one (闻粽叶飘香—端午节), as the 2020 data did
    text = "".join(lines_of(report / "2020/chronicle/index.html")).replace("|", "")
    assert "闻粽叶飘香——端午节" in text


# For each Chinese paragraph and list item on a phone: its kept-together units' widths and lines,
# the width of its line, and the text of its last line.
MEASURE = """() => {
  const out = [];
  for (const block of document.querySelectorAll("article p, article li")) {
    const style = getComputedStyle(block);
    // text in lines: not a tile's stacked label, figure and change
    if (block.querySelector("p, li, ul, ol") || !block.getClientRects().length
        || !["block", "list-item"].includes(style.display)) continue;
    const measure = block.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const em = parseFloat(style.fontSize);
    const units = [...block.querySelectorAll(".keep")].map(span => {
      const rects = [...span.getClientRects()].filter(r => r.width > 0);
      return {text: span.textContent, lines: new Set(rects.map(r => Math.round(r.top))).size,
              width: rects.reduce((w, r) => w + r.width, 0) / em};
    });
    // the characters of the last line: those drawn as low as the block's last character
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    const range = document.createRange(), chars = [];
    for (let node; (node = walker.nextNode());)
      for (let i = 0; i < node.data.length; i++) {
        range.setStart(node, i); range.setEnd(node, i + 1);
        const rect = [...range.getClientRects()].find(r => r.width > 0);
        if (rect) chars.push([rect.top, node.data[i]]);
      }
    const bottom = chars.length ? Math.max(...chars.map(c => c[0])) : 0;
    const last = chars.filter(c => c[0] > bottom - em / 2).map(c => c[1]).join("");
    out.push({measure: measure / em, units, last, text: block.textContent.slice(0, 30)});
  }
  return out;
}"""


@pytest.fixture(scope="module")
def phone_blocks(tabs, base_url, report):
    blocks = {}
    with tabs.lend(viewport=PHONE, device_scale_factor=2, is_mobile=True, locale="zh-CN") as page:
        for path in chinese_pages(report):
            page.goto(base_url + path.parent.relative_to(report).as_posix() + "/")
            page.evaluate("document.fonts.ready")
            blocks[path.parent.relative_to(report).as_posix()] = page.evaluate(MEASURE)
    return blocks


def test_no_kept_together_unit_can_open_a_hole_of_more_than_a_third_of_a_phones_line(phone_blocks):
    units = [(url, block["measure"], unit) for url, blocks in phone_blocks.items() for block in blocks
             for unit in block["units"]]
    assert len(units) >= 20 and any("·" in unit["text"] for _, _, unit in units)
    too_long = [(url, unit) for url, measure, unit in units if unit["lines"] > 1 or unit["width"] > measure / 3]
    assert not too_long, too_long


def test_no_paragraph_ends_in_one_han_character_on_a_phone(phone_blocks):
    ends = [(url, block["last"], block["text"]) for url, blocks in phone_blocks.items() for block in blocks]
    assert sum(bool(re.search(f"[{HAN}]", last)) for _, last, _ in ends) >= 30
    alone = [end for end in ends if re.fullmatch(rf"\s*[{HAN}][^{HAN}\w]*", end[1])]
    assert not alone, alone


def test_no_line_of_the_chinese_pdf_holds_one_han_character_alone(report):
    pdf = next(report.rglob("*-zh.pdf"))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert len(re.findall(f"[{HAN}]", text)) > 3000
    alone = [line for line in text.splitlines() if re.fullmatch(rf"\s*[{HAN}][。，、；：！？”’）》]*\s*", line)]
    assert not alone, alone
