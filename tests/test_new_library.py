"""`python -m macros new-library DIR`: another library's project, made in one command, checks and
builds with the installed engine, and holds none of the Anju report's words."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import build, built

ANJU = re.compile(r"安居|Anju|遂宁|Suining|Sui'an", re.I)
NAME_ZH, NAME_EN = "测试县图书馆", "Test County Library"


def tool(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    environment = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run([sys.executable, "-m", "macros", *args], cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def new_library(tmp_path_factory) -> Path:
    project = tmp_path_factory.mktemp("new-library") / "lib"
    made = tool("new-library", str(project), "--name-zh", NAME_ZH, "--name-en", NAME_EN)
    assert made.returncode == 0, made.stdout + made.stderr
    assert f"cd {project}" in made.stdout and "mkdocs serve" in made.stdout
    return project


def test_it_holds_a_whole_project(new_library):
    for name in ("mkdocs.yml", "README.md", ".gitignore", ".github/workflows/site.yml", "data/library.yaml",
                 "data/search-terms.txt", "docs/index.md", "docs/index.en.md", "docs/data.md", "docs/data.en.md"):
        assert (new_library / name).is_file(), name
    years = [p.name for p in (new_library / "data").iterdir() if re.fullmatch(r"\d{4}", p.name)]
    assert len(years) == 1
    year = new_library / "data" / years[0]
    assert {p.name for p in year.iterdir()} >= {"report.yaml", "finance.yaml", "statistics.yaml", "staff.yaml"}
    assert re.search(r"^draft: true", (year / "report.yaml").read_text(encoding="utf-8"), re.M)
    for chapter in ("index", "plan", "chronicle", "organisation", "finance", "statistics"):
        for suffix in (".md", ".en.md"):
            assert (new_library / "docs" / years[0] / f"{chapter}{suffix}").is_file()
    config = (new_library / "mkdocs.yml").read_text(encoding="utf-8")
    assert "custom_dir" not in config and "extra_css" not in config and "hooks" not in config
    workflow = (new_library / ".github/workflows/site.yml").read_text(encoding="utf-8")
    assert "python -m macros check" in workflow and "mkdocs build --strict" in workflow
    assert all(re.search(r"@[0-9a-f]{40}\b", line) for line in workflow.splitlines() if "uses:" in line)
    assert NAME_ZH in (new_library / "data/library.yaml").read_text(encoding="utf-8")
    for path in new_library.rglob("*"):   # data/schema/: the engine's editor hints, generated (an example slug)
        if path.is_file() and path.parent.name != "schema":
            assert not ANJU.search(path.read_text(encoding="utf-8")), path


def test_it_passes_its_checks(new_library):
    checked = tool("check", cwd=new_library)
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize("preview", [False, True], ids=["build", "preview"])
def test_it_builds_with_none_of_anju(new_library, tmp_path, preview):
    site = built(new_library, tmp_path / "site", env={"REPORT_PREVIEW": "1"} if preview else None)
    for page in ("index.html", "en/index.html", "data/index.html", "en/data/index.html"):
        assert (site / page).is_file(), page
    assert NAME_ZH in (site / "index.html").read_text(encoding="utf-8")
    assert NAME_EN in (site / "en/index.html").read_text(encoding="utf-8")
    for path in site.rglob("*"):
        if path.is_file():
            text = path.read_bytes().decode("utf-8", errors="ignore")
            assert not ANJU.search(text), f"{path.relative_to(site)}: {ANJU.search(text).group()}"
    drafts = [p for p in site.rglob("*.html") if re.match(r"(en/)?\d{4}/", p.relative_to(site).as_posix())]
    if preview:
        assert drafts, "the draft year's pages render in the preview"
    else:
        assert not drafts, "a build publishes no draft"
        assert "尚无已发布的年报" in (site / "index.html").read_text(encoding="utf-8")
        assert "No report published yet" in (site / "en/index.html").read_text(encoding="utf-8")


def _refused(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    for word in words:
        assert word in result.stderr


def test_a_folder_with_files_is_refused(tmp_path):
    target = tmp_path / "lib"
    target.mkdir()
    (target / "notes.txt").write_text("mine", encoding="utf-8")
    _refused(tool("new-library", str(target)), "not empty")
    assert [p.name for p in target.iterdir()] == ["notes.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["lib"]


@pytest.mark.parametrize("year", ["0999", "twenty", "20201"])
def test_a_wrong_year_is_refused(tmp_path, year):
    _refused(tool("new-library", str(tmp_path / "lib"), "--year", year), "--year")
    assert list(tmp_path.iterdir()) == []


def test_an_empty_folder_is_used(tmp_path):
    target = tmp_path / "lib"
    target.mkdir()
    made = tool("new-library", str(target), "--year", "2021")
    assert made.returncode == 0, made.stderr
    assert (target / "data/2021/report.yaml").is_file() and (target / "docs/2021/index.md").is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["lib"]   # no temporary folder left beside it


def test_the_current_folder_is_filled_where_it_is(tmp_path):
    """`new-library .` in an empty folder: the terminal's folder gets the project, and stays the same folder."""
    target = tmp_path / "lib"
    target.mkdir()
    before = target.stat().st_ino
    made = tool("new-library", ".", "--year", "2021", cwd=target)
    assert made.returncode == 0, made.stderr
    assert target.stat().st_ino == before
    assert (target / "mkdocs.yml").is_file() and (target / "data/2021/report.yaml").is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["lib"]


def test_a_missing_dir_is_refused(tmp_path):
    _refused(tool("new-library", cwd=tmp_path), "DIR")
    assert list(tmp_path.iterdir()) == []


def test_build_refuses_nothing_else(new_library, tmp_path):
    """The starter's pages stay within what the engine offers: a build of its draft year, as the
    preview shows it, prints no warning."""
    result = build(new_library, tmp_path / "site", env={"REPORT_PREVIEW": "1"})
    assert result.returncode == 0 and "WARNING" not in result.stdout + result.stderr, result.stderr
