"""Each year carries the date of its own last change: committing next year never changes a
published year. Its PDFs, downloads, footers and sitemap entries stay byte for byte as they
were; the new year and the pages every year shares carry the new date; a date staff set in
report.yaml wins; SOURCE_DATE_EPOCH is a ceiling, never a date of its own."""
from __future__ import annotations

import datetime as dt
import gzip
import html
import os
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from conftest import build, copy_project, edit
from macros.core import fmt
from macros.core.build_date import content_dates
from macros.core.strings import t

FIRST = "2021-01-15T10:00:00Z"    # 2019 and 2020 committed
SECOND = "2022-02-20T10:00:00Z"   # 2021 committed
STATED = dt.date(2020, 3, 31)     # data/2019/report.yaml: updated: 2020-03-31


def epoch(moment: str) -> int:
    return int(dt.datetime.fromisoformat(moment.replace("Z", "+00:00")).timestamp())


def day(moment: str) -> dt.date:
    return dt.datetime.fromisoformat(moment.replace("Z", "+00:00")).date()


def midnight(date: dt.date) -> int:
    return int(dt.datetime(date.year, date.month, date.day, tzinfo=dt.timezone.utc).timestamp())


def commit(project: Path, when: str, *paths: str) -> None:
    """Commit *paths* (everything when none) at the fixed time *when*."""
    env = dict(os.environ, GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when, GIT_AUTHOR_NAME="staff",
               GIT_AUTHOR_EMAIL="staff@example.org", GIT_COMMITTER_NAME="staff", GIT_COMMITTER_EMAIL="staff@example.org")
    if not (project / ".git").exists():
        subprocess.run(["git", "init", "-q", str(project)], check=True, env=env)
        (project / ".gitignore").write_text(".cache/\n", encoding="utf-8")
    subprocess.run(["git", "-C", str(project), "add", "-A", *paths], check=True, env=env)
    subprocess.run(["git", "-C", str(project), "commit", "-q", "-m", f"at {when}"], check=True, env=env)


def set_aside(project: Path, year: int, aside: Path) -> None:
    for top in ("data", "docs"):
        shutil.move(project / top / str(year), aside / f"{top}-{year}")


def bring_back(project: Path, year: int, aside: Path) -> None:
    for top in ("data", "docs"):
        shutil.move(aside / f"{top}-{year}", project / top / str(year))


# ------------------------------------------------------------ the dates (no build)

def test_without_git_each_year_is_dated_by_its_own_data_and_shared_pages_by_the_newest(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "")
    project = copy_project(tmp_path / "project", "archive")
    dates = content_dates(project)
    assert dates.years == {2019: midnight(dt.date(2019, 12, 31)), 2020: midnight(dt.date(2020, 12, 31)),
                           2021: midnight(dt.date(2021, 12, 31))}
    assert dates.shared == dates.years[2021]
    # a year not shown (a draft in a build) moves no shared page
    assert content_dates(project, [2019, 2020]).shared == dates.years[2020]
    edit(project / "data/2020/report.yaml", "draft: false", "draft: false\nupdated: 2021-03-31")
    assert content_dates(project).years[2020] == midnight(dt.date(2021, 3, 31))


def test_source_date_epoch_is_a_ceiling_never_a_date_of_its_own(tmp_path, monkeypatch):
    project = copy_project(tmp_path / "project", "archive")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "")
    dates = content_dates(project)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(dates.shared + 86400 * 400))   # later: nothing changes
    assert content_dates(project) == dates
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(dates.years[2020]))            # earlier: every date capped
    assert content_dates(project).years == {2019: dates.years[2019], 2020: dates.years[2020], 2021: dates.years[2020]}
    assert content_dates(project).shared == dates.years[2020]


def test_in_git_each_year_is_its_last_commit_and_the_shared_pages_the_newest(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "")
    project = copy_project(tmp_path / "project", "archive")
    aside = tmp_path / "aside"
    aside.mkdir()
    set_aside(project, 2021, aside)
    commit(project, FIRST)
    assert content_dates(project).years == {2019: epoch(FIRST), 2020: epoch(FIRST)}
    edit(project / "docs/index.md", "\n", "\n\n")   # a page every year shares: no year's date
    commit(project, "2021-06-01T08:00:00Z")
    assert content_dates(project).years == {2019: epoch(FIRST), 2020: epoch(FIRST)}
    assert content_dates(project).shared == epoch("2021-06-01T08:00:00Z")
    bring_back(project, 2021, aside)                 # written, not yet committed: its data's newest date
    assert content_dates(project).years[2021] == midnight(dt.date(2021, 12, 31))
    commit(project, SECOND)
    assert content_dates(project).years == {2019: epoch(FIRST), 2020: epoch(FIRST), 2021: epoch(SECOND)}
    assert content_dates(project).shared == epoch(SECOND)
    # A shallow clone (CI without fetch-depth: 0) does not know when 2020 last changed: its
    # oldest commit "adds" every file. Such a year is dated by its data, never by that commit.
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{project}", str(shallow)], check=True)
    assert content_dates(shallow).years[2020] == midnight(dt.date(2020, 12, 31))


# ------------------------------------------------------------ what a build writes

def footer_dates(site: Path) -> dict[str, str]:
    """Page -> the "last updated" its footer says, for every page of the site that says one."""
    out = {}
    for page in sorted(site.rglob("*.html")):
        said = re.search(r'<p class="report-footer__meta">\s*<span>([^<]*)</span>', page.read_text(encoding="utf-8"))
        if said:
            out[page.relative_to(site).as_posix()] = html.unescape(said.group(1))
    return out


def lastmods(site: Path) -> dict[str, str]:
    xml = (site / "sitemap.xml").read_text(encoding="utf-8")
    return dict(re.findall(r"<loc>http://127\.0\.0\.1:8000/([^<]*)</loc>\s*<lastmod>([^<]*)</lastmod>", xml))


def pdf_created(path: Path) -> str:
    info = subprocess.run(["pdfinfo", "-isodates", str(path)], capture_output=True, text=True).stdout
    return re.search(r"^CreationDate:\s*(\S+)", info, re.M).group(1)


def year_of(page: str) -> int | None:
    found = re.match(r"(?:en/)?(\d{4})/", page)
    return int(found.group(1)) if found else None


def said(date: dt.date, page: str) -> str:
    code = "en" if page.startswith("en/") else "zh"
    return t("footer.updated", code, date=fmt.date(date, code, with_year=True))


@pytest.fixture(scope="module")
def two_commits(tmp_path_factory) -> tuple[Path, Path, str]:
    """The archive with 2019 and 2020 committed and built; then 2021 committed and built again, with
    SOURCE_DATE_EPOCH set to that commit's time as reproducible-build tooling sets it."""
    root = tmp_path_factory.mktemp("year-dates")
    project = copy_project(root / "project", "archive")
    aside = root / "aside"
    aside.mkdir()
    set_aside(project, 2021, aside)
    edit(project / "data/2019/report.yaml", "draft: false", f"draft: false\nupdated: {STATED.isoformat()}")
    commit(project, FIRST)
    environment = {"SOURCE_DATE_EPOCH": ""}
    first = build(project, root / "first", pdf=True, env=environment)
    assert first.returncode == 0, first.stderr
    bring_back(project, 2021, aside)
    commit(project, SECOND)
    second = build(project, root / "second", pdf=True, env={"SOURCE_DATE_EPOCH": str(epoch(SECOND))})
    assert second.returncode == 0, second.stderr
    return root / "first", root / "second", second.stdout + second.stderr


def test_committing_next_year_leaves_a_published_years_files_byte_for_byte(two_commits):
    first, second, log = two_commits
    for year in (2019, 2020):
        before = sorted(p.relative_to(first) for p in (first / "downloads" / str(year)).iterdir())
        after = sorted(p.relative_to(second) for p in (second / "downloads" / str(year)).iterdir())
        assert before == after and any(p.suffix == ".pdf" for p in before) and any(p.suffix == ".csv" for p in before)
        assert [str(p) for p in before if (first / p).read_bytes() != (second / p).read_bytes()] == []
    # the PDFs of 2019 and 2020 were made from the very same source: their cache held them
    assert "PDF editions: 2 made, 4 reused" in log
    assert {pdf_created(p) for p in (second / "downloads/2020").glob("*.pdf")} == {FIRST}
    assert {pdf_created(p) for p in (second / "downloads/2021").glob("*.pdf")} == {SECOND}


def test_a_published_years_pages_keep_their_date_and_the_new_year_and_shared_pages_take_the_new_one(two_commits):
    first, second, _ = two_commits
    before, after = footer_dates(first), footer_dates(second)
    expected = {2019: STATED, 2020: day(FIRST), 2021: day(SECOND), None: day(SECOND)}
    assert {page for page in after if year_of(page) == 2021} and {"index.html", "en/data/index.html"} <= set(after)
    for page, text in after.items():
        assert text == said(expected[year_of(page)], page), page
        if year_of(page) in (2019, 2020):
            assert before[page] == text, page
    # the sitemap says the same, page by page; as a whole (its gzip header), the newest
    for site, newest in ((first, day(FIRST)), (second, day(SECOND))):
        dated = lastmods(site)
        assert dated and all(date == expected[year_of(page)].isoformat() if year_of(page) else date == newest.isoformat()
                             for page, date in dated.items()), dated
        assert struct.unpack("<I", (site / "sitemap.xml.gz").read_bytes()[4:8])[0] == midnight(newest)
        assert gzip.decompress((site / "sitemap.xml.gz").read_bytes()) == (site / "sitemap.xml").read_bytes()
    assert {p: d for p, d in lastmods(first).items() if year_of(p) == 2020} == \
        {p: d for p, d in lastmods(second).items() if year_of(p) == 2020}
