"""Publishing to user@host:/path, against a real OpenSSH server on 127.0.0.1 (tests/sshd.py): publish twice
and roll back, refusals as messages, a publish killed midway, two at once. The server is this machine, so
the tests look at the web root's folder directly to prove what the publisher did there."""
from __future__ import annotations

import collections
import contextlib
import fcntl
import os
import random
import shutil
import signal
import time
from pathlib import Path

import pytest

from macros.tools import publish
from sshd import fake_release, immutable, leftovers, live, macros, make_site, sshd, start


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with sshd(tmp_path_factory.mktemp("sshd")) as running:
        yield running


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("sites")
    return [make_site(folder / f"site{n}", text=f"edition {n}", pages=20, big=1 << 20) for n in range(3)]


def remote(server, *args: str, **env: str):
    result = macros(*args, env=server.env(**env))
    assert "Traceback" not in result.stderr, result.stderr
    return result


def no_lock_held(dest: Path, within: float = 10) -> bool:
    """Whether, within a few seconds, no one holds the web root's lock nor the lock of an upload folder:
    no publisher, and no session on the server, is left alive to hold them."""
    deadline = time.monotonic() + within
    for path in [dest / ".publish.lock", *(dest / "releases").glob(".incoming-*")]:
        fd = os.open(path, os.O_RDONLY)
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        return False
                    time.sleep(0.02)
        finally:
            os.close(fd)
    return True


def test_publish_twice_then_roll_back_over_ssh(server, sites, tmp_path):
    dest = tmp_path / "webroot"
    names = []
    for site in sites[:2]:
        result = remote(server, "publish", "--site", str(site), "--dest", server.dest(dest))
        assert result.returncode == 0 and server.dest(dest) in result.stdout, result.stderr
        names.append(live(dest, site))
    big = [dest / "releases" / name / "assets/archive.bin" for name in names]
    assert big[0].stat().st_ino == big[1].stat().st_ino  # unchanged: one file, linked
    (dest / "releases" / "0-junk").mkdir()
    result = remote(server, "rollback", "--dest", server.dest(dest))
    assert result.returncode == 0 and names[0] in result.stdout and "0-junk" in result.stderr
    assert live(dest, sites[0]) == names[0] and os.readlink(dest / "current") == f"releases/{names[0]}"
    result = remote(server, "rollback", "--dest", server.dest(dest))
    assert result.returncode == 1 and "no earlier verified release" in result.stderr
    assert live(dest, sites[0]) == names[0] and (dest / "releases" / "0-junk").is_dir()


def test_rollback_over_ssh_when_current_points_at_a_missing_release(server, sites, tmp_path):
    dest = tmp_path / "webroot"
    for site in sites:  # set up through the local publisher: the same web root format
        assert macros("publish", "--site", str(site), "--dest", str(dest)).returncode == 0
    shutil.rmtree(dest / "releases" / publish.current(dest))
    result = remote(server, "rollback", "--dest", server.dest(dest))
    assert result.returncode == 0 and "missing" in result.stderr, result.stderr
    live(dest, sites[1])
    assert os.readlink(dest / "current") != "releases/"


def test_rollback_over_ssh_undoes_the_last_publish_by_the_history(server, sites, tmp_path):
    """Publish v1, v2, v3, roll back, publish v4, roll back: v2, never v3. The publishes are local (the same
    web root format), the rollbacks over ssh: they read and append the history on the server."""
    dest = tmp_path / "webroot"
    v = sites + [make_site(tmp_path / "v4", text="edition 4")]
    for site in v[:3]:
        assert macros("publish", "--site", str(site), "--dest", str(dest)).returncode == 0
    v1, v2, v3 = publish.releases(dest)
    assert remote(server, "rollback", "--dest", server.dest(dest)).returncode == 0 and live(dest, v[1]) == v2
    assert macros("publish", "--site", str(v[3]), "--dest", str(dest)).returncode == 0
    for expected in (v2, v1):
        result = remote(server, "rollback", "--dest", server.dest(dest))
        assert result.returncode == 0 and publish.current(dest) == expected, result.stderr
    assert [event for event, _ in publish.history(dest)] == ["publish"] * 3 + ["rollback", "publish"] + \
        ["rollback"] * 2


def test_no_link_is_followed_and_only_releases_count_over_ssh(server, sites, tmp_path):
    """releases/junk/root -> / made the server's `find -L` walk its whole disk while the lock was held:
    publish and rollback hung. Now they list the link and go on; nothing on the server is read through it.
    An empty release and a hand-made copy are left alone and named, as locally."""
    dest = tmp_path / "webroot"
    for site in sites[:2]:
        assert macros("publish", "--site", str(site), "--dest", str(dest)).returncode == 0
    releases, first = dest / "releases", publish.releases(dest)[0]
    (releases / "junk").mkdir()
    os.symlink("/", releases / "junk" / "root")
    linked = shutil.copytree(releases / first, releases / fake_release(5))
    os.symlink("/", linked / "root")
    empty = releases / fake_release(0)
    empty.mkdir()
    (empty / "build.json").write_text('{"files": {}}')
    shutil.copytree(releases / first, releases / "zz-backup")
    result = remote(server, "publish", "--site", str(sites[2]), "--dest", server.dest(dest))
    assert result.returncode == 0, result.stderr
    reasons = {"junk": "not a name this tool gives", fake_release(5): "holds links or special files: root",
               fake_release(0): "lists no file", "zz-backup": "not a name this tool gives"}
    for name, reason in reasons.items():
        assert f"releases/{name}: " in result.stderr and reason in result.stderr, (name, result.stderr)
    result = remote(server, "rollback", "--dest", server.dest(dest))
    assert result.returncode == 0 and live(dest, sites[1]) != first, result.stderr
    assert os.readlink(linked / "root") == "/" and (releases / "zz-backup").is_dir() and empty.is_dir()

    page = (linked / "index.html").read_bytes()
    for name in ("releases", "history"):  # a link in place of either is refused, never written through
        other = tmp_path / f"linked-{name}"
        other.mkdir()
        os.symlink(linked / "index.html" if name == "history" else linked, other / name)
        result = remote(server, "publish", "--site", str(sites[0]), "--dest", server.dest(other))
        assert result.returncode == 1 and f"{name} " in result.stderr and "link" in result.stderr, result.stderr
    assert (linked / "index.html").read_bytes() == page and not list(linked.glob(".*"))


def test_a_file_that_cannot_be_removed_over_ssh_stops_no_pruning(server, sites, tmp_path):
    dest = tmp_path / "webroot"
    editions = [make_site(tmp_path / f"site{n}", text=f"edition {n}") for n in range(6)]
    for site in editions[:5]:
        assert macros("publish", "--site", str(site), "--dest", str(dest)).returncode == 0
    names = publish.releases(dest)
    with immutable(dest / "releases" / names[0] / "index.html", within=dest):
        result = remote(server, "publish", "--site", str(editions[5]), "--dest", server.dest(dest))
        assert result.returncode == 0 and "could not remove these old releases" in result.stderr
        assert f"releases/.deleting-{names[0]}/index.html" in result.stderr and "not permitted" in result.stderr
        result = remote(server, "publish", "--site", str(editions[0]), "--dest", server.dest(dest))
        assert result.returncode == 0 and f".deleting-{names[0]}" in result.stderr
        assert names[1] not in publish.releases(dest) and len(publish.releases(dest)) == 5
    result = remote(server, "publish", "--site", str(editions[1]), "--dest", server.dest(dest))
    assert result.returncode == 0 and "could not remove" not in result.stderr and leftovers(dest) == []


def test_what_cannot_be_published_to_over_ssh_gets_a_message(server, sites, tmp_path):
    a_file = tmp_path / "a-file"
    a_file.write_text("not a web root")
    old_root = tmp_path / "old"
    (old_root / "current").mkdir(parents=True)
    cases = [
        (["publish", "--site", str(sites[0]), "--dest", server.dest(a_file)], "is not a folder"),
        (["rollback", "--dest", server.dest(old_root)], f"mv {server.dest(old_root)}/current"),
        (["rollback", "--dest", server.dest(tmp_path / "nowhere")], "does not exist"),
    ]
    for args, message in cases:
        result = remote(server, *args)
        assert result.returncode == 1 and message in result.stderr, (args, result.stderr)
    result = macros("publish", "--site", str(sites[0]), "--dest", server.dest(tmp_path / "w"),
                    env=dict(os.environ, PUBLISH_SSH=server.ssh.replace(str(server.key), str(tmp_path / "no-key"))))
    assert result.returncode == 1 and f"could not reach {server.user}@127.0.0.1 over ssh" in result.stderr
    assert a_file.read_text() == "not a web root" and not (old_root / "releases").exists()


def test_a_publish_over_ssh_waits_for_the_lock_or_refuses(server, sites, tmp_path):
    dest = tmp_path / "webroot"
    assert macros("publish", "--site", str(sites[0]), "--dest", str(dest)).returncode == 0
    with open(dest / ".publish.lock", "a") as holder:
        fcntl.flock(holder, fcntl.LOCK_EX)  # a local publish, switching right now
        result = remote(server, "publish", "--site", str(sites[1]), "--dest", server.dest(dest), PUBLISH_LOCK_WAIT="0")
        assert result.returncode == 75 and "another publish or rollback" in result.stderr
    live(dest, sites[0])
    assert leftovers(dest) == []


@pytest.mark.long
def test_publishes_over_ssh_killed_midway(server, sites, tmp_path):
    dest = tmp_path / "webroot"
    assert macros("publish", "--site", str(sites[0]), "--dest", str(dest)).returncode == 0
    started = time.monotonic()
    assert remote(server, "publish", "--site", str(sites[1]), "--dest", server.dest(dest)).returncode == 0
    whole = time.monotonic() - started
    rng = random.Random(22)
    landed = collections.Counter()
    for n in range(3):
        before = publish.current(dest)
        publisher = start("publish", "--site", str(sites[n % 3]), "--dest", server.dest(dest), env=server.env())
        if n == 0:  # once exactly while the upload runs
            deadline = time.monotonic() + 30
            while not list((dest / "releases").glob(".incoming-*/assets")) and time.monotonic() < deadline:
                time.sleep(0.002)
        else:
            time.sleep(rng.uniform(0.1, whole))
        with contextlib.suppress(ProcessLookupError):
            os.killpg(publisher.pid, signal.SIGKILL)
        publisher.communicate()
        landed["finished" if publisher.returncode == 0 else
               "upload" if leftovers(dest) else "switched" if publish.current(dest) != before else "early"] += 1
        # the session on the server ends with its connection: it holds no lock after the kill
        assert no_lock_held(dest)
        live(dest, *sites)
        result = remote(server, "publish", "--site", str(sites[n % 3]), "--dest", server.dest(dest),
                        PUBLISH_LOCK_WAIT="5")
        assert result.returncode == 0, result.stderr
        live(dest, sites[n % 3])
        assert leftovers(dest) == []
    assert landed["upload"] >= 1
    print(f"\n3 kills over ssh (a whole publish: {whole:.2f} s): {dict(landed)}")


def test_two_publishes_over_ssh_at_once(server, sites, tmp_path):
    dest = tmp_path / "webroot"
    (dest / "releases" / "0-junk").mkdir(parents=True)
    outcomes = collections.Counter()
    for n in range(3):
        a, b = sites[n % 3], sites[(n + 1) % 3]
        first = start("publish", "--site", str(a), "--dest", server.dest(dest), env=server.env())
        second = start("publish", "--site", str(b), "--dest", server.dest(dest), env=server.env())
        for process in (first, second):
            out, err = process.communicate(timeout=120)
            assert process.returncode == 0 and "Traceback" not in err, err
            outcomes["waited"] += "waiting up to" in err
        live(dest, a, b)
        assert leftovers(dest) == [] and (dest / "releases" / "0-junk").is_dir()
    print(f"\n3 pairs over ssh, all published: {dict(outcomes)}")
