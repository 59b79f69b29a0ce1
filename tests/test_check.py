"""`make check` finds what a build would refuse, without building: a figure left blank or deleted
in a finished year, a chapter that uses a part its year lacks, a misspelt name, markup that could
act in a browser. It names the data file and field (or the chapter and line) in the staff's words,
never Python's; the build says the same thing for the same mistake; and "did you mean" offers only
this project's names, and only the nearest."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, build, edit, line_of
from warm_python import run_module
from macros.core.problems import DataError
from macros.core.validate import load_site
from macros.tools import check as check_tool
from macros.tools.scaffold import new_year
from test_chapters import PYTHON_WORDS, render
from macros.core.pages import ChapterMistake

PYTHON = re.compile(PYTHON_WORDS.pattern + r"|\bNone\b|<class")


def check(project: Path) -> subprocess.CompletedProcess:
    return run_module("macros", "check", project / "data", cwd=ROOT, timeout=120)


def refused(project: Path) -> str:
    """What check says of a project it must refuse: exit status 1, the staff's words only."""
    result = check(project)
    said = result.stdout + result.stderr
    assert result.returncode == 1, said
    assert not PYTHON.search(said), said
    return said


def blocks(said: str) -> list[str]:
    """Each problem of a message, from its ✗ to its last line."""
    return [b.strip() for b in re.findall(r"✗ .*?(?=\n\s*✗ |\n\n|\Z)", said, re.S)]


def delete_line(path: Path, key: str) -> None:
    path.write_text("".join(line for line in path.read_text(encoding="utf-8").splitlines(keepends=True)
                            if not line.startswith(f"{key}:")), encoding="utf-8")


def blank(path: Path, key: str) -> int:
    """Empty the value of *key* (its comment kept), as staff leave a figure to come; its line."""
    text = path.read_text(encoding="utf-8")
    text, count = re.subn(rf"^{key}: *[^#\n]*?( *#.*)?$", rf"{key}:\1", text, count=1, flags=re.M)
    assert count == 1, key
    path.write_text(text, encoding="utf-8")
    return line_of(path, f"{key}:")


# ------------------------------------------------------------ a finished year is whole

def test_a_blank_figure_in_a_finished_year_is_named_with_its_file_line_and_field(project):
    line = blank(project / "data/2020/profile.yaml", "terminals")
    said = refused(project)
    assert f"data/2020/profile.yaml:{line}" in said and "field: terminals" in said
    assert "填写这一项" in said and "计算机终端" in said and "computer terminals" in said
    # told once, at the line to fill in: not again at each sentence that uses it
    assert "docs/2020/organisation.md" not in said


def test_a_deleted_figure_a_chapter_uses_is_named_with_its_data_file_and_the_chapters_line(project):
    delete_line(project / "data/2020/statistics.yaml", "new_acquisitions")
    said = refused(project)
    for page in ("statistics.md", "statistics.en.md"):
        page_line = line_of(project / "docs/2020" / page, "statistics.new_acquisitions")
        assert f"docs/2020/{page}:{page_line}" in said, said
    assert "在 data/2020/statistics.yaml 中写上 new_acquisitions 并填写" in said
    assert "new_acquisitions written and filled in, in data/2020/statistics.yaml" in said
    # a figure the report has is filled in, never its sentence deleted
    assert "删去" not in said and "delete" not in said


def test_a_chapter_using_an_optional_part_the_year_lacks_is_told_to_delete_its_sentence(project):
    activities = project / "data/2020/activities.yaml"
    text = activities.read_text(encoding="utf-8")
    activities.write_text(text[: text.index("closure:")], encoding="utf-8")
    said = refused(project)
    plan = project / "docs/2020/plan.md"
    assert f"docs/2020/plan.md:{line_of(plan, 'activities.closure')}" in said and "field: activities.closure" in said
    assert "data/2020/activities.yaml 中没有 closure" in said
    assert "请删去章节中用到它的句子" in said and "delete the sentence that uses it" in said


def test_a_blank_figure_a_sentence_uses_names_its_data_file_and_line_never_none(project):
    """The message a page gets for a blank figure (a build meets it only once the data passes; the
    preview of a year being finished, as soon as it is saved): the file and line to fill in."""
    line = blank(project / "data/2020/profile.yaml", "terminals")
    with pytest.raises(DataError) as error:
        load_site(project / "data")
    site = error.value.site   # the data fits the schema: the pages can still be rendered
    found = check_tool.page_problems(site, project / "docs")
    organisation = [p for p in found if p.file == "docs/2020/organisation.md"]
    assert organisation, found
    problem = organisation[0]
    assert problem.line == line_of(project / "docs/2020/organisation.md", "profile.terminals")
    assert problem.field == "profile.terminals"
    assert f"在 data/2020/profile.yaml 第 {line} 行填写 terminals" in problem.expected_zh
    assert f"data/2020/profile.yaml:{line}" in problem.found and "删去" not in problem.expected_zh
    assert not PYTHON.search(problem.render()), problem.render()


def test_the_build_stops_on_the_same_mistakes_with_the_same_words(project, tmp_path):
    # a figure deleted: told at the chapter's line, by check and by the build alike
    delete_line(project / "data/2020/statistics.yaml", "new_acquisitions")
    said = blocks(refused(project))
    result = build(project, tmp_path / "site")
    built = result.stdout + result.stderr
    assert result.returncode != 0 and "Traceback" not in built
    told = blocks(built[built.index("✗"):])
    assert told and told[0] in said, (told, said)
    # a figure left blank: told at its line in data/, by check and by the build alike
    edit(project / "data/2020/statistics.yaml", "per_capita", "new_acquisitions:\nper_capita")
    said = refused(project)
    result = build(project, tmp_path / "site")
    built = result.stdout + result.stderr
    assert result.returncode != 0 and "Traceback" not in built
    assert blocks(said) == blocks(built[built.index("✗"):]) and "data/2020/statistics.yaml:" in said


# ------------------------------------------------------------ a draft's to-do

ISSUE_FIELDS = ["floor_area", "collection_wan", "terminals", "branches", "service_points", "new_acquisitions",
                "per_capita_new_acquisitions", "new_tb", "participants_at_least", "college_or_above_share",
                "professional_posts", "professional_share"]


def test_a_new_years_to_do_lists_every_field_it_was_given_to_fill(project):
    new_year(project, 2021)
    result = check(project)
    assert result.returncode == 0, result.stderr
    listed = result.stdout
    # every field the new year's files write for staff to fill, profile.yaml's too
    written = [name for name in ISSUE_FIELDS
               if any(re.search(rf"^\s*{name}:", f.read_text(encoding="utf-8"), re.M)
                      for f in (project / "data/2021").glob("*.yaml"))]
    assert {"floor_area", "terminals", "new_acquisitions", "participants_at_least"} <= set(written), written
    for name in written:
        assert re.search(rf"data/2021/\w+\.yaml:\d+  [\w.\[\]]*\b{name}\b", listed), name
    assert "data/2021/profile.yaml" in listed and "计算机终端" in listed


def test_a_draft_is_rendered_as_the_preview_shows_it(project):
    edit(project / "data/2020/report.yaml", "draft: false", "draft: true")
    blank(project / "data/2020/profile.yaml", "terminals")
    result = check(project)   # a figure to come: a to-do, shown as such in the preview, no error
    assert result.returncode == 0, result.stderr
    assert re.search(r"data/2020/profile\.yaml:\d+  terminals", result.stdout)
    # a misspelt name stops the preview's page: check says so of a draft too
    edit(project / "docs/2020/finance.md", "| money }}", "| mony }}")
    said = refused(project)
    assert "docs/2020/finance.md:" in said and "mony" in said


# ------------------------------------------------------------ what else a build refuses

def test_markup_that_could_act_in_a_browser_is_found_by_check_at_its_line(project):
    finance = project / "docs/2020/finance.md"
    finance.write_text(finance.read_text(encoding="utf-8") + '\n<img src="https://evil.example/x.png">\n',
                       encoding="utf-8")
    said = refused(project)
    assert f"docs/2020/finance.md:{line_of(finance, 'evil.example')}" in said and "<img src=" in said


def test_chapters_without_their_years_data_are_found_by_check(project):
    import shutil
    shutil.copytree(project / "docs/2020", project / "docs/2019")
    said = refused(project)
    assert "docs/2019/" in said and "data/2019/" in said


# ------------------------------------------------------------ did you mean

FINANCE = "---\ntitle: 经费情况\n---\n\n# {{ chapter_heading() }}\n\n"


@pytest.mark.parametrize("typed, nearest", [
    ("{{ finance.budget.total | mony }}", ["money"]),          # never month
    ('{{ listng("education") }}', ["listing"]),                 # never list or string
    ("{{ staff.headcount | nmu }}", ["num"]),                   # letters swapped
    ("{{ finnce.budget.total | money }}", ["finance"]),
    ("{{ finance.budget.totl | money }}", ["total"]),
    ('{{ chrt("budget") }}', ["chart"]),
    ("{{ staff.as_of | asof }}", ["as_of"]),
    ("{{ finance.budget.total | qwerty }}", []),                # nothing close: nothing offered
])
def test_did_you_mean_offers_only_the_nearest_of_this_projects_names(project, typed, nearest):
    with pytest.raises(ChapterMistake) as info:
        render(project, "2020/finance.md", FINANCE + typed + "\n")
    problem = info.value.problem
    offered = re.search(r"did you mean (.*)\?\)", problem.expected_en)
    assert (offered.group(1).split(", ") if offered else []) == nearest, problem.render()
    for builtin in ("min", "list", "string", "month", "lower", "range", "dict"):
        if builtin not in nearest:
            assert not re.search(rf"\b{builtin}\b", problem.expected_en.split("did you mean")[-1])
