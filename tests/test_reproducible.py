"""Two builds of the same commit give byte-identical files."""
import filecmp
import os

from conftest import ROOT, build


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
