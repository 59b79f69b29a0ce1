"""The arithmetic the report states, and completeness.

The schema knows each value on its own; these checks know how values relate: parts add
up to their totals, stated rates match their figures (shares the counts define are computed,
never stated), events fall in their year, nothing is left empty or untranslated in a
finished year. A part a year does not have (an optional part left out of its file) is
simply not checked.
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Iterator

from pydantic import BaseModel

from . import figures
from .chronicle import FORMATS, PLACEHOLDER
from .languages import CODES
from .load import dotted, inside, shown_path
from .problems import Problem
from .schema import MonthOnly, Text, model_inside
from .site import Site, Year
from .tables import ABSENT, TABLES, Breakdown, resolve
from .trends import MEASURES


class Finder:
    """Problems for one year, each pointing at its file and line."""

    def __init__(self, report: Year, project):
        self.report, self.project, self.found = report, project, []

    def add(self, topic: str, place: tuple, zh: str, en: str, found: str, severity: str = "error"):
        doc = self.report.documents[topic]
        self.found.append(Problem(shown_path(doc.path, self.project), doc.line_of(place),
                                  dotted(place), zh, en, found, severity))


def check_site(site: Site) -> list[Problem]:
    out: list[Problem] = []
    for year, report in sorted(site.years.items()):
        f = Finder(report, site.project)
        _completeness(f)
        _unique_ids(f)
        _staff(f)
        _finance(f)
        _sums(f, "activities")
        _statistics(f, site.previous(year))
        _chronicle(f)
        out += f.found
    return out


# ------------------------------------------------------------ helpers

def _known(*values: Any) -> bool:
    return all(v is not None for v in values)


def _total(items, attr: str):
    values = [getattr(i, attr) for i in items or []]
    return sum(values, Decimal(0)) if values and _known(*values) else None


def _walk(model: BaseModel, place: tuple = ()) -> Iterator[tuple[tuple, Any, bool]]:
    """Yield (place, value, required) for every leaf of a validated model.
    An optional part left out (None) is no leaf: the year does not have it."""
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        here = place + (name,)
        required = info.is_required() or (isinstance(model, Text) and name in CODES)
        if isinstance(value, BaseModel):
            yield from _walk(value, here)
        elif isinstance(value, list):
            if not value:
                yield here, None, required
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from _walk(item, here + (i,))
                else:
                    yield here + (i,), item, True
        elif isinstance(value, dict):
            for key, item in value.items():
                yield here + (key,), item, True
        else:
            yield here, value, required


def _earlier(a: tuple, b: tuple) -> bool:
    if a[2] is None or b[2] is None:
        return a[:2] < b[:2]
    return a < b


# ------------------------------------------------------------ checks

def _completeness(f: Finder):
    """Every field still to fill: a required one left empty, and any field written in the file with
    nothing after it (a year that lacks a part leaves it out of the file; a blank is a figure still
    to come). A draft lists them as its to-do; a finished year is refused with each one."""
    severity = "todo" if f.report.draft else "error"
    for topic in f.report.documents:
        written = f.report.documents[topic].data
        for place, value, required in _walk(f.report.topic(topic)):
            if value is not None and value != "":
                continue
            if not required and not _blank_in_file(written, place, type(f.report.topic(topic))):
                continue
            if place[-1] in CODES and place[-1] != "zh":
                f.add(topic, place, "英文译文（待翻译）", "the English translation (not yet translated)",
                      "缺少英文 / the English text is missing", severity)
                continue
            # a text's Chinese is told by the text it belongs to: 发文机关, not 中文
            zh, en, optional = described(type(f.report.topic(topic)), place[:-1] if place[-1] in CODES else place)
            zh, en = f"（{zh}）" if zh else "", f" ({en})" if en else ""
            if optional:
                f.add(topic, place, f"填写这一项{zh}；本年没有这一部分时，删去这一项（连同章节中用到它的句子）",
                      f"a value for this field{en}; if the year has none, delete it (and the sentences that use it)",
                      "空 / empty", severity)
            else:
                f.add(topic, place, f"填写这一项{zh}", f"a value for this field{en}", "空 / empty", severity)


def _field_info(model, place: tuple):
    """The schema's field at *place* under *model* (list positions skipped), or None."""
    info = None
    for part in place:
        if isinstance(part, int):
            continue
        info = getattr(model, "model_fields", {}).get(part)
        if info is None:
            return None
        model = model_inside(info.annotation)
    return info


def described(model, place: tuple) -> tuple[str, str, bool]:
    """(Chinese, English, optional) of the field at *place* as the schema describes it: "计算机终端，台",
    "computer terminals". Optional is a part a year may lack: the schema marks it 可省略, as the
    files of a new year say."""
    info = _field_info(model, place)
    text = (info.description or "") if info is not None else ""
    # "计算机终端，台 / computer terminals"; "闭馆（没有闭馆的年份省略）/ a closure (…)"
    zh, en = (re.split(r"(?<=[\s）)])/\s+(?=[A-Za-z])", text, maxsplit=1) + [""])[:2]
    optional = "省略" in zh
    # the note that says so is said by the message itself
    zh, en = re.sub(r"（[^（）]*省略[^（）]*）", "", zh), re.sub(r"\s*\((optional|leave out[^()]*)\)", "", en)
    return zh.strip(), en.strip(), optional


def _blank_in_file(data: Any, place: tuple, model) -> bool:
    """Whether the file writes the field at *place* with nothing after it (``terminals:``). A field
    the schema says may be left empty (可留空: a change the previous year's data gives) is not blank."""
    for part in place:
        if isinstance(part, int) and isinstance(data, list) and part < len(data):
            data = data[part]
        elif isinstance(part, str) and isinstance(data, dict) and part in data:
            data = data[part]
        else:
            return False
    info = _field_info(model, place)
    return (data is None or data == "") and not (info is not None and "可留空" in (info.description or ""))


def _unique_ids(f: Finder):
    for topic in f.report.documents:
        _ids_in(f, topic, f.report.topic(topic), ())


def _ids_in(f: Finder, topic: str, value: Any, place: tuple):
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            _ids_in(f, topic, getattr(value, name), place + (name,))
    elif isinstance(value, list):
        seen: dict[str, int] = {}
        for i, item in enumerate(value):
            ident = getattr(item, "id", None)
            if ident is not None and ident in seen:
                f.add(topic, place + (i, "id"), f"列表中每项的 id 各不相同（第 {seen[ident] + 1} 项已用 “{ident}”）",
                      f"a different id for each item (item {seen[ident] + 1} already uses “{ident}”)", f"“{ident}”")
            elif ident is not None:
                seen[ident] = i
            _ids_in(f, topic, item, place + (i,))


def _sums(f: Finder, topic: str):
    """The items of each breakdown of the registry (tables.py) in *topic* add up to its whole, or
    to at most the whole where the breakdown shows the remainder as "other"."""
    for entry in TABLES:
        if not isinstance(entry, Breakdown) or entry.items.split(".")[0] != topic:
            continue
        items, whole = resolve(f.report, entry.items), resolve(f.report, entry.whole)
        parts = _total(None if items is ABSENT else items, entry.value)
        whole = None if whole is ABSENT else whole
        if not _known(parts, whole):
            continue
        place = tuple((entry.whole if entry.sum_told_at_whole else entry.items).split(".")[1:])
        zh, en, whole_name = entry.items_called["zh"], entry.items_called["en"], entry.whole.partition(".")[2]
        if entry.other is None and parts != whole:
            f.add(topic, place, f"{zh}之和等于 {whole_name}（{whole}）", f"{en} adding up to {whole_name} ({whole})",
                  f"各项之和为 / they add up to {parts}")
        elif entry.other is not None and parts > whole:
            f.add(topic, place, f"{zh}之和不超过全年总数 {whole}", f"{en} adding up to at most the total, {whole}",
                  f"之和为 / they add up to {parts}")


def _staff(f: Finder):
    _sums(f, "staff")
    s = f.report.staff
    if _known(s.professional_posts, s.headcount) and s.professional_posts > s.headcount:
        f.add("staff", ("professional_posts",), f"不超过在职职工人数 {s.headcount}",
              f"at most the headcount, {s.headcount}", str(s.professional_posts))
    # college_or_above_share and professional_share are computed from these counts (schema.py)
    if s.as_of is not None and s.as_of.year != f.report.year:
        f.add("staff", ("as_of",), f"{f.report.year} 年内的日期", f"a date in {f.report.year}", str(s.as_of))


def _finance(f: Finder):
    _sums(f, "finance")
    fin = f.report.finance
    spent = fin.expenditure
    if spent is not None and spent.includes_central_fund and fin.central_free_opening_fund is None:
        f.add("finance", ("expenditure", "includes_central_fund"),
              "写明中央下拨免费开放资金（central_free_opening_fund），或改为 false",
              "the central fund itself (central_free_opening_fund), or false here",
              "true，但没有 central_free_opening_fund / true, but no central_free_opening_fund",
              # a new year starts with last year's true and the fund still to fill
              "todo" if f.report.draft else "error")


def _statistics(f: Finder, previous: Year | None):
    st = f.report.statistics
    d = st.digital_resources
    if d is not None and _known(d.new_tb, d.total_tb) and d.new_tb > d.total_tb:
        f.add("statistics", ("digital_resources", "new_tb"), f"不超过数字资源总量 {d.total_tb} TB",
              f"at most the total held, {d.total_tb} TB", f"{d.new_tb} TB")
    for name in MEASURES:
        now = getattr(st, name)
        before = getattr(previous.statistics, name) if previous is not None else None
        if now is None:
            continue
        if now.change_percent is None and before is None:
            f.add("statistics", (name, "change_percent"),
                  "较上年变化率（没有上一年的这项数据，无法自动计算）",
                  "the change on the previous year (there is no previous year's figure to compute it from)",
                  "空 / empty", "todo" if f.report.draft else "error")
        if before is None or not _known(now.value, now.change_percent, before.value) or before.value == 0:
            continue
        computed = figures.at_precision((Decimal(now.value) - before.value) / before.value * 100, now.change_percent)
        if computed != now.change_percent:
            f.add("statistics", (name, "change_percent"),
                  f"与两年数据相符的变化率：({now.value} − {before.value}) ÷ {before.value} = {computed}%",
                  f"the rate the two years' values give: ({now.value} − {before.value}) ÷ {before.value} = {computed}%",
                  f"{now.change_percent}%")


def _chronicle(f: Finder):
    previous = None
    for i, e in enumerate(f.report.chronicle.events):
        previous = _event_date(f, i, e, previous)
        _event_account(f, i, e)
        _event_photo(f, i, e)


def _event_photo(f: Finder, i: int, e):
    """A photo is a picture of this project, published with it: its path has the shape schema.py
    states (no address, no .., not absolute), and here it is found under docs/, links followed."""
    if e.photo is None:
        return
    docs = f.project / "docs"
    picture = docs / e.photo
    if not inside(picture, docs):
        f.add("chronicle", ("events", i, "photo"), "docs/ 文件夹中的图片（不能是指向 docs/ 之外的链接）",
              "a picture in the docs/ folder (not a link leading outside it)",
              "指向 docs/ 之外的链接，未读取 / a link leading outside docs/; not read")
    elif not picture.is_file():
        f.add("chronicle", ("events", i, "photo"), f"docs/ 中存在的图片：把图片放到 docs/{e.photo}，或改正路径",
              f"a picture that exists under docs/: put it at docs/{e.photo}, or correct the path",
              f"找不到 / not found: docs/{e.photo}")
    if e.photo_alt is None:
        f.add("chronicle", ("events", i, "photo_alt"), "照片的文字说明（供读屏软件和图片无法显示时使用）",
              "the photo's text alternative (for screen readers and when the image cannot show)",
              "缺少 photo_alt / no photo_alt")


def _event_date(f: Finder, i: int, e, previous):
    year = f.report.year
    if e.date is None:
        return previous
    if e.date.year != year:
        f.add("chronicle", ("events", i, "date"), f"{year} 年内的日期", f"a date in {year}", str(e.date))
    # An event known only to its month may stand anywhere among that month's events.
    start = (e.date.year, e.date.month, None if isinstance(e.date, MonthOnly) else e.date.day)
    if e.end is not None:
        if isinstance(e.date, MonthOnly):
            f.add("chronicle", ("events", i, "end"), "只有具体日期才能有结束日期",
                  "an end date only after a full start date", str(e.end))
        elif e.end <= e.date:
            f.add("chronicle", ("events", i, "end"), f"晚于开始日期 {e.date} 的日期",
                  f"a date after the start, {e.date}", str(e.end))
    if previous is not None and _earlier(start, previous):
        f.add("chronicle", ("events", i, "date"), "按日期先后排列（此条早于上一条）",
              "events in date order (this one is earlier than the one before)", str(e.date))
    return start


def _event_account(f: Finder, i: int, e):
    for lang in CODES:
        text = getattr(e.description, lang)
        if not text:
            continue
        used = set()
        for m in PLACEHOLDER.finditer(text):
            name, spec = m.group(1), m.group(2)
            used.add(name)
            if spec is not None and spec not in FORMATS:
                f.add("chronicle", ("events", i, "description", lang),
                      "{名称} 或 {名称:ordinal}", "{name} or {name:ordinal}", m.group(0))
            if name != "date" and name not in e.figures:
                f.add("chronicle", ("events", i, "description", lang),
                      "{date} 或 figures 中已有的名称：" + "、".join(e.figures),
                      "{date} or a name listed under figures: " + ", ".join(e.figures), f"{{{name}}}")
        if text.count("{") != text.count("}"):
            f.add("chronicle", ("events", i, "description", lang), "成对的 { 和 }", "paired { and }",
                  "括号不成对 / unpaired braces")
        for name in e.figures:
            if name not in used:
                f.add("chronicle", ("events", i, "figures", name),
                      f"在 description.{lang} 中以 {{{name}}} 引用这个数字",
                      f"the figure used as {{{name}}} in description.{lang}", "未被引用 / not used")
