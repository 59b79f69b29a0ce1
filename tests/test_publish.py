"""Atomic publishing: a new release or a rollback switches `current` in one step, only a site that came
whole out of a clean build is ever published, only verified releases are ever served, rolled back to or
pruned, and every refusal is a message that says what to do (never a traceback).

Most tests publish small synthetic sites (sshd.make_site); a real build (the `report` fixture: the 2020
report built with its PDFs) is used where the test is about one: serving it, refusing a damaged copy of it,
and the disk five releases of it take.
Concurrency and kills: test_publish_concurrency.py. Over SSH: test_publish_remote.py."""
from __future__ import annotations

import fcntl
import http.server
import json
import os
import shutil
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from macros.tools import publish
from macros.tools.release import ReleaseError, verify, write_manifest
from conftest import FIXTURES, value_of
from sshd import leftovers, live, macros, make_site

# a figure of the fixture's statistics page, changed to make a second edition
ACQUISITIONS = value_of(FIXTURES / "anju-2020/data/2020/statistics.yaml", "new_acquisitions")


def published(site: Path, dest: Path, **env: str) -> subprocess.CompletedProcess:
    result = macros("publish", "--site", str(site), "--dest", str(dest), env=dict(os.environ, **env))
    assert "Traceback" not in result.stderr, result.stderr
    return result


def rolled_back(dest: Path) -> subprocess.CompletedProcess:
    result = macros("rollback", "--dest", str(dest))
    assert "Traceback" not in result.stderr, result.stderr
    return result


def variant(site: Path, out: Path, page: str, old: str, new: str) -> Path:
    """A copy of a built site with one page changed, as a rebuild after one edit leaves it: every file
    written afresh (new times), its build.json rewritten."""
    shutil.copytree(site, out, copy_function=shutil.copyfile)
    path = out / page
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    manifest = json.loads((site / "build.json").read_text(encoding="utf-8"))
    write_manifest(out, manifest["years"], manifest["drafts"], manifest["preview"], manifest["source_date_epoch"])
    return out


def disk_kib(path: Path) -> int:
    """`du -s`: what the folder takes on disk, each hard-linked file counted once."""
    return int(subprocess.run(["du", "-sk", str(path)], capture_output=True, text=True, check=True).stdout.split()[0])


# ------------------------------------------------------------ a real build

@pytest.fixture(scope="module")
def second_site(report, tmp_path_factory) -> Path:
    """The report with one figure changed, as the next build would leave it."""
    return variant(report, tmp_path_factory.mktemp("second") / "site", "2020/statistics/index.html", ACQUISITIONS, "61111")


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


def test_publish_twice_and_roll_back_once(report, second_site, web_root):
    root, url = web_root
    assert published(report, root).returncode == 0
    assert ACQUISITIONS in served(url)
    first = publish.current(root)
    result = published(second_site, root)
    assert result.returncode == 0, result.stderr
    assert "61111" in served(url) and publish.current(root) != first
    result = rolled_back(root)
    assert result.returncode == 0 and first in result.stdout
    assert ACQUISITIONS in served(url) and live(root, report) == first
    assert os.readlink(root / "current") == f"releases/{first}"  # relative: the web root can move


def test_five_releases_take_the_disk_of_one_plus_what_changed(report, tmp_path):
    """Unchanged files are hard links to the previous release's, though every build writes them afresh."""
    dest = tmp_path / "webroot"
    for n in range(5):
        edition = variant(report, tmp_path / f"site{n}", "2020/statistics/index.html", ACQUISITIONS, f"6117{n}")
        assert published(edition, dest).returncode == 0
    names = publish.releases(dest)
    assert len(names) == 5
    one, five = disk_kib(report), disk_kib(dest)
    print(f"\n{len(names)} releases of the built report ({one} KiB each, one page different): {five} KiB on disk, "
          f"{(five - one) / 4:.0f} KiB per release after the first (five full copies: {5 * one} KiB)")
    pdfs = sorted((dest / "releases" / names[-1]).rglob("*.pdf"))
    assert pdfs and all(p.stat().st_nlink == 5 for p in pdfs)  # one copy, five names
    page = dest / "releases" / names[-1] / "2020/statistics/index.html"
    assert page.stat().st_nlink == 1
    assert five < one + 4 * 200, "each release should cost little more than the page that changed"


def test_a_site_that_did_not_pass_is_refused(report, tmp_path):
    root = tmp_path / "webroot"
    tampered = tmp_path / "tampered"
    shutil.copytree(report, tampered)
    page = tampered / "2020/statistics/index.html"
    page.write_text(page.read_text(encoding="utf-8").replace(ACQUISITIONS, "99999"), encoding="utf-8")
    result = published(tampered, root)
    assert result.returncode == 1 and "2020/statistics/index.html" in result.stderr
    (tampered / "build.json").write_text("{")
    assert "build.json is damaged" in published(tampered, root).stderr
    (tampered / "build.json").unlink()
    assert "build.json" in published(tampered, root).stderr
    assert not (root / "current").exists()


# ------------------------------------------------------------ refusals of the site

def test_a_site_with_a_broken_link_is_refused(tmp_path):
    site = make_site(tmp_path / "site")
    (site / "p0/index.html").write_text('<a href="../downloads/report.pdf">PDF</a>')
    write_manifest(site, years=[2020], drafts=[], preview=False, epoch="0")
    result = published(site, tmp_path / "webroot")
    assert result.returncode == 1 and "broken links" in result.stderr and "report.pdf" in result.stderr


def test_a_draft_year_never_publishes(tmp_path):
    site = make_site(tmp_path / "preview")
    write_manifest(site, years=[2020, 2021], drafts=[2021], preview=True, epoch="0")
    with pytest.raises(ReleaseError, match="draft"):
        verify(site)
    result = published(site, tmp_path / "webroot")
    assert result.returncode == 1 and "draft" in result.stderr


# ------------------------------------------------------------ web roots that cannot take a publish

def test_what_cannot_be_published_to_gets_a_message_not_a_traceback(tmp_path):
    site = make_site(tmp_path / "site")
    file_dest = tmp_path / "a-file"
    file_dest.write_text("not a web root")
    odd_root = tmp_path / "odd"
    (odd_root / "releases").parent.mkdir()
    (odd_root / "releases").write_text("not a folder")
    old_root = tmp_path / "old"
    (old_root / "current").mkdir(parents=True)
    (old_root / "current" / "index.html").write_text("the old site, served from a real folder")
    cases = [
        (["publish", "--site", str(site), "--dest", str(file_dest)], "is not a folder"),
        (["rollback", "--dest", str(file_dest)], "is not a folder"),
        (["publish", "--site", str(site), "--dest", str(old_root)], "mv " + str(old_root / "current")),
        (["rollback", "--dest", str(old_root)], "mv " + str(old_root / "current")),
        (["publish", "--site", str(site), "--dest", str(odd_root)], "odd/releases 不是文件夹"),
        (["publish", "--site", str(site), "--dest", str(site / "www")], "inside the site"),
        (["publish", "--site", str(site), "--dest", str(site)], "inside the site"),
        (["publish", "--site", "/nonexistent", "--dest", str(tmp_path / "w")], "no such site folder"),
        (["publish", "--site", str(file_dest), "--dest", str(tmp_path / "w")], "no such site folder"),
        (["rollback", "--dest", "/nonexistent"], "does not exist"),
        (["rollback", "--dest", str(tmp_path)], "has no current release"),
    ]
    for args, message in cases:
        result = macros(*args)
        assert result.returncode == 1 and message in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr and result.stderr.startswith("✗"), result.stderr
    assert file_dest.read_text() == "not a web root"
    assert (old_root / "current" / "index.html").exists() and not (old_root / "releases").exists()
    assert not (site / "www").exists() and not (tmp_path / "w").exists()


# ------------------------------------------------------------ only verified releases count

def test_junk_under_releases_is_never_served_counted_or_deleted(tmp_path):
    dest = tmp_path / "webroot"
    sites = [make_site(tmp_path / f"site{n}", text=f"edition {n}") for n in range(7)]
    assert published(sites[0], dest).returncode == 0
    junk = dest / "releases" / "0-junk"
    junk.mkdir()
    (junk / "index.html").write_text("someone's experiment")
    (dest / "releases" / "notes.txt").write_text("a stray file")
    (dest / "releases" / "zzz-half").mkdir()  # sorts after every release: rollback must not pick it either
    shutil.copytree(sites[0], dest / "releases" / "zzz-half", dirs_exist_ok=True)
    (dest / "releases" / "zzz-half" / "p1" / "index.html").unlink()
    for site in sites[1:]:
        result = published(site, dest)
        assert result.returncode == 0 and "releases/0-junk: 没有 build.json / no build.json" in result.stderr
        assert "releases/zzz-half: 文件与 build.json 不符" in result.stderr and "1 missing" in result.stderr
    names = publish.releases(dest)
    assert len(names) == 5 and live(dest, sites[-1]) == names[-1]  # the junk took no place among the five
    assert junk.joinpath("index.html").exists() and (dest / "releases/notes.txt").exists()
    for expected in (sites[-2], sites[-3]):
        result = rolled_back(dest)
        assert result.returncode == 0 and "0-junk" in result.stderr and "✓" in result.stdout
        assert "current → releases/0-junk" not in result.stdout
        live(dest, expected)


def test_rollback_skips_a_release_whose_files_were_changed(tmp_path):
    dest = tmp_path / "webroot"
    sites = [make_site(tmp_path / f"site{n}", text=f"edition {n}") for n in range(3)]
    names = []
    for site in sites:
        assert published(site, dest).returncode == 0
        names.append(publish.current(dest))
    page = dest / "releases" / names[1] / "p0" / "index.html"
    page.unlink()  # a new file, not the shared inode: the other releases keep theirs
    page.write_text("edited on the server by hand")
    result = rolled_back(dest)
    assert result.returncode == 0, result.stderr
    assert f"releases/{names[1]}: 跳过 / skipped" in result.stderr and "p0/index.html" in result.stderr
    assert live(dest, sites[0]) == names[0]
    result = rolled_back(dest)
    assert result.returncode == 1 and "no earlier verified release" in result.stderr
    assert live(dest, sites[0]) == names[0]


def test_rollback_when_current_points_at_a_missing_release(tmp_path):
    dest = tmp_path / "webroot"
    sites = [make_site(tmp_path / f"site{n}", text=f"edition {n}") for n in range(3)]
    for site in sites:
        assert published(site, dest).returncode == 0
    shutil.rmtree(dest / "releases" / publish.current(dest))  # removed by hand: nothing is served now
    result = rolled_back(dest)
    assert result.returncode == 0 and "missing" in result.stderr, result.stderr
    live(dest, sites[1])


def test_rollback_from_junk_lands_on_the_newest_verified_release(tmp_path):
    """What the old publisher could leave: current → a folder with no build.json."""
    dest = tmp_path / "webroot"
    sites = [make_site(tmp_path / f"site{n}", text=f"edition {n}") for n in range(2)]
    for site in sites:
        assert published(site, dest).returncode == 0
    (dest / "releases" / "0-junk").mkdir()
    os.symlink("releases/0-junk", dest / "new")
    os.replace(dest / "new", dest / "current")
    result = rolled_back(dest)
    assert result.returncode == 0 and "current → releases/0-junk: 不是完整的版本 / not a verified release" \
        in result.stderr, result.stderr
    live(dest, sites[1])
    assert (dest / "releases" / "0-junk").is_dir()


def test_the_release_current_pointed_at_is_kept_however_old(tmp_path):
    dest = tmp_path / "webroot"
    sites = [make_site(tmp_path / f"site{n}", text=f"edition {n}") for n in range(7)]
    names = []
    for site in sites[:5]:
        assert published(site, dest).returncode == 0
        names.append(publish.current(dest))
    for _ in range(4):
        assert rolled_back(dest).returncode == 0
    assert publish.current(dest) == names[0]
    assert published(sites[5], dest).returncode == 0  # six releases: the oldest was live until now
    assert names[0] in publish.releases(dest) and len(publish.releases(dest)) == 6
    assert rolled_back(dest).returncode == 0 and publish.current(dest) == names[4]
    assert published(sites[6], dest).returncode == 0
    kept = publish.releases(dest)
    assert names[0] not in kept and names[4] in kept and len(kept) == 5


# ------------------------------------------------------------ the lock, and uploads in progress

def test_a_second_publish_waits_for_the_lock_or_refuses_with_a_message(tmp_path):
    dest = tmp_path / "webroot"
    first, second = make_site(tmp_path / "first"), make_site(tmp_path / "second", text="second")
    assert published(first, dest).returncode == 0
    holder = os.open(dest / ".publish.lock", os.O_RDWR)
    fcntl.flock(holder, fcntl.LOCK_EX)  # another publish, switching right now
    try:
        result = published(second, dest, PUBLISH_LOCK_WAIT="0")
        assert result.returncode == publish.BUSY == 75
        assert "another publish or rollback" in result.stderr and "run this again" in result.stderr
        assert not leftovers(dest)  # it removed its own upload
        result = macros("rollback", "--dest", str(dest), env=dict(os.environ, PUBLISH_LOCK_WAIT="0"))
        assert result.returncode == 75 and "another publish or rollback" in result.stderr
        live(dest, first)
        threading.Timer(0.5, fcntl.flock, (holder, fcntl.LOCK_UN)).start()
        started = time.monotonic()
        result = published(second, dest, PUBLISH_LOCK_WAIT="30")
        assert result.returncode == 0 and "waiting up to 30 s" in result.stderr
        assert time.monotonic() - started >= 0.5
    finally:
        os.close(holder)
    live(dest, second)


def test_an_upload_in_progress_is_never_pruned_and_a_dead_one_is(tmp_path):
    dest = tmp_path / "webroot"
    site = make_site(tmp_path / "site")
    assert published(site, dest).returncode == 0
    running, dead = dest / "releases" / ".incoming-running", dest / "releases" / ".incoming-dead"
    for folder in (running, dead):
        shutil.copytree(site, folder)
    uploader = os.open(running, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(uploader, fcntl.LOCK_EX)  # as a publish holds its own upload folder
    try:
        assert published(site, dest).returncode == 0
        assert leftovers(dest) == [".incoming-running"]
    finally:
        os.close(uploader)  # that publish has ended
    assert published(site, dest).returncode == 0
    assert leftovers(dest) == []
