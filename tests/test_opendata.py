"""Open data: every table of the registry is a CSV (UTF-8 with BOM) and a JSON file per year,
equal to the data value for value, described in both languages by a valid data package,
linked from every table on the pages, and safe to open in a spreadsheet."""
from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, build, edit
from macros.core import fmt, tables
from macros.core.validate import load_site

ARCHIVE = load_site(FIXTURES / "archive" / "data")


def read_csv(path: Path) -> list[dict]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), f"{path.name} has no BOM"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def same(cell: str, value) -> bool:
    if value is None or value is tables.ABSENT:
        return cell == ""
    if isinstance(value, bool):
        return cell == str(value).lower()
    if isinstance(value, (int, Decimal)):
        return Decimal(cell) == Decimal(value)
    if hasattr(value, "isoformat"):
        return cell == value.isoformat()
    return cell == str(value)


def written(year: int, path: str):
    """The value at dotted *path* as the archive fixture's YAML writes it (None where it is left
    out): the test's own reading of the file, so that the download is compared with the data, not
    with the publisher's reading of it."""
    topic, *names = path.split(".")
    value = yaml.safe_load((FIXTURES / "archive/data" / str(year) / f"{topic}.yaml").read_text(encoding="utf-8"))
    for name in names:
        value = value.get(name) if isinstance(value, dict) else None
    return value


@pytest.mark.parametrize("year", [2019, 2020, 2021])
def test_every_breakdown_of_the_registry_equals_the_data(archive, year):
    downloaded = 0
    for entry in tables.TABLES:
        if not isinstance(entry, tables.Breakdown):
            continue
        path = archive / "downloads" / str(year) / f"{entry.file}.csv"
        items, whole = written(year, entry.items), written(year, entry.whole)
        if items is None:
            assert not path.exists(), f"{path.name}: the year has no such part"
            continue
        rows = [(i["id"], Decimal(str(i[entry.value])), i[entry.label]["zh"]) for i in items]
        counted, whole = sum(value for _, value, _ in rows), Decimal(str(whole))
        if entry.other and counted < whole:   # the remainder, as the chart shows it
            rows.append(("other", whole - counted, entry.other["zh"]))
        rows.append(("total", whole, "合计"))
        assert [(c["id"], Decimal(c[entry.unit.csv_column]), c["label_zh"]) for c in read_csv(path)] == rows, path.name
        downloaded += 1
    assert downloaded >= 3   # every year of the archive has some of its breakdowns


def test_the_remainder_a_chart_shows_is_in_the_download(archive):
    rows = {r["id"]: r for r in read_csv(archive / "downloads/2021/activities.csv")}
    activities = ARCHIVE.years[2021].activities
    counted = sum(k.count for k in activities.by_kind)
    assert int(rows["other"]["count"]) == activities.total - counted and int(rows["total"]["count"]) == activities.total


def test_indicators_equal_the_data(archive):
    report = ARCHIVE.years[2020]
    for entry in tables.TABLES:
        if not isinstance(entry, tables.Indicators):
            continue
        cells = {c["indicator"]: c for c in read_csv(archive / "downloads/2020" / f"{entry.file}.csv")}
        for indicator in entry.indicators:
            value = tables.resolve(report, indicator.path)
            if value is tables.ABSENT:
                assert indicator.id not in cells
            elif hasattr(value, "zh"):
                assert cells[f"{indicator.id}_zh"]["value"] == value.zh and cells[f"{indicator.id}_en"]["value"] == value.en
            else:
                assert same(cells[indicator.id]["value"], value), indicator.id


def test_the_chronicle_download_holds_every_event_with_its_account_filled(archive):
    rows = read_csv(archive / "downloads/2020/chronicle.csv")
    events = ARCHIVE.years[2020].chronicle.events
    assert [r["date"] for r in rows] == [str(e.date) for e in events]
    for row, event in zip(rows, events):
        assert row["title_zh"] == event.title.zh and "{" not in row["account_zh"] + row["account_en"]
        assert {k: Decimal(str(v)) for k, v in json.loads(row["figures"] or "{}").items()} == dict(event.figures)


def test_json_equals_csv(archive):
    for path in (archive / "downloads/2020").glob("*.csv"):
        rows = read_csv(path)
        data = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        assert len(data["rows"]) == len(rows)
        for record, row in zip(data["rows"], rows):
            assert list(record) == list(row)
            for key, value in record.items():
                if isinstance(value, dict):
                    assert json.loads(row[key]) == value
                elif isinstance(value, (int, float)) and not isinstance(value, bool):
                    assert Decimal(row[key]) == Decimal(str(value))
                else:
                    assert same(row[key], value)


@pytest.mark.parametrize("year", [2019, 2020, 2021])
def test_the_data_package_is_valid_and_describes_every_file_in_both_languages(archive, year):
    from frictionless import Package
    folder = archive / "downloads" / str(year)
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert {r["name"] for r in package["resources"]} == {p.stem for p in folder.glob("*.csv")}
    for resource in package["resources"]:
        for field in resource["schema"]["fields"]:
            assert field["titles"]["en"] and re.search(r"[\u4e00-\u9fff]", field["titles"]["zh"])
    report = Package(str(folder / "datapackage.json")).validate()
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])[:10]


def test_a_text_cell_a_spreadsheet_would_run_is_neutralised_and_numbers_stay_numbers(project, tmp_path):
    finance = project / "data/2020/finance.yaml"
    edit(finance, "name: {zh: 其他经费, en: other funds}", 'name: {zh: "=HYPERLINK(\\"http://evil.example\\",\\"点击\\")", en: "+1 other"}')
    edit(project / "data/2020/chronicle.yaml", "      en: Online quiz series for World Book Day", '      en: "@SUM(A1:A9)"')
    site = tmp_path / "site"
    assert build(project, site).returncode == 0
    budget = {r["id"]: r for r in read_csv(site / "downloads/2020/budget.csv")}
    assert budget["other"]["label_zh"].startswith("'=HYPERLINK") and budget["other"]["label_en"] == "'+1 other"
    assert budget["other"]["amount_wan_yuan"] == "0.94"
    chronicle = read_csv(site / "downloads/2020/chronicle.csv")
    assert chronicle[1]["title_en"] == "'@SUM(A1:A9)"
    statistics = {r["indicator"]: r for r in read_csv(site / "downloads/2020/statistics.csv")}
    assert statistics["downloads"]["change_percent"].startswith("-")   # a negative figure stays a number


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_every_table_on_the_pages_links_to_its_existing_file(report, prefix):
    count = 0
    for page in (report / prefix / "2020").rglob("index.html"):
        source = page.read_text(encoding="utf-8")
        for table in re.findall(r'<table class="report-table[^"]*">.*?</table>', source, re.S):
            if "downloads" in table[:60]:
                continue  # the list of downloads itself
            link = re.search(r'<caption>.*?<a class="report-table__download" href="([^"]+)"', table, re.S)
            assert link, f"a table on {page.relative_to(report)} has no download link"
            assert (page.parent / link.group(1)).resolve().is_file(), link.group(1)
            count += 1
    assert count >= len([t for t in tables.TABLES if t.chart]) - 1


@pytest.mark.parametrize("page", ["data/index.html", "en/data/index.html"])
def test_the_download_lists_give_every_file_with_its_size(report, page):
    source = (report / page).read_text(encoding="utf-8")
    links = set(re.findall(r'href="([^"]+)" download', source))
    folder = report / "downloads/2020"
    listed = {Path(link).name for link in links}
    assert {p.name for p in folder.glob("*.csv")} | {"datapackage.json"} <= listed
    for link in links:
        assert ((report / page).parent / link).resolve().is_file(), link
    assert re.search(r"[（(]\d+(\.\d)?\s(B|KB)[）)]", source.replace("&nbsp;", " ").replace("\u00a0", " "))


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_a_year_page_gives_its_figures_in_one_zip_with_its_size_and_the_way_to_each_file(archive, prefix):
    import zipfile
    for year in (2019, 2020, 2021):
        page = archive / prefix / str(year) / "index.html"
        source = page.read_text(encoding="utf-8")
        found = re.search(r'<p class="report-data-download"><a href="([^"]+\.zip)" download>([^<]+)</a>(.*?)</p>', source, re.S)
        assert found, f"{page}: no data link"
        archive_file = (page.parent / found.group(1)).resolve()
        # the link says the format and the size of the file it gives
        size = fmt.file_size(archive_file.stat().st_size, "en" if prefix else "zh").replace("\u00a0", " ")
        label = found.group(2).replace("\u00a0", " ")
        assert str(year) in label and "ZIP" in label and size in label, (label, size)
        folder = archive / "downloads" / str(year)
        with zipfile.ZipFile(archive_file) as zipped:
            inside = {name.split("/", 1)[1]: zipped.read(name) for name in zipped.namelist()}
        every = {p.name for p in folder.iterdir() if p.suffix in (".csv", ".json")}
        assert set(inside) == every and all(inside[name] == (folder / name).read_bytes() for name in every)
        # and leads to the data page's section for the year, where each table's files are
        section = re.search(r'<a href="([^"]+)#([^"]+)">', found.group(3))
        data_page = (page.parent / section.group(1) / "index.html").resolve()
        assert data_page == (archive / prefix / "data/index.html").resolve()
        assert f'id="{section.group(2)}"' in data_page.read_text(encoding="utf-8")
        assert f'{year}/{archive_file.name}"' in data_page.read_text(encoding="utf-8")
        # the table of every file is on the data page, not on the year page
        assert "report-table downloads" not in source
