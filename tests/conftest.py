"""Shared fixtures. Behaviour is tested on small projects under tests/fixtures/, each built
with the real publisher: its configuration, code, theme and the pages that are no year's
report (home, data, guide). The real data/ and docs/ are checked only by invariants that
hold for any number of years (test_real_report.py).

The publisher runs from the installed package (its `report` plugin), never from a copy in
the project, as another library's report runs it.

- ``anju-2020``: the Anju District Library's first report, as published (with its seed text);
- ``archive``: a small library with three years that differ in shape: a year without a
  closure, with a new budget item and activity kind, without a breakdown.
"""
from __future__ import annotations

import fcntl
import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from warm_python import run_module

# The browser fixtures (one Chromium for the whole session) live in browser.py.
pytest_plugins = ["browser"]

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# A report project: its configuration; the publisher itself is the installed package (pyproject.toml).
PUBLISHER = ("mkdocs.yml",)
MKDOCS = [sys.executable, "-m", "mkdocs"]
_YEAR = re.compile(r"\d{4}")


# What a build keeps in .cache/ under names that say exactly what it was made from: a chart's SVG
# by a hash of its specification and the drawing library's version, a compiled template by its
# name, file and text. Any build would make the same file again, so a copied project starts with
# what the run's builds have made so far rather than drawing the same charts again on the same
# two cores. A test about a first build (what it prints, whether it draws the same) starts cold.
# The PDFs' cache is left out: tests count what a build makes and reuses.
REUSABLE = ("charts", "templates")


def run_folder(tmp_path_factory) -> Path:
    """The run's own temporary folder: under `make test`, shared by its workers."""
    root = tmp_path_factory.getbasetemp()
    return root.parent if os.environ.get("PYTEST_XDIST_WORKER") else root


def pytest_xdist_auto_num_workers(config):
    # One worker more than cores (`make test` asks for -n auto): at any moment one worker or other is
    # waiting (a preview rebuilding, a server starting, a publish killed at a random moment), and the
    # third keeps the cores busy meanwhile. Measured on 2 cores: 253 s with two workers, 238 s with three.
    return (os.cpu_count() or 1) + 1


def pytest_configure(config):
    config.addinivalue_line("markers", "long: a test that takes several seconds of both cores (a build with "
                            "its PDFs, a year made and built, publishes killed at random): handed out early")


# Every fixture a collected test needs (under `make test` each worker collects the whole run): a
# shared site that no test of this run reads is never built.
NEEDED: set[str] = set()


def pytest_collection_modifyitems(items):
    # The longest tests are handed out first (`make test` hands them out a few at a time): the tests
    # in a browser and those marked long. They run side by side on every worker, and the short
    # ones fill the workers' ends, rather than one long test running alone while the others idle.
    items.sort(key=lambda item: "browser" not in item.fixturenames and not item.get_closest_marker("long"))
    NEEDED.update(name for item in items for name in item.fixturenames)


# The sites many tests read, one per worker from the first moment: the first tests handed out all
# need the first, and with one worker building it the others would only wait for it.
STARTED_BY_WORKER = ("report", "archive", "real_site")


@pytest.fixture(scope="session", autouse=True)
def _start_a_shared_site(request, _made_so_far):
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")   # gw0, gw1 … under `make test`
    number = int(worker[2:]) if worker[2:].isdigit() else None
    if number is not None and number < len(STARTED_BY_WORKER) and STARTED_BY_WORKER[number] in NEEDED:
        request.getfixturevalue(STARTED_BY_WORKER[number])


@pytest.fixture(scope="session", autouse=True)
def _made_so_far(tmp_path_factory):
    global MADE_SO_FAR
    MADE_SO_FAR = run_folder(tmp_path_factory) / "made-so-far"


MADE_SO_FAR: Path | None = None


def _share_cache(source: Path, dest: Path) -> None:
    for part in REUSABLE:
        if not (source / part).is_dir():
            continue
        (dest / part).mkdir(parents=True, exist_ok=True)
        for made in (source / part).iterdir():
            if made.suffix == ".tmp" or (dest / part / made.name).exists():
                continue
            aside = dest / part / f".{made.name}.{os.getpid()}.tmp"
            shutil.copyfile(made, aside)   # a copy, not a link: no test can spoil another's file
            aside.replace(dest / part / made.name)   # another build never reads half a file


def copy_project(dest: Path, fixture: str | None = None, *, cold: bool = False) -> Path:
    """The publisher with the content of *fixture* (or, without one, of the real project), its
    cache holding what the run has made so far unless *cold*."""
    dest.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", ".cache")
    for part in PUBLISHER:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, dest / part, ignore=ignore)
        else:
            shutil.copy2(src, dest / part)
    content = ROOT if fixture is None else FIXTURES / fixture
    (dest / "docs").mkdir()
    for entry in (ROOT / "docs").iterdir():  # the pages that are no year's report
        if not _YEAR.fullmatch(entry.name):
            (shutil.copytree if entry.is_dir() else shutil.copy2)(entry, dest / "docs" / entry.name)
    for entry in (content / "docs").iterdir():
        if _YEAR.fullmatch(entry.name):
            shutil.copytree(entry, dest / "docs" / entry.name)
    shutil.copytree(content / "data", dest / "data", ignore=ignore)
    if fixture is not None and not (dest / "data" / "search-terms.txt").exists():
        shutil.copy2(ROOT / "data" / "search-terms.txt", dest / "data" / "search-terms.txt")
    if not cold and MADE_SO_FAR is not None:
        _share_cache(MADE_SO_FAR, dest / ".cache")
    return dest


def build(project: Path, site: Path, *extra: str, pdf: bool = False, env: dict | None = None,
          fresh: bool = False) -> subprocess.CompletedProcess:
    """The real `mkdocs build --strict`, from a warm interpreter (warm_python) unless *fresh*.
    The PDF step is left out unless a test is about it."""
    environment = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONDONTWRITEBYTECODE="1", **(env or {}))
    environment.setdefault("REPORT_PDF", "1" if pdf else "0")
    environment.pop("SITE_URL", None)  # the tests expect the default address, whatever CI publishes to
    result = run_module("mkdocs", "build", "--strict", "--site-dir", site, *extra, cwd=project, env=environment,
                        timeout=600, fresh=fresh)
    if MADE_SO_FAR is not None:
        _share_cache(project / ".cache", MADE_SO_FAR)
    return result


def built(project: Path, site: Path, *, keep_log: bool = False, **options) -> Path:
    result = build(project, site, **options)
    assert result.returncode == 0, result.stdout + result.stderr
    if keep_log:   # beside the site, for build_log
        (site.parent / f"{site.name}.log").write_text(result.stdout + result.stderr, encoding="utf-8")
    return site


def built_from(site: Path, dest: Path) -> Path:
    """A copy of the project a shared *site* was built from, with everything that build kept in
    its cache (its PDFs too): a test of what a second build does starts where the first ended."""
    return shutil.copytree(site.parent / "project", dest, symlinks=True)


def build_log(site: Path) -> str:
    """What the build of a site made by `built(…, keep_log=True)` printed."""
    return (site.parent / f"{site.name}.log").read_text(encoding="utf-8")


def page_text(site: Path, path: str) -> str:
    """The visible text of a built page's article, entities decoded, whitespace folded."""
    source = (site / path).read_text(encoding="utf-8")
    match = re.search(r"<article[^>]*>(.*?)</article>", source, re.S)
    assert match, f"{path} has no article"
    text = re.sub(r"<svg.*?</svg>", " ", match.group(1), flags=re.S)
    text = re.sub(r"</?(?:span|a|strong|em|b|i|abbr|sup|sub|code)\b[^>]*>", "", text)  # inline: no word break
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"\s+", " ", html.unescape(text))


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def value_of(path: Path, key: str) -> str:
    """The first value written for *key* in a fixture's YAML file, as written: tests change a
    fixture's figure without typing it again."""
    found = re.search(rf"^[ -]*{key}: ([^\s#]+)", path.read_text(encoding="utf-8"), re.M)
    assert found, f"{key} not in {path}"
    return found.group(1)


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(needle)


def made_once(tmp_path_factory, name: str, make) -> Path:
    """A folder of things tests only read, made once for the whole run by *make*(folder): under
    `make test` the first worker to need it makes it and the others wait for it and read the same
    files, instead of every worker making its own copy of the same thing at the same time on the
    same cores."""
    root = run_folder(tmp_path_factory)
    place, done = root / f"shared-{name}", root / f"shared-{name}.built"
    with open(root / f"shared-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)   # released when the file closes, or the worker dies
        if not done.exists():
            shutil.rmtree(place, ignore_errors=True)   # a worker that failed to make it
            make(place)
            done.touch()
    return place


def shared(tmp_path_factory, name: str, make) -> Path:
    """A site that tests only read, built once for the whole run (made_once): its place/site."""
    return made_once(tmp_path_factory, name, make) / "site"


@pytest.fixture(scope="session")
def report(tmp_path_factory) -> Path:
    """The anju-2020 fixture, built once with its PDF editions."""
    return shared(tmp_path_factory, "report", lambda place: built(
        copy_project(place / "project", "anju-2020"), place / "site", pdf=True))


@pytest.fixture(scope="session")
def archive(tmp_path_factory) -> Path:
    """The three-year archive fixture, built once with its PDF editions."""
    return shared(tmp_path_factory, "archive", lambda place: built(
        copy_project(place / "project", "archive"), place / "site", pdf=True, keep_log=True))


@pytest.fixture(scope="session")
def real_site(tmp_path_factory) -> Path:
    """The real project as it stands, built once as `make build` builds it (invariants only)."""
    return shared(tmp_path_factory, "real", lambda place: built(ROOT, place / "site", pdf=True))


@pytest.fixture
def project(tmp_path) -> Path:
    """A throw-away copy of the anju-2020 fixture, for tests that change it."""
    return copy_project(tmp_path / "project", "anju-2020")


@pytest.fixture
def archive_project(tmp_path) -> Path:
    return copy_project(tmp_path / "project", "archive")

