"""Set-up on a fresh machine: `make serve` and `make test` are the README's first lines, and
the system packages a task needs are installed where missing or, without apt-get, named."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import ROOT


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


def test_a_copy_without_git_has_no_empty_build_date_from_make():
    assert "SOURCE_DATE_EPOCH" not in (ROOT / "Makefile").read_text(encoding="utf-8")
    assert Path(ROOT / "macros/core/build_date.py").exists()
