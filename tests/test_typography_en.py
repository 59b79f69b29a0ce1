"""The English edition reads as typeset English: no straight apostrophe (') and no straight double
quote (") in any text a reader sees, whether it comes from a chapter, the data, an interface string
or a chart's SVG labels. Attributes, code and URLs may hold them; those are not text.

The page typesetter (core/typeset.py) curls apostrophes in a page's body, but not in its navigation,
footer, tab title or charts, and not in the PDF's sources: the words themselves must be typed with ’
and “ ”. The real report is built (without its PDF) so that its own words are what is checked."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from macros.core.languages import prefix

CODE = {"code", "pre", "kbd", "samp", "script", "style", "textarea"}
STRAIGHT = re.compile(r"['\"]")


class _Text(HTMLParser):
    """The runs of text a reader sees (SVG <text> and <title> included), each with the element
    it stands in; text inside code, scripts and styles is left out."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.runs: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass

    def handle_data(self, data):
        if data.strip() and not CODE.intersection(self.stack):
            self.runs.append((self.stack[-1] if self.stack else "", data.strip()))


def straight_quotes(source: str) -> list[str]:
    """Each run of visible text in *source* that holds a straight quote, with its element."""
    parser = _Text()
    parser.feed(source)
    return [f"<{tag}> {text[:120]}" for tag, text in parser.runs if STRAIGHT.search(text)]


# The editing guide's macro and field references are generated from the code's docstrings
# (macros/core/chapter_macros.py, filters.py), not written in docs/: only the guide's own words,
# up to its first generated section, are checked here.
GENERATED = 'id="macro-reference"'


def english_text(page: Path) -> str:
    source = page.read_text(encoding="utf-8")
    return source.split(GENERATED, 1)[0] if page.parent.name == "guide" else source


def english_pages(site: Path) -> list[Path]:
    pages = sorted((site / prefix("en")).rglob("*.html"))
    pages += [p for p in site.glob("*.html") if 'lang="en"' in p.read_text(encoding="utf-8")]  # the 404 page's English
    return pages


def test_the_checker_sees_text_and_svg_labels_but_not_attributes_or_code():
    assert straight_quotes("<p>the library's year</p>") == ["<p> the library's year"]
    assert straight_quotes('<svg><text x="1">Sui\'an</text></svg>') == ["<text> Sui'an"]
    assert straight_quotes("<p>Sui&#39;an</p>")   # written as a character reference, still straight
    assert straight_quotes('<p title="it\'s">“quoted” and it’s</p><code>x = "y"</code>'
                           '<a href="https://example.org/?a=\'b\'">link</a>') == []


def test_no_straight_quote_in_the_english_editions_visible_text(real_site):
    pages = english_pages(real_site)
    assert len(pages) >= 9   # the cover, the year, its five chapters, the data page, the statement…
    found = {page.relative_to(real_site).as_posix(): runs for page in pages
             if (runs := straight_quotes(english_text(page)))}
    assert not found, "straight quotes in English text (type ’ and “ ”):\n" + "\n".join(
        f"{page}: {run}" for page, runs in found.items() for run in runs[:5])
