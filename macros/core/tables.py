"""The registry of the report's tables: each declared once, here.

A table's name is what chapters call (``{{ table("budget") }}``, ``{{ chart("budget") }}``,
``{{ listing("budget") }}``); its entry says where its rows come from in a year's data,
its caption and headers in every language, its download file and its chart. The page's
tables, the charts, the CSV/JSON downloads, the data package and the tests all read this
list, so adding a table is adding one entry.

Where a row's figures come from is written as a dotted path into the year
(``"finance.budget.items"``). A path through an optional part the year does not have
resolves to :data:`ABSENT`: that table, row or chart is left out, never shown empty.
Each path is checked against schema.py when an entry is made, so that a typo in this
file stops the import with a DeclarationError, not a build halfway through a page.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any, Callable, Optional

from pydantic import BaseModel

from . import figures, fmt, trends
from .schema import TOPICS, holds_list, model_inside
from .site import Site, Year

Label = dict  # a text in every language: {"zh": "…", "en": "…"}


class _Absent:
    def __repr__(self):
        return "ABSENT"

    def __bool__(self):
        return False


ABSENT = _Absent()  # a part the year does not have (an optional part left out of its file)


def resolve(root: Any, path: str) -> Any:
    """The value at a dotted *path* (``"finance.budget.total"``): ABSENT where an optional part is
    left out, None where a required field is still empty (a draft)."""
    value = root
    for name in path.split("."):
        if value is None or value is ABSENT:
            return ABSENT
        if isinstance(value, BaseModel):
            info = type(value).model_fields.get(name)
            computed = name in type(value).model_computed_fields
            if info is None and not computed:
                raise KeyError(name)
            value = getattr(value, name)
            # a figure the data computes is left out where the data cannot compute it (a part the year
            # lacks; in a draft, counts still to fill, which make check lists in their own right)
            if value is None and (computed or not info.is_required()):
                return ABSENT
        else:
            value = getattr(value, name)
    return value


# ------------------------------------------------------------ declarations checked against the schema

class DeclarationError(ValueError):
    """An entry of the registry that schema.py contradicts: a path to no field, a chart of no kind."""


def _fields(model) -> dict[str, Any]:
    return {**model.model_fields, **model.model_computed_fields}


def _declared(table: str, what: str, path: str) -> Any:
    """The type schema.py gives the field at *path* (``"finance.budget.items"``), which *table*'s
    declaration names as *what*; DeclarationError where the schema has no such field."""
    def refused(reason: str) -> DeclarationError:
        return DeclarationError(f"tables.py, table {table!r}: {what}={path!r}: {reason}")
    topic, *names = path.split(".")
    if topic not in TOPICS or not names:
        raise refused(f"a path starts with a topic and names a field in it ({', '.join(TOPICS)})")
    model, annotation, walked = TOPICS[topic], None, topic
    for name in names:
        if model is None or holds_list(annotation):   # resolve() reads no field through a list
            raise refused(f"{walked} has no fields of its own")
        if name not in _fields(model):
            raise refused(f"{walked} has no field {name!r}; it has {', '.join(_fields(model))}")
        info = _fields(model)[name]
        annotation = info.return_type if name in model.model_computed_fields else info.annotation
        model, walked = model_inside(annotation), f"{walked}.{name}"
    return annotation


def _declared_list(table: str, what: str, path: str, **item_fields: str) -> None:
    """*path* is a list in the schema whose items have each of *item_fields* (``value="amount"``)."""
    annotation = _declared(table, what, path)
    item = model_inside(annotation)
    if not holds_list(annotation) or item is None:
        raise DeclarationError(f"tables.py, table {table!r}: {what}={path!r}: a list of items, not a single field")
    for role, field in item_fields.items():
        if field not in _fields(item):
            raise DeclarationError(f"tables.py, table {table!r}: {role}={field!r}: an item of {path} has no such "
                                   f"field; it has {', '.join(_fields(item))}")


def _declared_chart(table: str, chart: Any) -> None:
    if chart is not None and not isinstance(chart, ChartKind):
        raise DeclarationError(f"tables.py, table {table!r}: chart={chart!r}: a ChartKind "
                               f"({', '.join(f'ChartKind.{kind.name}' for kind in ChartKind)}) or None")


# ------------------------------------------------------------ units: how a figure is written

@dataclass(frozen=True, kw_only=True)
class Unit:
    header: Label            # the value column's header, the unit in it once
    csv_column: str          # the column's name in the download
    csv_title: Label
    cell: Callable[[Any, str], str]    # the figure in a table cell, without its unit
    prose: Callable[[Any, str], str]   # the figure in running text, with its unit
    listing: Label           # one item in running text: {label} and {value}
    short: Label             # the unit alone, for a chart's subtitle
    integer: bool = True


def _with(unit_zh: str, unit_en: str = "") -> Callable[[Any, str], str]:
    return lambda value, lang: fmt.with_unit(fmt.number(value, lang), unit_zh if lang == "zh" else unit_en, lang)


PEOPLE = Unit(header={"zh": "人数", "en": "People"}, csv_column="count", csv_title={"zh": "人数", "en": "number of people"},
              cell=fmt.number, prose=_with("人"), listing={"zh": "{label} {value}", "en": "{value} {label}"},
              short={"zh": "人", "en": "people"})
EVENTS = Unit(header={"zh": "场次", "en": "Events"}, csv_column="count", csv_title={"zh": "场次", "en": "number of events"},
              cell=fmt.number, prose=_with("场次"), listing={"zh": "{label} {value}", "en": "{value} {label}"},
              short={"zh": "场次", "en": "events"})
MONEY = Unit(header={"zh": "金额（万元）", "en": "Amount (CNY)"}, csv_column="amount_wan_yuan",
             csv_title={"zh": "金额（万元）", "en": "amount (10,000 yuan)"},
             cell=fmt.money_figure, prose=fmt.money, listing={"zh": "{label} {value}", "en": "{value} for {label}"},
             short={"zh": "万元", "en": "CNY"}, integer=False)
# An indicator's amount as published (万元): its download keeps it so; a table shows it as MONEY
# does, in each language's way (168.52 万元, CNY 1,685,200).
WAN_YUAN: Label = {"zh": "万元", "en": "10,000 yuan"}


# ------------------------------------------------------------ charts

class ChartKind(Enum):
    """The chart a table has; charts.py draws each kind."""

    BARS = "bars"            # a breakdown's items as bars, on one scale with its scale group
    CHANGES = "changes"      # the measures' change on the previous year, then their trend over the years
    FUNDING = "funding"      # the budget, the central fund beside it, against what was spent


# ------------------------------------------------------------ rows

@dataclass(frozen=True, kw_only=True)
class Row:
    id: str
    label: Any               # a schema Text, or a Label of the registry
    value: Any               # None: still to fill (a draft)
    share: Decimal | None = None
    change: Decimal | None = None
    unit: Optional[Label] = None
    role: str = "item"       # "item", "other" (the remainder) or "total"


@dataclass(frozen=True, kw_only=True)
class Breakdown:
    """Counts or amounts by category, with their whole: staff by education, the budget by item.

    Its items add up to its whole, or to at most the whole where the remainder is shown as
    *other*; checks.py verifies that of every breakdown declared here, in these words."""

    name: str
    caption: Label
    file: str
    category: Label          # the label column's header
    unit: Unit
    items: str               # path to the list of items in a year
    label: str = "label"     # the item's field holding its name
    value: str = "count"     # the item's field holding its figure
    whole: str               # path to the whole the shares are of
    other: Optional[Label] = None   # the remainder's label, when items may not add up to the whole
    items_called: Label      # the items as a sum that does not add up names them: 各学历人数, education counts
    sum_told_at_whole: bool = False   # that sum is told at the whole's line (a total typed from its document)
    shares: bool = True
    chart: Optional[ChartKind] = ChartKind.BARS
    scale: Optional[str] = None     # charts of one scale group share one axis (like with like)

    def __post_init__(self):
        _declared_list(self.name, "items", self.items, label=self.label, value=self.value)
        _declared(self.name, "whole", self.whole)
        if self.whole.split(".")[0] != self.items.split(".")[0]:   # checks.py tells a sum in one file
            raise DeclarationError(f"tables.py, table {self.name!r}: whole={self.whole!r}: a figure of the items' "
                                   f"topic, {self.items.split('.')[0]}")
        _declared_chart(self.name, self.chart)

    def rows(self, year: Year, site: Site | None = None) -> list[Row] | None:
        items = resolve(year, self.items)
        if items is ABSENT or items is None:
            return None
        whole = resolve(year, self.whole)
        whole = None if whole is ABSENT else whole
        def share(value):
            return figures.share(value, whole, 1) if self.shares and value is not None and whole else None
        rows = [Row(id=i.id, label=getattr(i, self.label), value=getattr(i, self.value),
                    share=share(getattr(i, self.value))) for i in items]
        counted = None if any(r.value is None for r in rows) else sum((r.value for r in rows), 0)
        if self.other and counted is not None and whole is not None and whole > counted:
            rows.append(Row(id="other", label=self.other, value=whole - counted, share=share(whole - counted),
                            role="other"))
        rows.append(Row(id="total", label=TOTAL, value=whole, share=share(whole), role="total"))
        return rows


@dataclass(frozen=True, kw_only=True)
class Indicator:
    id: str
    label: Label
    path: str
    unit: Optional[Label] = None
    measure: Optional[str] = None   # a measure of trends.MEASURES: the row shows its change too


@dataclass(frozen=True, kw_only=True)
class Indicators:
    """Single figures, one per row: the year's service statistics, the library's profile."""

    name: str
    caption: Label
    file: str
    indicators: list[Indicator]
    changes: bool = False
    chart: Optional[ChartKind] = None

    def __post_init__(self):
        for i in self.indicators:
            _declared(self.name, f"indicator {i.id!r}, path", i.path)
        _declared_chart(self.name, self.chart)

    def rows(self, year: Year, site: Site | None = None) -> list[Row] | None:
        rows = []
        for i in self.indicators:
            value = resolve(year, i.path)
            if value is ABSENT:
                continue
            change = trends.change_of(site, year.year, i.measure) if site is not None and i.measure else None
            rows.append(Row(id=i.id, label=i.label, value=value, change=change, unit=i.unit))
        return rows or None


@dataclass(frozen=True, kw_only=True)
class Records:
    """One row per record, with columns of their own: the chronicle's events (a download only)."""

    name: str
    caption: Label
    file: str
    records: str             # path to the list of records in a year
    chart: Optional[ChartKind] = None

    def __post_init__(self):
        _declared_list(self.name, "records", self.records)
        _declared_chart(self.name, self.chart)

    def rows(self, year: Year, site: Site | None = None):
        return list(resolve(year, self.records)) or None


TOTAL = {"zh": "合计", "en": "Total"}


# ------------------------------------------------------------ the registry

TABLES: list[Breakdown | Indicators | Records] = [
    Breakdown(name="education", caption={"zh": "在职职工按学历", "en": "Staff by education"}, file="staff_education",
              category={"zh": "学历", "en": "Education"}, unit=PEOPLE,
              items="staff.education", whole="staff.headcount",
              items_called={"zh": "各学历人数", "en": "education counts"}, scale="staff"),
    Breakdown(name="roles", caption={"zh": "在职职工按岗位", "en": "Staff by role"}, file="staff_roles",
              category={"zh": "岗位", "en": "Role"}, unit=PEOPLE,
              items="staff.roles", whole="staff.headcount",
              items_called={"zh": "各岗位人数", "en": "role counts"}, scale="staff"),
    Breakdown(name="employment", caption={"zh": "在职职工按用工形式", "en": "Staff by type of employment"},
              file="staff_employment", category={"zh": "用工形式", "en": "Type of employment"}, unit=PEOPLE,
              items="staff.employment", whole="staff.headcount",
              items_called={"zh": "各用工形式人数", "en": "employment counts"}, scale="staff"),
    Breakdown(name="titles", caption={"zh": "专业技术人员按职称", "en": "Professional staff by grade"}, file="staff_titles",
              category={"zh": "职称", "en": "Grade"}, unit=PEOPLE,
              items="staff.titles", whole="staff.professional_posts",
              items_called={"zh": "各职称人数", "en": "title counts"}, scale="staff"),
    Breakdown(name="budget", caption={"zh": "本级财政预算构成", "en": "District budget by item"}, file="budget",
              category={"zh": "项目", "en": "Item"}, unit=MONEY,
              items="finance.budget.items", label="name", value="amount", whole="finance.budget.total",
              items_called={"zh": "预算各项", "en": "budget items"}, sum_told_at_whole=True, scale="finance"),
    Breakdown(name="expenditure", caption={"zh": "经费支出构成", "en": "Spending by item"}, file="expenditure",
              category={"zh": "项目", "en": "Item"}, unit=MONEY,
              items="finance.expenditure.items", label="name", value="amount", whole="finance.expenditure.total",
              items_called={"zh": "支出各项", "en": "spending items"}, sum_told_at_whole=True, scale="finance"),
    Breakdown(name="activities", caption={"zh": "全年活动按类别", "en": "Events by type"}, file="activities",
              category={"zh": "活动类别", "en": "Type of event"}, unit=EVENTS,
              items="activities.by_kind", label="name", whole="activities.total",
              other={"zh": "其他活动", "en": "Other events"},
              items_called={"zh": "各类别场次", "en": "counts by kind"}, shares=False),
    Indicators(name="statistics", caption={"zh": "业务数据统计", "en": "Service statistics"}, file="statistics",
               changes=True, chart=ChartKind.CHANGES, indicators=[
        Indicator(id="new_acquisitions", label={"zh": "新增文献入藏量", "en": "Volumes added"},
                  path="statistics.new_acquisitions", unit={"zh": "册", "en": "volumes"}),
        Indicator(id="per_capita_new_acquisitions",
                  label={"zh": "人均新增文献入藏量", "en": "Volumes added per head of population"},
                  path="statistics.per_capita_new_acquisitions", unit={"zh": "册", "en": "volumes"}),
        Indicator(id="digital_resources_total_tb", label={"zh": "数字资源总量", "en": "Digital resources held"},
                  path="statistics.digital_resources.total_tb", unit={"zh": "TB", "en": "TB"}),
        Indicator(id="digital_resources_new_tb", label={"zh": "新增数字资源", "en": "Digital resources added"},
                  path="statistics.digital_resources.new_tb", unit={"zh": "TB", "en": "TB"}),
        Indicator(id="views", label={"zh": "馆藏数字资源浏览量", "en": "Views of digital resources"},
                  path="statistics.views.value", unit={"zh": "次", "en": "views"}, measure="views"),
        Indicator(id="downloads", label={"zh": "馆藏数字资源下载量", "en": "Downloads of digital resources"},
                  path="statistics.downloads.value", unit={"zh": "次", "en": "downloads"}, measure="downloads"),
        Indicator(id="circulation", label={"zh": "流通人次", "en": "Visits"},
                  path="statistics.circulation.value", unit={"zh": "人次", "en": "visits"}, measure="circulation"),
    ]),
    Indicators(name="staff", caption={"zh": "人员概况", "en": "Staff summary"}, file="staff", indicators=[
        Indicator(id="as_of", label={"zh": "统计截止日期", "en": "Figures as of"}, path="staff.as_of"),
        Indicator(id="headcount", label={"zh": "在职职工（不含分馆）", "en": "Staff in post (branches not included)"},
                  path="staff.headcount", unit={"zh": "人", "en": "people"}),
        Indicator(id="college_or_above_share",
                  label={"zh": "大学专科及以上学历占比", "en": "Share with a college diploma or higher"},
                  path="staff.college_or_above_share", unit={"zh": "%", "en": "%"}),
        Indicator(id="professional_posts", label={"zh": "专业技术岗位", "en": "Professional and technical posts"},
                  path="staff.professional_posts", unit={"zh": "个", "en": "posts"}),
        Indicator(id="professional_share",
                  label={"zh": "专业技术人员占比", "en": "Share of posts filled by staff with a professional grade"},
                  path="staff.professional_share", unit={"zh": "%", "en": "%"}),
    ]),
    Indicators(name="finance", caption={"zh": "经费概况", "en": "Finance summary"}, file="finance",
               chart=ChartKind.FUNDING, indicators=[
        Indicator(id="budget_total", label={"zh": "本级财政预算", "en": "District budget"},
                  path="finance.budget.total", unit=WAN_YUAN),
        Indicator(id="central_free_opening_fund",
                  label={"zh": "中央下拨免费开放资金", "en": "Central funding for free admission"},
                  path="finance.central_free_opening_fund", unit=WAN_YUAN),
        Indicator(id="expenditure_total", label={"zh": "经费支出", "en": "Spending"},
                  path="finance.expenditure.total", unit=WAN_YUAN),
        Indicator(id="expenditure_includes_central_fund",
                  label={"zh": "支出是否包含中央资金", "en": "Spending includes central funding"},
                  path="finance.expenditure.includes_central_fund"),
        *[Indicator(id=f"{part}_document_{key}",
                    label={"zh": f"{part_zh}文件{key_zh}", "en": f"{part_en} document: {key_en}"},
                    path=f"finance.{part}.document.{key}")
          for part, part_zh, part_en in (("budget", "预算", "Budget"), ("expenditure", "支出", "Spending"))
          for key, key_zh, key_en in (("issuer", "发文机关", "issuer"), ("title", "标题", "title"),
                                      ("number", "文号", "number"))],
    ]),
    Indicators(name="profile", caption={"zh": "图书馆概况", "en": "Library profile"}, file="profile", indicators=[
        Indicator(id="floor_area", label={"zh": "馆舍建筑面积", "en": "Floor area"}, path="profile.floor_area",
                  unit={"zh": "平方米", "en": "m²"}),
        Indicator(id="collection_wan", label={"zh": "现有藏书", "en": "Holdings"}, path="profile.collection_wan",
                  unit={"zh": "万册", "en": "10,000 volumes"}),
        Indicator(id="terminals", label={"zh": "计算机终端", "en": "Computer terminals"}, path="profile.terminals",
                  unit={"zh": "台", "en": "terminals"}),
        Indicator(id="branches", label={"zh": "乡镇（街道）分馆", "en": "Branches (townships and subdistricts)"},
                  path="profile.branches", unit={"zh": "个", "en": "branches"}),
        Indicator(id="service_points", label={"zh": "村（社区）图书服务点", "en": "Service points (villages and communities)"},
                  path="profile.service_points", unit={"zh": "个", "en": "service points"}),
    ]),
    Records(name="chronicle", caption={"zh": "大事记", "en": "Chronicle"}, file="chronicle", records="chronicle.events"),
]



def table(name: str) -> Breakdown | Indicators | Records:
    """The registered table *name*, or UnknownTable naming the known ones."""
    for entry in TABLES:
        if entry.name == name:
            return entry
    raise UnknownTable(name)


class UnknownTable(KeyError):
    def __init__(self, name: str):
        super().__init__(name)
        self.name, self.known = name, sorted(entry.name for entry in TABLES)


def scale_group(table: Breakdown) -> list[Breakdown]:
    """The breakdowns whose charts share *table*'s scale (its ``scale`` group), itself included."""
    return [t for t in TABLES if isinstance(t, Breakdown) and t.scale and t.scale == table.scale] or [table]
