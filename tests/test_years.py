"""A publisher for many years: the next report starts from this year's, in staff's words and
shape; a year can differ in its parts; a finished year publishes, a draft never; editing a
later year never changes an earlier one."""
from __future__ import annotations

import filecmp
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, build, build_log, built, built_from, copy_project, made_once, page_text
from figures_in_pages import missing_figures, typed_figures
from macros.core import chapters
from macros.core.chapters import TODO_MARKERS
from macros.core.validate import load_site
from macros.tools import scaffold
from macros.tools.scaffold import REVIEW, ScaffoldError, new_year, restore
from test_attacks_tools import tree


def run(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "macros", *args], cwd=project, capture_output=True, text=True)


def preview(project: Path, site: Path) -> subprocess.CompletedProcess:
    return build(project, site, env={"REPORT_PREVIEW": "1"})


def test_a_new_year_starts_from_the_last_years_words_and_shape(archive_project):
    before = (archive_project / "mkdocs.yml").read_text(encoding="utf-8")
    written = new_year(archive_project, 2022)
    assert (archive_project / "mkdocs.yml").read_text(encoding="utf-8") == before  # nothing to configure
    site = load_site(archive_project / "data")
    draft, last = site.years[2022], site.years[2021]
    assert draft.draft and draft.todo
    # every empty field is listed with its file and line, so staff see what is left
    assert all(p.line and p.line > 1 and p.file.startswith("data/2022/") for p in draft.todo)
    # names carry over, figures do not; a part last year lacked is not invented
    assert [k.name.zh for k in draft.activities.by_kind] == [k.name.zh for k in last.activities.by_kind]
    assert all(k.count is None for k in draft.activities.by_kind) and draft.activities.closure is None
    # the chapters are last year's text, kept and marked for review
    for page in sorted((archive_project / "docs/2021").glob("*.md")):
        copy = archive_project / "docs/2022" / page.name
        assert copy in written
        text = copy.read_text(encoding="utf-8")
        code = "en" if page.name.endswith(".en.md") else "zh"
        assert REVIEW[code].format(source=2021) in text and TODO_MARKERS.search(REVIEW[code])
        assert text.replace(REVIEW[code].format(source=2021) + "\n\n", "") == page.read_text(encoding="utf-8")
    with pytest.raises(ScaffoldError, match="already exists"):
        new_year(archive_project, 2022)  # never overwrites


def test_a_new_years_chronicle_starts_empty_with_one_commented_example(archive_project):
    """Last year's events are last year's: the new chronicle has none to delete, and one example,
    commented out, shows every field an event has. Uncommented as the file says, it is an event."""
    new_year(archive_project, 2022)
    chronicle = archive_project / "data/2022/chronicle.yaml"
    text = chronicle.read_text(encoding="utf-8")
    draft = load_site(archive_project / "data").years[2022]
    assert draft.chronicle.events == []
    assert any(p.file == "data/2022/chronicle.yaml" and p.field == "events" for p in draft.todo)   # make check lists it
    example = [line[1:] for line in text.splitlines() if line.startswith("#  ")]
    fields = re.findall(r"^ {2}(?:- | {2})(\w+):", "\n".join(example), re.M)   # an event's own, not zh/en
    assert fields == ["date", "end", "title", "place", "description", "figures"], fields
    assert "photo:" in text and "photo_alt:" in text   # named, for a year with photos
    chronicle.write_text(text.replace("events: []", "events:") + "\n".join(example) + "\n", encoding="utf-8")
    [event] = load_site(archive_project / "data").years[2022].chronicle.events
    assert event.date.year == 2022 and event.figures == {"books": 120}


def test_restore_writes_the_same_empty_chronicle(archive_project):
    (archive_project / "data/2020/chronicle.yaml").unlink()
    restore(archive_project, 2020)
    text = (archive_project / "data/2020/chronicle.yaml").read_text(encoding="utf-8")
    assert "events: []" in text and "#  - date: 2020-06-01" in text


@pytest.mark.long
def test_a_draft_is_previewed_with_what_is_left_and_never_published(archive_project, tmp_path):
    new_year(archive_project, 2022)
    shown = tmp_path / "preview"
    result = preview(archive_project, shown)
    assert result.returncode == 0, result.stderr
    assert "【待填写】" in page_text(shown, "2022/figures/index.html")
    assert "[TODO]" in page_text(shown, "en/2022/figures/index.html")
    home = page_text(shown, "index.html")
    assert home.index("2022 年示例区图书馆年报") < home.index("2021 年示例区图书馆年报")  # newest first
    published = tmp_path / "site"
    assert build(archive_project, published).returncode == 0
    assert not (published / "2022").exists() and not (published / "en/2022").exists()
    for path in ("index.html", "sitemap.xml", "search/search_index.json", "en/index.html", "build.json"):
        assert "2022" not in (published / path).read_text(encoding="utf-8"), path


def test_restore_recreates_a_missing_data_file_and_touches_no_other(archive_project):
    (archive_project / "data/2020/finance.yaml").unlink()
    kept = (archive_project / "data/2020/staff.yaml").read_bytes()
    result = run(archive_project, "restore", "2020")
    assert result.returncode == 0 and "data/2020/finance.yaml" in result.stdout
    assert (archive_project / "data/2020/staff.yaml").read_bytes() == kept
    # the restored file is whole, its figures blank: check asks for them, line by line
    checked = run(archive_project, "check").stderr
    assert "data/2020/finance.yaml" in checked and "budget.total" in checked and "填写这一项" in checked
    assert "不存在" not in checked and "empty file" not in checked


# ------------------------------------------------------------ the next report, written as staff write it

def write_year(project: Path, year: int):
    """What staff do after make new-year, as the guide says: enter the figures, review every page,
    take out what the year did not have, and mark the year finished."""
    assert run(project, "new-year", str(year)).returncode == 0
    for path in (FIXTURES / "year-two" / str(year)).glob("*.yaml"):
        shutil.copyfile(path, project / "data" / str(year) / path.name)
    for page in (project / "docs" / str(year)).glob("*.md"):
        text = page.read_text(encoding="utf-8")
        for note in REVIEW.values():
            text = text.replace(note.format(source=year - 1) + "\n\n", "")
        # this year had no closure: the sentences about it go, whatever their words
        page.write_text(without_sentences_using("activities.closure", text), encoding="utf-8")


def without_sentences_using(name: str, text: str) -> str:
    """*text* less every sentence (Chinese or English) whose macros use *name*."""
    macros: list[str] = []

    def hide(match):  # a macro's dots are not sentence ends
        macros.append(match.group())
        return f"\0{len(macros) - 1}\0"

    hidden = re.sub(r"\{\{.*?\}\}", hide, text)
    # a sentence takes the space before it, so the one before keeps the space after it
    sentence = re.compile(r"[ \t]*[^。.!?\n* \t][^。.!?\n*]*(?:[。!?]|\.(?=\s|\*|$))")
    for match in reversed(list(sentence.finditer(hidden))):
        used = [macros[int(i)] for i in re.findall(r"\0(\d+)\0", match.group())]
        if any(name in macro for macro in used):
            hidden = hidden[: match.start()] + hidden[match.end():]
    assert name not in re.sub(r"\0(\d+)\0", lambda m: macros[int(m.group(1))], hidden)
    return re.sub(r"\0(\d+)\0", lambda m: macros[int(m.group(1))], hidden)


@pytest.fixture(scope="module")
def two_more_years(tmp_path_factory):
    """The anju-2020 fixture with 2021 written and built, checked, then 2022 written and built: made
    once for the run (conftest.made_once) and only read. The PDF editions of years that differ in
    shape are the archive fixture's (test_a_rebuild_…)."""
    def make(place):
        project = copy_project(place / "project", "anju-2020")
        write_year(project, 2021)
        built(project, place / "site")
        checked = run(project, "check")
        (place / "checked.txt").write_text(f"{checked.returncode}\n{checked.stderr}", encoding="utf-8")
        write_year(project, 2022)
        built(project, place / "year-three")
    place = made_once(tmp_path_factory, "two-more-years", make)
    returncode, stderr = (place / "checked.txt").read_text(encoding="utf-8").split("\n", 1)
    return place / "project", place / "site", place / "year-three", (int(returncode), stderr)


@pytest.mark.long
def test_a_second_year_with_new_items_and_no_closure_publishes_with_no_change_to_the_project(two_more_years):
    project, site, _, (returncode, stderr) = two_more_years
    assert returncode == 0, stderr
    year = load_site(project / "data").years[2021]
    assert year.activities.closure is None and "epidemic" in [i.id for i in year.finance.budget.items]
    for code, prefix in (("zh", ""), ("en", "en/")):
        assert not missing_figures(site, prefix, year, code)
    text = page_text(site, "2021/plan/index.html")
    assert "绘本故事会 9 场次" in text and "闭馆" not in text
    # the changes on 2020 are computed from the two years' data where none is stated
    assert "较上年提高了 14.38%" in page_text(site, "2021/statistics/index.html")


@pytest.mark.long
def test_a_third_year_on_top_publishes_too(two_more_years):
    project, _, site, _ = two_more_years
    year = load_site(project / "data").years[2022]
    for code, prefix in (("zh", ""), ("en", "en/")):
        assert not missing_figures(site, prefix, year, code)
    # the invariants the real report is held to hold for these years too (### 1.2 is no figure)
    assert not typed_figures(project / "docs", year)
    home = page_text(site, "index.html")
    assert home.index("2022 年安居区图书馆年报") < home.index("2021 年安居区图书馆年报") < home.index("2020 年安居区图书馆年报")
    # the trend over the years grows with the archive
    figure = re.search(r'id="figure-statistics">(.*?)</figure>', (site / "2022/statistics/index.html").read_text(encoding="utf-8"), re.S)
    assert all(str(y) in figure.group(1) for y in (2020, 2021, 2022))


# ------------------------------------------------------------ a published year stays as published

@pytest.mark.long
def test_editing_a_later_year_leaves_every_file_of_an_earlier_year_identical(archive, tmp_path):
    # from where the archive's build ended: an earlier year's PDF is made again only if what it is
    # made from changed (test_reproducible.py makes them all anew and finds the same bytes)
    archive_project = built_from(archive, tmp_path / "project")
    review = archive_project / "docs/2021/review.md"
    review.write_text(review.read_text(encoding="utf-8").replace("全年开放", "全年正常开放，服务不断"), encoding="utf-8")
    data = archive_project / "data/2021/activities.yaml"
    data.write_text(data.read_text(encoding="utf-8").replace("count: 6", "count: 7"), encoding="utf-8")
    site = built(archive_project, tmp_path / "site", pdf=True)
    assert "服务不断" in page_text(site, "2021/review/index.html")
    earlier = [p.relative_to(archive) for p in archive.rglob("*") if p.is_file()
               and re.match(r"(en/)?2020/|downloads/2020/", p.relative_to(archive).as_posix())]
    assert len(earlier) > 20
    changed = [str(p) for p in earlier if not filecmp.cmp(archive / p, site / p, shallow=False)]
    assert not changed


def test_the_built_site_shows_no_template_syntax(archive, report):
    for site in (archive, report):
        for path in site.rglob("*"):
            if path.suffix in (".html", ".json", ".xml", ".csv"):
                text = path.read_text(encoding="utf-8")
                assert "{{" not in text and "{%" not in text, path.relative_to(site)


def test_each_years_chapters_are_numbered_in_the_order_its_index_lists_them(archive_project, tmp_path):
    index = archive_project / "docs/2020/index.md"
    index.write_text(index.read_text(encoding="utf-8").replace("  - review.md\n  - chronicle.md\n",
                                                               "  - chronicle.md\n  - review.md\n"), encoding="utf-8")
    site = built(archive_project, tmp_path / "site")
    assert "第一章 大事记" in page_text(site, "2020/chronicle/index.html")
    assert "第二章 工作总结" in page_text(site, "2020/review/index.html")
    assert "Chapter 1: Chronicle" in page_text(site, "en/2020/chronicle/index.html")
    assert "第一章 工作总结" in page_text(site, "2021/review/index.html")  # other years keep their order



def test_a_rebuild_with_nothing_changed_reuses_every_pdf_byte_for_byte(archive, tmp_path):
    made = re.search(r"PDF editions: (\d+) made, (\d+) reused", build_log(archive)).groups()
    again = build(built_from(archive, tmp_path / "project"), tmp_path / "site", pdf=True)
    assert again.returncode == 0, again.stderr
    reused = re.search(r"PDF editions: (\d+) made, (\d+) reused", again.stdout + again.stderr).groups()
    assert made == ("6", "0") and reused == ("0", "6")   # three years, two languages
    pdfs = list(archive.rglob("*.pdf"))
    assert len(pdfs) == 6
    for pdf in pdfs:
        assert pdf.read_bytes() == (tmp_path / "site" / pdf.relative_to(archive)).read_bytes()


def test_a_year_just_started_passes_check_and_lists_what_is_left(project):
    """Straight after make new-year, every field of last year carried over (such as the spending
    including the central fund) waits for its figure as a to-do, not as an error."""
    new_year(project, 2021)
    result = run(project, "check")
    assert result.returncode == 0, result.stderr
    listed = result.stdout + result.stderr
    assert "data/2021/finance.yaml" in listed and "expenditure.includes_central_fund" in listed


# ------------------------------------------------------------ a year is four digits, 1949–2100

@pytest.mark.parametrize("src_uri, year", [
    ("2020/finance.md", 2020), ("1949/index.md", 1949), ("2100/plan.en.md", 2100),
    ("0999/finance.md", None), ("999/finance.md", None), ("3000/finance.md", None), ("1948/plan.md", None),
    ("20201/plan.md", None), ("２０２０/plan.md", None), ("guide/index.md", None), ("index.md", None),
])
def test_a_page_belongs_to_a_year_only_in_a_folder_named_for_one(src_uri, year):
    assert chapters.year_of(src_uri) == year
    assert chapters.is_chapter(src_uri) == (year is not None and "index" not in src_uri)


def test_a_folder_meant_as_a_year_that_is_none_is_refused_by_check_and_never_published(project, tmp_path):
    """docs/0999/ or docs/3000/ are refused, not skipped: skipped, their pages would publish as
    ordinary pages or vanish with only a line in a log; refused, staff see which folder to rename."""
    for name in ("0999", "3000", "２０２１"):
        shutil.copytree(project / "docs/2020", project / "docs" / name)
    assert chapters.years(project / "docs") == [2020]
    checked = run(project, "check")
    assert checked.returncode == 1 and "Traceback" not in checked.stderr
    for name in ("0999", "3000", "２０２１"):
        assert f"docs/{name}/" in checked.stderr
    assert "四位数字的年份" in checked.stderr and "four-digit year" in checked.stderr
    site = tmp_path / "site"
    result = build(project, site)
    said = result.stdout + result.stderr
    assert result.returncode != 0 and "Traceback" not in said and "docs/0999/" in said and "rename the folder" in said
    assert not (site / "0999").exists() and not (site / "3000").exists()


# ------------------------------------------------------------ every tool is all-or-nothing

def test_new_year_with_a_missing_shared_chapter_names_it_and_leaves_nothing_behind(project):
    finance = project / "docs/2020/finance.md"
    finance.write_text(finance.read_text(encoding="utf-8") + '\n{% include "chapters/lost.md" %}\n', encoding="utf-8")
    before = tree(project)
    result = run(project, "new-year", "2021")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    line = len(finance.read_text(encoding="utf-8").splitlines())
    assert f"docs/2020/finance.md:{line}" in result.stderr and "chapters/lost.md" in result.stderr
    assert "nothing was changed" in result.stderr
    assert tree(project) == before   # no data/2021, no docs/2021, no temporary folder
    finance.write_text(finance.read_text(encoding="utf-8").replace('{% include "chapters/lost.md" %}\n', ""),
                       encoding="utf-8")
    again = run(project, "new-year", "2021")   # after the fix, it simply works
    assert again.returncode == 0, again.stderr
    assert (project / "data/2021/report.yaml").is_file() and (project / "docs/2021/finance.md").is_file()


def test_own_chapters_changes_no_page_when_one_include_finds_no_shared_chapter(project):
    for page, template in (("finance.md", "finance.md"), ("statistics.md", "gone.md")):
        (project / "docs/2020" / page).write_text(f'---\ntitle: x\n---\n\n{{% include "chapters/{template}" %}}\n',
                                                  encoding="utf-8")
    before = tree(project)
    result = run(project, "own-chapters", "2020")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "docs/2020/statistics.md:5" in result.stderr and "chapters/gone.md" in result.stderr
    assert tree(project) == before   # finance.md, which could have been done, is not done either


@pytest.mark.parametrize("stop", [OSError(28, "No space left on device"), KeyboardInterrupt()])
@pytest.mark.parametrize("tool", ["new-year", "restore", "own-chapters"])
def test_a_tool_stopped_while_moving_its_work_into_place_puts_everything_back(project, monkeypatch, tool, stop):
    """The last step of each tool moves what it made into place, one rename each; a full disk or
    Ctrl-C after the first rename undoes it."""
    if tool == "restore":   # two files to restore, two to include: two renames for each tool
        (project / "data/2020/finance.yaml").unlink()
        (project / "data/2020/staff.yaml").unlink()
    for page in ("finance.md", "statistics.md"):
        (project / "docs/2020" / page).write_text(f'{{% include "chapters/{page}" %}}\n', encoding="utf-8")
    before = tree(project)
    renames = []

    def rename(source, target):
        renames.append(target)
        if len(renames) == 2:
            raise stop
        real_rename(source, target)

    real_rename = os.rename
    monkeypatch.setattr(scaffold.os, "rename", rename)
    action = {"new-year": lambda: new_year(project, 2021), "restore": lambda: restore(project, 2020),
              "own-chapters": lambda: scaffold.own_chapters(project, 2020)}[tool]
    with pytest.raises(type(stop)):
        action()
    assert len(renames) >= 2 and tree(project) == before


def test_restore_of_a_year_that_is_none_writes_nothing(project):
    with pytest.raises(ScaffoldError, match="1949"):
        restore(project, 999)
    with pytest.raises(ScaffoldError, match="1949"):
        new_year(project, 3000)
    assert not (project / "data/999").exists() and not (project / "docs/3000").exists()
