"""Atomic publishing: a new release or a rollback switches `current` in one step, only a site that came
whole out of a clean build is ever published, only releases this tool made are ever served, rolled back to
or pruned, rollback undoes the last publish by the web root's history, nothing under releases/ is read
through a link, and every refusal is a message that says what to do (never a traceback).

Most tests publish small synthetic sites (sshd.make_site); a real build (the `report` fixture: the 2020
report built with its PDFs) is used where the test is about one: serving it, refusing a damaged copy of it,
and the disk five releases of it take.
Concurrency and kills: test_publish_concurrency.py. Over SSH: test_publish_remote.py. Attacks on DEST, one a
line: tests/attacks/publish.txt, run by test_publish_attacks.py."""
from __future__ import annotations

import fcntl
import http.server
import json
import os
import re
import shutil
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from macros.tools import publish
from macros.core.release import ReleaseError, verify, write_manifest
from conftest import FIXTURES, value_of
from sshd import fake_release, immutable, leftovers, live, macros, make_site

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


def test_an_empty_site_a_site_with_a_link_or_a_manifest_that_leaves_the_site_is_refused(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "build.json").write_text('{"files": {}}')
    linked = make_site(tmp_path / "linked")
    (tmp_path / "elsewhere.html").write_text("not the site's")
    os.symlink(tmp_path / "elsewhere.html", linked / "p0" / "elsewhere.html")
    leaving = make_site(tmp_path / "leaving")
    manifest = json.loads((leaving / "build.json").read_text(encoding="utf-8"))
    manifest["files"]["../elsewhere.html"] = manifest["files"]["index.html"]
    (leaving / "build.json").write_text(json.dumps(manifest), encoding="utf-8")
    for site, message in [(empty, "the build's record lists no file"), (linked, "links or special files in the site"),
                          (leaving, "build.json is damaged")]:
        result = published(site, tmp_path / "webroot")
        assert result.returncode == 1 and message in result.stderr, result.stderr
    assert not (tmp_path / "webroot").exists()


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


# ------------------------------------------------------------ a release is only what this tool made

def test_only_what_this_tool_made_is_a_release(tmp_path):
    """An empty folder whose build.json lists no file, a hand-made copy (zz-backup), a half copy, a link: none
    is ever served, counted among the five or deleted; each is named with the reason."""
    dest = tmp_path / "webroot"
    sites = [make_site(tmp_path / f"site{n}", text=f"edition {n}") for n in range(7)]
    assert published(sites[0], dest).returncode == 0
    releases, first = dest / "releases", publish.current(dest)
    shutil.copytree(releases / first, releases / "zz-backup")  # sorts after every release
    (releases / "0-junk").mkdir()
    (releases / "0-junk" / "index.html").write_text("someone's experiment")
    (releases / "notes.txt").write_text("a stray file")
    empty = releases / fake_release(0)
    empty.mkdir()
    (empty / "build.json").write_text('{"files": {}}')
    half = shutil.copytree(releases / first, releases / fake_release(1))
    (half / "p1" / "index.html").unlink()
    (releases / fake_release(2)).mkdir()
    os.symlink(first, releases / fake_release(3))
    reasons = {
        "zz-backup": "not a name this tool gives a release",
        "0-junk": "not a name this tool gives a release",
        "notes.txt": "not a folder",
        fake_release(0): "the build's record lists no file",
        fake_release(1): "files differ from build.json: 1 missing, 0 extra",
        fake_release(2): "no build.json",
        fake_release(3): "not a folder",
    }
    for site in sites[1:]:
        result = published(site, dest)
        assert result.returncode == 0, result.stderr
        for name, reason in reasons.items():
            assert f"releases/{name}: " in result.stderr and reason in result.stderr, (name, result.stderr)
    names = publish.releases(dest)
    assert len(names) == 5 and live(dest, sites[-1]) == names[-1]  # the junk took no place among the five
    assert all(publish.RELEASE.match(name) for name in names)
    assert all((releases / name).exists() or (releases / name).is_symlink() for name in reasons)
    for expected in (sites[-2], sites[-3]):
        result = rolled_back(dest)
        assert result.returncode == 0 and "zz-backup" in result.stderr and "✓" in result.stdout
        assert publish.RELEASE.match(live(dest, expected))


def test_no_link_under_releases_is_ever_followed(tmp_path):
    """releases/junk/root -> / made the inventory walk the whole disk while it held the lock. Links are
    listed, never followed, and only folders with a release's name are looked into. (Nothing here can
    delete through a link: rmtree and rm -rf remove the link itself.)"""
    dest = tmp_path / "webroot"
    sites = [make_site(tmp_path / f"site{n}", text=f"edition {n}") for n in range(2)]
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.html").write_text("not the site's")
    assert published(sites[0], dest).returncode == 0
    releases, first = dest / "releases", publish.current(dest)
    (releases / "junk").mkdir()
    os.symlink("/", releases / "junk" / "root")
    linked = shutil.copytree(releases / first, releases / fake_release(5))
    os.symlink("/", linked / "root")
    os.symlink(outside / "secret.html", linked / "p0" / "secret.html")
    result = published(sites[1], dest)
    assert result.returncode == 0, result.stderr
    assert "releases/junk: " in result.stderr
    assert f"releases/{fake_release(5)}: 含有链接或特殊文件 / holds links or special files: p0/secret.html, root" \
        in result.stderr
    result = rolled_back(dest)
    assert result.returncode == 0 and live(dest, sites[0]) == first
    assert os.readlink(releases / "junk" / "root") == "/" and os.readlink(linked / "root") == "/"
    assert (outside / "secret.html").read_text() == "not the site's"

    # a link in place of releases/ or of the history is refused, never written through
    for name in ("releases", "history"):
        other = tmp_path / f"linked-{name}"
        other.mkdir()
        os.symlink(outside / "secret.html" if name == "history" else outside, other / name)
        result = published(sites[0], other)
        assert result.returncode == 1 and f"{other}/{name} " in result.stderr and "link" in result.stderr
        assert "Traceback" not in result.stderr
    assert sorted(p.name for p in outside.iterdir()) == ["secret.html"]
    assert (outside / "secret.html").read_text() == "not the site's"


def test_a_file_that_cannot_be_removed_stops_no_pruning(tmp_path):
    """One immutable file (chattr +i) in an old release stopped all pruning for good. Pruning removes what
    it can, goes past what it cannot, says which, and tries again at the next publish."""
    dest = tmp_path / "webroot"
    sites = [make_site(tmp_path / f"site{n}", text=f"edition {n}") for n in range(8)]
    for site in sites[:5]:
        assert published(site, dest).returncode == 0
    names = publish.releases(dest)
    releases = dest / "releases"
    # index.html differs from one edition to the next: no other release shares its inode
    with immutable(releases / names[0] / "index.html", releases / names[1], within=dest):
        result = published(sites[5], dest)
        assert result.returncode == 0 and "could not remove these old releases" in result.stderr
        assert f"releases/.deleting-{names[0]}/index.html: Operation not permitted" in result.stderr
        for site in sites[6:]:
            result = published(site, dest)
            assert result.returncode == 0, result.stderr
            assert f".deleting-{names[0]}/index.html" in result.stderr
        assert f"releases/{names[1]}: Operation not permitted" in result.stderr
        kept = publish.releases(dest)
        assert names[2] not in kept and len(kept) == 6 and names[1] in kept  # the rest was pruned all the same
        assert leftovers(dest) == [f".deleting-{names[0]}"]
    result = published(sites[0], dest)
    assert result.returncode == 0 and "could not remove" not in result.stderr
    assert leftovers(dest) == [] and len(publish.releases(dest)) == 5


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


# ------------------------------------------------------------ the history: rollback undoes the last publish

def test_rollback_returns_to_what_readers_saw_before_the_last_publish(tmp_path):
    """Publish v1, v2, v3, roll back (to v2), publish v4, roll back: v2 again, never v3, which the
    operator had rolled away from; the next rollbacks walk on back, v1, then nothing."""
    dest = tmp_path / "webroot"
    v = [make_site(tmp_path / f"v{n}", text=f"edition {n}") for n in range(1, 5)]
    for site in v[:3]:
        assert published(site, dest).returncode == 0
    v1, v2, v3 = publish.releases(dest)
    assert rolled_back(dest).returncode == 0 and live(dest, v[1]) == v2
    assert published(v[3], dest).returncode == 0
    v4 = live(dest, v[3])
    result = rolled_back(dest)
    assert result.returncode == 0 and live(dest, v[1]) == v2, result.stdout + result.stderr
    assert rolled_back(dest).returncode == 0 and live(dest, v[0]) == v1
    result = rolled_back(dest)
    assert result.returncode == 1 and "no earlier verified release" in result.stderr and live(dest, v[0]) == v1
    assert publish.history(dest) == [("publish", v1), ("publish", v2), ("publish", v3), ("rollback", v2),
                                     ("publish", v4), ("rollback", v2), ("rollback", v1)]
    line = (dest / "history").read_text(encoding="utf-8").splitlines()[0]
    assert re.fullmatch(rf"\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\dZ publish {v1}", line), line


def test_a_web_root_from_before_the_history_rolls_back_by_name_and_starts_one(tmp_path):
    dest = tmp_path / "webroot"
    sites = [make_site(tmp_path / f"site{n}", text=f"edition {n}") for n in range(4)]
    for site in sites[:3]:
        assert published(site, dest).returncode == 0
    n0, n1, n2 = publish.releases(dest)
    (dest / "history").unlink()  # as the publisher before the history left a web root
    assert rolled_back(dest).returncode == 0 and live(dest, sites[1]) == n1
    assert publish.history(dest) == [("found", n0), ("found", n1), ("found", n2), ("rollback", n1)]
    assert published(sites[3], dest).returncode == 0
    for expected in (n1, n0):
        assert rolled_back(dest).returncode == 0 and publish.current(dest) == expected


def test_rollback_after_current_was_changed_by_hand_returns_to_what_the_history_shows(tmp_path):
    dest = tmp_path / "webroot"
    sites = [make_site(tmp_path / f"site{n}", text=f"edition {n}") for n in range(3)]
    for site in sites:
        assert published(site, dest).returncode == 0
    n0, n1, n2 = publish.releases(dest)
    os.symlink(f"releases/{n0}", dest / "by-hand")
    os.replace(dest / "by-hand", dest / "current")
    result = rolled_back(dest)
    assert result.returncode == 0 and "not what the history last showed" in result.stderr
    assert live(dest, sites[2]) == n2


def test_pruning_keeps_what_readers_saw_most_recently(tmp_path):
    dest = tmp_path / "webroot"
    sites = [make_site(tmp_path / f"site{n}", text=f"edition {n}") for n in range(7)]
    for site in sites[:5]:
        assert published(site, dest).returncode == 0
    names = publish.releases(dest)
    for _ in range(4):
        assert rolled_back(dest).returncode == 0
    assert publish.current(dest) == names[0]  # readers last saw names[0], then 1, 2, 3, and 4 longest ago
    assert published(sites[5], dest).returncode == 0
    kept = publish.releases(dest)
    assert names[4] not in kept and names[0] in kept and len(kept) == 5
    assert rolled_back(dest).returncode == 0 and publish.current(dest) == names[0]
    assert published(sites[6], dest).returncode == 0
    kept = publish.releases(dest)
    assert names[0] in kept and names[3] not in kept and len(kept) == 5


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
    running, dead = (dest / "releases" / f".incoming-20260101T000000-{pid}-0123abcd" for pid in (1, 2))
    for folder in (running, dead):
        shutil.copytree(site, folder)
    uploader = os.open(running, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(uploader, fcntl.LOCK_EX)  # as a publish holds its own upload folder
    try:
        assert published(site, dest).returncode == 0
        assert leftovers(dest) == [running.name]
    finally:
        os.close(uploader)  # that publish has ended
    assert published(site, dest).returncode == 0
    assert leftovers(dest) == []
