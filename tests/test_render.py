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


# ------------------------------------------------------------ the block templates

from markupsafe import Markup

from macros.core import key_figures, render
from macros.core import strings
from macros.core.templates import PARTIALS, render_block


def test_a_block_template_escapes_every_text_as_esc_does_and_keeps_markup_as_it_is():
    typed = "<b>*x*</b> [y] {{ z }} it's"
    assert render.problem_panel(typed, typed) == (
        f'\n\n<div class="admonition failure report-problem"><p class="admonition-title">{esc(typed)}</p>'
        f"<pre>{esc(typed)}</pre></div>\n\n")
    assert render.code(Markup("<i>kept</i>")) == "<code><i>kept</i></code>"


def test_a_block_is_one_html_line_between_blank_lines_so_markdown_leaves_it_alone():
    for block in (render.problem_panel("t", "m"), render.code_block("a\nb"), render.still_to_fill("en")):
        assert block.startswith("\n\n<") and block.endswith(">\n\n")
        assert "\n" not in block.strip().replace("a\nb", "")


def test_interface_strings_hold_no_markup_so_they_may_be_printed_as_written():
    for code in ("zh", "en"):
        for key, text in strings.catalogue(code).items():
            assert "<" not in text and "&" not in text, key


def test_every_template_a_render_function_names_exists():
    source = (PARTIALS.parent.parent.parent / "core" / "render.py").read_text(encoding="utf-8")
    import re
    for name in re.findall(r'render_block\("([\w-]+)"', source):
        assert (PARTIALS / f"{name}.html").is_file(), name


def test_the_key_figures_are_declared_in_core_and_the_glue_names_no_topic():
    from conftest import ROOT
    glue = (ROOT / "macros" / "core" / "chapter_macros.py").read_text(encoding="utf-8")
    for figure in key_figures.KEY_FIGURES:
        named = figure.row if isinstance(figure, key_figures.TableRow) else figure.path
        assert f'"{named}"' not in glue, named


def test_an_unknown_block_field_is_an_error_not_an_empty_string():
    import jinja2
    with pytest.raises(jinja2.UndefinedError):
        render_block("problem", title="only the title")
