"""Bad data never reaches readers: each mistake a staff member can make is
named with its file, line and field, and the build stops without a traceback."""
from __future__ import annotations

import re
import shutil
import time
from decimal import Decimal as D
from pathlib import Path

import pytest

from conftest import build, built, copy_project, edit, line_of, page_text, value_of
from macros.core import figures, render, trends
from macros.core.problems import DataError
from macros.core.validate import draft_years, load_site


def problems_for(project: Path) -> list:
    with pytest.raises(DataError) as info:
        load_site(project / "data")
    return info.value.problems


def test_a_misspelt_key_is_rejected_with_a_suggestion(project):
    staff = project / "data/2020/staff.yaml"
    edit(staff, "headcount: 11", "headcont: 11")
    found = problems_for(project)
    unknown = [p for p in found if p.field == "headcont"]
    assert unknown and unknown[0].line == line_of(staff, "headcont")
    assert "headcount" in unknown[0].expected_zh and "did you mean" in unknown[0].expected_en
    # and the field it should have been is reported missing, not silently dropped
    assert any(p.field == "headcount" and "缺少" in p.found for p in found)


def test_a_duplicate_key_is_rejected(project):
    stats = project / "data/2020/statistics.yaml"
    written = f"new_acquisitions: {value_of(stats, 'new_acquisitions')}"
    edit(stats, written, f"{written}\nnew_acquisitions: 70000")
    [p] = problems_for(project)
    assert p.file == "data/2020/statistics.yaml" and p.field == "new_acquisitions"
    assert p.line == line_of(stats, "new_acquisitions: 70000")
    assert "只能出现一次" in p.expected_zh and f"line {p.line - 1}" in p.expected_en


def test_a_budget_that_does_not_add_up_names_its_total(project):
    finance = project / "data/2020/finance.yaml"
    item, total = value_of(finance, "amount"), value_of(finance, "total")  # the budget's first item, its total
    edit(finance, f"amount: {item}", f"amount: {D(item) + D('0.1')}")
    [p] = problems_for(project)
    assert (p.file, p.field) == ("data/2020/finance.yaml", "budget.total")
    assert p.line == line_of(finance, f"total: {total}")
    assert total in p.expected_zh and str(D(total) + D("0.1")) in p.found


def test_expenditure_items_must_add_up(project):
    edit(project / "data/2020/finance.yaml", "amount: 44.1", "amount: 44")
    [p] = problems_for(project)
    assert p.field == "expenditure.total" and "186.42" in p.found


@pytest.mark.parametrize("item, count, breakdown", [
    ("reader_services", 7, "roles"), ("contract", 3, "employment"), ("bachelor_or_above", 6, "education"),
])
def test_each_staff_breakdown_adds_up_to_the_headcount(project, item, count, breakdown):
    staff = project / "data/2020/staff.yaml"
    text = staff.read_text(encoding="utf-8")
    at = text.index(f"id: {item}")
    end = text.index(f"count: {count}", at)
    staff.write_text(text[:end] + f"count: {count + 1}" + text[end + len(f"count: {count}"):], encoding="utf-8")
    found = problems_for(project)
    mine = [p for p in found if p.field == breakdown]
    assert mine and "headcount" in mine[0].expected_en and "12" in mine[0].found


def test_activities_by_kind_may_not_exceed_the_total(project):
    edit(project / "data/2020/activities.yaml", "total: 45", "total: 20")
    [p] = problems_for(project)
    assert p.field == "by_kind" and "29" in p.found


@pytest.mark.parametrize("old, new, field, expected", [
    ("floor_area: ", "floor_area: -", "floor_area", "0 到 999999999 之间的整数"),
    ("terminals: 18", "terminals: 18.5", "terminals", "整数"),
    ("terminals: 18", "terminals: 十八", "terminals", "整数"),
    ("draft: false", "draft: maybe", "draft", "true"),
])
def test_counts_are_non_negative_whole_numbers(project, old, new, field, expected):
    path = next((project / "data/2020").glob("*.yaml"))
    for candidate in (project / "data/2020").glob("*.yaml"):
        if old in candidate.read_text(encoding="utf-8"):
            path = candidate
    edit(path, old, new)
    [p] = problems_for(project)
    assert p.field == field and expected in p.expected_zh and p.line == line_of(path, new)


def test_an_impossible_date_is_rejected(project):
    chronicle = project / "data/2020/chronicle.yaml"
    edit(chronicle, "date: 2020-05-18", "date: 2020-05-38")
    [p] = problems_for(project)
    assert p.field == "events[3].date" and p.line == line_of(chronicle, "2020-05-38")
    assert "2020-05-18" in p.expected_zh


def test_an_event_outside_its_year_is_rejected(project):
    edit(project / "data/2020/chronicle.yaml", "date: 2020-11-17", "date: 2021-11-17")
    [p] = problems_for(project)
    assert p.field == "events[11].date" and "2020" in p.expected_zh


def test_an_unknown_placeholder_in_an_event_is_rejected(project):
    edit(project / "data/2020/chronicle.yaml", "{students} 名同学", "{pupils} 名同学")
    found = problems_for(project)
    assert any(p.field == "events[1].description.zh" and "{pupils}" in p.found for p in found)


def test_a_missing_translation_is_reported(project):
    chronicle = project / "data/2020/chronicle.yaml"
    edit(chronicle, "      en: Online quiz series for World Book Day\n", "")
    [p] = problems_for(project)
    assert p.field == "events[2].title.en" and "English" in p.expected_en


def test_a_gbk_file_is_reported(project):
    profile = project / "data/2020/profile.yaml"
    text = profile.read_text(encoding="utf-8").replace("²", "2")
    profile.write_bytes(text.encode("gbk"))
    first_chinese = next(i for i, line in enumerate(text.splitlines(), 1) if not line.isascii())
    [p] = problems_for(project)
    assert p.file == "data/2020/profile.yaml" and "UTF-8" in p.expected_zh and p.line == first_chinese


def test_a_tab_in_the_indentation_is_reported(project):
    staff = project / "data/2020/staff.yaml"
    edit(staff, "  - id: reader_services", "\t- id: reader_services")
    [p] = problems_for(project)
    assert "Tab" in p.expected_zh and p.line == line_of(staff, "\t- id: reader_services")


def test_an_empty_file_is_reported(project):
    (project / "data/2020/activities.yaml").write_text("# nothing yet\n", encoding="utf-8")
    [p] = problems_for(project)
    assert p.file == "data/2020/activities.yaml" and "不能为空" in p.expected_zh


def test_a_yaml_syntax_error_is_reported_with_its_line(project):
    profile = project / "data/2020/profile.yaml"
    edit(profile, "terminals: 18", "terminals: [18")
    [p] = problems_for(project)
    assert p.file == "data/2020/profile.yaml" and "YAML" in p.expected_zh and p.line >= line_of(profile, "[18")


def test_a_missing_file_is_reported(project):
    (project / "data/2020/statistics.yaml").unlink()
    [p] = problems_for(project)
    assert p.file == "data/2020/statistics.yaml" and "不存在" in p.found


def test_the_build_stops_with_the_message_and_no_traceback(project, tmp_path):
    finance = project / "data/2020/finance.yaml"
    edit(finance, "amount: ", "amount: 1")  # the budget's first item, ten or more times larger
    result = build(project, tmp_path / "site")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in output
    assert "data/2020/finance.yaml:" in output and "budget.total" in output
    assert not (tmp_path / "site" / "2020" / "finance" / "index.html").exists()


def test_markup_in_a_text_field_is_shown_not_executed(project, tmp_path):
    edit(project / "data/2020/finance.yaml", "name: {zh: 其他经费, en: other funds}",
         'name: {zh: "<script>alert(1)</script>其他**经费**", en: "<img src=x onerror=alert(1)> [other](http://evil.example)"}')
    result = build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    zh = (tmp_path / "site/2020/finance/index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in zh and "&lt;script&gt;" in zh
    assert "<strong>经费</strong>" not in zh
    en_text = (tmp_path / "site/en/2020/finance/index.html").read_text(encoding="utf-8")
    assert "<img src=x" not in en_text and 'href="http://evil.example"' not in en_text


def test_check_command_is_plain(project):
    import subprocess, sys
    edit(project / "data/2020/staff.yaml", "headcount: 11", "headcount: 12")
    result = subprocess.run([sys.executable, "-m", "macros", "check", str(project / "data")],
                            capture_output=True, text=True, cwd=Path(__file__).parent.parent)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert re.search(r"data/2020/staff\.yaml:\d+", result.stderr)


@pytest.mark.parametrize("typed, kind, advice", [
    ("１２", "half-width", "12"),            # full-width digits
    ("1,234", "thousands", "1234"),
    ("12%", "without %", "12"),
    ("0x12", "decimal", ""),
])
def test_a_figure_typed_the_wrong_way_says_how_to_type_it(project, typed, kind, advice):
    profile = project / "data/2020/profile.yaml"
    edit(profile, "terminals: 18", f"terminals: {typed}")
    [p] = problems_for(project)
    assert p.field == "terminals" and p.line == line_of(profile, f"terminals: {typed}")
    assert kind in p.expected_en and advice in p.expected_zh


@pytest.mark.parametrize("line, field, says", [
    ("email: library.example.org", "email", "library@example.org"),
    ("slug: Anju_Library", "slug", "anju-library"),
    ("telephone: 0825-1234567\nbeian: 川ICP备12345678号\nemail: a@b", "email", "library@example.org"),
])
def test_a_value_of_the_wrong_shape_is_told_its_shape(project, line, field, says):
    library = project / "data/library.yaml"
    text = library.read_text(encoding="utf-8").replace("slug: anju-library\n", "")
    library.write_text(text + line + "\n", encoding="utf-8")
    [p] = problems_for(project)
    assert p.field == field and p.line == line_of(library, f"{field}: ")
    assert says in p.expected_zh and says in p.expected_en   # its own shape, not another field's


@pytest.mark.parametrize("typed, says", [("prepared: 30/11/2026", "-12-31"), ("reply_working_days: soon", "999999999")])
def test_the_accessibility_statements_facts_are_told_their_shape(project, typed, says):
    library = project / "data/library.yaml"
    edit(library, "  prepared: 2026-11-30", "  " + typed)
    [p] = problems_for(project)
    assert p.field == "accessibility." + typed.split(":")[0] and p.line == line_of(library, typed)
    assert says in p.expected_zh and says in p.expected_en


@pytest.mark.parametrize("value", ["1", '"yes"', "yes", "True!"])
def test_draft_takes_only_true_or_false(project, value):
    edit(project / "data/2020/report.yaml", "draft: false", f"draft: {value}")
    [p] = problems_for(project)
    assert p.field == "draft" and "true" in p.expected_zh


def test_a_year_may_lack_its_optional_parts(project):
    activities = project / "data/2020/activities.yaml"
    text = activities.read_text(encoding="utf-8")
    activities.write_text(text[: text.index("closure:")], encoding="utf-8")
    finance = project / "data/2020/finance.yaml"
    edit(finance, "central_free_opening_fund: 18", "")
    edit(finance, "includes_central_fund: true", "")
    staff = project / "data/2020/staff.yaml"
    text = staff.read_text(encoding="utf-8")
    staff.write_text(text[: text.index("# 专业技术职称")] + "professional_posts: 8\n", encoding="utf-8")
    site = load_site(project / "data")
    year = site.years[2020]
    assert year.activities.closure is None and year.finance.central_free_opening_fund is None
    assert year.staff.titles is None and not year.todo


def test_a_deleted_data_file_says_how_to_restore_it(project):
    (project / "data/2020/finance.yaml").unlink()
    [p] = problems_for(project)
    assert p.file == "data/2020/finance.yaml" and "make restore YEAR=2020" in p.expected_zh


# ------------------------------------------------------------ figures have bounds

@pytest.mark.parametrize("file, field, typed, says", [
    ("profile.yaml", "terminals", "1000000000", "0 到 999999999 之间的整数"),
    ("finance.yaml", "total", "1000001", "万元"),
    ("statistics.yaml", "change_percent", "-101", "-100 到 100000"),
    ("statistics.yaml", "per_capita_new_acquisitions", "0.12345", "最多 4 位小数"),
    ("activities.yaml", "months", "13", "0 到 12"),
    ("activities.yaml", "reopened_month", "4.5", "1 到 12"),
])
def test_each_kind_of_figure_has_the_range_a_library_year_can_have(project, file, field, typed, says):
    path = project / "data/2020" / file
    old, new = f"{field}: {value_of(path, field)}", f"{field}: {typed}"   # the fixture's figure, not typed again
    edit(path, old, new)
    [p] = problems_for(project)   # refused alone: nothing was added up with it
    assert p.line == line_of(path, new) and p.field.endswith(old.split(":")[0])
    assert says in p.expected_zh and p.found == new.split(": ")[1]


@pytest.mark.parametrize("typed", ["1e-999999999", "1e5", "-1.5E3"])
def test_a_figure_with_an_exponent_is_refused_before_anything_is_computed(project, typed):
    profile = project / "data/2020/profile.yaml"
    edit(profile, "collection_wan: 16", f"collection_wan: {typed}")
    started = time.monotonic()
    [p] = problems_for(project)
    assert time.monotonic() - started < 5
    assert p.field == "collection_wan" and p.line == line_of(profile, typed)
    assert "100000" in p.expected_zh and "exponent" in p.expected_en


def test_a_number_longer_than_any_figure_is_told_not_a_traceback(project):
    profile = project / "data/2020/profile.yaml"
    edit(profile, "terminals: 18", "terminals: " + "9" * 5000)
    [p] = problems_for(project)
    assert p.field == "terminals" and p.line == line_of(profile, "terminals: ") and "5000" in p.found


# ------------------------------------------------------------ data texts are inline text

def test_a_text_on_several_lines_is_refused_and_a_folded_one_is_one_line(project):
    chronicle = project / "data/2020/chronicle.yaml"
    edit(chronicle, "zh: 世界读书日线上系列知识挑战赛\n", "zh: |\n        世界读书日\n        =====\n")
    [p] = problems_for(project)
    assert p.field == "events[2].title.zh" and p.line == line_of(chronicle, "zh: |") and "换行" in p.expected_zh
    edit(chronicle, "zh: |", "zh: >")   # folded: the lines are one line of text
    assert load_site(project / "data").years[2020].chronicle.events[1].title.zh == "世界读书日 ====="


def test_an_emoji_keeps_its_picture_selector_and_nothing_else_does(project):
    chronicle = project / "data/2020/chronicle.yaml"
    edit(chronicle, "zh: 世界读书日线上", "zh: 世界读书日❤️线上")
    assert "❤\ufe0f" in load_site(project / "data").years[2020].chronicle.events[1].title.zh
    edit(chronicle, "zh: 世界读书日❤\ufe0f线上", "zh: 世界读书日\ufe0f线上")
    [p] = problems_for(project)
    assert p.field == "events[2].title.zh" and "U+FE0F" in p.found


def test_markup_in_a_data_text_is_escaped_in_the_chronicle(project):
    chronicle = project / "data/2020/chronicle.yaml"
    edit(chronicle, "zh: 世界读书日线上系列知识挑战赛", 'zh: "<script>x</script>**读书** [a](http://evil.example) {{ config }}"')
    event = load_site(project / "data").years[2020].chronicle.events[1]
    page = render.chronicle([event], "zh", "2020/chronicle/")
    assert "<script>" not in page and "**" not in page and "](" not in page and "{{" not in page
    assert "&lt;script&gt;" in page


# ------------------------------------------------------------ photos

PHOTO_LINES = "    photo: {photo}\n    photo_alt: {{zh: 诵读活动现场<b>, en: The workshop}}\n"


def add_photo(project: Path, photo: str) -> Path:
    """The first event of the chronicle with *photo*; the file to edit."""
    chronicle = project / "data/2020/chronicle.yaml"
    edit(chronicle, "    figures: {students: 30, lessons: 5}\n",
         "    figures: {students: 30, lessons: 5}\n" + PHOTO_LINES.format(photo=photo))
    return chronicle


def test_a_photo_is_a_picture_under_docs_linked_from_its_page(project):
    picture = project / "docs/2020/photos/reading-day.jpg"
    picture.parent.mkdir(parents=True)
    picture.write_bytes(b"\xff\xd8\xff\xe0")
    add_photo(project, "2020/photos/reading-day.jpg")
    events = load_site(project / "data").years[2020].chronicle.events
    zh = render.chronicle(events, "zh", "2020/chronicle/")
    assert 'src="../photos/reading-day.jpg"' in zh and 'alt="诵读活动现场&lt;b&gt;"' in zh
    assert 'src="../../../2020/photos/reading-day.jpg"' in render.chronicle(events, "en", "en/2020/chronicle/")


@pytest.mark.parametrize("photo, says", [
    ("https://evil.example/t.png", "网址"), ("../../secret.jpg", ".."), ("/srv/photo.jpg", "/ 开头"),
    ("2020/photos/missing.jpg", "docs/2020/photos/missing.jpg"),
])
def test_a_photo_that_is_no_picture_of_the_project_is_refused(project, photo, says):
    chronicle = add_photo(project, photo)
    [p] = problems_for(project)
    assert p.field == "events[1].photo" and p.line == line_of(chronicle, "photo: ") and says in p.expected_zh


@pytest.mark.parametrize("linked", ["file", "folder"])
def test_a_photo_linked_outside_docs_is_refused_unread(project, tmp_path, linked):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.jpg").write_bytes(b"\xff\xd8")
    photos = project / "docs/2020/photos"
    if linked == "file":
        photos.mkdir(parents=True)
        (photos / "secret.jpg").symlink_to(outside / "secret.jpg")
    else:
        photos.symlink_to(outside)
    add_photo(project, "2020/photos/secret.jpg")
    [p] = problems_for(project)
    assert p.field == "events[1].photo" and "outside" in p.found and str(outside) not in p.render()


# ------------------------------------------------------------ years and drafts

@pytest.mark.parametrize("name", ["999", "0999", "3000", "２０２１"])
def test_a_folder_named_like_a_year_that_is_none_is_named_and_never_read(project, name):
    shutil.copytree(project / "data/2020", project / "data" / name)
    edit(project / "data" / name / "report.yaml", "draft: false", "draft: true")
    [p] = problems_for(project)
    assert p.file == f"data/{name}" and "1949" in p.expected_zh and name in p.found
    assert draft_years(project / "data") == set()


def test_a_finished_year_is_never_compared_with_a_draft_before_it(archive_project):
    edit(archive_project / "data/2019/report.yaml", "draft: false", "draft: true")
    # 2020 leaves two changes to compute: with 2019 a draft, there is nothing to compute them from
    found = problems_for(archive_project)
    assert sorted((p.file, p.field) for p in found) == [("data/2020/statistics.yaml", "downloads.change_percent"),
                                                       ("data/2020/statistics.yaml", "views.change_percent")]
    statistics = archive_project / "data/2020/statistics.yaml"
    edit(statistics, "views: {value: 61000}", "views: {value: 61000, change_percent: 17.31}")
    edit(statistics, "downloads: {value: 9900}", "downloads: {value: 9900, change_percent: -10}")
    site = load_site(archive_project / "data")
    assert site.previous(2020) is None and site.comparable(2021) == [2020, 2021]
    assert trends.change_of(site, 2020, "views") == D("17.31")
    assert trends.change_of(site, 2021, "views") == figures.change(73200, 61000)


def test_a_draft_is_compared_with_the_draft_before_it(archive_project):
    for year in (2020, 2021):
        edit(archive_project / f"data/{year}/report.yaml", "draft: false", "draft: true")
    site = load_site(archive_project / "data")
    assert site.previous(2021).year == 2020 and site.previous(2020).year == 2019
    assert site.comparable(2021) == [2019, 2020, 2021]


def test_a_draft_earlier_year_changes_nothing_on_the_published_cover(tmp_path):
    """An earlier year started as a draft, with a figure far below this year's: the published
    cover shows no change on it (before, it said "▲ 较上年提高了 400.00%")."""
    project = copy_project(tmp_path / "project", "anju-2020")
    shutil.copytree(project / "data/2020", project / "data/2019")
    shutil.copytree(project / "docs/2020", project / "docs/2019")
    draft = project / "data/2019"
    edit(draft / "report.yaml", "draft: false", "draft: true")
    activities = (draft / "activities.yaml").read_text(encoding="utf-8")
    (draft / "activities.yaml").write_text(
        activities[: activities.index("by_kind:")].replace("total: 45", "total: 9"), encoding="utf-8")
    edit(draft / "staff.yaml", "as_of: 2020-12-31", "as_of: 2019-12-31")
    (draft / "chronicle.yaml").write_text("events: []\n", encoding="utf-8")
    (draft / "statistics.yaml").write_text("new_acquisitions:\n", encoding="utf-8")
    site = built(project, tmp_path / "site")
    zh, en = page_text(site, "index.html"), page_text(site, "en/index.html")
    # no change worked out from the draft: the tile says what it says with no 2019 at all
    assert "各类活动45场次 2019 年：未公布" in zh and "Events held45events 2019: not published" in en
    assert "400" not in zh + en
    stated = value_of(project / "data/2020/statistics.yaml", "change_percent")   # a change the year states is its own
    assert f"提高了 {stated}%" in zh and f"up {stated}% on 2019" in en
