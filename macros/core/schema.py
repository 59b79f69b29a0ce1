"""The data model of a year's report: the single source of truth.

The validator, the JSON Schema that editors use, the scaffold of a new year and the
field reference in the editing guide are all derived from these classes. Each file in
``data/<year>/`` maps to one topic model (see ``TOPICS``); ``data/library.yaml`` maps
to Library.

Two kinds of field:
- a *required* field is always written in the file. It may be left empty while the
  year is a draft (``report.yaml: draft: true``); ``make check`` lists it as still to
  fill, and a finished year with an empty field is refused;
- an *optional part* (``default=None`` below) is one a real year may lack: a closure,
  the central fund, a breakdown that was not collected. Leave it out of the file, and
  the chapters and tables go without it.
"""
from __future__ import annotations

import datetime as dt
import re
import typing
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any, Optional

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, ValidationError,
                      WithJsonSchema, computed_field, model_validator)
from pydantic_core import InitErrorDetails, PydanticCustomError

from .languages import LANGUAGES


class Strict(BaseModel):
    # Unknown keys are errors: a misspelt key must never drop a figure silently.
    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="wrap")
    @classmethod
    def _computed_not_typed(cls, data: Any, handler):
        """A figure the data computes (a computed field below) typed in a file, as files before it
        was computed had it: refused at its line, telling staff to delete it, with the file's other
        problems."""
        typed = [name for name in cls.model_computed_fields if isinstance(data, dict) and name in data]
        if not typed:
            return handler(data)
        errors = [InitErrorDetails(type=PydanticCustomError("computed", "{zh} / {en}", _computed_message(cls, name)),
                                   loc=(name,), input=data[name]) for name in typed]
        try:
            handler({key: value for key, value in data.items() if key not in typed})
        except ValidationError as err:
            errors += [InitErrorDetails(type=PydanticCustomError(e["type"], e["msg"], e.get("ctx")), loc=e["loc"],
                                        input=e.get("input")) for e in err.errors()]
        raise ValidationError.from_exception_data(cls.__name__, errors)

    @model_validator(mode="after")
    def _lists_know_their_place(self):
        """Each named list of a topic file learns its dotted place (finance.budget.items), for the
        message that names it when a chapter quotes an item it does not have."""
        topic = next((name for name, model in TOPICS.items() if model is type(self)), None)
        if topic is not None:
            _place_lists(self, topic)
        return self


def _computed_message(model: type[BaseModel], name: str) -> dict[str, str]:
    how_zh, _, how_en = (model.model_computed_fields[name].description or "").partition(" / ")
    return {"zh": f"删去这一行：{name} 现在由数据自动计算（{how_zh}），不再填写",
            "en": f"delete this line: {name} is now computed from the data ({how_en or how_zh}) and no longer typed"}


def _place_lists(model: BaseModel, place: str) -> None:
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, Named):
            value._place = f"{place}.{name}"
        for inner in value if isinstance(value, list) else [value]:
            if isinstance(inner, BaseModel):
                _place_lists(inner, f"{place}.{name}")


# ------------------------------------------------------------ lists quoted by name

class Named(list):
    """列表中的一项按它的 id 引用，不依赖顺序：{{ finance.budget.items.epidemic_prevention.amount | money }}。
    One item of a list by its id, whatever its place: {{ finance.budget.items.epidemic_prevention.amount | money }}.

    A list whose items have ids (budget items, staff by title, activities by kind): an attribute
    the list itself lacks is the item with that id, as chapters write it through Jinja's sandbox
    (core/sandbox.py: an attribute, never a method)."""

    _place = ""   # where the list is in its topic file: finance.budget.items

    def __getattr__(self, name: str):
        # only a name the list lacks reaches here; Python's own (_…) are never an id (NAME_PATTERN)
        found = None if name.startswith("_") else item_named(self, name)
        if found is None:
            raise AttributeError(name)
        return found

    def __getitem__(self, key):
        if isinstance(key, str):   # items["epidemic_prevention"]
            found = item_named(self, key)
            if found is None:
                raise KeyError(key)
            return found
        return super().__getitem__(key)


def item_named(items: list, name: str) -> Any:
    """The item of *items* whose id is *name*, or None."""
    return next((item for item in items if getattr(item, "id", None) == name), None)


def named_place(items: Named) -> str:
    """Where a named list is in its topic file, as staff find it: finance.budget.items."""
    return items._place


def item_ids(items: list) -> list[str]:
    """The ids of *items*, in their order (an item not yet named, in a draft, has none)."""
    return [item.id for item in items if getattr(item, "id", None)]


def _named(item: type) -> Any:
    """A list of *item*, each of which a chapter may quote by its id (see Named)."""
    return Annotated[list[item], AfterValidator(Named)]


def _percent(part: int, whole: int) -> Decimal:
    """part ÷ whole × 100, rounded half up to 2 decimals (as figures.share rounds; figures.py comes
    after the schema), trailing zeros dropped: 100, 72.73, 12.5."""
    value = (Decimal(part) / Decimal(whole) * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


# ------------------------------------------------------------ figures staff type

_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９．，－＋", "0123456789.,-+")


def _number_mistake(value: str) -> PydanticCustomError | None:
    """A figure typed the wrong way, and how to type it (see validate._EXPECTED); None when the
    text is no figure at all."""
    text = value.strip()
    if text != text.translate(_FULLWIDTH_DIGITS):
        return PydanticCustomError("number_fullwidth", "half-width digits", {"plain": text.translate(_FULLWIDTH_DIGITS)})
    if re.fullmatch(r"[-+]?\d{1,3}([,_]\d{3})+(\.\d+)?", text):
        return PydanticCustomError("number_grouped", "digits only", {"plain": re.sub(r"[,_]", "", text)})
    if re.fullmatch(r"[-+]?\d+(\.\d+)?\s*%", text):
        return PydanticCustomError("number_percent", "without %", {"plain": text.rstrip("% ")})
    if re.fullmatch(r"0[xXoObB][0-9a-fA-F_]+", text):
        return PydanticCustomError("number_base", "a decimal number", {})
    # load.py reads 1e5 as text: a figure is written out, never made by an exponent (1e-999999999)
    if re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)[eE][-+]?\d+", text):
        return PydanticCustomError("number_exponent", "without an exponent", {})
    return None


@dataclass(frozen=True)
class Quantity:
    """A kind of figure: the range a library's year can really have, the decimals a report
    publishes, and what staff are told to type (validate.py words each refusal with it).
    A figure outside its range is a typing mistake, refused before any arithmetic."""

    name: str
    whole: bool
    lowest: int
    highest: int
    zh: str
    en: str
    decimals: int = 4   # of a figure that need not be whole: 0.1396 volumes per inhabitant

    def holds(self, number: int | Decimal) -> bool:
        if isinstance(number, Decimal) and (self.whole or not number.is_finite()):
            return False   # 18.5 people
        decimals = 0 if isinstance(number, int) else max(0, -number.as_tuple().exponent)
        return self.lowest <= number <= self.highest and decimals <= self.decimals

    def check(self, value: Any) -> Any:
        """*value* as YAML read it (see load.py), or the error that tells staff how to type it."""
        if value is None:
            return None
        mistake = _number_mistake(value) if isinstance(value, str) else None
        if mistake is not None:
            raise mistake
        number = value if isinstance(value, (int, Decimal)) and not isinstance(value, bool) else None
        if number is None or not self.holds(number):   # 十八, true, -3, 1000000000
            raise PydanticCustomError("figure", "{quantity}", {"quantity": self.name})
        return number if self.whole else Decimal(number)


# The ceilings stand far above the largest library's year (the National Library of China:
# about 4 000 万册 held, 300 000 万元 spent), and far below what could slow a build down.
QUANTITIES = {q.name: q for q in (
    Quantity("count", True, 0, 999_999_999, "0 到 999999999 之间的整数，如 45067",
             "a whole number from 0 to 999999999, such as 45067"),
    Quantity("months", True, 0, 12, "0 到 12 之间的整数（月数），如 2", "a whole number of months from 0 to 12, such as 2"),
    Quantity("month", True, 1, 12, "1 到 12 之间的整数（月份），如 4", "a month from 1 to 12, such as 4"),
    Quantity("amount", False, 0, 999_999_999, "0 到 999999999 之间的数，最多 4 位小数，如 16.19",
             "a number from 0 to 999999999 with at most 4 decimals, such as 16.19"),
    Quantity("money", False, 0, 1_000_000, "以万元为单位、0 到 1000000 之间的金额，最多 4 位小数，如 168.52",
             "an amount in 万元 from 0 to 1000000 with at most 4 decimals, such as 168.52"),
    Quantity("percent", False, 0, 100, "0 到 100 之间的百分数（不加 %），最多 4 位小数，如 72.73",
             "a percentage from 0 to 100 (without %) with at most 4 decimals, such as 72.73"),
    Quantity("change", False, -100, 100_000, "-100 到 100000 之间的变化率（%，下降为负，不加 %），最多 4 位小数，如 -8.85",
             "a change in % from -100 to 100000 (negative for a fall, without %) with at most 4 decimals, "
             "such as -8.85"),
)}


def _figure(name: str) -> Any:
    """The field type of a kind of figure. The JSON Schema that editors use says what staff
    may type in YAML: numbers as numbers (YAML has no decimals type), and their range."""
    quantity = QUANTITIES[name]
    return Optional[Annotated[int if quantity.whole else Decimal, BeforeValidator(quantity.check), WithJsonSchema(
        {"type": ["integer" if quantity.whole else "number", "null"],
         "minimum": quantity.lowest, "maximum": quantity.highest})]]


Count = _figure("count")        # people, events, volumes, visits, m²
Months = _figure("months")      # a length of time in months
Month = _figure("month")        # a month of the year
Amount = _figure("amount")      # 万册, TB, volumes per inhabitant, an event's figures
Money = _figure("money")        # 万元
Percent = _figure("percent")    # a share
Change = _figure("change")      # a change on the previous year, %


# ------------------------------------------------------------ texts staff type

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


YesNo = Optional[Annotated[StrictBool, WithJsonSchema({"type": ["boolean", "null"]})]]
# Text of a set shape, each with what staff are told when a value does not have it.
NAME_PATTERN = r"^[a-z][a-z0-9_]*$"
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
EMAIL_PATTERN = r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$"
# A picture's path under docs/, folder by folder: no part may start with a dot (so no ..) and
# none holds a colon (so no https: or C:), nor a backslash, nor what a web address would read.
_PART = r'[^\s/\\:?#%*"<>|.][^\s/\\:?#%*"<>|]*'
PHOTO_PATTERN = rf"^({_PART}/)*{_PART}\.([jJ][pP][eE]?[gG]|[pP][nN][gG]|[wW][eE][bB][pP]|[gG][iI][fF])$"
PATTERNS = {
    NAME_PATTERN: ("英文小写字母、数字和下划线组成的标识，如 reader_services",
                   "an identifier of lower-case letters, digits and underscores, such as reader_services"),
    SLUG_PATTERN: ("英文小写字母、数字和连字符组成的简称，如 anju-library",
                   "a short name of lower-case letters, digits and hyphens, such as anju-library"),
    EMAIL_PATTERN: ("电子邮箱地址，如 library@example.org", "an email address such as library@example.org"),
    PHOTO_PATTERN: ("docs/ 文件夹中图片（.jpg、.png、.webp 或 .gif）的路径，如 2020/photos/reading-day.jpg"
                    "（不能是网址，不以 / 开头，不含 .. 和空格）",
                    "the path of a picture (.jpg, .png, .webp or .gif) in the docs/ folder, such as "
                    "2020/photos/reading-day.jpg (not a web address, not starting with /, no .. and no spaces)"),
}
Name = Annotated[str, Field(pattern=NAME_PATTERN)]   # an English identifier: reader_services
Identifier = Optional[Name]
PlainText = Optional[Annotated[str, BeforeValidator(_text)]]
# Published from this project, never from elsewhere; checks.py finds the file itself.
PhotoPath = Optional[Annotated[str, Field(pattern=PHOTO_PATTERN)]]
# Dates as YYYY-MM-DD in the JSON Schema editors use.
EventDate = Optional[Annotated[Any, BeforeValidator(_event_date), WithJsonSchema(
    {"type": ["string", "null"], "pattern": r"^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$"})]]


class Text(Strict):
    """A text in the report's languages: Chinese, English, and any other language declared
    (languages.yaml) under its code. ``en`` may wait for its translation in a draft."""

    model_config = ConfigDict(extra="allow", frozen=True)
    __pydantic_extra__: dict[str, PlainText]

    zh: PlainText = Field(description="中文 / Chinese")
    en: PlainText = Field(default=None, description="英文 / English")

    def __getattr__(self, name: str):
        """A declared language the text is not written in reads None, as en does."""
        try:
            return super().__getattr__(name)
        except AttributeError:
            if name in LANGUAGES:
                return None
            raise

    @model_validator(mode="wrap")
    @classmethod
    def _declared_languages(cls, data: Any, handler):
        """A key beside zh and en is a declared language's code: any other is refused at its line."""
        unknown = [key for key in data if key not in LANGUAGES] if isinstance(data, dict) else []
        if not unknown:
            return handler(data)
        codes = "、".join(LANGUAGES)
        raise ValidationError.from_exception_data(cls.__name__, [InitErrorDetails(
            type=PydanticCustomError("language", "{zh} / {en}", {
                "zh": f"{key} 不是已声明的语言代码；可用：{codes}（新语言在 data/languages.yaml 中声明）",
                "en": f"{key} is not a declared language code; the codes allowed: {', '.join(LANGUAGES)} "
                      "(a new language is declared in data/languages.yaml)"}),
            loc=(key,), input=data[key]) for key in unknown])


# ---------------------------------------------------------------- library

class Statement(Strict):
    """The accessibility statement's own facts (docs/accessibility.md says them through macros)."""
    prepared: Optional[dt.date] = Field(default=None, description=(
        "无障碍说明的编写日期，如 2026-11-30 / the date the accessibility statement was prepared, such as 2026-11-30"))
    reviewed: Optional[dt.date] = Field(default=None, description=(
        "无障碍说明最近一次复核的日期（可省略）/ the date it was last reviewed (optional)"))
    reply_working_days: Count = Field(default=None, description=(
        "收到其他格式或无障碍问题的请求后，几个工作日内答复（可省略）"
        " / within how many working days a request for another format or a reported problem is answered (optional)"))


class Library(Strict):
    name: Text = Field(description="馆名 / the library's name")
    slug: Optional[Annotated[str, Field(pattern=SLUG_PATTERN)]] = Field(
        default=None, description="下载文件名中的英文简称，如 anju-library（可省略）/ the short name in download file names (optional)")
    district: Text = Field(description="所在区县 / district")
    address: Text = Field(description="馆址 / address")
    telephone: PlainText = Field(default=None, description="咨询电话（可省略）/ enquiries telephone (optional)")
    email: Optional[Annotated[str, Field(pattern=EMAIL_PATTERN)]] = Field(
        default=None, description="联系邮箱（可省略），如 library@example.org / enquiries email (optional)")
    opening_hours: Optional[Text] = Field(default=None, description="开放时间（可省略）/ opening hours (optional)")
    beian: PlainText = Field(default=None, description="网站备案号，如 川ICP备…号（可省略）/ the site's ICP record number (optional)")
    accessibility: Optional[Statement] = Field(default=None, description=(
        "无障碍说明的编写、复核日期和答复时限（可省略）/ the accessibility statement's dates and answering time (optional)"))


# ---------------------------------------------------------------- topics

class ReportMeta(Strict):
    draft: StrictBool = Field(description="草稿：true 时不发布，完成后改为 false / a draft (true) is never published; false when finished")
    # The year's "last updated" date, when staff state it (core/build_date.py); else its last commit.
    updated: Optional[dt.date] = Field(default=None, description=(
        "最后更新日期（可省略），如 2021-03-31：本年网页页脚、PDF 和网站地图写这一天；省略时取本年数据或章节最后一次提交的日期"
        " / last updated (optional), such as 2021-03-31: the date the year's footers, PDFs and sitemap give; "
        "without it, the last commit of the year's data or chapters"))


class Profile(Strict):
    floor_area: Count = Field(default=None, description="馆舍建筑面积，平方米 / floor area, m²")
    collection_wan: Amount = Field(default=None, description="现有藏书，万册 / holdings, in 10,000 volumes")
    terminals: Count = Field(default=None, description="计算机终端，台 / computer terminals")
    branches: Count = Field(default=None, description="乡镇（街道）分馆，个 / township branches")
    service_points: Count = Field(default=None, description="村（社区）图书服务点，个 / village service points")


class BreakdownItem(Strict):
    id: Identifier = Field(description="英文标识，用于程序引用 / identifier used by macros")
    label: Text = Field(description="类别名称 / category name")
    count: Count = Field(description="人数 / number of people")


class EducationItem(BreakdownItem):
    college_or_above: YesNo = Field(default=None, description="是否属于大学专科及以上学历 / counts as college or above")


class Staff(Strict):
    as_of: Optional[dt.date] = Field(description="统计截止日期 / figures as of")
    headcount: Count = Field(description="在职职工（不含分馆），人 / staff in post")
    education: Optional[_named(EducationItem)] = Field(default=None, description="按学历（可省略）/ by education (optional)")
    roles: Optional[_named(BreakdownItem)] = Field(default=None, description="按岗位（可省略）/ by role (optional)")
    employment: Optional[_named(BreakdownItem)] = Field(default=None, description="按用工形式（可省略）/ by employment type (optional)")
    titles: Optional[_named(BreakdownItem)] = Field(default=None, description="按专业技术职称（可省略）/ by professional title (optional)")
    professional_posts: Count = Field(default=None, description="专业技术岗位，个 / professional posts")

    # Shares the counts above define are computed, never typed (a typed one could only repeat them,
    # or contradict them); a file that still has one is told to delete the line (Strict).
    @computed_field(description="按学历中标为 college_or_above 的人数 ÷ headcount / "
                                "the education counts marked college_or_above ÷ headcount")
    @property
    def college_or_above_share(self) -> Optional[Decimal]:
        """大学专科及以上学历占比，%；None when the year has no education breakdown or a count is still empty."""
        counts = [(e.count, e.college_or_above) for e in self.education or []]
        if not counts or not self.headcount or any(count is None for count, _ in counts):
            return None
        return _percent(sum(count for count, college in counts if college), self.headcount)

    @computed_field(description="各职称人数之和 ÷ professional_posts / the title counts ÷ professional_posts")
    @property
    def professional_share(self) -> Optional[Decimal]:
        """专业技术人员占比，%：posts held by titled staff; None without titles or while a count is empty."""
        counts = [t.count for t in self.titles or []]
        if not counts or not self.professional_posts or any(count is None for count in counts):
            return None
        return _percent(sum(counts), self.professional_posts)


class FinanceDocument(Strict):
    issuer: Text = Field(description="发文机关 / issuing body")
    title: Text = Field(description="文件标题 / title")
    number: Text = Field(description="文号 / reference number")


class MoneyItem(Strict):
    id: Identifier = Field(description="英文标识 / identifier")
    name: Text = Field(description="项目名称 / item name")
    amount: Money = Field(description="金额，万元 / amount in 万元")


class Budget(Strict):
    document: Optional[FinanceDocument] = Field(default=None, description="文件依据（可省略）/ the budget notice (optional)")
    total: Money = Field(description="预算合计，万元 / budget total in 万元")
    items: Optional[_named(MoneyItem)] = Field(default=None, description="预算各项（可省略）/ items (optional)")


class Expenditure(Strict):
    document: Optional[FinanceDocument] = Field(default=None, description="文件依据（可省略）/ the final accounts (optional)")
    total: Money = Field(description="支出合计，万元 / spending total in 万元")
    includes_central_fund: YesNo = Field(default=None, description="合计是否包含中央免费开放资金 / total includes the central fund")
    items: Optional[_named(MoneyItem)] = Field(default=None, description="支出各项（可省略）/ items (optional)")


class Finance(Strict):
    budget: Optional[Budget] = Field(default=None, description="本级财政预算（可省略）/ the district budget (optional)")
    central_free_opening_fund: Money = Field(default=None, description="中央下拨免费开放资金，万元（可省略）/ central free-opening fund (optional)")
    expenditure: Optional[Expenditure] = Field(default=None, description="经费支出（可省略）/ spending (optional)")


class Measure(Strict):
    value: Count = Field(description="本年数值 / this year's value")
    # May be left empty when data/<year - 1>/ exists: the change is then computed.
    change_percent: Change = Field(default=None, description="较上年变化，%，下降为负；有上一年数据时可留空 / change on the previous year, %; may be empty when the previous year's data exists")


class DigitalResources(Strict):
    total_tb: Amount = Field(description="数字资源总量，TB / held, TB")
    new_tb: Amount = Field(default=None, description="本年新增，TB / added this year, TB")


class Statistics(Strict):
    new_acquisitions: Count = Field(default=None, description="新增文献入藏量，册 / volumes added")
    per_capita_new_acquisitions: Amount = Field(default=None, description="人均新增文献入藏量，册 / volumes added per inhabitant")
    digital_resources: Optional[DigitalResources] = Field(default=None, description="数字资源（可省略）/ digital resources (optional)")
    views: Optional[Measure] = Field(default=None, description="馆藏数字资源浏览量，次 / views")
    downloads: Optional[Measure] = Field(default=None, description="馆藏数字资源下载量，次 / downloads")
    circulation: Optional[Measure] = Field(default=None, description="本馆流通人次 / visits")


class KindCount(Strict):
    id: Identifier = Field(description="英文标识 / identifier")
    name: Text = Field(description="活动类别 / kind of activity")
    count: Count = Field(description="场次 / events")


class Closure(Strict):
    months: Months = Field(description="闭馆月数 / months closed")
    reopened_month: Month = Field(default=None, description="开馆月份（可省略）/ month of reopening (optional)")


class Activities(Strict):
    total: Count = Field(description="各类活动，场次 / events of all kinds")
    by_kind: Optional[_named(KindCount)] = Field(default=None, description="按类别（可省略）/ by kind (optional)")
    participants_at_least: Count = Field(default=None, description="参与读者（至少），人 / readers taking part, at least")
    closure: Optional[Closure] = Field(default=None, description="闭馆（没有闭馆的年份省略）/ a closure (leave out in a year without one)")


class Event(Strict):
    date: EventDate = Field(description="日期，如 2020-05-18 或 2020-05 / date")
    end: Optional[dt.date] = Field(default=None, description="结束日期（可省略）/ last day (optional)")
    title: Text = Field(description="标题 / title")
    place: Optional[Text] = Field(default=None, description="地点（可省略）/ place (optional)")
    description: Text = Field(description="记述，{date} 处填入日期 / account; {date} marks the date")
    figures: dict[Name, Amount] = Field(default_factory=dict, description="记述中引用的数字 / figures used in the account")
    photo: PhotoPath = Field(default=None, description="照片，docs/ 下的路径，如 2020/photos/reading-day.jpg（可省略）/ a photo, its path under docs/ (optional)")
    photo_alt: Optional[Text] = Field(default=None, description="照片的文字说明（有照片时必填）/ the photo's text alternative")


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


def holds_list(annotation: Any) -> bool:
    """Whether a field holds a list, through Optional[...] and Annotated[...]: Optional[list[MoneyItem]] -> True."""
    if typing.get_origin(annotation) is list:
        return True
    if typing.get_origin(annotation) is Annotated:
        return holds_list(typing.get_args(annotation)[0])
    return any(holds_list(arg) for arg in typing.get_args(annotation) if arg is not type(None)) \
        if typing.get_origin(annotation) is typing.Union else False


TOPICS: dict[str, type[Strict]] = {
    "report": ReportMeta,
    "profile": Profile,
    "staff": Staff,
    "finance": Finance,
    "statistics": Statistics,
    "activities": Activities,
    "chronicle": Chronicle,
}
