"""Open data: each year's figures as CSV, JSON and a Frictionless Data Package.

CSV files are UTF-8 with a byte-order mark, so Excel on Chinese Windows opens
them correctly. Column names are English identifiers; datapackage.json gives
each column a title and description in both languages, taken from the schema.
The values are the validated YAML values, unformatted and at full precision.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .schema import BreakdownItem, KindCount, Measure, MoneyItem, Profile


@dataclass
class Table:
    name: str
    title: dict[str, str]
    fields: list[dict]            # Frictionless field descriptors: name, type, title, description
    rows: list[list] = field(default_factory=list)


def _f(name: str, kind: str, zh: str, en: str) -> dict:
    return {"name": name, "type": kind, "title": en, "description": f"{zh} / {en}",
            "titles": {"zh": zh, "en": en}}


def _described(model, name: str, kind: str) -> dict:
    """A field descriptor whose titles come from the schema's "中文 / English" description."""
    zh, _, en = (model.model_fields[name].description or name).partition(" / ")
    return _f(name, kind, zh, en or zh)


BREAKDOWN_FIELDS = [_described(BreakdownItem, "id", "string"), _f("label_zh", "string", "类别（中文）", "category (Chinese)"),
                    _f("label_en", "string", "类别（英文）", "category (English)"), _described(BreakdownItem, "count", "integer")]
MONEY_FIELDS = [_described(MoneyItem, "id", "string"), _f("name_zh", "string", "项目（中文）", "item (Chinese)"),
                _f("name_en", "string", "项目（英文）", "item (English)"),
                _f("amount_wan_yuan", "number", "金额（万元）", "amount (10,000 yuan)")]

TITLES = {
    "profile": ("图书馆概况", "Library profile"),
    "staff": ("人员概况", "Staff summary"),
    "finance": ("经费概况及文件依据", "Finance summary and documents"),
    "staff_education": ("在职职工按学历", "Staff by education"),
    "staff_roles": ("在职职工按岗位", "Staff by role"),
    "staff_employment": ("在职职工按用工形式", "Staff by employment type"),
    "staff_titles": ("专业技术人员按职称", "Professional staff by title"),
    "budget": ("本级财政预算", "District budget"),
    "expenditure": ("经费支出", "Spending"),
    "statistics": ("业务数据统计", "Service statistics"),
    "activities": ("全年活动按类别", "Activities by kind"),
    "chronicle": ("大事记", "Chronicle"),
}
# Which file a table or chart on the site comes from.
FILE_OF = {"education": "staff_education", "roles": "staff_roles", "employment": "staff_employment",
           "titles": "staff_titles", "budget": "budget", "expenditure": "expenditure",
           "statistics": "statistics", "activities": "activities", "chronicle": "chronicle", "profile": "profile"}


def tables(report, site=None) -> list[Table]:
    """Every table of one year's report."""
    from . import render, trends
    def title(name):
        zh, en = TITLES[name]
        return {"zh": zh, "en": en}
    out = []
    p = report.profile
    out.append(Table("profile", title("profile"),
                     [_f("indicator", "string", "指标", "indicator"), _f("description", "string", "说明", "description"),
                      _f("value", "number", "数值", "value")],
                     [[n, Profile.model_fields[n].description, getattr(p, n)] for n in Profile.model_fields]))
    s = report.staff
    indicator = [_f("indicator", "string", "指标", "indicator"), _f("value", "string", "数值", "value")]
    out.append(Table("staff", title("staff"), indicator,
                     [["as_of", str(s.as_of) if s.as_of else None], ["headcount", s.headcount],
                      ["college_or_above_share_percent", s.college_or_above_share],
                      ["professional_posts", s.professional_posts], ["professional_share_percent", s.professional_share]]))
    fin = report.finance
    out.append(Table("finance", title("finance"), indicator, [
        ["budget_total_wan_yuan", fin.budget.total], ["central_free_opening_fund_wan_yuan", fin.central_free_opening_fund],
        ["expenditure_total_wan_yuan", fin.expenditure.total],
        ["expenditure_includes_central_fund", fin.expenditure.includes_central_fund],
        *[[f"{part}_document_{k}_{lang}", getattr(getattr(getattr(fin, part).document, k), lang)]
          for part in ("budget", "expenditure") for k in ("issuer", "title", "number") for lang in ("zh", "en")]]))
    for dim in ("education", "roles", "employment", "titles"):
        out.append(Table(f"staff_{dim}", title(f"staff_{dim}"), BREAKDOWN_FIELDS,
                         [[i.id, i.label.zh, i.label.en, i.count] for i in getattr(s, dim)]))
    for part in ("budget", "expenditure"):
        items = getattr(report.finance, part).items
        out.append(Table(part, title(part), MONEY_FIELDS, [[i.id, i.name.zh, i.name.en, i.amount] for i in items]
                         + [["total", "合计", "Total", getattr(report.finance, part).total]]))
    st = report.statistics
    rows = [["new_acquisitions", st.new_acquisitions, None], ["per_capita_new_acquisitions", st.per_capita_new_acquisitions, None],
            ["digital_resources_total_tb", st.digital_resources.total_tb, None],
            ["digital_resources_new_tb", st.digital_resources.new_tb, None]]
    rows += [[m, getattr(st, m).value, trends.change_of(site, report.year, m) if site else getattr(st, m).change_percent]
             for m in trends.MEASURES]
    out.append(Table("statistics", title("statistics"),
                     [_f("indicator", "string", "指标", "indicator"), _described(Measure, "value", "number"),
                      _described(Measure, "change_percent", "number")], rows))
    a = report.activities
    out.append(Table("activities", title("activities"),
                     [_described(KindCount, "id", "string"), _f("name_zh", "string", "类别（中文）", "kind (Chinese)"),
                      _f("name_en", "string", "类别（英文）", "kind (English)"), _described(KindCount, "count", "integer")],
                     [[k.id, k.name.zh, k.name.en, k.count] for k in a.by_kind] + [["total", "合计", "Total", a.total]]))
    out.append(Table("chronicle", title("chronicle"),
                     [_f("date", "string", "日期", "date"), _f("end", "date", "结束日期", "last day"),
                      _f("title_zh", "string", "标题（中文）", "title (Chinese)"), _f("title_en", "string", "标题（英文）", "title (English)"),
                      _f("place_zh", "string", "地点（中文）", "place (Chinese)"), _f("place_en", "string", "地点（英文）", "place (English)"),
                      _f("account_zh", "string", "记述（中文）", "account (Chinese)"), _f("account_en", "string", "记述（英文）", "account (English)"),
                      _f("figures", "object", "记述中的数字", "figures in the account")],
                     [[str(e.date), str(e.end) if e.end else None, e.title.zh, e.title.en,
                       e.place.zh if e.place else None, e.place.en if e.place else None,
                       render.plain_event_text(e, "zh"), render.plain_event_text(e, "en"),
                       {k: v for k, v in e.figures.items()}] for e in report.chronicle.events]))
    return out


def _plain(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and value.as_tuple().exponent >= 0 else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return json.dumps(_plain(value), ensure_ascii=False)
    return str(value)


def csv_bytes(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([f["name"] for f in table.fields])
    for row in table.rows:
        writer.writerow([_cell(v) for v in row])
    return "\ufeff".encode("utf-8") + buffer.getvalue().encode("utf-8")


def json_bytes(table: Table) -> bytes:
    records = [dict(zip([f["name"] for f in table.fields], map(_plain, row))) for row in table.rows]
    return (json.dumps({"name": table.name, "title": table.title, "rows": records}, ensure_ascii=False,
                       indent=2) + "\n").encode("utf-8")


def datapackage(year: int, library_name: dict, all_tables: list[Table]) -> bytes:
    package = {
        "profile": "data-package", "name": f"annual-report-{year}",
        "title": f"{library_name['zh']} {year} 年年报数据 / {library_name['en']} annual report {year}: data",
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                      "title": "Creative Commons Attribution 4.0"}],
        "resources": [{
            "name": table.name, "path": f"{table.name}.csv", "format": "csv", "mediatype": "text/csv",
            "encoding": "utf-8-sig", "title": f"{table.title['zh']} / {table.title['en']}",
            "schema": {"fields": [{k: v for k, v in f.items() if k != "titles"} | {"titles": f["titles"]}
                                  for f in table.fields]},
        } for table in all_tables],
    }
    return (json.dumps(package, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def files(report, site, library_name: dict) -> dict[str, bytes]:
    """File name -> content for downloads/<year>/."""
    all_tables = tables(report, site)
    out = {}
    for table in all_tables:
        out[f"{table.name}.csv"] = csv_bytes(table)
        out[f"{table.name}.json"] = json_bytes(table)
    out["datapackage.json"] = datapackage(report.year, library_name, all_tables)
    return out


def write(site_dir: Path, report, site, library_name: dict) -> list[Path]:
    folder = site_dir / "downloads" / str(report.year)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in files(report, site, library_name).items():
        (folder / name).write_bytes(content)
        written.append(folder / name)
    return written
