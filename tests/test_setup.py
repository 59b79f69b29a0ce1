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
