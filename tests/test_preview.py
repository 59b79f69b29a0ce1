"""The preview survives mistakes: `mkdocs serve` keeps running, the page shows the same message
a build prints (file, line, what was expected and found), and recovers when the file is fixed.
It builds only the year being edited, so that a long archive previews as fast as one year."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import copy_project, edit


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def wait_for(url: str, wanted, deadline: float = 60) -> str:
    """The page at *url* once wanted(page) holds: the preview rebuilds after each save."""
    stop, last = time.monotonic() + deadline, ""
    while time.monotonic() < stop:
        try:
            last = fetch(url)
            if wanted(last):
                return last
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{url} never showed what was wanted; last: {last[:300]}")


@pytest.fixture
def preview(tmp_path):
    project = copy_project(tmp_path / "project", "archive")
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
                              cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              env=dict(os.environ, NO_MKDOCS_2_WARNING="1"), start_new_session=True)
    base = f"http://127.0.0.1:{port}/"
    try:
        wait_for(base, lambda page: "示例区图书馆" in page)
        yield project, base, server
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        log, _ = server.communicate(timeout=20)
    assert "Traceback" not in log, log[-3000:]


def test_a_data_mistake_shows_in_every_page_and_the_page_recovers(preview):
    project, base, server = preview
    finance = project / "data/2020/finance.yaml"
    edit(finance, "amount: 45.5", "amount: 46.5")
    page = wait_for(base + "2020/figures/", lambda p: "report-problem" in p)
    assert "data/2020/finance.yaml:" in page and "budget.total" in page and "131.75" in page
    assert "report-problem" in fetch(base + "en/")  # every page, every language
    edit(finance, "amount: 46.5", "amount: 45.5")
    wait_for(base + "2020/figures/", lambda p: "report-problem" not in p and "在职职工" in p)
    assert server.poll() is None


def test_a_macro_typo_shows_in_its_page_and_the_page_recovers(preview):
    project, base, server = preview
    chapter = project / "docs/2020/review.md"
    edit(chapter, "{{ activities.total | num }}", "{{ activities.total | mun }}")
    page = wait_for(base + "2020/review/", lambda p: "report-problem" in p)
    assert "docs/2020/review.md:" in page and "mun" in page and "num" in page
    assert "report-problem" not in fetch(base + "2020/figures/")   # the other pages read as usual
    edit(chapter, "{{ activities.total | mun }}", "{{ activities.total | num }}")
    wait_for(base + "2020/review/", lambda p: "report-problem" not in p and "24" in p)
    assert server.poll() is None


def test_the_preview_builds_the_year_being_edited(preview):
    project, base, server = preview
    edit(project / "data/2019/activities.yaml", "count: 8", "count: 9")
    page = wait_for(base + "2019/review/", lambda p: "讲座 9" in p)
    assert "2019" in page
    with pytest.raises(OSError):   # the other years wait until they are edited (or built)
        fetch(base + "2021/review/")
    assert server.poll() is None
