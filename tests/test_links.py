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


def test_checking_a_folder_that_holds_no_site_says_so(tmp_path):
    import subprocess
    import sys
    from conftest import ROOT
    result = subprocess.run([sys.executable, "-m", "macros", "linkcheck", str(tmp_path / "nowhere")], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 1 and "make build" in result.stderr and "Traceback" not in result.stderr


def test_a_link_in_docs_leading_out_of_the_project_is_never_published(project, tmp_path):
    from conftest import build
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:SECRET\n", encoding="utf-8")
    (project / "docs/assets").mkdir(exist_ok=True)
    (project / "docs/assets/leak.txt").symlink_to(secret)
    result = build(project, tmp_path / "site")
    output = result.stdout + result.stderr
    assert result.returncode != 0 and "docs/assets/leak.txt" in output
    assert "SECRET" not in output and str(secret) not in output and "Traceback" not in output
    assert not (tmp_path / "site/assets/leak.txt").exists()
