"""Two builds of the same commit give byte-identical files."""
import filecmp
import os

from conftest import ROOT, build, copy_project


def test_two_builds_are_byte_identical(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    first, second = tmp_path / "one", tmp_path / "two"
    for out in (first, second):
        result = build(ROOT, out, pdf=True)
        assert result.returncode == 0, result.stderr
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    differing = [str(f) for f in files if not filecmp.cmp(first / f, second / f, shallow=False)]
    assert not differing
    # and the dates it writes are the commit's, not the build's
    assert "<lastmod>2023-11-14</lastmod>" in (first / "sitemap.xml").read_text(encoding="utf-8")
    info = os.popen(f"pdfinfo {first / 'downloads/2020/anju-library-annual-report-2020-zh.pdf'}").read()
    assert "2023" in next(l for l in info.splitlines() if l.startswith("CreationDate"))


def test_a_copy_without_git_history_builds_and_dates_itself_from_its_data(tmp_path, monkeypatch):
    # A project downloaded as a zip archive: no .git, and make exports nothing.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "")
    sitemaps = []
    for name in ("one", "two"):
        project = copy_project(tmp_path / name)
        assert not (project / ".git").exists()
        result = build(project, tmp_path / f"{name}-site")
        assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
        sitemaps.append((tmp_path / f"{name}-site" / "sitemap.xml").read_text(encoding="utf-8"))
    newest = max(newest_date(path) for path in (ROOT / "data").rglob("*.yaml"))
    assert f"<lastmod>{newest.isoformat()}</lastmod>" in sitemaps[0]
    assert sitemaps[0] == sitemaps[1]


def newest_date(path):
    """The newest date written in one data file (dates are what YAML reads as dates)."""
    import datetime as dt
    from macros.core.load import load_document
    found, values = [dt.date.min], [load_document(path).data]
    while values:
        value = values.pop()
        if isinstance(value, dict):
            values.extend(value.values())
        elif isinstance(value, list):
            values.extend(value)
        elif isinstance(value, dt.date):
            found.append(value)
    return max(found)
