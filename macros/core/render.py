"""HTML and prose that chapters insert through macros: tables, lists, the chronicle.

Every piece of text that comes from data passes through :func:`esc`, so markup
typed into a YAML field shows as typed and is never executed or interpreted.
"""
from __future__ import annotations

import html

from decimal import Decimal
from typing import Iterable

from . import fmt
from .checks import PLACEHOLDER
from .schema import Event, Text
from .strings import t

# HTML's special characters, and those Markdown or Jinja would act on, as entities:
# one pass, so that no entity is escaped twice.
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;",
             **{c: f"&#{ord(c)};" for c in "\\`*_[]{}#|!~^$"}}


def esc(text: str) -> str:
    """Escape *text* for HTML and Markdown alike."""
    return "".join(_ENTITIES.get(c, c) for c in text)


def tx(text: Text | None, lang: str) -> str:
    """A data text in *lang*, escaped. A missing translation (drafts only) shows the Chinese."""
    if text is None:
        return ""
    value = getattr(text, lang) or text.zh or ""
    return esc(value)


def heading_case(text: str, lang: str) -> str:
    """A data label that reads mid-sentence ("staff costs") as a table heading ("Staff costs")."""
    return text[:1].upper() + text[1:] if lang == "en" else text


def _filled(format_value):
    """A formatter that shows the to-do marker for a value a draft has not filled in yet."""
    def formatted(value, lang, *args):
        return t("todo", lang) if value is None else format_value(value, lang, *args)
    return formatted


number, money, percent = _filled(fmt.number), _filled(fmt.money), _filled(fmt.percent)


def share_of(part, whole, lang: str) -> str:
    if part is None or not whole:
        return ""
    return fmt.percent(fmt.share(part, whole, 1), lang)


def _sum(values):
    values = list(values)
    return None if any(v is None for v in values) else sum(values)


def _table(caption: str, head: list[str], rows: list[list[str]], foot: list[str] | None,
           numeric_from: int = 1, css: str = "", download: str | None = None, lang: str = "zh") -> str:
    """One HTML table on a single block, so Markdown passes it through untouched.
    *download* is the address of the table's CSV file, linked from the caption."""
    if download:
        caption += f' <a class="report-table__download" href="{html.escape(download)}" download>{t("download.csv", lang)}</a>'
    def cells(values, tag):
        num = ' class="num"'
        return "".join(f"<{tag}{num if i >= numeric_from else ''}>{v}</{tag}>" for i, v in enumerate(values))
    parts = [f'<table class="report-table {css}">', f"<caption>{caption}</caption>",
             f"<thead><tr>{cells(head, 'th')}</tr></thead><tbody>"]
    parts += [f"<tr>{cells(r, 'td')}</tr>" for r in rows]
    parts.append("</tbody>")
    if foot:
        parts.append(f"<tfoot><tr>{cells(foot, 'th')}</tr></tfoot>")
    parts.append("</table>")
    return "\n\n" + "".join(parts) + "\n\n"


def breakdown_table(items, total: int, caption_key: str, lang: str, download: str | None = None) -> str:
    """Counts of people by category with their share of *total*."""
    rows = [[heading_case(tx(i.label, lang), lang), number(i.count, lang), share_of(i.count, total, lang)]
            for i in items]
    parts = _sum(i.count for i in items)
    foot = [t("total", lang), number(parts, lang), share_of(parts, total, lang)]
    return _table(t(f"caption.{caption_key}", lang), [t("category", lang), t("people", lang), t("share", lang)],
                  rows, foot, download=download, lang=lang)


def money_table(items, total: Decimal, caption_key: str, lang: str, download: str | None = None) -> str:
    """Amounts by item with their share of *total*."""
    rows = [[heading_case(tx(i.name, lang), lang), money(i.amount, lang), share_of(i.amount, total, lang)]
            for i in items]
    foot = [t("total", lang), money(total, lang), share_of(total, total, lang)]
    return _table(t(f"caption.{caption_key}", lang), [t("item", lang), t("amount", lang), t("share", lang)],
                  rows, foot, download=download, lang=lang)


def activities_table(activities, lang: str, download: str | None = None) -> str:
    rows = [[heading_case(tx(k.name, lang), lang), number(k.count, lang)] for k in activities.by_kind]
    counted = _sum(k.count for k in activities.by_kind)
    rest = None if counted is None or activities.total is None else activities.total - counted
    if rest:
        rows.append([t("other_kinds", lang), number(rest, lang)])
    return _table(t("caption.activities", lang), [t("kind", lang), t("events", lang)], rows,
                  [t("total", lang), number(activities.total, lang)], download=download, lang=lang)


def statistics_table(stats, changes: dict, lang: str, download: str | None = None) -> str:
    """The year's service statistics; *changes* maps views/downloads/circulation to their change in %."""
    def measure(key, name):
        change = changes.get(name)
        return [t(key, lang), number(getattr(stats, name).value, lang),
                fmt.signed_percent(change, lang) if change is not None else ""]
    rows = [
        [t("stat.new_acquisitions", lang), number(stats.new_acquisitions, lang), ""],
        [t("stat.per_capita_new_acquisitions", lang), number(stats.per_capita_new_acquisitions, lang), ""],
        [t("stat.digital_total", lang), number(stats.digital_resources.total_tb, lang), ""],
        [t("stat.digital_new", lang), number(stats.digital_resources.new_tb, lang), ""],
        measure("stat.views", "views"),
        measure("stat.downloads", "downloads"),
        measure("stat.circulation", "circulation"),
    ]
    return _table(t("caption.statistics", lang), [t("indicator", lang), t("value", lang), t("change", lang)],
                  rows, None, download=download, lang=lang)


def listing(items: Iterable, lang: str, unit_zh: str = "人") -> str:
    """Counts as running prose: ``大学专科学历 5 人，本科以上学历 6 人`` /
    ``5 with a junior college diploma and 6 with a bachelor's degree or higher``."""
    items = list(items)
    if lang == "zh":
        return "，".join(f"{tx(i.label, lang)} {number(i.count, lang)} {unit_zh}" for i in items)
    parts = [f"{number(i.count, lang)} {tx(i.label, lang)}" for i in items]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def event_text(event: Event, lang: str) -> str:
    """An event's account with {date} and its figures filled in."""
    template = tx(event.description, lang)  # braces are entities now; match them as such
    when = event_date(event, lang)

    def fill(match) -> str:
        name, spec = match.group(1), match.group(2)
        if name == "date":
            return when
        if spec == "ordinal":
            return fmt.ordinal(event.figures[name], lang)
        return number(event.figures[name], lang)
    return PLACEHOLDER.sub(fill, template.replace("&#123;", "{").replace("&#125;", "}"))


def plain_event_text(event: Event, lang: str) -> str:
    """An event's account as plain text (for downloads): placeholders filled, nothing escaped."""
    return html.unescape(event_text(event, lang))


def event_date(event: Event, lang: str) -> str:
    return fmt.date_range(event.date, event.end, lang) if event.date else t("todo", lang)


def chronicle(events, lang: str) -> str:
    """The chronicle as a numbered list: title and place, then the account."""
    items = []
    for event in events:
        iso = str(event.date or "")
        place = f'<span class="chronicle__place">{tx(event.place, lang)}</span>' if event.place else ""
        items.append(
            f'<li class="chronicle__event">'
            f'<p class="chronicle__head"><time datetime="{iso}">{event_date(event, lang)}</time>'
            f' <strong class="chronicle__title">{tx(event.title, lang)}</strong> {place}</p>'
            f"<p>{event_text(event, lang)}</p></li>")
    return '\n\n<ol class="chronicle">' + "".join(items) + "</ol>\n\n"


def headline_figures(report, lang: str) -> str:
    """A year's figures at a glance, for the home page."""
    figures = [
        ("headline.activities", number(report.activities.total, lang)),
        ("headline.circulation", number(report.statistics.circulation.value, lang)),
        ("headline.new_acquisitions", number(report.statistics.new_acquisitions, lang)),
        ("headline.expenditure", money(report.finance.expenditure.total, lang)),
    ]
    items = "".join(f"<li>{t(key, lang, value=f'<strong>{value}</strong>')}</li>" for key, value in figures)
    return f'<ul class="headline-figures">{items}</ul>'


def reference_table(rows: list[tuple[str, ...]], head: tuple[str, ...]) -> str:
    """A plain reference table (the editing guide's macro and field lists); the first column is code."""
    def row(values):
        first, *rest = values
        return f"<tr><td><code>{esc(first)}</code></td>" + "".join(f"<td>{esc(v)}</td>" for v in rest) + "</tr>"
    cells = "".join(f"<th>{h}</th>" for h in head)
    body = "".join(row(r) for r in rows)
    return f'\n\n<table class="reference-table"><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>\n\n'


def chart_figure(name: str, svgs: list[str], table_html: str, lang: str) -> str:
    """A chart (or its charts) with its table alternative folded beneath it."""
    return (f'\n\n<figure class="report-chart" id="figure-{name}">{"".join(svgs)}'
            f'<details class="report-chart__table"><summary>{t("chart.table", lang)}</summary>'
            f'{table_html.strip()}</details></figure>\n\n')


def downloads_table(rows: list[tuple[str, str, str]], lang: str) -> str:
    """The data page's list of files: name, what it holds, links (already HTML)."""
    head = "".join(f"<th>{t(k, lang)}</th>" for k in ("file", "content", "formats"))
    body = "".join(f"<tr><td><code>{esc(a)}</code></td><td>{esc(b)}</td><td>{c}</td></tr>" for a, b, c in rows)
    return f'\n\n<table class="report-table downloads"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>\n\n'
