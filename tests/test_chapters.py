"""Chapters in staff's words: a mistake in a macro names the chapter file and its true line,
says what is unknown in Chinese and English with the nearest valid names, and never shows a
Python class name; a finished year keeps no to-do marker and has every translation; a year
written with the old shared templates is told the one command that gives it its own text, and that
command makes it read as `make new-year` would have made it."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, build, copy_project, edit, line_of, page_text, value_of
from macros.core import chapters
from macros.core.chapters import LEGACY_INCLUDE
from macros.core.languages import file_locale, page_locale
from macros.core.links import page_url
from macros.core.problems import DataError
from macros.core.validate import load_site
from macros.core.chapter_macros import sandbox
from macros.core.pages import ChapterMistake, ReportPage, render_page
from macros.tools import scaffold
from macros.tools.scaffold import REVIEW, new_year
from test_attacks_tools import tree
from warm_python import run_module

PYTHON_WORDS = re.compile(r"macros\.|object|Undefined|Error:|Traceback|KeyError|schema\.")


def render(project: Path, src_uri: str, text: str | None = None) -> str:
    """Run one page's macros as a build does (core/pages.py, in the chapters' sandbox)."""
    site = load_site(project / "data")
    path = project / "docs" / src_uri
    if text is not None:
        path.write_text(text, encoding="utf-8")
    from macros.core.chapters import split_front_matter, year_of
    meta, body, _ = split_front_matter(path.read_text(encoding="utf-8"))
    url = page_url(src_uri, file_locale(src_uri))
    year = year_of(src_uri)
    here = ReportPage(site=site, year=site.years[year], locale=page_locale(url), file_locale=file_locale(src_uri),
                      url=url, src_uri=src_uri, docs_dir=project / "docs", years_shown=site.shown_years(),
                      preview=False, meta=meta)
    return render_page(sandbox(), here, body, path.read_text(encoding="utf-8"))


def mistake(project: Path, src_uri: str, text: str):
    with pytest.raises(ChapterMistake) as info:
        render(project, src_uri, text)
    problem = info.value.problem
    assert not PYTHON_WORDS.search(problem.render()), problem.render()
    assert re.search(r"[\u4e00-\u9fff]", problem.expected_zh), problem.expected_zh   # said in Chinese first
    assert re.search(r"[A-Za-z]{3,} [A-Za-z]{2,}", problem.expected_en), problem.expected_en   # and in English words
    return problem


FINANCE = "---\ntitle: 经费情况\n---\n\n# {{ chapter_heading() }}\n\n预算共计 {{ finance.budget.total | money }}。\n\n"


@pytest.mark.parametrize("typed, unknown, nearest", [
    ("{{ finance.budget.total | mony }}", "mony", "money"),
    ("{{ finnce.budget.total | money }}", "finnce", "finance"),
    ("{{ finance.budget.totl | money }}", "totl", "total"),
    ("{{ table(\"activites\") }}", "activites", "activities"),
    ("{{ chart(\"budgt\") }}", "budgt", "budget"),
])
def test_an_unknown_name_is_named_with_its_nearest_and_its_true_line(project, typed, unknown, nearest):
    problem = mistake(project, "2020/finance.md", FINANCE + typed + "\n")
    lines = (FINANCE + typed).count("\n") + 1   # front matter included: the line staff see in their editor
    assert problem.file == "docs/2020/finance.md" and problem.line == lines, problem.render()
    assert unknown in problem.found and nearest in problem.expected_zh and nearest in problem.expected_en


def test_an_unclosed_macro_is_named_in_both_languages(project):
    problem = mistake(project, "2020/finance.md", FINANCE + "共计 {{ finance.budget.total | money 元。\n")
    assert problem.line == FINANCE.count("\n") + 1
    assert "{{" in problem.expected_zh and "closed" in problem.expected_en


def test_a_part_the_year_does_not_have_is_named_with_its_file(project):
    activities = project / "data/2020/activities.yaml"
    text = activities.read_text(encoding="utf-8")
    activities.write_text(text[: text.index("closure:")], encoding="utf-8")
    with pytest.raises(ChapterMistake) as info:
        render(project, "2020/plan.md")
    problem = info.value.problem
    plan = project / "docs/2020/plan.md"
    assert problem.file == "docs/2020/plan.md" and problem.line == line_of(plan, "activities.closure.months")
    assert problem.field == "activities.closure" and "data/2020/activities.yaml" in problem.expected_zh
    assert "delete the sentence" in problem.expected_en


def test_a_draft_shows_what_is_still_to_fill(project):
    edit(project / "data/2020/report.yaml", "draft: false", "draft: true")
    finance = project / "data/2020/finance.yaml"
    edit(finance, f"total: {value_of(finance, 'total')}", "total:")
    edit(finance, f"amount: {value_of(finance, 'amount')}", "amount:")
    assert "预算共计 【待填写】" in render(project, "2020/finance.md", FINANCE)


def test_a_mistake_stops_the_build_with_the_same_message_and_no_traceback(project, tmp_path):
    (project / "docs/2020/finance.md").write_text(FINANCE + "{{ finance.budget.total | mony }}\n", encoding="utf-8")
    result = build(project, tmp_path / "site")
    output = result.stdout + result.stderr
    assert result.returncode != 0 and "Traceback" not in output
    assert f"docs/2020/finance.md:{(FINANCE).count(chr(10)) + 1}" in output and "money" in output


# ------------------------------------------------------------ a finished year is finished

def check(project: Path) -> subprocess.CompletedProcess:
    return run_module("macros", "check", project / "data", cwd=ROOT, timeout=120)


@pytest.mark.parametrize("marker", ["【待填写】", "（待填写：第三段）", "TODO"])
def test_a_finished_year_keeping_a_to_do_marker_is_refused_at_its_line(project, marker):
    plan = project / "docs/2020/plan.en.md" if marker == "TODO" else project / "docs/2020/plan.md"
    text = plan.read_text(encoding="utf-8").splitlines()
    text.insert(12, marker)
    plan.write_text("\n".join(text) + "\n", encoding="utf-8")
    result = check(project)
    assert result.returncode == 1 and f"docs/2020/{plan.name}:13" in result.stderr and marker[:4] in result.stderr


def test_a_finished_year_without_an_english_chapter_is_refused_and_a_draft_is_not(project, tmp_path):
    (project / "docs/2020/finance.en.md").unlink()
    result = check(project)
    assert result.returncode == 1 and "docs/2020/finance.en.md" in result.stderr
    built = build(project, tmp_path / "site")
    assert built.returncode != 0 and "docs/2020/finance.en.md" in built.stdout + built.stderr
    assert "Traceback" not in built.stdout + built.stderr
    edit(project / "data/2020/report.yaml", "draft: false", "draft: true")
    assert check(project).returncode == 0


# ------------------------------------------------------------ years written with the shared templates

@pytest.mark.long
def test_a_year_written_with_the_shared_templates_is_told_to_own_them_and_one_command_does(project, tmp_path):
    # An include runs another file's code in the page, so the chapters' sandbox refuses it
    # (core/sandbox.py) and says which command gives the year its own text.
    for page in ("finance.md", "finance.en.md"):
        (project / "docs/2020" / page).write_text(
            f'---\ntitle: {"经费情况" if page == "finance.md" else "Finance"}\n---\n\n{{% include "chapters/{page}" %}}\n',
            encoding="utf-8")
    old = build(project, tmp_path / "old")
    told = old.stdout + old.stderr
    assert old.returncode != 0 and "docs/2020/finance.md:5" in told and "make own-chapters YEAR=2020" in told, told
    assert "Traceback" not in told
    result = subprocess.run([sys.executable, "-m", "macros", "own-chapters", "2020"], cwd=project,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    owned = (project / "docs/2020/finance.md").read_text(encoding="utf-8")
    assert not LEGACY_INCLUDE.search(owned) and 'listing("budget")' in owned
    new = build(project, tmp_path / "new")
    assert new.returncode == 0, new.stderr
    assert "经费" in page_text(tmp_path / "new", "2020/finance/index.html")


# ------------------------------------------------------------ a chapter saved as GBK or UTF-16

NOT_UTF8 = {"gbk": lambda text: text.encode("gbk"), "utf-16": lambda text: text.encode("utf-16")}  # Notepad's "Unicode"


def save_as(path: Path, encoding: str) -> None:
    path.write_bytes(NOT_UTF8[encoding](path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("encoding", NOT_UTF8)
@pytest.mark.parametrize("page", ["plan.md", "finance.en.md", "index.md"])
def test_a_chapter_not_saved_as_utf8_gets_the_data_files_message_in_check(project, page, encoding):
    save_as(project / "docs/2020" / page, encoding)
    result = check(project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"docs/2020/{page}:" in result.stderr and "UTF-8" in result.stderr and "另存为" in result.stderr


def test_a_draft_with_a_chapter_not_saved_as_utf8_is_refused_too(project):
    """The preview could not show it: a draft is told at once, not when it is finished."""
    edit(project / "data/2020/report.yaml", "draft: false", "draft: true")
    save_as(project / "docs/2020/plan.md", "gbk")
    result = check(project)
    assert result.returncode == 1 and "docs/2020/plan.md:" in result.stderr and "Traceback" not in result.stderr


def test_read_chapter_names_the_file_and_line_where_utf8_stops(project):
    plan = project / "docs/2020/plan.md"
    save_as(plan, "gbk")
    with pytest.raises(DataError) as info:
        chapters.read_chapter(plan)
    problem = info.value.problems[0]
    first_chinese = next(n for n, line in enumerate(plan.read_bytes().split(b"\n"), 1) if not line.isascii())
    assert problem.file == "docs/2020/plan.md" and problem.line == first_chinese and "UTF-8" in problem.expected_en


@pytest.mark.parametrize("tool", ["new-year", "own-chapters"])
def test_the_tools_name_a_chapter_not_saved_as_utf8_and_change_nothing(project, tool):
    save_as(project / "docs/2020/statistics.en.md", "utf-16")
    before = tree(project)
    result = subprocess.run([sys.executable, "-m", "macros", tool, "2021" if tool == "new-year" else "2020"],
                            cwd=project, capture_output=True, text=True)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "docs/2020/statistics.en.md:1" in result.stderr and "UTF-8" in result.stderr
    assert tree(project) == before


def test_the_build_stops_on_a_chapter_not_saved_as_utf8_with_the_same_message(project, tmp_path):
    save_as(project / "docs/2020/plan.md", "gbk")
    result = build(project, tmp_path / "site")
    said = result.stdout + result.stderr
    assert result.returncode != 0 and "Traceback" not in said and "UnicodeDecodeError" not in said
    assert "docs/2020/plan.md:" in said and "另存为" in said


# ------------------------------------------------------------ the chapters an index lists

LONG = "章" * 90 + ".md"   # 273 bytes: longer than any disk allows a file name


@pytest.mark.parametrize("entry, found", [
    (LONG, "too long"), ("../2020/plan.md", "a path"), ("/etc/passwd", "a path"), ("sub/plan.md", "a path"),
    ("..", "a path"), ("plan.txt", "not a .md"), ("plan.en.md", "translation"), ("index.md", "year's own page"),
    ("2020", "not a file name"), ("[plan.md]", "not a file name"), ("plan.md", "listed twice"),
])
def test_a_chapters_entry_that_is_no_chapter_file_name_is_refused_at_its_line(project, entry, found):
    index = project / "docs/2020/index.md"
    edit(index, "  - finance.md\n", f"  - finance.md\n  - {entry}\n")
    wrong = [p for p in chapters.problems(project / "docs", 2020, draft=False) if p.field == "chapters"]
    assert len(wrong) == 1 and found in wrong[0].found, wrong
    assert wrong[0].file == "docs/2020/index.md" and wrong[0].line == line_of(index, "  - finance.md") + 1
    # the draft is told too, and the order of the chapters is still read, the entry left out
    assert [p.found for p in chapters.problems(project / "docs", 2020, draft=True)] == [wrong[0].found]
    assert [s.name for s in chapters.sources(project / "docs", 2020)][:4] == \
        ["plan.md", "chronicle.md", "organisation.md", "finance.md"]


def test_an_entry_longer_than_a_file_name_can_be_is_refused_by_check_without_a_traceback(project):
    edit(project / "docs/2020/index.md", "  - plan.md\n", f"  - {'a' * 300}.md\n")
    result = check(project)
    assert result.returncode == 1 and "Traceback" not in result.stderr and "OSError" not in result.stderr
    assert "docs/2020/index.md:3" in result.stderr and "255" in result.stderr


# ------------------------------------------------------------ a first-release year, converted

def first_release(dest: Path) -> Path:
    """The anju-2020 fixture as the first release wrote it: chapters 2–5 include the shared
    templates, plan.md lists the activities with a loop, and the year page lists no chapters."""
    project = copy_project(dest, "anju-2020")
    shutil.rmtree(project / "docs/2020")
    shutil.copytree(FIXTURES / "first-release/2020", project / "docs/2020")
    return project


def pages_of(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.md"))}


def test_a_first_release_year_converted_is_what_new_year_would_have_made(tmp_path):
    converted, started = first_release(tmp_path / "converted"), first_release(tmp_path / "started")
    assert scaffold.own_chapters(converted, 2020)
    new_year(started, 2021)   # the same year's pages, as new-year carries them into the next year
    owned, carried = pages_of(converted / "docs/2020"), pages_of(started / "docs/2021")
    assert owned.keys() == carried.keys()
    for name, text in owned.items():
        note = REVIEW["en" if name.endswith(".en.md") else "zh"].format(source=2020) + "\n\n"
        assert carried[name].replace(note, "") == text, name
    # the year page every year has: its chapters in order, the PDF, key figures, contents, downloads
    assert owned["index.md"] == (FIXTURES / "anju-2020/docs/2020/index.md").read_text(encoding="utf-8")
    assert owned["index.en.md"] == (FIXTURES / "anju-2020/docs/2020/index.en.md").read_text(encoding="utf-8")
    assert [s.name for s in chapters.sources(converted / "docs", 2020)] == \
        ["plan.md", "chronicle.md", "organisation.md", "finance.md", "statistics.md"]
    for name, text in owned.items():   # nothing the chapters' sandbox refuses, no macro in a title
        assert "{%" not in text and "{{" not in chapters.split_front_matter(text)[0].get("title", ""), name
    assert '其中{{ listing("activities") }}，参与读者' in owned["plan.md"]
    assert 'among them {{ listing("activities") }}, with' in owned["plan.en.md"]
    assert check(converted).returncode == 0


def test_a_converted_first_release_year_builds_and_reads_like_every_year(tmp_path):
    project = first_release(tmp_path / "project")
    result = subprocess.run([sys.executable, "-m", "macros", "own-chapters", "2020"], cwd=project,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    site = tmp_path / "site"
    made = build(project, site)
    assert made.returncode == 0, made.stdout + made.stderr
    for path, title in (("2020/index.html", "2020 年年报 · 安居区图书馆"),
                        ("en/2020/index.html", "Annual Report 2020 · Anju District Library")):
        assert f"<title>{title}</title>" in (site / path).read_text(encoding="utf-8")
    year = page_text(site, "2020/index.html")
    assert "主要数字" in year and "流通人次" in year
    assert re.search(r"下载\s*2020\s*年的全部数据（ZIP，[\d.]+\s*KB）", year)   # the year's figures in one line
    assert re.search("第一章 工作计划与总结.*第二章 大事记.*第三章 机构与人员.*第四章 经费情况.*第五章 业务数据统计", year)
    assert "At a glance" in page_text(site, "en/2020/index.html")
    assert "第一章 工作计划与总结" in page_text(site, "2020/plan/index.html")
    assert "其中线上线下展览 12 场次" in page_text(site, "2020/plan/index.html")


def test_a_converted_year_takes_its_page_and_order_from_the_newest_year_that_lists_them(project):
    """As new-year copies the newest year's page: a year written later with the old templates beside it."""
    index = project / "docs/2020/index.md"
    edit(index, "  - plan.md\n  - chronicle.md\n", "  - chronicle.md\n  - plan.md\n")
    shutil.copytree(FIXTURES / "first-release/2020", project / "docs/2021")
    (project / "docs/2021/index.md").write_text(
        (project / "docs/2021/index.md").read_text(encoding="utf-8") + "\n本年因馆舍改造，年报推迟发布。\n", encoding="utf-8")
    scaffold.own_chapters(project, 2021)
    written = (project / "docs/2021/index.md").read_text(encoding="utf-8")
    assert [s.name for s in chapters.sources(project / "docs", 2021)][:2] == ["chronicle.md", "plan.md"]
    assert written.replace("本年因馆舍改造，年报推迟发布。\n\n", "") == index.read_text(encoding="utf-8")
    assert written.index("# {{ report_title() }}") < written.index("本年因馆舍改造") < written.index("{{ pdf_download() }}")


def test_a_loop_own_chapters_cannot_rewrite_is_named_and_nothing_changes(project):
    plan = project / "docs/2020/plan.md"
    edit(plan, "其中{{ listing(\"activities\") }}", "其中{% for e in chronicle.events %}{{ e.title | text }}{% endfor %}")
    edit(project / "docs/2020/plan.en.md", "# {{ chapter_heading() }}", "# {{ chapter_heading() }}\n\n{% if year %}x{% endif %}")
    before = tree(project)
    result = subprocess.run([sys.executable, "-m", "macros", "own-chapters", "2020"], cwd=project,
                            capture_output=True, text=True)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"docs/2020/plan.md:{line_of(plan, '{% for e in')}" in result.stderr and 'listing("activities")' in result.stderr
    assert f"docs/2020/plan.en.md:{line_of(project / 'docs/2020/plan.en.md', '{% if')}" in result.stderr
    assert "{% if %}" in result.stderr and "nothing was changed" in result.stderr
    assert tree(project) == before
