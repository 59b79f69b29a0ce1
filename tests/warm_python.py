"""`python -m MODULE ARGS…` for the tests, started from a warm interpreter.

A build spends 1.3 s of its 3 s of CPU starting: importing MkDocs, Material, the i18n plugin,
Markdown, pydantic and Babel, and loading jieba's dictionary for Chinese search. The suite runs
some fifty builds on two cores. Each pytest worker keeps one interpreter that has done only that
(imported those libraries, none of the publisher's own code) and forks it for each run: the child
takes the run's folder, environment and arguments, and runs the module as `python -m` does
(runpy, sys.path[0] the folder), so the command is the real one, from the same first line, with
nothing left from another run. Its output goes to files, and its exit status is the command's.

Where forking could differ from a new interpreter, a new interpreter runs instead:
- an environment that changes how Python itself starts (PYTHON…, LANG, LC_…);
- a test that asks for one (fresh=True): the reproducibility test, whose two builds must not
  share a hash seed.
The console tests (test_console.py) start their own processes: they judge what a new one prints.
"""
from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

# Read by Python as it starts: a child of the warm interpreter would keep the warm one's.
STARTUP = ("PYTHON", "LANG", "LC_")

ZYGOTE = r'''
import json, os, sys
import click, mkdocs.commands.build, mkdocs.config.defaults, mkdocs.structure.pages, mkdocs.livereload
import material, material.plugins.search.plugin, mkdocs_static_i18n.plugin
import markdown, markdown.extensions.toc, markdown.extensions.attr_list, markdown.extensions.md_in_html
import markdown.extensions.admonition, markdown.extensions.tables
import jinja2, yaml, pydantic, babel.numbers, babel.dates, tinyhtml5
import jieba
jieba.initialize()   # what it says as it loads goes nowhere: this interpreter's stderr is /dev/null

def child(request):
    import runpy, tempfile, time
    try:
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        time.tzset()
        tempfile.tempdir = None   # found again from this run's TMPDIR
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        for fd, name in ((1, "out"), (2, "err")):
            os.dup2(os.open(request[name], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), fd)
        sys.path[0] = os.getcwd()   # as `python -m` puts it
        sys.argv = [request["module"], *request["args"]]
    except BaseException:
        os._exit(70)
    # From here on as `python -m`: a SystemExit or an error ends this process through Python's
    # own exit (its message, its status, atexit, the last flush), and so does the module's end.
    runpy.run_module(request["module"], run_name="__main__", alter_sys=True)
    sys.exit(0)

print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    request = json.loads(line)
    pid = os.fork()
    if pid == 0:
        child(request)
    print(json.dumps({"id": request["id"], "pid": pid}), flush=True)
    _, status = os.waitpid(pid, 0)
    print(json.dumps({"id": request["id"], "status": os.waitstatus_to_exitcode(status)}), flush=True)
'''


class _Zygote:
    """The warm interpreter, in a process group of its own with every child it forks: anything
    unexpected (a run past its time, a reply out of turn) stops them all, so no run it started
    can go on writing while another takes its place."""

    def __init__(self):
        self.environment = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONDONTWRITEBYTECODE="1")
        self.process = subprocess.Popen([sys.executable, "-c", ZYGOTE], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, bufsize=0,
                                        env=self.environment, cwd=tempfile.gettempdir(), start_new_session=True)
        self.unread = b""   # what it has said past the last whole line read
        self.asked = 0
        try:
            self._reply({"ready": True}, 300)   # its imports, on a machine running the whole suite
        except BaseException:
            self.stop()
            raise

    def serves(self, env: dict) -> bool:
        started = {k: v for k, v in self.environment.items() if k.startswith(STARTUP)}
        asked = {k: v for k, v in env.items() if k.startswith(STARTUP)}
        return self.process.poll() is None and started == asked

    def stop(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()

    def _reply(self, expected: dict, timeout: float | None) -> dict:
        # Two replies can come in one read: a line already read is never waited for again.
        deadline = None if timeout is None else time.monotonic() + timeout
        while b"\n" not in self.unread:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not select.select([self.process.stdout], [], [], left)[0]:
                raise TimeoutError
            said = os.read(self.process.stdout.fileno(), 65536)
            if not said:
                raise ChildProcessError("the warm interpreter stopped")
            self.unread += said
        line, self.unread = self.unread.split(b"\n", 1)
        reply = json.loads(line)
        if any(reply.get(key) != value for key, value in expected.items()):
            raise ChildProcessError(f"a reply out of turn: {reply}, expected {expected}")
        return reply

    def run(self, module: str, args: list[str], cwd: Path, env: dict, timeout: float | None):
        self.asked += 1
        with tempfile.TemporaryDirectory(prefix="warm-python-") as place:
            out, err = Path(place, "out"), Path(place, "err")
            request = {"id": self.asked, "module": module, "args": [str(a) for a in args], "cwd": str(cwd),
                       "env": env, "out": str(out), "err": str(err)}
            try:
                self.process.stdin.write((json.dumps(request) + "\n").encode())
                self._reply({"id": self.asked}, 300)   # forked
                status = self._reply({"id": self.asked}, timeout)["status"]
            except TimeoutError:
                self.stop()
                raise subprocess.TimeoutExpired([sys.executable, "-m", module, *args], timeout) from None
            except BaseException:
                self.stop()
                raise
            # as text=True reads it: a byte that is no UTF-8 is an error, not a replacement
            return subprocess.CompletedProcess([sys.executable, "-m", module, *args], status,
                                               out.read_text(encoding="utf-8"), err.read_text(encoding="utf-8"))


_zygote: _Zygote | None = None
_turn = threading.Lock()   # one run at a time through the worker's warm interpreter


def run_module(module: str, *args, cwd: Path, env: dict | None = None, timeout: float | None = None,
               fresh: bool = False) -> subprocess.CompletedProcess:
    """`python -m module args…` in *cwd* with *env* (os.environ when None), its output captured as
    text, as subprocess.run(…, capture_output=True, text=True) gives it."""
    env = dict(os.environ if env is None else env)
    if not fresh:
        with _turn:
            if (done := _warm(module, list(args), cwd, env, timeout)) is not None:
                return done
    return subprocess.run([sys.executable, "-m", module, *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def _warm(module: str, args: list, cwd: Path, env: dict, timeout: float | None) -> subprocess.CompletedProcess | None:
    """The run, by the worker's warm interpreter; None where a new interpreter must run it."""
    global _zygote
    if _zygote is None or _zygote.process.poll() is not None:
        try:
            _zygote = _Zygote()
        except (ChildProcessError, TimeoutError):
            _zygote = None
            return None
    if not _zygote.serves(env):
        return None
    try:
        return _zygote.run(module, args, cwd, env, timeout)
    except ChildProcessError:   # it stopped: the run starts again in a new interpreter
        _zygote = None
        return None
