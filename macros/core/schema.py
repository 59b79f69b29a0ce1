"""The data model of a year's report: the single source of truth.

The validator, the JSON Schema that editors use and the field reference are
all derived from these classes. Each file in ``data/<year>/`` maps to one
topic model below (see ``TOPICS``); ``data/library.yaml`` maps to Library.

Every field must be present in the file. A field may be left empty only in a
draft year (``report.yaml: draft: true``): the completeness check in
``checks.py`` lists empty fields as to-do items there and as errors elsewhere.
"""
from __future__ import annotations

import datetime as dt
import re
import typing
from decimal import Decimal
from typing import Annotated, Any, Optional

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema
from pydantic_core import PydanticCustomError


class Strict(BaseModel):
    # Unknown keys are errors: a misspelt key must never drop a figure silently.
    model_config = ConfigDict(extra="forbid", frozen=True)


def _number(value: Any) -> Any:
    # YAML reads 1.5 as Decimal (see load.py) and 2 as int; anything else is a mistake.
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    raise PydanticCustomError("number", "a number")


def _count(value: Any) -> Any:
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    raise PydanticCustomError("whole_number", "a whole number")  # 18.5, "十八", true …


def _text(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, Decimal, dt.date)) and not isinstance(value, bool):
        return str(value)  # a name such as 2020 read as a number is still text
    raise PydanticCustomError("text", "text")


def _event_date(value: Any) -> Any:
    if value is None or isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}", value.strip()):
        year, month = map(int, value.strip().split("-"))
        if 1 <= month <= 12:
            return MonthOnly(year, month)
    raise PydanticCustomError("event_date", "a date")


class MonthOnly(str):
    """An event date known only to the month, such as ``2020-05``."""

    def __new__(cls, year: int, month: int):
        obj = super().__new__(cls, f"{year:04d}-{month:02d}")
        obj.year, obj.month = year, month
        return obj


# The JSON Schema that editors use says what staff may type in YAML: numbers as
# numbers (YAML has no decimals type), dates as YYYY-MM-DD.
Count = Optional[Annotated[int, BeforeValidator(_count), Field(ge=0),
                           WithJsonSchema({"type": "integer", "minimum": 0})]]
Amount = Optional[Annotated[Decimal, BeforeValidator(_number), Field(ge=0),
                            WithJsonSchema({"type": "number", "minimum": 0})]]
SignedAmount = Optional[Annotated[Decimal, BeforeValidator(_number), WithJsonSchema({"type": "number"})]]
Percent = Optional[Annotated[Decimal, BeforeValidator(_number), Field(ge=0, le=100),
                             WithJsonSchema({"type": "number", "minimum": 0, "maximum": 100})]]
Month = Optional[Annotated[int, BeforeValidator(_count), Field(ge=1, le=12),
                           WithJsonSchema({"type": "integer", "minimum": 1, "maximum": 12})]]
Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
PlainText = Optional[Annotated[str, BeforeValidator(_text)]]
EventDate = Optional[Annotated[Any, BeforeValidator(_event_date), WithJsonSchema(
    {"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$"})]]


class Text(Strict):
    """A text in both languages. ``en`` may wait for its translation in a draft."""

    zh: PlainText = Field(description="中文 / Chinese")
    en: PlainText = Field(default=None, description="英文 / English")


# ---------------------------------------------------------------- library

class Library(Strict):
    name: Text = Field(description="馆名 / the library's name")
    district: Text = Field(description="所在区县 / district")
    address: Text = Field(description="馆址 / address")


# ---------------------------------------------------------------- topics

class ReportMeta(Strict):
    draft: bool = Field(description="草稿：true 时不发布 / a draft is never published")


class Profile(Strict):
    floor_area: Count = Field(description="馆舍建筑面积，平方米 / floor area, m²")
    collection_wan: Amount = Field(description="现有藏书，万册 / holdings, in 10,000 volumes")
    terminals: Count = Field(description="计算机终端，台 / computer terminals")
    branches: Count = Field(description="乡镇（街道）分馆，个 / township branches")
    service_points: Count = Field(description="村（社区）图书服务点，个 / village service points")


class BreakdownItem(Strict):
    id: Identifier = Field(description="英文标识，用于程序引用 / identifier used by macros")
    label: Text = Field(description="类别名称 / category name")
    count: Count = Field(description="人数 / number of people")


class EducationItem(BreakdownItem):
    college_or_above: bool = Field(description="是否属于大学专科及以上学历 / counts as college or above")


class Staff(Strict):
    as_of: Optional[dt.date] = Field(description="统计截止日期 / figures as of")
    headcount: Count = Field(description="在职职工（不含分馆），人 / staff in post")
    education: list[EducationItem] = Field(description="按学历 / by education")
    college_or_above_share: Percent = Field(description="大学专科及以上学历占比，% / share with college or above")
    roles: list[BreakdownItem] = Field(description="按岗位 / by role")
    employment: list[BreakdownItem] = Field(description="按用工形式 / by employment type")
    titles: list[BreakdownItem] = Field(description="按专业技术职称 / by professional title")
    professional_posts: Count = Field(description="专业技术岗位，个 / professional posts")
    professional_share: Percent = Field(description="专业技术人员占比，% / share of professionals")


class FinanceDocument(Strict):
    issuer: Text = Field(description="发文机关 / issuing body")
    title: Text = Field(description="文件标题 / title")
    number: Text = Field(description="文号 / reference number")


class MoneyItem(Strict):
    id: Identifier = Field(description="英文标识 / identifier")
    name: Text = Field(description="项目名称 / item name")
    amount: Amount = Field(description="金额，万元 / amount in 万元")


class Budget(Strict):
    document: FinanceDocument
    total: Amount = Field(description="预算合计，万元 / budget total in 万元")
    items: list[MoneyItem]


class Expenditure(Strict):
    document: FinanceDocument
    total: Amount = Field(description="支出合计，万元 / spending total in 万元")
    includes_central_fund: bool = Field(description="合计是否包含中央免费开放资金 / total includes the central fund")
    items: list[MoneyItem]


class Finance(Strict):
    budget: Budget
    central_free_opening_fund: Amount = Field(description="中央下拨免费开放资金，万元 / central free-opening fund")
    expenditure: Expenditure


class Measure(Strict):
    value: Count = Field(description="本年数值 / this year's value")
    # May be left empty when data/<year - 1>/ exists: the change is then computed.
    change_percent: SignedAmount = Field(default=None, description="较上年变化，%，下降为负；有上一年数据时可留空 / change on the previous year, %; may be empty when the previous year's data exists")


class DigitalResources(Strict):
    total_tb: Amount = Field(description="数字资源总量，TB / held, TB")
    new_tb: Amount = Field(description="本年新增，TB / added this year, TB")


class Statistics(Strict):
    new_acquisitions: Count = Field(description="新增文献入藏量，册 / volumes added")
    per_capita_new_acquisitions: Amount = Field(description="人均新增文献入藏量，册 / volumes added per inhabitant")
    digital_resources: DigitalResources
    views: Measure = Field(description="馆藏数字资源浏览量，次 / views")
    downloads: Measure = Field(description="馆藏数字资源下载量，次 / downloads")
    circulation: Measure = Field(description="本馆流通人次 / visits")


class KindCount(Strict):
    id: Identifier = Field(description="英文标识 / identifier")
    name: Text = Field(description="活动类别 / kind of activity")
    count: Count = Field(description="场次 / events")


class Closure(Strict):
    months: Count = Field(description="闭馆月数 / months closed")
    reopened_month: Month = Field(description="开馆月份 / month of reopening")


class Activities(Strict):
    total: Count = Field(description="各类活动，场次 / events of all kinds")
    by_kind: list[KindCount] = Field(description="按类别 / by kind")
    participants_at_least: Count = Field(description="参与读者（至少），人 / readers taking part, at least")
    closure: Closure


class Event(Strict):
    date: EventDate = Field(description="日期，如 2020-05-18 或 2020-05 / date")
    end: Optional[dt.date] = Field(default=None, description="结束日期（可省略）/ last day (optional)")
    title: Text = Field(description="标题 / title")
    place: Optional[Text] = Field(default=None, description="地点 / place")
    description: Text = Field(description="记述，{date} 处填入日期 / account; {date} marks the date")
    figures: dict[Identifier, Amount] = Field(default_factory=dict, description="记述中引用的数字 / figures used in the account")


class Chronicle(Strict):
    events: list[Event] = Field(description="大事记条目 / events")


def model_inside(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds, through Optional[...] and list[...]: list[MoneyItem] -> MoneyItem."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = model_inside(arg)
        if found is not None:
            return found
    return None


TOPICS: dict[str, type[Strict]] = {
    "report": ReportMeta,
    "profile": Profile,
    "staff": Staff,
    "finance": Finance,
    "statistics": Statistics,
    "activities": Activities,
    "chronicle": Chronicle,
}
