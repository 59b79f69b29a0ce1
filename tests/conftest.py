"""Shared fixtures: a real MkDocs build of the real project, once per session,
and throw-away copies of the project for tests that change data."""
from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# The browser fixtures (one Chromium for the whole session) live in browser.py.
pytest_plugins = ["browser"]

ROOT = Path(__file__).resolve().parent.parent
PROJECT_PARTS = ("mkdocs.yml", "docs", "data", "macros", "overrides")
MKDOCS = [sys.executable, "-m", "mkdocs"]


def copy_project(dest: Path) -> Path:
    """A copy of everything the build reads, for tests that change it."""
    dest.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, dest / part, ignore=shutil.ignore_patterns("__pycache__"))
        elif src.exists():
            shutil.copy2(src, dest / part)
    return dest


def build(project: Path, site: Path, *extra: str, pdf: bool = False) -> subprocess.CompletedProcess:
    """The real `mkdocs build --strict`. The PDF step is left out unless a test is about it."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONDONTWRITEBYTECODE="1")
    env.setdefault("REPORT_PDF", "1" if pdf else "0")
    env.pop("SITE_URL", None)  # the tests expect the default address, whatever CI publishes to
    return subprocess.run([*MKDOCS, "build", "--strict", "--site-dir", str(site), *extra],
                          cwd=project, env=env, capture_output=True, text=True, timeout=600)


def page_text(site: Path, path: str) -> str:
    """The visible text of a built page's article, entities decoded, whitespace folded."""
    source = (site / path).read_text(encoding="utf-8")
    match = re.search(r"<article[^>]*>(.*?)</article>", source, re.S)
    assert match, f"{path} has no article"
    text = re.sub(r"<[^>]+>", " ", match.group(1))
    return re.sub(r"\s+", " ", html.unescape(text))


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The real project, built once with --strict."""
    out = tmp_path_factory.mktemp("site")
    result = build(ROOT, out, pdf=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_project(tmp_path / "project")
