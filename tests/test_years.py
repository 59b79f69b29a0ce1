"""A multi-year publisher: next year's report is scaffolded, previewed as a draft,
compared with the year before, and published only when complete."""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest

from conftest import ROOT, build, page_text
from macros.tools import jsonschema_export
from macros.core.problems import DataError
from macros.tools.scaffold import ScaffoldError, new_year
from macros.core.validate import load_site

FIXTURE_2021 = Path(__file__).parent / "fixtures" / "2021"


def fill_2021(project: Path):
    """Scaffold 2021, then put the synthetic filled-in 2021 data in place."""
    new_year(project, 2021)
    for path in FIXTURE_2021.glob("*.yaml"):
        shutil.copyfile(path, project / "data/2021" / path.name)


def preview_build(project: Path, site: Path):
    os.environ["REPORT_PREVIEW"] = "1"
    try:
        return build(project, site)
    finally:
        del os.environ["REPORT_PREVIEW"]


def test_the_scaffold_starts_a_draft_with_every_field_present_and_empty(project):
    written = new_year(project, 2021)
    assert project / "data/2021/report.yaml" in written and project / "docs/2021/plan.md" in written
    site = load_site(project / "data")
    draft = site.years[2021]
    assert draft.draft
    # every empty field is listed with its file and line, so staff see what is left
    fields = {(p.file, p.field) for p in draft.todo}
    assert ("data/2021/statistics.yaml", "new_acquisitions") in fields
    assert ("data/2021/finance.yaml", "budget.items[1].amount") in fields
    assert all(p.line and p.line > 1 for p in draft.todo)
    # category names carry over; their figures do not
    assert [e.label.zh for e in draft.staff.education] == [e.label.zh for e in site.years[2020].staff.education]
    assert all(e.count is None for e in draft.staff.education)
    with pytest.raises(ScaffoldError, match="already exists"):
        new_year(project, 2021)  # never overwrites


def test_a_draft_year_is_absent_from_the_published_build(project, tmp_path):
    new_year(project, 2021)
    out = tmp_path / "site"
    result = build(project, out)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (out / "2021").exists() and not (out / "en/2021").exists()
    for path in ("index.html", "sitemap.xml", "search/search_index.json", "en/index.html"):
        assert "2021/" not in (out / path).read_text(encoding="utf-8"), path
    assert "2021 年安居区图书馆年报" not in page_text(out, "index.html")
    assert "2020 年安居区图书馆年报" in page_text(out, "index.html")


def test_the_scaffold_builds_in_the_preview(project, tmp_path):
    new_year(project, 2021)
    out = tmp_path / "site"
    result = preview_build(project, out)
    assert result.returncode == 0, result.stdout + result.stderr
    statistics = page_text(out, "2021/statistics/index.html")
    assert "第五章 2021 年安居区图书馆业务数据统计" in statistics and "【待填写】" in statistics
    assert "[TODO]" in page_text(out, "en/2021/statistics/index.html")
    home = page_text(out, "index.html")
    assert home.index("2021 年安居区图书馆年报") < home.index("2020 年安居区图书馆年报")  # newest first


def test_a_filled_year_computes_its_changes_against_the_year_before(project, tmp_path):
    fill_2021(project)
    out = tmp_path / "site"
    result = build(project, out)
    assert result.returncode == 0, result.stdout + result.stderr
    text = page_text(out, "2021/statistics/index.html")
    # (90000 − 80000) ÷ 80000 and (12669 − 15836) ÷ 15836, computed; 10.95% stated and checked
    assert "90000 次，较上年提高了 12.50%" in text
    assert "12669 次，较上年下降了 20.00%" in text
    assert "50000 人次，较上年增加了 10.95%" in text
    english = page_text(out, "en/2021/statistics/index.html")
    assert "up 12.50% on 2020" in english and "down 20.00% on 2020" in english
    # both years are published, newest first, each one click from the other
    home = page_text(out, "index.html")
    assert home.index("2021 年安居区图书馆年报") < home.index("2020 年安居区图书馆年报")
    chapter = (out / "2020/finance/index.html").read_text(encoding="utf-8")
    assert 'href="../../2021/"' in chapter
    # chapter 5 draws the trend over both years beside the year's changes
    import re
    source = (out / "2021/statistics/index.html").read_text(encoding="utf-8")
    figure = re.search(r'<figure class="report-chart" id="figure-statistics">(.*?)</figure>', source, re.S).group(1)
    assert len(re.findall(r"<svg ", figure)) == 2 and "历年主要业务数据" in figure
    labels = re.findall(r"<text[^>]*>([^<]*)</text>", figure)
    assert "80000" in labels and "90000" in labels and "2020" in labels and "2021" in labels


def test_a_stated_rate_that_disagrees_with_the_two_years_is_rejected(project):
    fill_2021(project)
    stats = project / "data/2021/statistics.yaml"
    stats.write_text(stats.read_text(encoding="utf-8").replace("change_percent: 10.95", "change_percent: 11.2"),
                     encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_site(project / "data")
    [p] = info.value.problems
    assert (p.file, p.field) == ("data/2021/statistics.yaml", "circulation.change_percent")
    assert "= 10.9%" in p.expected_zh and p.found == "11.2%"  # at the stated precision


def test_a_published_year_with_an_empty_field_fails_with_its_file_and_line(project, tmp_path):
    new_year(project, 2021)
    report = project / "data/2021/report.yaml"
    report.write_text(report.read_text(encoding="utf-8").replace("draft: true", "draft: false"), encoding="utf-8")
    result = build(project, tmp_path / "site")
    output = result.stdout + result.stderr
    assert result.returncode != 0 and "Traceback" not in output
    lines = (project / "data/2021/profile.yaml").read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, 1) if text.startswith("floor_area:"))
    assert f"data/2021/profile.yaml:{line}" in output and "floor_area" in output


# ------------------------------------------------------------ JSON Schema for editors

def as_json(value):
    """YAML values as an editor sees them: numbers, and dates as text."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def test_the_committed_json_schemas_are_generated_from_the_validators_schema():
    for name, schema in jsonschema_export.schemas().items():
        committed = (ROOT / "data/schema" / name).read_text(encoding="utf-8")
        assert committed == jsonschema_export.render(schema), f"data/schema/{name} is stale: run python -m macros schema"
    settings = json.loads((ROOT / ".vscode/settings.json").read_text(encoding="utf-8"))
    assert settings == jsonschema_export.vscode_settings()
    for path in (ROOT / "data/2020").glob("*.yaml"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == f"# yaml-language-server: $schema=../schema/{path.stem}.schema.json"


def test_the_json_schema_accepts_the_real_data():
    site = load_site(ROOT / "data")
    for topic, doc in site.years[2020].documents.items():
        schema = json.loads((ROOT / f"data/schema/{topic}.schema.json").read_text(encoding="utf-8"))
        jsonschema.validate(as_json(doc.data), schema)


@pytest.mark.parametrize("topic, old, new", [
    ("staff", "headcount: 11", "headcont: 11"),                   # unknown (misspelt) key
    ("profile", "terminals: 18", "terminals: -18"),               # negative count
    ("profile", "terminals: 18", "terminals: eighteen"),          # text for a number
    ("chronicle", "date: 2021-05-18", "date: 2021-13-18"),        # impossible date
    ("finance", "amount: 105.5", "amount: '105.5'"),              # a quoted number is text
    ("report", "draft: false", "draft: yes please"),
])
def test_the_json_schema_rejects_what_the_validator_rejects(project, topic, old, new):
    fill_2021(project)
    path = project / f"data/2021/{topic}.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DataError):
        load_site(project / "data")
    from macros.core.load import load_document
    schema = json.loads((ROOT / f"data/schema/{topic}.schema.json").read_text(encoding="utf-8"))
    data = as_json(load_document(path).data)
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(data)), f"schema accepted {new!r}"
