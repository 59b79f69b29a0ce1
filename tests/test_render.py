"""Data text reaches the page exactly as typed: escaped once, never interpreted."""
import html

import markdown
import pytest

from macros.core.render import esc


@pytest.mark.parametrize("text", [
    "Sui'an Cai Yu [2020] No. 2", '“悦读·阅美” "quoted"', "<script>alert(1)</script>", "**bold** _em_ `code`",
    "[link](http://example.org)", "{{ year }} {% raw %}", "a & b &amp; c", "# not a heading", "| not | a | table |",
])
@pytest.mark.parametrize("context", ["<p>{}</p>", "在段落中 {} 之后"])  # an HTML block; inline prose
def test_escaped_text_reads_as_typed_after_markdown(text, context):
    rendered = markdown.markdown(context.format(esc(text)), extensions=["md_in_html", "attr_list", "tables"])
    inner = rendered.removeprefix("<p>").removesuffix("</p>")
    assert "<" not in inner.replace("&lt;", "")  # no element was created
    assert html.unescape(inner) == context.format(text).removeprefix("<p>").removesuffix("</p>")
