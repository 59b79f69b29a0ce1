"""The preview survives mistakes: `mkdocs serve` keeps running, the page shows the same message
a build prints (file, line, what was expected and found), the terminal says it too, and the page
recovers when the file is fixed. It builds only the year being edited, so that a long archive
previews as fast as one year, and makes again only the pages whose inputs changed. It takes the
port staff choose, or the next free one, and a busy port is one line, never a traceback."""
from __future__ import annotations

import difflib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT, copy_project, edit

LIVERELOAD = re.compile(r"<script>.*?livereload.*?</script>", re.S)


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


def wait_for_log(log: Path, wanted, deadline: float = 60) -> str:
    """The server's output so far, once wanted(output) holds."""
    stop = time.monotonic() + deadline
    while time.monotonic() < stop:
        text = log.read_text(encoding="utf-8", errors="replace")
        if wanted(text):
            return text
        time.sleep(0.2)
    raise AssertionError(f"the terminal never showed what was wanted; it shows:\n{text[-2000:]}")


class Server:
    """A real preview of *project* on a free port (or as *command* says), its output in a file;
    always stopped, with every process it started."""

    def __init__(self, project: Path, log: Path, command: list[str] | None = None, env: dict | None = None):
        self.port = free_port()
        self.log = log
        self.base = f"http://127.0.0.1:{self.port}/"
        with open(log, "w", encoding="utf-8") as out:
            self.process = subprocess.Popen(
                command or [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{self.port}"],
                cwd=project, stdout=out, stderr=subprocess.STDOUT, text=True, start_new_session=True,
                env=dict(os.environ, NO_MKDOCS_2_WARNING="1", **(env or {})))

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> str:
        """Ctrl-C, as staff stop it (MkDocs then removes its temporary site); killed if it lingers."""
        for sign, wait in ((signal.SIGINT, 20), (signal.SIGKILL, 20)):
            try:
                os.killpg(self.process.pid, sign)
            except ProcessLookupError:
                break
            try:
                self.process.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue
        return self.output()


@pytest.fixture
def preview(tmp_path):
    project = copy_project(tmp_path / "project", "archive")
    server = Server(project, tmp_path / "serve.log")
    try:
        wait_for(server.base, lambda page: "示例区图书馆" in page)
        yield project, server.base, server
    finally:
        log = server.stop()
    assert "Traceback" not in log, log[-3000:]


def since_last_change(log: str) -> str:
    """What the terminal said about the last rebuild."""
    return log.rsplit("Detected file changes", 1)[-1]


def test_a_data_mistake_shows_in_every_page_and_the_page_recovers(preview):
    project, base, server = preview
    finance = project / "data/2020/finance.yaml"
    edit(finance, "amount: 45.5", "amount: 46.5")
    page = wait_for(base + "2020/figures/", lambda p: "report-problem" in p)
    assert "data/2020/finance.yaml:" in page and "budget.total" in page and "131.75" in page
    assert "report-problem" in fetch(base + "en/")  # every page, every language
    # the terminal says it too: once for the rebuild, not once a page or a language
    log = wait_for_log(server.log, lambda text: "data/2020/finance.yaml:" in since_last_change(text)
                       and "Reloading browsers" in since_last_change(text))   # the rebuild is over
    told = since_last_change(log)
    assert told.count("data/2020/finance.yaml:") == 1 and "budget.total" in told and "131.75" in told
    edit(finance, "amount: 46.5", "amount: 45.5")
    wait_for(base + "2020/figures/", lambda p: "report-problem" not in p and "在职职工" in p)
    assert "data/2020/finance.yaml:" not in since_last_change(wait_for_log(
        server.log, lambda text: "Reloading browsers" in since_last_change(text)))
    assert server.process.poll() is None


def test_a_macro_typo_shows_in_its_page_and_the_page_recovers(preview):
    project, base, server = preview
    chapter = project / "docs/2020/review.md"
    edit(chapter, "{{ activities.total | num }}", "{{ activities.total | mun }}")
    page = wait_for(base + "2020/review/", lambda p: "report-problem" in p)
    assert "docs/2020/review.md:" in page and "mun" in page and "num" in page
    assert "report-problem" not in fetch(base + "2020/figures/")   # the other pages read as usual
    log = wait_for_log(server.log, lambda text: "docs/2020/review.md:" in since_last_change(text))
    assert "mun" in since_last_change(log)
    edit(chapter, "{{ activities.total | mun }}", "{{ activities.total | num }}")
    wait_for(base + "2020/review/", lambda p: "report-problem" not in p and "24" in p)
    assert server.process.poll() is None


def test_a_chapter_left_unfinished_is_told_and_forgotten_once_finished(preview):
    # what the preview checks of a year's pages is read again after each save of them
    project, base, server = preview
    chapter = project / "docs/2020/review.md"
    edit(chapter, "\n\n", "\n\n【待填写】\n\n")
    page = wait_for(base + "2020/figures/", lambda p: "report-problem" in p)
    assert "docs/2020/review.md" in page and "待填写" in page
    edit(chapter, "\n\n【待填写】\n\n", "\n\n")
    wait_for(base + "2020/figures/", lambda p: "report-problem" not in p)
    assert server.process.poll() is None


def test_the_preview_builds_the_year_being_edited(preview):
    project, base, server = preview
    edit(project / "data/2019/activities.yaml", "count: 8", "count: 9")
    # as a reader sees it: the typesetting binds the figure to its unit in a span
    page = wait_for(base + "2019/review/", lambda p: "讲座 9" in re.sub(r"<[^>]+>", "", p))
    assert "2019" in page
    with pytest.raises(OSError):   # the other years wait until they are edited (or built)
        fetch(base + "2021/review/")
    assert server.process.poll() is None


def pages_of(base: str) -> dict[str, str]:
    """Every page of the preview and its search indexes, as a reader's browser gets them (without
    MkDocs' live-reload script, which differs from one server to the next)."""
    urls = re.findall(r"<loc>(.*?)</loc>", fetch(base + "sitemap.xml"))
    paths = sorted({u.split("/", 3)[3] for u in urls} | {"en/" + u.split("/", 3)[3] for u in urls
                                                        if not u.split("/", 3)[3].startswith("en/")})
    out = {}
    for path in paths:
        try:
            out[path] = LIVERELOAD.sub("", fetch(base + path)).replace(base, "http://preview/")
        except OSError:
            continue   # a year the preview does not build
    for index in ("search/search_index.json", "en/search/search_index.json"):
        found = json.loads(fetch(base + index))
        out[index] = json.dumps(sorted(found["docs"], key=json.dumps), ensure_ascii=False)
    return out


def test_a_page_kept_from_the_last_build_is_the_page_built_anew(preview, tmp_path):
    # The preview makes again only the pages whose inputs changed and keeps the others from the
    # last build: what it serves after a save is what a preview started afresh serves.
    project, base, server = preview
    edit(project / "data/2020/statistics.yaml", "new_acquisitions: 33500", "new_acquisitions: 33501")
    wait_for(base + "2020/figures/", lambda p: "33,501" in p or "33501" in p)
    kept = pages_of(base)
    fresh = Server(project, tmp_path / "fresh.log")
    try:
        wait_for(fresh.base, lambda page: "示例区图书馆" in page)
        anew = pages_of(fresh.base)
    finally:
        fresh.stop()
    assert len(kept) > 10 and kept.keys() == anew.keys()
    differ = [p for p in kept if kept[p] != anew[p]]
    assert differ == [], "\n".join(difflib.unified_diff(kept[differ[0]].splitlines(), anew[differ[0]].splitlines(),
                                                       lineterm="", n=1))[:3000]


# ------------------------------------------------------------ the port

def listening(port: int) -> socket.socket:
    """A socket that holds *port*, as another program (another preview) would."""
    holder = socket.socket()
    holder.bind(("127.0.0.1", port))
    holder.listen()
    return holder


def test_a_busy_port_makes_the_preview_take_the_next_free_one_and_say_so(tmp_path):
    project = copy_project(tmp_path / "project", "archive")
    port = free_port()
    with listening(port):
        # what `make serve PORT=…` runs
        server = Server(project, tmp_path / "serve.log", [sys.executable, "-m", "macros.mkdocs.preview"],
                        env={"PORT": str(port)})
        try:
            log = wait_for_log(server.log, lambda text: "preview uses" in text, deadline=60)
            said = [line for line in log.splitlines() if f"{port}" in line]
            assert len(said) == 1 and "已被占用" in said[0], log
            taken = int(re.search(r"preview uses (\d+)", said[0]).group(1))
            assert taken > port
            wait_for(f"http://127.0.0.1:{taken}/", lambda page: "示例区图书馆" in page)
        finally:
            log = server.stop()
    assert "Traceback" not in log, log


def test_a_plain_mkdocs_serve_on_a_busy_port_says_what_to_do_in_one_line(tmp_path):
    project = copy_project(tmp_path / "project", "archive")
    port = free_port()
    with listening(port):
        done = subprocess.run([sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
                              cwd=project, capture_output=True, text=True, timeout=120,
                              env=dict(os.environ, NO_MKDOCS_2_WARNING="1"), start_new_session=True)
    output = done.stdout + done.stderr
    assert done.returncode == 1 and "Traceback" not in output and "OSError" not in output, output
    said = [line for line in output.splitlines() if f"{port}" in line]
    assert len(said) == 1 and "已被占用" in said[0] and f"make serve PORT={port + 1}" in said[0], output
    assert "预览已更新" not in output   # told before the first build, not after it


@pytest.mark.parametrize("port", ["80", "1023", "65536", "abc", "8001; touch made-by-port", "８０００", " 8001"])
def test_a_port_staff_cannot_use_is_refused_with_the_reason(tmp_path, port):
    done = subprocess.run([sys.executable, "-m", "macros.mkdocs.preview"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, env=dict(os.environ, PORT=port))
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert "PORT 应为 1024 到 65535 之间的数字" in done.stderr and "PORT must be a number" in done.stderr
    assert not (ROOT / "made-by-port").exists()


def test_make_serve_passes_port_as_typed_never_as_shell_text():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^\$\(foreach v,[A-Z ]*\bPORT\b", makefile, re.M)
    assert re.search(r"^export [A-Z ]*\bPORT\b", makefile, re.M)
    serve = re.search(r"^serve:.*\n((?:\t.*\n)+)", makefile, re.M).group(1)
    assert "macros.mkdocs.preview" in serve and "$(PORT)" not in serve and "8000" not in serve
    # the real command, its set-up left as it is (-o): refused before anything starts
    done = subprocess.run(["make", "--no-print-directory", "-o", ".venv/bin/.installed", "serve",
                           "PORT=8001; touch made-by-port"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "PORT must be a number" in done.stderr, done.stdout + done.stderr
    assert not (ROOT / "made-by-port").exists()
