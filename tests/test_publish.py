"""Atomic publishing: a new release or a rollback switches `current` in one
step, a killed publish leaves the previous release serving whole, and only a
site that came whole out of a clean build is ever published."""
from __future__ import annotations

import http.server
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT, build, copy_project
from macros.tools import publish
from macros.tools.release import ReleaseError, verify


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "macros", *args], cwd=ROOT, capture_output=True, text=True)


@pytest.fixture(scope="module")
def second_site(tmp_path_factory) -> Path:
    """The real project with one figure changed, built whole (PDF included)."""
    project = copy_project(tmp_path_factory.mktemp("second") / "project")
    stats = project / "data/2020/statistics.yaml"
    stats.write_text(stats.read_text(encoding="utf-8").replace("new_acquisitions: 60173", "new_acquisitions: 61111"),
                     encoding="utf-8")
    out = tmp_path_factory.mktemp("second-site")
    result = build(project, out, pdf=True)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture
def web_root(tmp_path):
    """A web server on 127.0.0.1 serving the web root, as nginx would serve `current`."""
    root = tmp_path / "webroot"
    root.mkdir()
    handler = lambda *a, **k: http.server.SimpleHTTPRequestHandler(*a, directory=str(root), **k)  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}/current/"
    server.shutdown()


def served(url: str) -> str:
    with urllib.request.urlopen(url + "2020/statistics/index.html") as response:
        return response.read().decode("utf-8")


def test_publish_twice_and_roll_back_once(site, second_site, web_root):
    root, url = web_root
    assert run("publish", "--site", str(site), "--dest", str(root)).returncode == 0
    assert "60173 册" in served(url)
    first = publish.current(root)
    time.sleep(0.01)
    result = run("publish", "--site", str(second_site), "--dest", str(root))
    assert result.returncode == 0, result.stderr
    assert "61111 册" in served(url) and publish.current(root) != first
    assert run("rollback", "--dest", str(root)).returncode == 0
    assert "60173 册" in served(url) and publish.current(root) == first
    assert os.readlink(root / "current") == f"releases/{first}"  # relative: the web root can move


def test_only_the_last_five_releases_are_kept(site, tmp_path):
    root = tmp_path / "webroot"
    for _ in range(7):
        assert run("publish", "--site", str(site), "--dest", str(root)).returncode == 0
    names = publish.releases(root)
    assert len(names) == 5 and publish.current(root) == names[-1]


def test_a_publish_killed_midway_leaves_the_previous_release_serving_whole(site, tmp_path, web_root):
    root, url = web_root
    assert run("publish", "--site", str(site), "--dest", str(root)).returncode == 0
    before = publish.current(root)
    # A site large enough that copying it takes a while: a big download, built in for real.
    project = copy_project(tmp_path / "big")
    with open(project / "docs/assets/archive.bin", "wb") as big:
        big.write(os.urandom(1 << 20) * 300)
    big_site = tmp_path / "big-site"
    assert build(project, big_site, pdf=True).returncode == 0
    publisher = subprocess.Popen([sys.executable, "-m", "macros", "publish", "--site", str(big_site),
                                  "--dest", str(root)], cwd=ROOT, start_new_session=True)
    deadline = time.time() + 60
    while not list((root / "releases").glob(".incoming-*/assets")) and time.time() < deadline:
        time.sleep(0.005)
    os.killpg(publisher.pid, signal.SIGKILL)
    publisher.wait()
    assert list((root / "releases").glob(".incoming-*")), "the kill came too late to test anything"
    assert publish.current(root) == before
    verify(root / "current")  # every file of the live release is there and intact
    assert "60173 册" in served(url)
    # the next publish clears the remains of the killed one
    assert run("publish", "--site", str(site), "--dest", str(root)).returncode == 0
    assert not list((root / "releases").glob(".incoming-*"))


def test_a_site_that_did_not_pass_is_refused(site, tmp_path):
    root = tmp_path / "webroot"
    tampered = tmp_path / "tampered"
    shutil.copytree(site, tampered)
    page = tampered / "2020/statistics/index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("60173", "99999"), encoding="utf-8")
    result = run("publish", "--site", str(tampered), "--dest", str(root))
    assert result.returncode == 1 and "2020/statistics/index.html" in result.stderr
    (tampered / "build.json").unlink()
    assert "build.json" in run("publish", "--site", str(tampered), "--dest", str(root)).stderr
    assert not (root / "current").exists()


def test_a_site_with_a_broken_link_is_refused(project, tmp_path):
    out = tmp_path / "site"
    assert build(project, out).returncode == 0  # without the PDF: its links lead nowhere
    result = run("publish", "--site", str(out), "--dest", str(tmp_path / "webroot"))
    assert result.returncode == 1 and "broken links" in result.stderr and ".pdf" in result.stderr


def test_a_draft_year_never_publishes(project, tmp_path):
    from macros.tools.scaffold import new_year
    new_year(project, 2021)
    out = tmp_path / "preview"
    env = dict(os.environ, REPORT_PREVIEW="1", REPORT_PDF="0", NO_MKDOCS_2_WARNING="1")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--site-dir", str(out)], cwd=project,
                            env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (out / "2021").exists()
    with pytest.raises(ReleaseError, match="draft"):
        verify(out)
    published = run("publish", "--site", str(out), "--dest", str(tmp_path / "webroot"))
    assert published.returncode == 1 and "draft" in published.stderr
