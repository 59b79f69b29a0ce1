"""`make test` runs the tests in worker processes (pytest-xdist, ``-n auto``), and xdist says
"bringing up nodes..." while they start, once or twice, at every run: a line staff read as a
problem. Loaded by the Makefile (``-p tests.quiet_workers``), this leaves that status line out;
a worker that goes down, a failure and pytest's own summary are reported as ever."""
from __future__ import annotations

import pytest


@pytest.hookimpl(tryfirst=True)   # xdist has set up its reporter; its workers are not started yet
def pytest_sessionstart(session: pytest.Session) -> None:
    config = session.config
    reporter = config.pluginmanager.getplugin("terminaldistreporter")
    if reporter is None or config.option.verbose > 0:
        return   # not the controller of a distributed run, or asked for every detail
    reporter.ensure_show_status = lambda: None                     # the status as a line of its own
    reporter.rewrite = lambda line, newline=False: None            # the status rewritten in place
