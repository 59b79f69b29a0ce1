"""The markup of the report's blocks: Jinja templates in macros/theme/partials/report/.

Python decides what a block says (render.py, from the site model) and hands it over as
plain data; the template decides how it is marked up. Every value a template prints is
escaped by :func:`esc` unless it is :class:`~markupsafe.Markup`, which a caller passes
only for what is markup already (a drawn chart, a macro's output) and says so there.
"""
from __future__ import annotations

import html
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

PARTIALS = Path(__file__).parent.parent / "theme" / "partials" / "report"

# HTML's special characters, and those Markdown or Jinja would act on, as entities:
# one pass, so that no entity is escaped twice. Jinja's own escaping knows only HTML's,
# and a block's text may sit in running prose that Markdown still reads.
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;",
             **{c: f"&#{ord(c)};" for c in "\\`*_[]{}#|!~^$"}}


def esc(text: str) -> str:
    """Escape *text* for HTML and Markdown alike (anything else is made text first: a list's items too)."""
    return "".join(_ENTITIES.get(c, c) for c in (text if isinstance(text, str) else str(text)))


def _printed(value) -> Markup:
    """What a block template's ``{{ … }}`` writes: markup as it is, anything else as text."""
    return value if isinstance(value, Markup) else Markup(esc(value))


def _html_only(value: str) -> Markup:
    """*value* with only HTML's characters escaped, for where Markdown never reads: inside a tag (a
    link's address, an element's id: a file's name keeps its ``_``) and the PDF's document."""
    return Markup(html.escape(value))


# The package's own templates, compiled once per process. It holds only the engine's
# templates, never a build's data: every block gets its data as arguments.
_ENVIRONMENT = Environment(loader=FileSystemLoader(PARTIALS), autoescape=True, keep_trailing_newline=True,
                           undefined=StrictUndefined, finalize=_printed)
_ENVIRONMENT.filters["html"] = _html_only


def render_block(block: str, /, **data) -> str:
    """The block *block* (``table`` for table.html) filled with *data* (a block may have a ``name``).
    A plain str, as every macro returns: Markup would escape whatever str it is joined to, and the
    chapter sandbox marks a macro's output as markup; a block passed into another is wrapped again."""
    return str(_ENVIRONMENT.get_template(f"{block}.html").render(**data))
