"""Set-up on a fresh machine: `make serve` and `make test` are the README's first lines, and
the system packages a task needs are installed where missing or, without apt-get, named."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, copy_project


def packages(task: str, path: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "macros.tools.system_packages", task], cwd=ROOT,
                          capture_output=True, text=True, env={"PATH": path, "HOME": os.environ.get("HOME", "/")})


def test_the_readme_opens_with_the_two_commands():
    lines = [l for l in (ROOT / "README.md").read_text(encoding="utf-8").splitlines() if l.startswith("make ")]
    assert [l.split()[1] for l in lines[:2]] == ["serve", "test"]


def test_every_pinned_package_installs_on_the_oldest_python_the_readme_allows():
    # The README says Python 3.11: Debian 12 ships 3.11.2, so no pin may ask for a later 3.11.
    from importlib.metadata import metadata
    from packaging.specifiers import SpecifierSet
    oldest = re.search(r"Python (3\.\d+)", (ROOT / "README.md").read_text(encoding="utf-8")).group(1) + ".0"
    pins = re.findall(r"^([A-Za-z0-9_.-]+)==", (ROOT / "requirements.txt").read_text(encoding="utf-8"), re.M)
    assert len(pins) > 50
    refused = {name: needs for name in pins
               if (needs := metadata(name).get("Requires-Python")) and oldest not in SpecifierSet(needs)}
    assert not refused, refused


def test_the_readme_names_every_system_package_the_setup_installs():
    from macros.tools.system_packages import TASKS
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert not [n.package for needs in TASKS.values() for n in needs if f"`{n.package}`" not in readme]


def test_nothing_the_tests_need_is_missing_here():
    result = packages("test", os.environ["PATH"])
    assert result.returncode == 0 and not result.stderr, result.stderr


def test_without_apt_get_the_missing_packages_are_named_in_both_languages(tmp_path):
    bare = tmp_path / "bin"
    bare.mkdir()
    (bare / "python3").symlink_to(sys.executable)
    result = packages("test", str(bare))  # no fc-match, no node, no apt-get on this PATH
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "请用本机的软件包管理器安装" in result.stderr and "install them with this machine's package manager" in result.stderr
    for package in ("fontconfig", "poppler-utils", "nodejs"):
        assert re.search(rf"- {package}: ", result.stderr), package


def test_ci_only_runs_the_readmes_test_command_and_publishing_does_not_rerun_the_tests():
    run = [l for l in (ROOT / ".ci/run").read_text(encoding="utf-8").splitlines() if l.strip() and not l.startswith("#")]
    assert run[-1].strip() == "make test"
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    publish = re.search(r"^publish:(.*)$", makefile, re.M).group(1)
    assert "test" not in publish.split()
    assert "pytest" not in makefile[makefile.index("\npublish:"):makefile.index("\nrollback:")]


def test_make_build_in_a_copy_without_git_dates_each_year_by_its_own_data(tmp_path):
    """A zip download has no git history: `make build` there still dates each year's pages by the
    newest date written in that year's data (build_date.py), never 1970 and never today."""
    project = copy_project(tmp_path / "project", "archive")
    shutil.copy2(ROOT / "Makefile", project / "Makefile")
    venv = Path(sys.executable).parent   # the installed environment stands in for .venv (-o: not remade)
    environment = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"} | {"REPORT_PDF": "0"}
    result = subprocess.run(["make", "-o", f"{venv}/.installed", "build", f"BIN={venv}", f"PYTHON={sys.executable}"],
                            cwd=project, capture_output=True, text=True, env=environment)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    sitemap = (project / "site/sitemap.xml").read_text(encoding="utf-8")
    dated = dict(re.findall(r"<loc>[^<]*?/(\d{4})/</loc>\s*<lastmod>([^<]+)</lastmod>", sitemap))
    newest = {year: max(re.findall(r"\d{4}-\d{2}-\d{2}", "".join(
        f.read_text(encoding="utf-8") for f in (project / "data" / year).glob("*.yaml")))) for year in dated}
    assert sorted(dated) == ["2019", "2020", "2021"] and dated == newest, (dated, newest)


FAKE_APT = r'''#!/bin/sh
# apt-get as a fresh Debian runs it, for the tests: its progress on APT::Status-Fd (1), nothing installed
case " $* " in
  *" update "*) echo "dlstatus:1:0.0000:Retrieving file 1 of 2"; echo "dlstatus:2:50.0000:Retrieving file 2 of 2";
                echo "Get:1 http://deb.debian.org/debian bookworm InRelease [151 kB]";;
  *" --print-uris "*) echo "'http://deb.debian.org/debian/pool/main/c/chromium/chromium.deb' chromium.deb 180000000 SHA256:00";
                      echo "'http://deb.debian.org/debian/pool/main/f/fonts-noto-cjk/f.deb' f.deb 60000000 SHA256:00";;
  *" install "*) for p in 10 20 35 50 65 80 95; do echo "pmstatus:chromium:$p.0000:Unpacking chromium (amd64)"; done
                 echo "Setting up chromium (120.0) ...";;
esac
exit 0
'''


def test_apt_says_what_it_installs_how_long_it_takes_and_shows_its_progress(tmp_path):
    bare = tmp_path / "bin"
    bare.mkdir()
    (bare / "python3").symlink_to(sys.executable)
    for name in ("apt-get", "sudo"):   # sudo as the tests' user may need it: runs what it is given
        (bare / name).write_text(FAKE_APT if name == "apt-get" else '#!/bin/sh\nexec "$@"\n', encoding="utf-8")
        (bare / name).chmod(0o755)
    result = packages("test", str(bare))   # no fc-match, no node here: apt-get (ours) is asked for them
    # nothing was really installed, so the packages are still missing at the end: said, as such
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    out = result.stdout
    assert "安装缺少的系统软件包" in out and "installing the missing system packages" in out and "usually a few minutes" in out
    assert "下载约 240 MB，约需 3 分钟 / about 240 MB to download, about 3 min" in out, out
    progress = [line for line in out.splitlines() if "%" in line]
    assert any("updating the package lists" in line and "50%" in line for line in progress), out
    assert [line for line in progress if "chromium" in line][-1].strip().startswith("安装 / installing  95%"), out
    assert len(progress) < 12, out    # one line at each tenth of the way where the output is no terminal
    assert "Setting up chromium" not in out and "Get:1" not in out   # apt's own lines only on failure
    assert "still missing after installing" in result.stderr
