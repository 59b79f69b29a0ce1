"""Two builds of the same content give byte-identical files, wherever they run, with or
without git history: every date the build writes comes from the content."""
import filecmp
import subprocess

import pytest

from conftest import FIXTURES, build, copy_project
from figures_in_pages import figures
from macros.core.validate import load_site


def files_of(site):
    return sorted(p.relative_to(site) for p in site.rglob("*") if p.is_file())


@pytest.mark.long
def test_a_build_elsewhere_and_without_git_is_byte_identical_and_dated_by_its_data(archive, tmp_path, monkeypatch):
    # A project downloaded as a zip archive, unpacked somewhere else: no .git, an empty SOURCE_DATE_EPOCH.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "")
    project = copy_project(tmp_path / "somewhere" / "else" / "project", "archive", cold=True)   # its charts drawn anew: the same bytes?
    assert not (project / ".git").exists()
    site = tmp_path / "site"
    result = build(project, site, pdf=True, fresh=True)   # a new Python, with a hash seed of its own
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert files_of(site) == files_of(archive)
    assert not [str(f) for f in files_of(site) if not filecmp.cmp(site / f, archive / f, shallow=False)]
    # the dates it writes are the content's, not the clock's: each year's the newest date of its
    # own data, the pages every year shares the newest of all
    data = load_site(FIXTURES / "archive" / "data")
    newest = {number: max(value for topic in year.documents for _, value in figures(year.topic(topic))
                          if hasattr(value, "isoformat")) for number, year in data.years.items()}
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>http://127.0.0.1:8000/</loc>\n        <lastmod>{max(newest.values()).isoformat()}</lastmod>" in sitemap
    for year, date in newest.items():
        assert f"/{year}/</loc>\n        <lastmod>{date.isoformat()}</lastmod>" in sitemap, year
        info = subprocess.run(["pdfinfo", "-isodates", str(next(site.glob(f"downloads/{year}/*-zh.pdf")))],
                              capture_output=True, text=True).stdout
        assert f"CreationDate:    {date.isoformat()}T00:00:00Z" in info, (year, info)
    assert len(set(newest.values())) == len(newest)   # three years, three dates


def test_a_link_out_of_the_project_never_dates_the_build(tmp_path, monkeypatch):
    # In a copy without git, the date comes from the data: a file that only links to one outside
    # the project (here under data/schema/) must not be read, or its date would be published.
    from macros.core.build_date import source_date_epoch
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "")
    project = copy_project(tmp_path / "project", "archive")
    honest = source_date_epoch(project)
    outside = tmp_path / "outside.yaml"
    outside.write_text("published: 2099-12-31\n", encoding="utf-8")
    (project / "data" / "schema").mkdir(exist_ok=True)
    (project / "data" / "schema" / "dates.yaml").symlink_to(outside)
    assert source_date_epoch(project) == honest
    (project / "data" / "schema" / "dates.yaml").unlink()
    (project / "data" / "schema" / "dates.yaml").write_text("published: 2099-12-31\n", encoding="utf-8")
    assert source_date_epoch(project) > honest   # the same date inside the project is read


def test_a_stated_date_that_is_no_date_is_not_taken(tmp_path, monkeypatch):
    from macros.core.build_date import source_date_epoch
    project = copy_project(tmp_path / "project", "archive")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "")
    from_data = source_date_epoch(project)
    for stated in ("٣٣٣", "²", "99999999999999999999", "-1", "1e9"):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", stated)
        assert source_date_epoch(project) == from_data, stated
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")
    assert source_date_epoch(project) == 1600000000
