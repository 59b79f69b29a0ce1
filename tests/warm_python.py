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
import jieba, logging
jieba.setLogLevel(logging.WARNING)
jieba.initialize()

def child(request):
    import atexit, runpy, tempfile, threading, traceback
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    tempfile.tempdir = None   # found again from this run's TMPDIR
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    for fd, name in ((1, "out"), (2, "err")):
        os.dup2(os.open(request[name], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), fd)
    sys.path[0] = os.getcwd()   # as `python -m` puts it
    sys.argv = [request["module"], *request["args"]]
    code = 0
    try:
        runpy.run_module(request["module"], run_name="__main__", alter_sys=True)
    except SystemExit as exit:
        if exit.code is None:
            code = 0
        elif isinstance(exit.code, int):
            code = exit.code
        else:
            print(exit.code, file=sys.stderr)
            code = 1
    except BaseException:
        traceback.print_exc()
        code = 1
    try:   # what Python does as it exits
        threading._shutdown()
        atexit._run_exitfuncs()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)

for line in sys.stdin:
    request = json.loads(line)
    pid = os.fork()
    if pid == 0:
        try:
            child(request)
        finally:
            os._exit(1)
    print(json.dumps({"pid": pid}), flush=True)
    _, status = os.waitpid(pid, 0)
    print(json.dumps({"status": os.waitstatus_to_exitcode(status)}), flush=True)
'''


class _Zygote:
    def __init__(self):
        self.environment = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONDONTWRITEBYTECODE="1")
        self.process = subprocess.Popen([sys.executable, "-c", ZYGOTE], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, bufsize=0,
                                        env=self.environment, cwd=tempfile.gettempdir())
        self.lock = threading.Lock()
        self.unread = b""   # what the warm interpreter has said past the last whole line read

    def serves(self, env: dict) -> bool:
        started = {k: v for k, v in self.environment.items() if k.startswith(STARTUP)}
        asked = {k: v for k, v in env.items() if k.startswith(STARTUP)}
        return self.process.poll() is None and started == asked

    def _reply(self, timeout: float | None) -> dict:
        # Its two lines (the child's pid, then its status) can come in one read: a line already
        # read is never waited for again.
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
        return json.loads(line)

    def run(self, module: str, args: list[str], cwd: Path, env: dict, timeout: float | None):
        with self.lock, tempfile.TemporaryDirectory(prefix="warm-python-") as place:
            out, err = Path(place, "out"), Path(place, "err")
            request = {"module": module, "args": [str(a) for a in args], "cwd": str(cwd), "env": env,
                       "out": str(out), "err": str(err)}
            self.process.stdin.write((json.dumps(request) + "\n").encode())
            pid = self._reply(10)["pid"]
            try:
                status = self._reply(timeout)["status"]
            except TimeoutError:
                os.kill(pid, signal.SIGKILL)
                self._reply(10)
                raise subprocess.TimeoutExpired([module, *args], timeout) from None
            return subprocess.CompletedProcess([sys.executable, "-m", module, *args], status,
                                               out.read_text(encoding="utf-8", errors="replace"),
                                               err.read_text(encoding="utf-8", errors="replace"))


_zygote: _Zygote | None = None


def run_module(module: str, *args, cwd: Path, env: dict | None = None, timeout: float | None = None,
               fresh: bool = False) -> subprocess.CompletedProcess:
    """`python -m module args…` in *cwd* with *env* (os.environ when None), its output captured as
    text, as subprocess.run(…, capture_output=True, text=True) gives it."""
    global _zygote
    env = dict(os.environ if env is None else env)
    if not fresh:
        if _zygote is None or _zygote.process.poll() is not None:
            _zygote = _Zygote()
        if _zygote.serves(env):
            try:
                return _zygote.run(module, list(args), cwd, env, timeout)
            except ChildProcessError:
                _zygote = None
    return subprocess.run([sys.executable, "-m", module, *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)
