"""A table is declared once, in the registry (macros/core/tables.py): one more entry, and a
chapter can show it as a table, a chart and a sentence, and it is downloaded and described in
the data package. Here an entry is added the way a developer adds one, in a real build.

A figure the data defines (a share of a breakdown) is computed, never typed: the table, the
chapter and the download show it, and a file that still types it is told to delete the line."""
from __future__ import annotations

import csv
import io
import re
import json
import shutil
import subprocess
import sys
import textwrap
from decimal import Decimal

import pytest
import yaml

from conftest import FIXTURES, ROOT, copy_project, edit, line_of, page_text
from macros.core import opendata, tables
from macros.core.problems import DataError
from macros.core.validate import load_site
from test_chapters import render

ENTRY = """
from macros.core import tables
tables.TABLES.append(tables.Breakdown(
    name="readers", caption={"zh": "读者服务岗位", "en": "Reader-service posts"}, file="staff_readers",
    category={"zh": "岗位", "en": "Post"}, unit=tables.PEOPLE, items="staff.roles", whole="staff.headcount",
    items_called={"zh": "读者服务岗位人数", "en": "reader-service counts"}))
"""


def test_one_registry_entry_gives_a_table_a_chart_a_sentence_a_download_and_its_description(tmp_path):
    project = copy_project(tmp_path / "project", "archive")
    chapter = project / "docs/2020/figures.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + textwrap.dedent("""
        岗位：{{ listing("readers") }}。

        {{ table("readers") }}

        {{ chart("readers") }}
        """), encoding="utf-8")
    site = tmp_path / "site"
    boot = (f"import sys; sys.path.insert(0, {str(project)!r})\n{ENTRY}\n"
            "from mkdocs.__main__ import cli\n"
            f"cli(['build', '--strict', '--site-dir', {str(site)!r}])\n")
    result = subprocess.run([sys.executable, "-c", boot], cwd=project, capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "REPORT_PDF": "0", "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stdout + result.stderr
    text = page_text(site, "2020/figures/index.html")
    assert "岗位：读者服务 7 人，行政 3 人。" in text and "读者服务岗位" in text
    source = (site / "2020/figures/index.html").read_text(encoding="utf-8")
    assert 'id="figure-readers"' in source and 'href="../../downloads/2020/staff_readers.csv"' in source
    rows = list(csv.DictReader(io.StringIO((site / "downloads/2020/staff_readers.csv").read_text(encoding="utf-8-sig"))))
    assert [(r["id"], r["count"]) for r in rows] == [("readers", "7"), ("office", "3"), ("total", "10")]
    package = json.loads((site / "downloads/2020/datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in package["resources"] if r["name"] == "staff_readers")
    assert resource["title"] == "读者服务岗位 / Reader-service posts"
    # a year without the part has no such download
    assert not (site / "downloads/2019/staff_readers.csv").exists()


# ------------------------------------------------------------ figures the data computes

def test_the_shares_the_counts_define_are_computed_shown_and_downloaded(project):
    """A share of a breakdown is no figure staff type: it is computed from the counts, shown where
    the chapter quotes it and in the staff table and its download."""
    staff = project / "data/2020/staff.yaml"
    edit(staff, "count: 5\n    college_or_above: true", "count: 5\n    college_or_above: false")   # 6 of 11
    site = load_site(project / "data")
    year = site.years[2020]
    assert (year.staff.college_or_above_share, year.staff.professional_share) == (Decimal("54.55"), 100)
    text = render(project, "2020/organisation.md").replace("\xa0", " ")
    assert "大学专科及以上学历工作人员占比 54.55%" in text and "专业技术人员占比 100%" in text
    rows = {r["indicator"]: r["value"] for r in csv.DictReader(io.StringIO(
        opendata.files(year, site)["staff.csv"].decode("utf-8-sig")))}
    assert rows["college_or_above_share"] == "54.55" and rows["professional_share"] == "100"


def test_a_year_without_the_breakdown_has_no_share_and_no_row(project):
    staff = project / "data/2020/staff.yaml"
    text = staff.read_text(encoding="utf-8")
    staff.write_text(text[: text.index("# 专业技术职称")] + "professional_posts: 8\n", encoding="utf-8")
    year = load_site(project / "data").years[2020]
    assert year.staff.professional_share is None
    assert "professional_share" not in [r.id for r in tables.table("staff").rows(year)]


@pytest.mark.parametrize("field, typed", [("professional_share", "100"), ("college_or_above_share", "90")])
def test_a_file_that_still_types_a_computed_share_is_told_to_delete_the_line(project, field, typed):
    """Staff with last year's file: the line is refused where it stands, saying the share is computed."""
    staff = project / "data/2020/staff.yaml"
    edit(staff, "professional_posts: 8", f"professional_posts: 8\n{field}: {typed}")
    with pytest.raises(DataError) as info:
        load_site(project / "data")
    [problem] = info.value.problems
    assert (problem.file, problem.line, problem.field) == ("data/2020/staff.yaml", line_of(staff, f"{field}:"), field)
    assert "删去这一行" in problem.expected_zh and "自动计算" in problem.expected_zh
    assert "delete this line" in problem.expected_en and "computed" in problem.expected_en
    assert problem.found == typed
    result = subprocess.run([sys.executable, "-m", "macros", "check"], cwd=project, capture_output=True, text=True)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"data/2020/staff.yaml:{problem.line}" in result.stderr and "删去这一行" in result.stderr


# ------------------------------------------------------------ declarations the schema contradicts

def breakdown(**changed) -> tables.Breakdown:
    declared = dict(name="readers", caption={"zh": "读者服务岗位", "en": "Reader-service posts"}, file="staff_readers",
                    category={"zh": "岗位", "en": "Post"}, unit=tables.PEOPLE, items="staff.roles",
                    whole="staff.headcount", items_called={"zh": "读者服务岗位人数", "en": "reader-service counts"})
    return tables.Breakdown(**{**declared, **changed})


@pytest.mark.parametrize("changed, told", [
    ({"items": "staff.rolls"}, "items='staff.rolls': staff has no field 'rolls'; it has as_of, headcount, education"),
    ({"whole": "staff.headcont"}, "whole='staff.headcont': staff has no field 'headcont'"),
    ({"items": "finanse.budget.items"}, "items='finanse.budget.items': a path starts with a topic"),
    ({"items": "staff.headcount"}, "items='staff.headcount': a list of items, not a single field"),
    ({"value": "amount"}, "value='amount': an item of staff.roles has no such field; it has id, label, count"),
    ({"whole": "staff.roles.count"}, "whole='staff.roles.count': staff.roles has no fields of its own"),
    ({"chart": "bars"}, "chart='bars': a ChartKind (ChartKind.BARS"),
    ({"whole": "profile.branches"}, "whole='profile.branches': a figure of the items' topic, staff"),
])
def test_a_declaration_the_schema_contradicts_is_refused_naming_the_table_and_the_path(changed, told):
    with pytest.raises(tables.DeclarationError) as info:
        breakdown(**changed)
    assert str(info.value).startswith("tables.py, table 'readers': ") and told in str(info.value)


def test_an_indicator_with_a_path_to_no_field_is_refused():
    with pytest.raises(tables.DeclarationError, match=r"table 'statistics': indicator 'views', "
                                                      r"path='statistics\.view\.value': statistics has no field 'view'"):
        tables.Indicators(name="statistics", caption={"zh": "业务数据统计", "en": "Service statistics"}, file="statistics",
                          indicators=[tables.Indicator(id="views", label={"zh": "浏览量", "en": "Views"},
                                                       path="statistics.view.value")])


def test_a_typo_in_the_registry_stops_the_import_of_tables_py(tmp_path):
    """The registry itself is checked when tables.py is imported, before any build reads it."""
    engine = tmp_path / "engine"   # a copy of the package, its registry with a typo
    shutil.copytree(ROOT / "macros", engine / "macros", ignore=shutil.ignore_patterns("__pycache__"))
    registry = engine / "macros/core/tables.py"
    edit(registry, 'items="finance.expenditure.items"', 'items="finance.expenditure.item"')
    result = subprocess.run([sys.executable, "-c", "import macros.core.tables"], cwd=engine, capture_output=True,
                            text=True, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(engine)})
    assert result.returncode == 1
    assert ("DeclarationError: tables.py, table 'expenditure': items='finance.expenditure.item': "
            "finance.expenditure has no field 'item'") in result.stderr


def test_every_path_the_registry_names_resolves_in_a_full_year():
    """The paths the declarations name are the schema's, so in a year with every part they all resolve."""
    year = load_site(FIXTURES / "anju-2020" / "data").years[2020]
    for entry in tables.TABLES:
        paths = [i.path for i in getattr(entry, "indicators", [])] + [getattr(entry, p) for p in ("items", "whole", "records")
                                                                        if hasattr(entry, p)]
        assert paths and all(tables.resolve(year, path) not in (None, tables.ABSENT) for path in paths), entry.name


def test_a_breakdown_declared_in_the_registry_has_its_sum_checked(project):
    """checks.py lists no sums of its own: one more breakdown is one more sum that must add up."""
    staff = project / "data/2020/staff.yaml"
    written = yaml.safe_load(staff.read_text(encoding="utf-8"))
    roles, posts = sum(r["count"] for r in written["roles"]), written["professional_posts"]
    assert roles != posts   # the fixture's people in roles are more than its professional posts
    tables.TABLES.append(breakdown(whole="staff.professional_posts"))
    try:
        with pytest.raises(DataError) as info:
            load_site(project / "data")
    finally:
        tables.TABLES.pop()
    [problem] = info.value.problems
    assert (problem.file, problem.line, problem.field) == ("data/2020/staff.yaml", line_of(staff, "roles:"), "roles")
    assert (problem.expected_zh, problem.expected_en, problem.found) == (
        f"读者服务岗位人数之和等于 professional_posts（{posts}）",
        f"reader-service counts adding up to professional_posts ({posts})", f"各项之和为 / they add up to {roles}")


# ------------------------------------------------------------ tables read as tables

def _table_html(site, path: str, caption: str) -> str:
    source = (site / path).read_text(encoding="utf-8")
    start = source.index(f"<caption>{caption}")
    return source[start: source.index("</div>", start)]


@pytest.mark.parametrize("prefix, caption, flag, source", [
    ("", "经费概况", "经费支出包含中央下拨免费开放资金。", "预算数据来源："),
    ("en/", "Finance summary", "Spending includes the central funding for free admission.", "Budget figures from: "),
])
def test_a_table_holds_figures_and_its_flags_and_documents_are_notes_beneath_it(report, prefix, caption, flag, source):
    """No yes-or-no and no document in a value cell: the finance table's rows are its figures, the
    rest is said beneath it. The download still gives every field, as published."""
    table = _table_html(report, f"{prefix}2020/finance/index.html", caption)
    body = table[table.index("<tbody>"): table.index("</table>")]
    assert 'class="words"' not in body and body.count("<tr>") == 3
    notes = re.sub(r"<[^>]+>", "", table[table.index("</table>"):])   # as read: the typesetting adds spans
    assert flag in notes and source in notes
    data = yaml.safe_load((FIXTURES / "anju-2020/data/2020/finance.yaml").read_text(encoding="utf-8"))
    issuer = data["budget"]["document"]["issuer"]
    assert (issuer["zh"] if not prefix else issuer["en"]) in notes
    rows = {r["indicator"] for r in csv.DictReader(io.StringIO(
        (report / "downloads/2020/finance.csv").read_text(encoding="utf-8-sig")))}
    assert {"expenditure_includes_central_fund", "budget_document_title_zh", "budget_document_number_en"} <= rows


@pytest.mark.parametrize("prefix, caption, unknown", [("", "业务数据统计", "未提供"),
                                                      ("en/", "Service statistics", "not available")])
def test_a_change_not_known_is_said_and_a_figure_shows_the_places_the_registry_declares(report, prefix, caption, unknown):
    table = _table_html(report, f"{prefix}2020/statistics/index.html", caption)
    changes = re.findall(r'<td class="num[^"]*"[^>]* data-label="[^"]+">([^<]*)</td>', table)
    assert len(changes) == table.count('<th scope="row"') and "" not in changes
    assert unknown in changes
    declared = next(i for i in tables.table("statistics").indicators if i.id == "per_capita_new_acquisitions")
    published = yaml.safe_load((FIXTURES / "anju-2020/data/2020/statistics.yaml").read_text(encoding="utf-8"))
    figure = str(Decimal(str(published["per_capita_new_acquisitions"])).quantize(Decimal(1).scaleb(-declared.places)))
    assert re.search(rf'<td class="num"[^>]*>{re.escape(figure)}</td>', table)
    # the download keeps the figure as published
    assert str(published["per_capita_new_acquisitions"]) in (report / "downloads/2020/statistics.csv").read_text(encoding="utf-8-sig")


def test_a_note_naming_no_indicator_of_its_table_is_refused():
    with pytest.raises(tables.DeclarationError, match="note 'x'.*'nothing'"):
        tables.Indicators(name="t", caption=tables.label("table.finance.caption"), file="t",
                          indicators=[tables.Indicator(id="a", label=tables.label("table.total"), path="finance.budget.total")],
                          notes=(tables.Note(key="x", fields={"value": "nothing"}),))


@pytest.mark.parametrize("prefix, code", [("", "zh"), ("en/", "en")])
def test_every_tile_says_its_change_or_that_it_is_not_known_and_money_takes_its_compact_form(report, prefix, code):
    from macros.core import fmt
    source = (report / prefix / "index.html").read_text(encoding="utf-8")
    tiles = re.findall(r'<li class="key-figure">(.*?)</li>', source, re.S)
    assert len(tiles) >= 4
    for tile in tiles:
        change = re.search(r'<span class="key-figure__change">(.*?)</span>\s*$', tile, re.S)
        assert change and re.sub(r"<[^>]+>|[▲▼■]", "", change.group(1)).strip(), tile
    assert fmt.change_unknown(2019, code) in re.sub(r"<[^>]+>", "", source).replace("\xa0", " ")
    spent = yaml.safe_load((FIXTURES / "anju-2020/data/2020/finance.yaml").read_text(encoding="utf-8"))["expenditure"]["total"]
    compact = re.sub(r"<[^>]+>", " ", tiles[-1]).replace("\xa0", " ")
    assert re.sub(r"\s+", " ", fmt.compact_money(Decimal(str(spent)), code).replace("\xa0", " ")) in re.sub(r"\s+", " ", compact)
    assert fmt.money_figure(Decimal(str(spent)), code) not in compact   # the exact figure is the table's
