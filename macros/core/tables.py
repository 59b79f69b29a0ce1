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

from . import figures, fmt, strings, trends
from .languages import LANGUAGES
from .schema import TOPICS, holds_list, model_inside
from .site import Site, Year

class Label(dict):
    """A registry label (caption, header, item, unit) named by its catalogue key
    (``table.roles.caption``): read in any language as ``label[lang]``, the original language's
    where a language's catalogue has no text for it (strings.py). As a dict it holds the engine's
    own texts, for what lists them all (the data package)."""

    def __init__(self, key: str):
        super().__init__({code: strings.catalogue(code)[key] for code in LANGUAGES if key in strings.catalogue(code)})
        self.key = key

    def __getitem__(self, lang: str) -> str:
        return strings.text(self.key, lang)

    def get(self, lang: str, default=None):
        return self[lang] if lang in LANGUAGES else default


def label(key: str) -> Label:
    return Label(key)


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


def _with(key: str) -> Callable[[Any, str], str]:
    """A count in running text with its measure word (45 场次), in the languages whose catalogue
    has one: English writes the bare figure."""
    return lambda value, lang: fmt.with_unit(fmt.number(value, lang), strings.t(key, lang) if strings.has(key, lang)
                                             else "", lang)


PEOPLE = Unit(header=label("unit.people.header"), csv_column="count", csv_title=label("unit.people.csv_title"),
              cell=fmt.number, prose=_with("unit.people.prose"), listing=label("unit.people.listing"),
              short=label("unit.people.short"))
EVENTS = Unit(header=label("unit.events.header"), csv_column="count", csv_title=label("unit.events.csv_title"),
              cell=fmt.number, prose=_with("unit.events.prose"), listing=label("unit.events.listing"),
              short=label("unit.events.short"))
MONEY = Unit(header=label("unit.money.header"), csv_column="amount_wan_yuan",
             csv_title=label("unit.money.csv_title"),
             cell=fmt.money_figure, prose=fmt.money, listing=label("unit.money.listing"),
             short=label("unit.money.short"), integer=False)
# An indicator's amount as published (万元): its download keeps it so; a table shows it as MONEY
# does, in each language's way (168.52 万元, CNY 1,685,200).
WAN_YUAN: Label = label("unit.wan_yuan")


# ------------------------------------------------------------ charts

class ChartKind(Enum):
    """The chart a table has; charts.py draws each kind."""

    BARS = "bars"            # a breakdown's items as bars, on one scale with the page's others in its unit
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
    chart: Optional[ChartKind] = ChartKind.BARS   # on one scale with the page's other charts in its unit

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
    # the decimals a reader is shown (0.1396 volumes per person reads 0.14); the download keeps
    # the figure as published
    places: Optional[int] = None


@dataclass(frozen=True, kw_only=True)
class Note:
    """A sentence beneath a table for what is no figure: a document the figures come from, a
    yes-or-no. Its catalogue string *key* words it with *fields* (a field's name, the id of the
    indicator that gives it); a yes-or-no field picks its ``key.yes`` or ``key.no`` sentence.
    Those indicators stay in the download, as published, and leave the table's rows."""

    key: str
    fields: dict[str, str]


@dataclass(frozen=True, kw_only=True)
class Indicators:
    """Single figures, one per row: the year's service statistics, the library's profile."""

    name: str
    caption: Label
    file: str
    indicators: list[Indicator]
    changes: bool = False
    chart: Optional[ChartKind] = None
    notes: tuple[Note, ...] = ()

    def __post_init__(self):
        for i in self.indicators:
            _declared(self.name, f"indicator {i.id!r}, path", i.path)
        ids = {i.id for i in self.indicators}
        for note in self.notes:
            for field, indicator in note.fields.items():
                if indicator not in ids:
                    raise DeclarationError(f"tables.py, table {self.name!r}: note {note.key!r}: {field}={indicator!r}: "
                                           f"no such indicator; it has {', '.join(sorted(ids))}")
        _declared_chart(self.name, self.chart)

    def noted(self) -> set[str]:
        """The indicators its notes word, not its rows."""
        return {indicator for note in self.notes for indicator in note.fields.values()}

    def places(self, row_id: str) -> int | None:
        return next((i.places for i in self.indicators if i.id == row_id), None)

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


TOTAL = label("table.total")


# ------------------------------------------------------------ the registry

TABLES: list[Breakdown | Indicators | Records] = [
    Breakdown(name="education", caption=label("table.education.caption"), file="staff_education",
              category=label("table.education.category"), unit=PEOPLE,
              items="staff.education", whole="staff.headcount",
              items_called=label("table.education.items_called")),
    Breakdown(name="roles", caption=label("table.roles.caption"), file="staff_roles",
              category=label("table.roles.category"), unit=PEOPLE,
              items="staff.roles", whole="staff.headcount",
              items_called=label("table.roles.items_called")),
    Breakdown(name="employment", caption=label("table.employment.caption"),
              file="staff_employment", category=label("table.employment.category"), unit=PEOPLE,
              items="staff.employment", whole="staff.headcount",
              items_called=label("table.employment.items_called")),
    Breakdown(name="titles", caption=label("table.titles.caption"), file="staff_titles",
              category=label("table.titles.category"), unit=PEOPLE,
              items="staff.titles", whole="staff.professional_posts",
              items_called=label("table.titles.items_called")),
    Breakdown(name="budget", caption=label("table.budget.caption"), file="budget",
              category=label("table.budget.category"), unit=MONEY,
              items="finance.budget.items", label="name", value="amount", whole="finance.budget.total",
              items_called=label("table.budget.items_called"), sum_told_at_whole=True),
    Breakdown(name="expenditure", caption=label("table.expenditure.caption"), file="expenditure",
              category=label("table.expenditure.category"), unit=MONEY,
              items="finance.expenditure.items", label="name", value="amount", whole="finance.expenditure.total",
              items_called=label("table.expenditure.items_called"), sum_told_at_whole=True),
    Breakdown(name="activities", caption=label("table.activities.caption"), file="activities",
              category=label("table.activities.category"), unit=EVENTS,
              items="activities.by_kind", label="name", whole="activities.total",
              other=label("table.activities.other"),
              items_called=label("table.activities.items_called"), shares=False),
    Indicators(name="statistics", caption=label("table.statistics.caption"), file="statistics",
               changes=True, chart=ChartKind.CHANGES, indicators=[
        Indicator(id="new_acquisitions", label=label("table.statistics.new_acquisitions.label"),
                  path="statistics.new_acquisitions", unit=label("table.statistics.new_acquisitions.unit")),
        Indicator(id="per_capita_new_acquisitions",
                  label=label("table.statistics.per_capita_new_acquisitions.label"),
                  path="statistics.per_capita_new_acquisitions", places=2,
                  unit=label("table.statistics.per_capita_new_acquisitions.unit")),
        Indicator(id="digital_resources_total_tb", label=label("table.statistics.digital_resources_total_tb.label"),
                  path="statistics.digital_resources.total_tb", unit=label("table.statistics.digital_resources_total_tb.unit")),
        Indicator(id="digital_resources_new_tb", label=label("table.statistics.digital_resources_new_tb.label"),
                  path="statistics.digital_resources.new_tb", unit=label("table.statistics.digital_resources_new_tb.unit")),
        Indicator(id="views", label=label("table.statistics.views.label"),
                  path="statistics.views.value", unit=label("table.statistics.views.unit"), measure="views"),
        Indicator(id="downloads", label=label("table.statistics.downloads.label"),
                  path="statistics.downloads.value", unit=label("table.statistics.downloads.unit"), measure="downloads"),
        Indicator(id="circulation", label=label("table.statistics.circulation.label"),
                  path="statistics.circulation.value", unit=label("table.statistics.circulation.unit"), measure="circulation"),
    ]),
    Indicators(name="staff", caption=label("table.staff.caption"), file="staff", indicators=[
        Indicator(id="as_of", label=label("table.staff.as_of.label"), path="staff.as_of"),
        Indicator(id="headcount", label=label("table.staff.headcount.label"),
                  path="staff.headcount", unit=label("table.staff.headcount.unit")),
        Indicator(id="college_or_above_share",
                  label=label("table.staff.college_or_above_share.label"),
                  path="staff.college_or_above_share", unit=label("table.staff.college_or_above_share.unit")),
        Indicator(id="professional_posts", label=label("table.staff.professional_posts.label"),
                  path="staff.professional_posts", unit=label("table.staff.professional_posts.unit")),
        Indicator(id="professional_share",
                  label=label("table.staff.professional_share.label"),
                  path="staff.professional_share", unit=label("table.staff.professional_share.unit")),
    ]),
    Indicators(name="finance", caption=label("table.finance.caption"), file="finance",
               chart=ChartKind.FUNDING, notes=(
        Note(key="table.finance.note.central_fund", fields={"included": "expenditure_includes_central_fund"}),
        *[Note(key=f"table.finance.note.{part}_document",
               fields={key: f"{part}_document_{key}" for key in ("issuer", "title", "number")})
          for part in ("budget", "expenditure")],
    ), indicators=[
        Indicator(id="budget_total", label=label("table.finance.budget_total.label"),
                  path="finance.budget.total", unit=WAN_YUAN),
        Indicator(id="central_free_opening_fund",
                  label=label("table.finance.central_free_opening_fund.label"),
                  path="finance.central_free_opening_fund", unit=WAN_YUAN),
        Indicator(id="expenditure_total", label=label("table.finance.expenditure_total.label"),
                  path="finance.expenditure.total", unit=WAN_YUAN),
        Indicator(id="expenditure_includes_central_fund",
                  label=label("table.finance.expenditure_includes_central_fund.label"),
                  path="finance.expenditure.includes_central_fund"),
        *[Indicator(id=f"{part}_document_{key}",
                    label=label(f"table.finance.{part}_document_{key}.label"),
                    path=f"finance.{part}.document.{key}")
          for part in ("budget", "expenditure") for key in ("issuer", "title", "number")],
    ]),
    Indicators(name="profile", caption=label("table.profile.caption"), file="profile", indicators=[
        Indicator(id="floor_area", label=label("table.profile.floor_area.label"), path="profile.floor_area",
                  unit=label("table.profile.floor_area.unit")),
        Indicator(id="collection_wan", label=label("table.profile.collection_wan.label"), path="profile.collection_wan",
                  unit=label("table.profile.collection_wan.unit")),
        Indicator(id="terminals", label=label("table.profile.terminals.label"), path="profile.terminals",
                  unit=label("table.profile.terminals.unit")),
        Indicator(id="branches", label=label("table.profile.branches.label"),
                  path="profile.branches", unit=label("table.profile.branches.unit")),
        Indicator(id="service_points", label=label("table.profile.service_points.label"),
                  path="profile.service_points", unit=label("table.profile.service_points.unit")),
    ]),
    Records(name="chronicle", caption=label("table.chronicle.caption"), file="chronicle", records="chronicle.events"),
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
