"""The registry of the report's tables: each declared once, here.

A table's name is what chapters call (``{{ table("budget") }}``, ``{{ chart("budget") }}``,
``{{ listing("budget") }}``); its entry says where its rows come from in a year's data,
its caption and headers in every language, its download file and its chart. The page's
tables, the charts, the CSV/JSON downloads, the data package and the tests all read this
list, so adding a table is adding one entry.

Where a row's figures come from is written as a dotted path into the year
(``"finance.budget.items"``). A path through an optional part the year does not have
resolves to :data:`ABSENT`: that table, row or chart is left out, never shown empty.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable, Optional

from pydantic import BaseModel

from . import figures, fmt, trends
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


# ------------------------------------------------------------ units: how a figure is written

@dataclass(frozen=True)
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


PEOPLE = Unit({"zh": "人数", "en": "People"}, "count", {"zh": "人数", "en": "number of people"},
              fmt.number, _with("人"), {"zh": "{label} {value}", "en": "{value} {label}"},
              {"zh": "人", "en": "people"})
EVENTS = Unit({"zh": "场次", "en": "Events"}, "count", {"zh": "场次", "en": "number of events"},
              fmt.number, _with("场次"), {"zh": "{label} {value}", "en": "{value} {label}"},
              {"zh": "场次", "en": "events"})
MONEY = Unit({"zh": "金额（万元）", "en": "Amount (CNY)"}, "amount_wan_yuan",
             {"zh": "金额（万元）", "en": "amount (10,000 yuan)"},
             fmt.money_figure, fmt.money, {"zh": "{label} {value}", "en": "{value} for {label}"},
             {"zh": "万元", "en": "CNY"}, integer=False)
# An indicator's amount as published (万元): its download keeps it so; a table shows it as MONEY
# does, in each language's way (168.52 万元, CNY 1,685,200).
WAN_YUAN: Label = {"zh": "万元", "en": "10,000 yuan"}


# ------------------------------------------------------------ rows

@dataclass(frozen=True)
class Row:
    id: str
    label: Any               # a schema Text, or a Label of the registry
    value: Any               # None: still to fill (a draft)
    share: Decimal | None = None
    change: Decimal | None = None
    unit: Optional[Label] = None
    role: str = "item"       # "item", "other" (the remainder) or "total"


@dataclass(frozen=True)
class Breakdown:
    """Counts or amounts by category, with their whole: staff by education, the budget by item."""

    name: str
    caption: Label
    file: str
    category: Label          # the label column's header
    unit: Unit
    items: str               # path to the list of items in a year
    label: str               # the item's field holding its name
    value: str               # the item's field holding its figure
    whole: str               # path to the whole the shares are of
    other: Optional[Label] = None   # the remainder's label, when items may not add up to the whole
    shares: bool = True
    chart: Optional[str] = "bars"
    scale: Optional[str] = None     # charts of one scale group share one axis (like with like)

    def rows(self, year: Year, site: Site | None = None) -> list[Row] | None:
        items = resolve(year, self.items)
        if items is ABSENT or items is None:
            return None
        whole = resolve(year, self.whole)
        whole = None if whole is ABSENT else whole
        def share(value):
            return figures.share(value, whole, 1) if self.shares and value is not None and whole else None
        rows = [Row(i.id, getattr(i, self.label), getattr(i, self.value), share(getattr(i, self.value)))
                for i in items]
        counted = None if any(r.value is None for r in rows) else sum((r.value for r in rows), 0)
        if self.other and counted is not None and whole is not None and whole > counted:
            rows.append(Row("other", self.other, whole - counted, share(whole - counted), role="other"))
        rows.append(Row("total", TOTAL, whole, share(whole), role="total"))
        return rows


@dataclass(frozen=True)
class Indicator:
    id: str
    label: Label
    path: str
    unit: Optional[Label] = None
    measure: Optional[str] = None   # a measure of trends.MEASURES: the row shows its change too


@dataclass(frozen=True)
class Indicators:
    """Single figures, one per row: the year's service statistics, the library's profile."""

    name: str
    caption: Label
    file: str
    indicators: list[Indicator]
    changes: bool = False
    chart: Optional[str] = None

    def rows(self, year: Year, site: Site | None = None) -> list[Row] | None:
        rows = []
        for i in self.indicators:
            value = resolve(year, i.path)
            if value is ABSENT:
                continue
            change = trends.change_of(site, year.year, i.measure) if site is not None and i.measure else None
            rows.append(Row(i.id, i.label, value, change=change, unit=i.unit))
        return rows or None


@dataclass(frozen=True)
class Records:
    """One row per record, with columns of their own: the chronicle's events (a download only)."""

    name: str
    caption: Label
    file: str
    chart: Optional[str] = None

    def rows(self, year: Year, site: Site | None = None):
        return list(resolve(year, f"{self.name}.events")) or None


TOTAL = {"zh": "合计", "en": "Total"}


def _breakdown(name, caption, file, category, unit, items, whole, label="label", value="count", **options):
    return Breakdown(name, caption, file, category, unit, items, label, value, whole, **options)


# ------------------------------------------------------------ the registry

TABLES: list[Breakdown | Indicators] = [
    _breakdown("education", {"zh": "在职职工按学历", "en": "Staff by education"}, "staff_education",
               {"zh": "学历", "en": "Education"}, PEOPLE, "staff.education", "staff.headcount", scale="staff"),
    _breakdown("roles", {"zh": "在职职工按岗位", "en": "Staff by role"}, "staff_roles",
               {"zh": "岗位", "en": "Role"}, PEOPLE, "staff.roles", "staff.headcount", scale="staff"),
    _breakdown("employment", {"zh": "在职职工按用工形式", "en": "Staff by employment type"}, "staff_employment",
               {"zh": "用工形式", "en": "Employment"}, PEOPLE, "staff.employment", "staff.headcount", scale="staff"),
    _breakdown("titles", {"zh": "专业技术人员按职称", "en": "Professional staff by title"}, "staff_titles",
               {"zh": "职称", "en": "Title"}, PEOPLE, "staff.titles", "staff.professional_posts", scale="staff"),
    _breakdown("budget", {"zh": "本级财政预算构成", "en": "District budget by item"}, "budget",
               {"zh": "项目", "en": "Item"}, MONEY, "finance.budget.items", "finance.budget.total",
               label="name", value="amount", scale="finance"),
    _breakdown("expenditure", {"zh": "经费支出构成", "en": "Spending by item"}, "expenditure",
               {"zh": "项目", "en": "Item"}, MONEY, "finance.expenditure.items", "finance.expenditure.total",
               label="name", value="amount", scale="finance"),
    _breakdown("activities", {"zh": "全年活动按类别", "en": "Activities by kind"}, "activities",
               {"zh": "活动类别", "en": "Kind of activity"}, EVENTS, "activities.by_kind", "activities.total",
               label="name", other={"zh": "其他活动", "en": "Other activities"}, shares=False),
    Indicators("statistics", {"zh": "业务数据统计", "en": "Service statistics"}, "statistics", [
        Indicator("new_acquisitions", {"zh": "新增文献入藏量", "en": "Volumes added"},
                  "statistics.new_acquisitions", {"zh": "册", "en": "volumes"}),
        Indicator("per_capita_new_acquisitions", {"zh": "人均新增文献入藏量", "en": "Volumes added per head of population"},
                  "statistics.per_capita_new_acquisitions", {"zh": "册", "en": "volumes"}),
        Indicator("digital_resources_total_tb", {"zh": "数字资源总量", "en": "Digital resources held"},
                  "statistics.digital_resources.total_tb", {"zh": "TB", "en": "TB"}),
        Indicator("digital_resources_new_tb", {"zh": "新增数字资源", "en": "Digital resources added"},
                  "statistics.digital_resources.new_tb", {"zh": "TB", "en": "TB"}),
        Indicator("views", {"zh": "馆藏数字资源浏览量", "en": "Views of digital resources"},
                  "statistics.views.value", {"zh": "次", "en": "views"}, measure="views"),
        Indicator("downloads", {"zh": "馆藏数字资源下载量", "en": "Downloads of digital resources"},
                  "statistics.downloads.value", {"zh": "次", "en": "downloads"}, measure="downloads"),
        Indicator("circulation", {"zh": "流通人次", "en": "Visits"},
                  "statistics.circulation.value", {"zh": "人次", "en": "visits"}, measure="circulation"),
    ], changes=True, chart="changes"),
    Indicators("staff", {"zh": "人员概况", "en": "Staff summary"}, "staff", [
        Indicator("as_of", {"zh": "统计截止日期", "en": "Figures as of"}, "staff.as_of"),
        Indicator("headcount", {"zh": "在职职工（不含分馆）", "en": "Staff in post (branches not included)"},
                  "staff.headcount", {"zh": "人", "en": "people"}),
        Indicator("college_or_above_share", {"zh": "大学专科及以上学历占比", "en": "Share with college education or higher"},
                  "staff.college_or_above_share", {"zh": "%", "en": "%"}),
        Indicator("professional_posts", {"zh": "专业技术岗位", "en": "Professional and technical posts"},
                  "staff.professional_posts", {"zh": "个", "en": "posts"}),
        Indicator("professional_share", {"zh": "专业技术人员占比", "en": "Share of posts held by titled professionals"},
                  "staff.professional_share", {"zh": "%", "en": "%"}),
    ]),
    Indicators("finance", {"zh": "经费概况", "en": "Finance summary"}, "finance", [
        Indicator("budget_total", {"zh": "本级财政预算", "en": "District budget"}, "finance.budget.total",
                  WAN_YUAN),
        Indicator("central_free_opening_fund", {"zh": "中央下拨免费开放资金", "en": "Central funding for free admission"},
                  "finance.central_free_opening_fund", WAN_YUAN),
        Indicator("expenditure_total", {"zh": "经费支出", "en": "Spending"}, "finance.expenditure.total",
                  WAN_YUAN),
        Indicator("expenditure_includes_central_fund", {"zh": "支出是否包含中央资金", "en": "Spending includes the central fund"},
                  "finance.expenditure.includes_central_fund"),
        *[Indicator(f"{part}_document_{key}", {"zh": f"{part_zh}文件{key_zh}", "en": f"{part_en} document: {key_en}"},
                    f"finance.{part}.document.{key}")
          for part, part_zh, part_en in (("budget", "预算", "Budget"), ("expenditure", "支出", "Spending"))
          for key, key_zh, key_en in (("issuer", "发文机关", "issuer"), ("title", "标题", "title"),
                                      ("number", "文号", "number"))],
    ], chart="funding"),
    Indicators("profile", {"zh": "图书馆概况", "en": "Library profile"}, "profile", [
        Indicator("floor_area", {"zh": "馆舍建筑面积", "en": "Floor area"}, "profile.floor_area",
                  {"zh": "平方米", "en": "m²"}),
        Indicator("collection_wan", {"zh": "现有藏书", "en": "Holdings"}, "profile.collection_wan",
                  {"zh": "万册", "en": "10,000 volumes"}),
        Indicator("terminals", {"zh": "计算机终端", "en": "Computer terminals"}, "profile.terminals",
                  {"zh": "台", "en": "terminals"}),
        Indicator("branches", {"zh": "乡镇（街道）分馆", "en": "Branches (townships and subdistricts)"}, "profile.branches",
                  {"zh": "个", "en": "branches"}),
        Indicator("service_points", {"zh": "村（社区）图书服务点", "en": "Service points (villages and communities)"},
                  "profile.service_points", {"zh": "个", "en": "service points"}),
    ]),
    Records("chronicle", {"zh": "大事记", "en": "Chronicle"}, "chronicle"),
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
