"""The chronicle's accounts: ``{date}`` and ``{name}`` placeholders filled from data.

One grammar, read by the checks (which names an account may use) and by every renderer:
the page (HTML, with the text escaped) and the downloads (plain text).
"""
from __future__ import annotations

import re
from typing import Callable

from . import fmt
from .languages import text_in
from .schema import Event

# {name} or {name:ordinal} in an event's description.
PLACEHOLDER = re.compile(r"\{([^{}:]*)(?::([^{}]*))?\}")
FORMATS = {"ordinal"}


def when(event: Event, lang: str, todo: str) -> str:
    return fmt.date_range(event.date, event.end, lang) if event.date else todo


def dates_itself(event: Event, lang: str) -> bool:
    """Whether the event's account says its date (``{date}``): then nothing else needs to."""
    return "{date}" in text_in(event.description, lang)


def account(event: Event, lang: str, todo: str, literal: Callable[[str], str] = str) -> str:
    """The event's account with its date and figures filled in; *literal* is applied to the
    text around them (``render.esc`` for a page, nothing for a download)."""
    template, out, at = text_in(event.description, lang), [], 0
    for match in PLACEHOLDER.finditer(template):
        out.append(literal(template[at:match.start()]))
        name, spec = match.group(1), match.group(2)
        if name == "date":
            out.append(literal(when(event, lang, todo)))
        elif name in event.figures and event.figures[name] is not None:
            value = event.figures[name]
            out.append(fmt.ordinal(value, lang) if spec == "ordinal" else fmt.number(value, lang))
        else:
            out.append(literal(todo))
        at = match.end()
    out.append(literal(template[at:]))
    return "".join(out)
