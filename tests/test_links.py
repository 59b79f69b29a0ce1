"""No broken internal link or anchor anywhere in the built site."""
import shutil

from macros.tools.linkcheck import broken_links


def test_the_built_sites_have_no_broken_link_or_anchor(report, archive):
    for site in (report, archive):
        assert broken_links(site) == []
        assert any(site.glob("en/**/*.html"))  # both languages walked


def test_the_link_check_catches_a_broken_link_and_anchor(report, tmp_path):
    copy = tmp_path / "site"
    shutil.copytree(report, copy)
    page = copy / "2020/finance/index.html"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "</article>", '<a href="../missing/">x</a><a href="../plan/#no-such-heading">y</a></article>'),
        encoding="utf-8")
    (copy / "downloads/2020/budget.csv").unlink()
    found = broken_links(copy)
    assert any("../missing/" in b for b in found)
    assert any("#no-such-heading" in b and "no #no-such-heading" in b for b in found)
    assert any("budget.csv" in b for b in found)
