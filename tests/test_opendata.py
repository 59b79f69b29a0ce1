"""Open data: each year's figures as CSV (UTF-8 with BOM), JSON and a
datapackage.json, equal to the YAML value for value, linked from every table."""
from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import ROOT
from macros.core.load import load_document

DOWNLOADS = "downloads/2020"
YAML = {topic: load_document(ROOT / f"data/2020/{topic}.yaml").data
        for topic in ("profile", "staff", "finance", "statistics", "activities", "chronicle")}


def read_csv(site: Path, name: str) -> list[dict]:
    raw = (site / DOWNLOADS / f"{name}.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), f"{name}.csv has no BOM"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def same(csv_value: str, yaml_value) -> bool:
    if yaml_value is None:
        return csv_value == ""
    if isinstance(yaml_value, bool):
        return csv_value == str(yaml_value).lower()
    if isinstance(yaml_value, (int, Decimal)):
        return Decimal(csv_value) == Decimal(yaml_value)
    return csv_value == str(yaml_value)


def test_breakdowns_and_money_equal_the_yaml(site):
    for dim in ("education", "roles", "employment", "titles"):
        rows = read_csv(site, f"staff_{dim}")
        assert [(r["id"], r["label_zh"], r["label_en"], int(r["count"])) for r in rows] == \
            [(i["id"], i["label"]["zh"], i["label"]["en"], i["count"]) for i in YAML["staff"][dim]]
    for part in ("budget", "expenditure"):
        rows = read_csv(site, part)
        items = YAML["finance"][part]["items"]
        assert [(r["id"], r["name_zh"], r["name_en"], Decimal(r["amount_wan_yuan"])) for r in rows[:-1]] == \
            [(i["id"], i["name"]["zh"], i["name"]["en"], Decimal(i["amount"])) for i in items]
        assert rows[-1]["id"] == "total" and same(rows[-1]["amount_wan_yuan"], YAML["finance"][part]["total"])


def test_summaries_equal_the_yaml(site):
    profile = {r["indicator"]: r["value"] for r in read_csv(site, "profile")}
    assert profile.keys() == YAML["profile"].keys()
    assert all(same(profile[k], v) for k, v in YAML["profile"].items())
    staff = {r["indicator"]: r["value"] for r in read_csv(site, "staff")}
    assert same(staff["headcount"], YAML["staff"]["headcount"]) and staff["as_of"] == "2020-12-31"
    assert same(staff["college_or_above_share_percent"], YAML["staff"]["college_or_above_share"])
    finance = {r["indicator"]: r["value"] for r in read_csv(site, "finance")}
    assert same(finance["central_free_opening_fund_wan_yuan"], YAML["finance"]["central_free_opening_fund"])
    assert finance["budget_document_number_zh"] == YAML["finance"]["budget"]["document"]["number"]["zh"]
    statistics = {r["indicator"]: r for r in read_csv(site, "statistics")}
    for measure in ("views", "downloads", "circulation"):
        assert same(statistics[measure]["value"], YAML["statistics"][measure]["value"])
        assert same(statistics[measure]["change_percent"], YAML["statistics"][measure]["change_percent"])
    assert same(statistics["per_capita_new_acquisitions"]["value"], YAML["statistics"]["per_capita_new_acquisitions"])
    activities = read_csv(site, "activities")
    assert [(r["id"], int(r["count"])) for r in activities] == \
        [(k["id"], k["count"]) for k in YAML["activities"]["by_kind"]] + [("total", YAML["activities"]["total"])]


def test_the_chronicle_download_holds_every_event(site):
    rows = read_csv(site, "chronicle")
    events = YAML["chronicle"]["events"]
    assert len(rows) == len(events)
    for row, event in zip(rows, events):
        assert row["date"] == str(event["date"]) and row["title_zh"] == event["title"]["zh"]
        assert row["title_en"] == event["title"]["en"]
        assert {k: Decimal(str(v)) for k, v in json.loads(row["figures"] or "{}").items()} == \
            {k: Decimal(v) for k, v in (event.get("figures") or {}).items()}
        assert "{" not in row["account_zh"] and "{" not in row["account_en"]  # placeholders filled


def test_json_equals_csv(site):
    for path in (site / DOWNLOADS).glob("*.csv"):
        rows = read_csv(site, path.stem)
        data = json.loads((site / DOWNLOADS / f"{path.stem}.json").read_text(encoding="utf-8"))
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


def test_the_datapackage_describes_every_file_in_both_languages(site):
    package = json.loads((site / DOWNLOADS / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in package["resources"]}
    assert resources.keys() == {p.stem for p in (site / DOWNLOADS).glob("*.csv")}
    for resource in resources.values():
        header = next(csv.reader(io.StringIO((site / DOWNLOADS / resource["path"]).read_text(encoding="utf-8-sig"))))
        assert [f["name"] for f in resource["schema"]["fields"]] == header
        for f in resource["schema"]["fields"]:
            assert f["titles"]["zh"] and f["titles"]["en"] and re.search(r"[\u4e00-\u9fff]", f["titles"]["zh"])


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_every_table_links_to_its_existing_file(site, prefix):
    count = 0
    for page in (site / prefix / "2020").rglob("index.html"):
        source = page.read_text(encoding="utf-8")
        for table in re.findall(r'<table class="report-table[^"]*">.*?</table>', source, re.S):
            link = re.search(r'<caption>.*?<a class="report-table__download" href="([^"]+)"', table, re.S)
            assert link, f"a table on {page.relative_to(site)} has no download link"
            assert (page.parent / link.group(1)).resolve().is_file(), link.group(1)
            count += 1
    assert count >= 8


@pytest.mark.parametrize("page", ["data/index.html", "en/data/index.html"])
def test_the_data_page_lists_every_file(site, page):
    source = (site / page).read_text(encoding="utf-8")
    links = set(re.findall(r'href="([^"]+)" download', source))
    files = {p.name for p in (site / DOWNLOADS).iterdir()}
    listed = {Path(link).name for link in links}
    assert files <= listed, files - listed
    for link in links:
        assert ((site / page).parent / link).resolve().is_file(), link
