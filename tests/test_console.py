"""What staff read in the terminal: the project's own words. A build prints no line of the
plugins' routine chatter (jieba's dictionary, lunr's languages, and
mkdocs-static-i18n's reports, the theme's end-of-life banner), `make test` none of pytest-xdist's
status, the set-up no warning for jieba's setup.py; and a real warning still shows."""
from __future__ import annotations

import inspect
import logging
import os
import re
import subprocess
import sys

import pytest

from conftest import MKDOCS, ROOT, built_from, copy_project, edit

NOISE = ["Building prefix dict", "Loading model", "Prefix dict has been built", "lunr.js", "[macros]",
         "mkdocs_static_i18n", "Overriding", "end of life", "Zensical", "NO_MKDOCS_2_WARNING",
         "Cleaning site directory", "DEPRECATION", "bringing up nodes", "Traceback"]


def plain_build(project, site, pdf: bool) -> subprocess.CompletedProcess:
    """`mkdocs build --strict` as staff type it: nothing in the environment to quieten anything."""
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_MKDOCS_2_WARNING", "SITE_URL")}
    environment["REPORT_PDF"] = "1" if pdf else "0"
    return subprocess.run([*MKDOCS, "build", "--strict", "--site-dir", str(site)], cwd=project, env=environment,
                          capture_output=True, text=True, timeout=600)


def test_a_build_prints_only_the_projects_own_words(report, tmp_path):
    # as staff see it after their first build: its PDFs and charts made, jieba's model cached
    project = built_from(report, tmp_path / "project")
    done = plain_build(project, tmp_path / "site", pdf=True)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert not [noise for noise in NOISE if noise in output], output
    lines = [line for line in output.splitlines() if line.strip()]
    assert all(line.startswith("INFO    -  ") for line in lines), output
    assert lines[-1] == f"INFO    -  {built_line(lines[-1])}" and "网站已生成" in lines[-1], output
    assert any("report: PDF" in line for line in lines), output


def built_line(line: str) -> str:
    found = re.search(r"网站已生成（[\d.]+ 秒）/ The site is built \([\d.]+ s\)", line)
    assert found, line
    return found.group()


def test_a_real_warning_still_shows(tmp_path):
    project = copy_project(tmp_path / "project", "anju-2020")
    edit(project / "docs/2020/plan.md", "\n\n", "\n\n见[去年的计划](nowhere.md)。\n\n")
    done = plain_build(project, tmp_path / "site", pdf=False)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert re.search(r"^WARNING\s+-\s+.*nowhere\.md", output, re.M), output
    assert "Aborted with 1 warnings in strict mode" in output, output
    assert "网站已生成" not in output   # never said of a build that stopped
    assert not [noise for noise in NOISE if noise in output], output


# logger, level, message, shown?
CASES = [
    ("jieba", logging.DEBUG, "Building prefix dict from the default dictionary ...", False),
    ("jieba", logging.DEBUG, "Loading model cost 0.9 seconds.", False),
    ("jieba", logging.ERROR, "Dump cache file failed.", True),
    ("mkdocs.plugins.mkdocs_static_i18n.reconfigure", logging.INFO,
     "mkdocs_static_i18n: Overriding 'en' config 'site_name' with 'x'", False),
    ("mkdocs.plugins.mkdocs_static_i18n.reconfigure", logging.INFO,
     "mkdocs_static_i18n: Language 'zh-Hans' is not supported by lunr.js, not setting it", False),
    ("mkdocs.plugins.mkdocs_static_i18n.reconfigure", logging.WARNING,
     "mkdocs_static_i18n: Unknown 'en' config override 'site_nam'", True),
    ("mkdocs.plugins.mkdocs_static_i18n.plugin", logging.INFO,
     "mkdocs_static_i18n: Building 'en' documentation to directory: site/en", False),
    ("mkdocs.plugins.mkdocs_static_i18n.plugin", logging.WARNING,
     "mkdocs_static_i18n: Overriding 'en' config failed", True),
    ("mkdocs.commands.build", logging.INFO, "Cleaning site directory", False),
    ("mkdocs.commands.build", logging.WARNING, "Doc file 'a.md' contains a link 'b.md', but the target is not found", True),
    ("mkdocs.plugins.report", logging.INFO, "report: PDF：新生成 0 个，重用 2 个 / PDF editions: 0 made, 2 reused", True),
]


@pytest.fixture
def quieted():
    from macros.mkdocs import console
    seen: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record):
            seen.append(record)
    keep = Keep()
    loggers = [logging.getLogger(name) for name in {*console.QUIET, *[c[0] for c in CASES]}]
    saved = [(logger, list(logger.filters), list(logger.handlers), logger.level, logger.propagate) for logger in loggers]
    for logger in loggers:
        logger.handlers, logger.propagate, logger.level = [keep], False, logging.DEBUG
    console.quiet("build")
    try:
        yield seen
    finally:
        for logger, filters, handlers, level, propagate in saved:
            logger.filters, logger.handlers, logger.level, logger.propagate = filters, handlers, level, propagate


@pytest.mark.parametrize("name, level, message, shown", CASES)
def test_only_the_plugins_routine_lines_are_held_back(quieted, name, level, message, shown):
    logging.getLogger(name).log(level, message)
    assert bool(quieted) == shown


def test_mkdocs_last_line_is_said_in_the_staffs_words_once_the_whole_site_is_built(quieted):
    from macros.mkdocs import console
    inside = [True]
    console.quiet("build", lambda: inside[0])
    build = logging.getLogger("mkdocs.commands.build")
    build.info("Documentation built in %.2f seconds", 1.5)   # one language of two
    assert quieted == []
    inside[0] = False
    build.info("Documentation built in %.2f seconds", 3.25)
    assert [r.getMessage() for r in quieted] == ["网站已生成（3.2 秒）/ The site is built (3.2 s)"]


def test_the_terminal_is_told_each_mistake_a_page_of_the_preview_shows():
    from macros.core import render
    from macros.mkdocs import console
    panel = render.problem_panel("有错误", "✗ data/2020/finance.yaml:11  <budget.total> & 12.5")
    assert console.problems_in(f"<p>前文</p>{panel}<p>后文</p>") == ["✗ data/2020/finance.yaml:11  <budget.total> & 12.5"]
    assert console.problems_in("<p>没有错误</p>") == []


@pytest.mark.long
def test_make_test_says_nothing_of_its_workers_starting(tmp_path):
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"pytest -q -p tests\.quiet_workers -n auto", makefile)
    (tmp_path / "test_some.py").write_text("def test_a():\n    pass\n\ndef test_b():\n    assert 1 == 2\n",
                                           encoding="utf-8")
    (tmp_path / "test_more.py").write_text("def test_c():\n    pass\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "tests.quiet_workers", "-p", "no:cacheprovider",
                           "-n", "2", "--rootdir", str(tmp_path), str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1 and "bringing up nodes" not in done.stdout + done.stderr, done.stdout + done.stderr
    assert "1 failed, 2 passed" in done.stdout and "assert 1 == 2" in done.stdout   # failures as ever


def test_the_set_up_builds_jieba_the_standard_way_and_says_what_it_installs():
    from macros.tools import system_packages
    shown: list[str] = []

    class Lines:
        tty = False

        def show(self, label, percent, detail=""):
            shown.append(f"{label} {percent:.0f}% {detail}")

        def done(self):
            pass
    pip_output = ["Collecting jieba==0.42.1 (from -r requirements.txt (line 40))\n",
                  "  Downloading jieba-0.42.1.tar.gz (19.2 MB)\n",
                  "Requirement already satisfied: Jinja2==3.1.6 in ./.venv/lib/python3.11/site-packages\n",
                  "WARNING: Retrying (Retry(total=4)) after connection broken\n",
                  "Installing collected packages: jieba\n", "Successfully installed jieba-0.42.1\n"]
    kept = system_packages._pip_progress(pip_output, 2, Lines())
    assert shown[0].endswith("1/2 jieba") and "19.2 MB" in shown[1] and shown[2].endswith("2/2 Jinja2")
    assert kept == [line.rstrip("\n") for line in pip_output]
    assert "--use-pep517" in inspect.getsource(system_packages.pip)   # no DEPRECATION for jieba's setup.py
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    install = re.search(r"^\$\(BIN\)/\.installed:.*\n((?:\t.*\n)+)", makefile, re.M).group(1)
    assert "system_packages pip" in install and "pip install" not in install
