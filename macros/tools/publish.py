"""Atomic publishing: `make publish DEST=…` and `make rollback DEST=…`.

A web root (DEST) holds::

    current -> releases/<name>      the symlink the web server serves (nginx: root <DEST>/current;)
    history                         what readers were shown: one line per publish or rollback
    releases/<name>/                one release: <UTC time>-<commit>, a built site with its build.json
    releases/.incoming-<tag>/       an upload in progress, one per publishing process
    releases/.deleting-<name>/      an old release being pruned
    .publish.lock                   the web root's lock (flock)

A publish proves the site first (build.json matches every file, no broken link, no draft year), then:

1. under the lock, creates its own ``releases/.incoming-<tag>/`` and locks that folder too (flock on the
   folder, held until the process ends), then lets the web root's lock go;
2. uploads into it without the lock: ``rsync --checksum --no-times --link-dest=<the current release>``, so a
   file whose content did not change becomes a hard link to the current release's copy, and a release costs
   the disk only of what changed. Five releases of the 2020 report (4.3 MiB), one page different each time,
   take 4.9 MiB, not 21.6 MiB: each release after the first costs its changed page, its build.json and its
   ~30 folders (about 160 KiB); a changed figure also changes both PDFs, the sitemaps and the search
   indexes (about 1.25 MiB);
3. under the lock again: hashes the upload against the site's build.json, renames it to ``releases/<name>``
   and switches ``current`` in one step (a new symlink renamed over the old), so readers see the old site
   or the new one, never a mixture; appends ``<UTC time> publish <name>`` to ``history``; then prunes.

Two publishes to one DEST at once therefore both succeed, one after the other; a publish that cannot get the
lock within PUBLISH_LOCK_WAIT seconds (default 300) gives up with exit status 75 and says so.

A *release* is only what this tool made: a folder named ``<UTC time>-<commit>`` as `release_name` names it,
holding a build.json that lists at least one file and exactly the regular files present (checked without
hashing; rollback also hashes every file before pointing ``current`` at it), and nothing else: no link, no
pipe. Nothing under releases/ is ever read through a link, and only folders with a release's name are read
at all. Anything else there (a hand-made copy, an empty folder, a link) is left alone and reported.

Rollback undoes the last publish: it returns to what readers were shown before it, by the history, and
appends ``<UTC time> rollback <name>``, so that the next rollback undoes the publish before that (publish
v1, v2, v3, roll back to v2, publish v4: rollbacks go to v2, then v1; never to v3, rolled away from). A web
root published before the history existed starts it with ``found`` lines: its releases up to ``current``
in name order, the order the old rollback stepped back through.

Pruning keeps the five releases readers were shown most recently, the one ``current`` points at and the one
rollback would return to; it deletes older releases (renamed to ``.deleting-…`` first, so a killed publish
never leaves half a release), the ``.deleting-…`` a killed or failed prune left, and uploads whose owner is
gone (their folder's lock is free: the process that held it has ended). What cannot be deleted (a file made
immutable, a folder another user owns) is passed over and reported; the rest is pruned all the same.

DEST is a local folder or, for the library's server, ``user@host:/absolute/path``: then the same steps run
there through one ssh session (its ssh command from PUBLISH_SSH, default ``ssh``) that needs only a POSIX
shell, coreutils, findutils, rsync and flock on the server; the session exits, releasing its locks, as soon
as its connection closes, so a publish killed at any moment leaves no lock held behind it. DEST is checked
before anything is done and never reaches a shell as text: on the server it is one quoted word, and rsync
gets it with --protect-args.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import os
import posixpath
import re
import secrets
import shlex
import shutil
import subprocess
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .linkcheck import broken_links
from ..core.release import (MANIFEST, MANIFEST_LIMIT, ReleaseError, describe, differences, load_manifest,
                      manifest_problem, parse_manifest, sha256_of, site_files, verify)

KEEP = 5
RELEASES = "releases"
HISTORY = "history"
LOCK = ".publish.lock"
INCOMING = ".incoming-"
DELETING = ".deleting-"
BUSY = 75  # EX_TEMPFAIL: another publish held the web root for longer than PUBLISH_LOCK_WAIT
USAGE = 2  # a DEST that names no web root, like any other wrong argument
DEFAULT_WAIT = 300
# The names this tool gives, and the only ones it acts on: a release (release_name), an upload's tag.
RELEASE = re.compile(r"\d{8}T\d{12}Z(?:-[0-9a-f]{4,40})?\Z")
UPLOAD = re.compile(r"\d{8}T\d{6}-\d+-[0-9a-f]{8}\Z")
WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+:-]*\Z")  # the only words ever sent to the server's script
EVENT = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ) (found|publish|rollback) (\S+)\Z")
# [user@]host, as ssh takes it: never an option (a leading "-"), never shell text
HOST = re.compile(r"(?:[A-Za-z0-9_][A-Za-z0-9._-]*@)?[A-Za-z0-9_][A-Za-z0-9._-]*\Z")


class PublishError(ReleaseError):
    status = 1


class Busy(PublishError):
    status = BUSY


class BadDest(PublishError):
    status = USAGE


def _message(code: str, dest: str, **extra) -> str:
    wait = extra.get("wait")
    messages = {
        "dest-not-dir": f"{dest} 不是文件夹 / is not a folder: --dest names the web root folder "
                        f"(or user@host:/path); choose another path or move that file away",
        "no-dest": f"{dest} 不存在，那里还没有发布过 / does not exist: nothing was ever published there (check --dest)",
        "releases-not-dir": f"{dest}/{RELEASES} 不是文件夹 / is not a folder: move it away, then run this again",
        "releases-link": f"{dest}/{RELEASES} 是符号链接，发布从不经链接读写 / is a symbolic link, and publishing never "
                         f"reads or writes through a link: make it a real folder (or move it away), then run this "
                         f"again",
        "history-not-file": f"{dest}/{HISTORY} 不是普通文件（链接？）/ is not a regular file (a link?): publishing "
                            f"appends to it; move it away, then run this again",
        "current-not-link": f"{dest}/current 是普通文件或文件夹，不是发布切换的符号链接（旧的网站根目录？）/ is a real "
                            f"file or folder, not the symlink publishing switches (an old web root?): move it aside "
                            f"(mv {dest}/current {dest}/current.old), publish again, and keep the web server's "
                            f"root at {dest}/current",
        "cannot-write": f"无法写入 {dest} / cannot write in {dest}: check the path, and that this user may write there",
        "busy": f"另一个发布或回退正在进行（已等待 {wait} 秒）/ another publish or rollback to {dest} is in "
                f"progress (waited {wait} s): run this again once it has finished (PUBLISH_LOCK_WAIT sets the wait)",
        "no-flock": f"无法在 {dest} 加锁 / cannot lock {dest}: install flock (util-linux) on the server",
        "no-current": f"{dest} 没有 current，没有可回退的版本 / has no current release: nothing to roll back (publish first)",
        "no-earlier": f"{dest}: 没有更早的完整版本可以回退，current 保持原样 / there is no earlier verified release to "
                      f"return to; current is unchanged",
        "switch": f"{dest}: 无法切换 current / could not switch current: check the permissions of {dest}",
    }
    return messages.get(code) or f"{dest}: 服务器的回答无法理解 / the server's answer was not understood " \
                                  f"({code[:80]!r}): check that sh, coreutils, findutils and flock are installed there"


def _wait_seconds() -> int:
    value = os.environ.get("PUBLISH_LOCK_WAIT", "").strip()
    return int(value) if value.isdigit() else DEFAULT_WAIT


def release_name(commit: str | None = None) -> str:
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    return f"{stamp}-{commit}" if commit else stamp


def _commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    except OSError:  # no git on this machine
        return None
    commit = out.stdout.strip()
    return commit if RELEASE.match(f"{release_name()}-{commit}") else None


def check(site: Path) -> bytes:
    """Refuse a site that did not come whole out of a successful build, or has a broken link.

    Returns the bytes of its build.json: the upload is later proved against exactly these."""
    raw, _ = load_manifest(site)
    manifest = verify(site)
    if parse_manifest(raw) != manifest:
        raise ReleaseError(f"{site}: 检查期间网站被改动 / the site changed while it was checked: publish again")
    broken = broken_links(site)
    if broken:
        raise ReleaseError("失效的链接 / broken links:\n" + "\n".join(f"  {b}" for b in broken[:20]))
    return raw


# ------------------------------------------------------------ DEST: checked before anything is done

def _remote(dest: str) -> tuple[str, str] | None:
    host, sep, path = dest.partition(":")
    return (host, path) if sep and "@" in host or (sep and not Path(dest).exists() and "/" not in host) else None


def web_root(dest: str) -> LocalRoot | RemoteRoot:
    """The web root DEST names, or BadDest saying in one line why it names none."""
    if not dest.strip():
        raise BadDest("没有给出 DEST（网站根目录）/ DEST is empty: name the web root, e.g. "
                      "DEST=/srv/annual-report or DEST=deploy@www.example.org:/srv/annual-report")
    if any(unicodedata.category(c) == "Cc" for c in dest):
        raise BadDest(f"DEST 含有控制字符（换行、制表符等）：{dest!r} / DEST holds a control character "
                      f"(a newline, a tab…): {dest!r}; type the path again")
    if dest.startswith("-"):
        raise BadDest(f"DEST 不能以 - 开头：{dest!r} / DEST must not start with '-' ({dest!r} would be read as an "
                      f"option): for a folder of that name, write ./{dest}")
    remote = _remote(dest)
    if remote is None:
        if os.path.realpath(dest) == "/":
            raise BadDest(f"DEST 不能是根目录 / 本身：{dest!r} / DEST cannot be / itself ({dest!r}): "
                          f"name a folder, e.g. /srv/annual-report")
        return LocalRoot(Path(dest))
    host, path = remote
    if not HOST.match(host):
        raise BadDest(f"DEST 中的主机无效：{host!r} / not a valid user@host in DEST: {host!r} (letters, digits and "
                      f". _ - only), e.g. deploy@www.example.org:/srv/annual-report")
    if not path:
        raise BadDest(f"DEST 的冒号后没有路径：{dest!r} / DEST has no path after the colon: {dest!r} (is DEPLOY_PATH "
                      f"empty?); name the web root on the server, e.g. {host}:/srv/annual-report")
    if not path.startswith("/"):
        raise BadDest(f"DEST 中服务器上的路径应以 / 开头：{path!r} / the path on the server in DEST must be absolute "
                      f"(start with /): {path!r}, e.g. {host}:/srv/annual-report")
    if not posixpath.normpath(path).strip("/"):
        raise BadDest(f"DEST 不能是服务器的根目录 / 本身：{dest!r} / DEST cannot be the server's / itself ({dest!r}): "
                      f"name a folder, e.g. {host}:/srv/annual-report")
    return RemoteRoot(host, path)


# ------------------------------------------------------------ what is under releases/

@dataclass
class Entry:
    """One thing under releases/, as the inventory saw it (never through a link)."""
    name: str
    kind: str  # "d" folder, "l" symlink, "f" anything else
    manifest: bytes | None = None  # build.json's bytes, read only for a folder with a release's name
    files: set[str] = field(default_factory=set)  # every regular file but build.json, relative
    others: set[str] = field(default_factory=set)  # links, pipes, devices: no release holds one

    def problem(self) -> str | None:
        """Why this is not a release this tool made and can serve, or None. Cheap: the file list, no hashing."""
        if self.kind != "d":
            return "不是文件夹 / not a folder"
        if not RELEASE.match(self.name):
            return "不是本工具生成的版本名 / not a name this tool gives a release (<UTC time>-<commit>)"
        if self.manifest is None:
            return f"没有 {MANIFEST} / no {MANIFEST}"
        manifest = parse_manifest(self.manifest)
        if manifest is None:
            return f"{MANIFEST} 已损坏 / damaged {MANIFEST}"
        problem = manifest_problem(manifest)
        if problem:
            return problem
        if self.others:
            return f"含有链接或特殊文件 / holds links or special files: {describe(sorted(self.others))}"
        listed = set(manifest["files"])
        if listed != self.files:
            return (f"文件与 {MANIFEST} 不符 / files differ from {MANIFEST}: "
                    f"{len(listed - self.files)} missing, {len(self.files - listed)} extra")
        return None


def inventory(root) -> list[Entry]:
    """What is under releases/; only a folder with a release's name is looked into."""
    entries = []
    for name, kind in root.entries():
        entry = Entry(name, kind)
        if kind == "d" and RELEASE.match(name):
            entry.manifest, entry.files, entry.others = root.contents(name)
        entries.append(entry)
    return entries


def _verified(entries: list[Entry]) -> list[str]:
    return sorted(e.name for e in entries if e.problem() is None)


def _hash_problem(manifest_raw: bytes | None, actual: dict[str, str], expected_raw: bytes | None = None) -> str | None:
    """Why the hashed files of a release do not match its build.json (and, for an upload, the site's)."""
    manifest = parse_manifest(manifest_raw or b"")
    if manifest is None:
        return f"{MANIFEST} 缺失或损坏 / missing or damaged {MANIFEST}"
    if expected_raw is not None and actual.get(MANIFEST) != hashlib.sha256(expected_raw).hexdigest():
        return f"{MANIFEST} 不是所发布网站的 / not the published site's {MANIFEST}"
    files = {path: digest for path, digest in actual.items() if path != MANIFEST}
    changed = differences(manifest["files"], files)
    return f"文件与 {MANIFEST} 不符 / files differ from {MANIFEST}: {describe(changed)}" if changed else None


def _release_of(target: str | None) -> str | None:
    """The name a symlink target like 'releases/<name>' names, or None."""
    if not target:
        return None
    path = Path(target.rstrip("/"))
    return path.name if path.parent.name == RELEASES and WORD.match(path.name) else None


# ------------------------------------------------------------ the history: what readers were shown

def parse_history(raw: bytes) -> list[tuple[str, str]]:
    """The (event, release) lines of a history file, oldest first; a line that is not one is passed over."""
    events = []
    for line in raw.decode("utf-8", errors="replace").splitlines():
        match = EVENT.match(line.strip())
        if match and RELEASE.match(match.group(3)):
            events.append((match.group(2), match.group(3)))
    return events


def _shown(events: list[tuple[str, str]], verified: list[str], live: str | None) -> list[str]:
    """The releases readers were shown, oldest first, less what rollbacks undid: a rollback to X takes back
    everything shown after X. Without a history (a web root published before there was one), the verified
    releases up to current in name order: the order the rollback of that time stepped back through."""
    if not events:
        if live is None:
            return []
        return [n for n in verified if live not in verified or n <= live]
    shown: list[str] = []
    for event, name in events:
        if event == "rollback" and name in shown:
            del shown[len(shown) - shown[::-1].index(name):]
        else:
            shown.append(name)
    return shown


def _undo_chain(shown: list[str], live: str | None) -> list[str]:
    """Where rollbacks go, one after another, newest first. When current is not what the history last
    showed (changed by hand, or a publish killed between its switch and its record), the first step is
    back to what the history last showed."""
    chain = shown[:-1] if shown and shown[-1] == live else shown
    return list(dict.fromkeys(n for n in reversed(chain) if n != live))


def _most_recently_shown(events: list[tuple[str, str]], verified: list[str]) -> list[str]:
    """The verified releases, the one readers saw last first; those never shown (an upload settled by a
    publish killed before its switch, or older than the history) after them, newest name first."""
    seen = [n for n in dict.fromkeys(name for _, name in reversed(events)) if n in verified]
    return seen + [n for n in reversed(verified) if n not in seen]


def _stamp() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _remember(root, events: list[tuple[str, str]], seed: list[str], event: str, name: str) -> list[tuple[str, str]]:
    """Append a publish or rollback to the history, under the lock. A web root without a history yet
    starts it with what was found there (seed). Returns the history as it now reads."""
    lines = [] if events else [("found", n) for n in seed]
    lines.append((event, name))
    try:
        for what, release in lines:
            root.record(_stamp(), what, release)
    except (OSError, PublishError) as err:
        print(f"⚠ {root.label}: 无法写入 {HISTORY}，下一次回退可能按旧规则进行 / could not append to {HISTORY}; the "
              f"next rollback may follow the name order instead: {err}", file=sys.stderr)
    return events + lines


# ------------------------------------------------------------ local web root

def _first_error(errors: list[str]) -> str | None:
    return errors[0] + (f"（及另外 {len(errors) - 1} 处 / and {len(errors) - 1} more）" if len(errors) > 1 else "") \
        if errors else None


class LocalRoot:
    def __init__(self, dest: Path):
        self.dest, self.label = dest, str(dest)
        self.releases = dest / RELEASES
        self._lock_fd: int | None = None
        self._incoming_fd: int | None = None

    def open(self, mode: str) -> None:
        d = self.dest
        if not d.is_dir():
            if d.exists() or d.is_symlink():
                raise PublishError(_message("dest-not-dir", self.label))
            if mode == "rollback":
                raise PublishError(_message("no-dest", self.label))
        if self.releases.is_symlink():
            raise PublishError(_message("releases-link", self.label))
        if self.releases.exists() and not self.releases.is_dir():
            raise PublishError(_message("releases-not-dir", self.label))
        if (d / "current").exists() and not (d / "current").is_symlink():
            raise PublishError(_message("current-not-link", self.label))
        history = d / HISTORY
        if history.is_symlink() or (history.exists() and not history.is_file()):
            raise PublishError(_message("history-not-file", self.label))
        try:
            if mode == "publish":
                self.releases.mkdir(parents=True, exist_ok=True)
            self._lock_fd = os.open(d / LOCK, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
        except PermissionError:
            raise PublishError(_message("cannot-write", self.label)) from None

    def try_lock(self) -> bool:
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False

    def wait_lock(self, wait: int) -> bool:
        deadline = time.monotonic() + wait
        while not self.try_lock():
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.02)
        return True

    def unlock(self) -> None:
        fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    def start(self, tag: str) -> None:
        folder = self.releases / (INCOMING + tag)
        folder.mkdir()
        self._incoming_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)  # not inherited by rsync
        fcntl.flock(self._incoming_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def live(self) -> tuple[str | None, bool]:
        link = self.dest / "current"
        return (os.readlink(link), link.is_dir()) if link.is_symlink() else (None, False)

    def upload(self, site: Path, tag: str, base: str | None) -> None:
        # Compared by content, not time: every build writes every file afresh, and rsync links a file to
        # --link-dest's only when all its preserved attributes match, so -t would link nothing.
        command = ["rsync", "-a", "--no-times", "--checksum"]
        if base:
            command.append(f"--link-dest={(self.releases / base).resolve()}")
        subprocess.run([*command, "--", f"{site}/", f"{self.releases / (INCOMING + tag)}/"], check=True)

    def entries(self) -> list[tuple[str, str]]:
        if not self.releases.is_dir():
            return []
        with os.scandir(self.releases) as found:
            return sorted((e.name, "l" if e.is_symlink() else "d" if e.is_dir(follow_symlinks=False) else "f")
                          for e in found)

    def contents(self, name: str) -> tuple[bytes | None, set[str], set[str]]:
        folder = self.releases / name
        files, others = site_files(folder)
        manifest = None
        if MANIFEST in files:
            with os.fdopen(os.open(folder / MANIFEST, os.O_RDONLY | os.O_NOFOLLOW), "rb") as file:
                manifest = file.read(MANIFEST_LIMIT + 1)
        return manifest, set(files) - {MANIFEST}, set(others)

    def hashes(self, name: str) -> dict[str, str]:
        folder = self.releases / name
        return {path: sha256_of(folder / path) for path in site_files(folder)[0]}

    def settle(self, tag: str, name: str) -> bool:
        target = self.releases / name
        if target.exists() or target.is_symlink():
            return False
        os.rename(self.releases / (INCOMING + tag), target)
        self._close_incoming()
        return True

    def switch(self, name: str) -> None:
        temporary = self.dest / ".current-new"
        if temporary.is_symlink() or temporary.exists():
            temporary.unlink()
        os.symlink(f"{RELEASES}/{name}", temporary)
        os.replace(temporary, self.dest / "current")

    def remove(self, name: str) -> str | None:
        """Delete a release: renamed first, so that what is left of a failed delete is never taken for one.
        Returns why it could not be deleted, or None."""
        try:
            os.rename(self.releases / name, self.releases / (DELETING + name))
        except OSError as err:
            return f"{RELEASES}/{name}: {err.strerror}"
        return self.purge(DELETING + name)

    def purge(self, name: str) -> str | None:
        """Delete as much of releases/<name> as can be deleted (rmtree never follows a link); why not all, or None."""
        errors: list[str] = []
        shutil.rmtree(self.releases / name, onerror=lambda _, path, info: errors.append(
            f"{Path(path).relative_to(self.dest)}: {getattr(info[1], 'strerror', None) or info[1]}"))
        return _first_error(errors)

    def reap(self, name: str) -> str | None:
        """Delete an upload whose owner has gone (its folder lock is free); why it could not be, or None."""
        try:
            fd = os.open(self.releases / name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        except FileNotFoundError:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return None  # a publish is uploading into it right now
        finally:
            os.close(fd)
        if not (self.releases / name).exists():
            return None  # its owner removed it meanwhile
        return self.purge(name)

    def drop(self, tag: str) -> None:
        shutil.rmtree(self.releases / (INCOMING + tag), ignore_errors=True)  # still ours: locked
        self._close_incoming()

    def history(self) -> bytes:
        try:
            with os.fdopen(os.open(self.dest / HISTORY, os.O_RDONLY | os.O_NOFOLLOW), "rb") as file:
                file.seek(max(0, os.fstat(file.fileno()).st_size - MANIFEST_LIMIT))
                return file.read()
        except FileNotFoundError:
            return b""

    def record(self, stamp: str, event: str, name: str) -> None:
        fd = os.open(self.dest / HISTORY, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o644)
        try:
            os.write(fd, f"{stamp} {event} {name}\n".encode())
            os.fsync(fd)
        finally:
            os.close(fd)

    def _close_incoming(self) -> None:
        if self._incoming_fd is not None:
            os.close(self._incoming_fd)
            self._incoming_fd = None

    def close(self) -> None:
        self._close_incoming()
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # lets the lock go
            self._lock_fd = None


# ------------------------------------------------------------ remote web root (one ssh session)

# Run by `sh -c` on the server with d, mode, wait and limit set before it. It answers one command per line
# read from stdin; each answer is NUL-separated fields ending with "\004<status>". A field that carries data
# starts with a letter saying what it is (E an entry, M build.json, F a file, L the link, H the history,
# ! an error), so no data can be taken for the end of an answer. When stdin closes (the publisher ended, or
# was killed, or its connection dropped) `read` fails and the script ends, and with it the locks it held on
# fd 8 (the web root's) and fd 9 (this publish's upload folder). find runs without -L and every read of
# releases/ checks for a link first: nothing there is followed.
REMOTE_SCRIPT = r"""
end() { printf '\004%s\0' "$1"; }
fail() { printf '%s\0' "$1"; end 1; exit 1; }
say() { printf '!%s\0' "$(printf '%s\n' "$1" | head -n 1)"; }
gone() { if out=$(rm -rf -- "$1" 2>&1); then end 0; else say "$out"; end 1; fi; }
if [ -d "$d" ]; then :
elif [ -e "$d" ] || [ -L "$d" ]; then fail dest-not-dir
elif [ "$mode" = rollback ]; then fail no-dest
fi
if [ -L "$d/releases" ]; then fail releases-link; fi
if [ -e "$d/releases" ] && [ ! -d "$d/releases" ]; then fail releases-not-dir; fi
if [ -e "$d/current" ] && [ ! -L "$d/current" ]; then fail current-not-link; fi
if [ -L "$d/history" ] || { [ -e "$d/history" ] && [ ! -f "$d/history" ]; }; then fail history-not-file; fi
if [ "$mode" = publish ]; then mkdir -p -- "$d/releases" 2>/dev/null || fail cannot-write; fi
cd -- "$d" 2>/dev/null || fail cannot-write
command exec 8>>.publish.lock 2>/dev/null || fail cannot-write
end 0
while IFS=' ' read -r cmd a b c; do
  case $cmd in
  lock) flock -n 8; end $? ;;
  wait) flock -w "$wait" 8; end $? ;;
  unlock) flock -u 8; end $? ;;
  start) mkdir "releases/.incoming-$a" && command exec 9<"releases/.incoming-$a" && flock -n 9; end $? ;;
  live) if [ -L current ]; then printf 'L%s\0' "$(readlink current)"
          if [ -d current ]; then printf 'D\0'; fi; fi; end 0 ;;
  entries)
    for p in releases/* releases/.[!.]* releases/..?*; do
      [ -e "$p" ] || [ -L "$p" ] || continue
      if [ -L "$p" ]; then t=l; elif [ -d "$p" ]; then t=d; else t=f; fi
      printf 'E%s%s\0' "$t" "${p#releases/}"
    done; end 0 ;;
  contents)
    r="releases/$a"
    if [ -d "$r" ] && [ ! -L "$r" ]; then
      if [ -f "$r/build.json" ] && [ ! -L "$r/build.json" ]; then
        printf 'M'; head -c "$limit" "$r/build.json" | tr -d '\000'; printf '\0'; fi
      find "$r" -mindepth 1 ! -type d -printf 'F%y%P\0' 2>/dev/null
    fi; end 0 ;;
  hashes) [ ! -L "releases/$a" ] && (cd "releases/$a" && find . -type f -printf '%P\0' | xargs -0 -r sha256sum -z --)
          end $? ;;
  settle) if [ -e "releases/$b" ] || [ -L "releases/$b" ]; then end 1
          else mv -T "releases/.incoming-$a" "releases/$b" && exec 9<&-; end $?; fi ;;
  switch) ln -sfn "releases/$a" .current-new && mv -T .current-new current; end $? ;;
  remove) if out=$(mv -T "releases/$a" "releases/.deleting-$a" 2>&1); then gone "releases/.deleting-$a"
          else say "$out"; end 1; fi ;;
  purge) gone "releases/$a" ;;
  reap) if [ -d "releases/$a" ] && [ ! -L "releases/$a" ] && flock -n "releases/$a" true; then gone "releases/$a"
        else end 0; fi ;;
  drop) rm -rf "releases/.incoming-$a"; exec 9<&-; end 0 ;;
  history) if [ -f history ] && [ ! -L history ]; then
             printf 'H'; tail -c "$limit" history | tr -d '\000'; printf '\0'; fi; end 0 ;;
  record) [ ! -L history ] && printf '%s %s %s\n' "$a" "$b" "$c" >> history; end $? ;;
  *) end 2 ;;
  esac
done
"""


class _Lost(Exception):
    pass


class RemoteRoot:
    def __init__(self, host: str, path: str):
        self.host, self.path, self.label = host, path, f"{host}:{path}"
        self.ssh = os.environ.get("PUBLISH_SSH", "ssh")
        self._proc: subprocess.Popen | None = None
        self._buffer = bytearray()

    def open(self, mode: str) -> None:
        # The path is one quoted word of the script, and the script one quoted word for the login shell.
        script = f"d={shlex.quote(self.path)} mode={mode} wait={_wait_seconds()} limit={MANIFEST_LIMIT}\n" \
                 f"{REMOTE_SCRIPT}"
        self._proc = subprocess.Popen([*shlex.split(self.ssh), self.host, "sh -c " + shlex.quote(script)],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        try:
            status, fields = self._reply()
        except _Lost:
            code = self._proc.wait()
            raise PublishError(f"无法通过 ssh 连接 {self.host} / could not reach {self.host} over ssh (exit {code}): "
                               f"check PUBLISH_SSH, the key, known_hosts and the path") from None
        if status:
            raise PublishError(_message(fields[0].decode(errors="replace") if fields else "?", self.label))

    def _reply(self) -> tuple[int, list[bytes]]:
        fields, position = [], 0
        while True:
            end = self._buffer.find(b"\0", position)
            if end < 0:
                chunk = os.read(self._proc.stdout.fileno(), 1 << 16)
                if not chunk:
                    raise _Lost()
                self._buffer += chunk
                continue
            item, position = bytes(self._buffer[position:end]), end + 1
            if item.startswith(b"\x04"):
                del self._buffer[:position]
                return int(item[1:]) if item[1:].isdigit() else 1, fields
            fields.append(item)

    def _call(self, command: str, *args: str) -> tuple[int, list[bytes]]:
        for arg in args:  # names only ever come from here or from the inventory, checked
            assert WORD.match(arg.removeprefix(INCOMING).removeprefix(DELETING)), arg
        try:
            self._proc.stdin.write((" ".join([command, *args]) + "\n").encode())
            self._proc.stdin.flush()
            return self._reply()
        except (_Lost, BrokenPipeError):
            raise PublishError(f"与 {self.host} 的连接中断 / the connection to {self.host} was lost: current still "
                               f"points at a complete release; run the command again") from None

    def _error(self, status: int, fields: list[bytes], name: str) -> str | None:
        """What the server's rm or mv said (it names the path), or None when it succeeded."""
        if status == 0:
            return None
        said = [f[1:] for f in fields if f.startswith(b"!")]
        return os.fsdecode(said[0]) if said else f"{RELEASES}/{name}: exit {status}"

    def try_lock(self) -> bool:
        status, _ = self._call("lock")
        if status not in (0, 1):
            raise PublishError(_message("no-flock", self.label))
        return status == 0

    def wait_lock(self, wait: int) -> bool:
        return self._call("wait")[0] == 0

    def unlock(self) -> None:
        self._call("unlock")

    def start(self, tag: str) -> None:
        if self._call("start", tag)[0]:
            raise PublishError(_message("cannot-write", self.label))

    def live(self) -> tuple[str | None, bool]:
        _, fields = self._call("live")
        targets = [f[1:] for f in fields if f.startswith(b"L")]
        return (os.fsdecode(targets[0]), b"D" in fields) if targets else (None, False)

    def upload(self, site: Path, tag: str, base: str | None) -> None:
        # --protect-args: the remote path reaches the server's rsync as it is, never through its shell
        command = ["rsync", "-a", "--no-times", "--checksum", "--protect-args", "-e", self.ssh]
        if base:  # relative to the upload folder
            command.append(f"--link-dest=../{base}")
        subprocess.run([*command, "--", f"{site}/", f"{self.host}:{self.path}/{RELEASES}/{INCOMING}{tag}/"],
                       check=True)

    def entries(self) -> list[tuple[str, str]]:
        _, fields = self._call("entries")
        return sorted((os.fsdecode(f[2:]), f[1:2].decode()) for f in fields if f.startswith(b"E") and len(f) > 2)

    def contents(self, name: str) -> tuple[bytes | None, set[str], set[str]]:
        _, fields = self._call("contents", name)
        manifest, files, others = None, set(), set()
        for item in fields:
            if item.startswith(b"M"):
                manifest = item[1:]
            elif item.startswith(b"F") and len(item) > 2:
                (files if item[1:2] == b"f" else others).add(os.fsdecode(item[2:]))
        return manifest, files - {MANIFEST}, others

    def hashes(self, name: str) -> dict[str, str]:
        _, fields = self._call("hashes", name)
        return {os.fsdecode(line[66:]): line[:64].decode() for line in fields if len(line) > 66}

    def settle(self, tag: str, name: str) -> bool:
        return self._call("settle", tag, name)[0] == 0

    def switch(self, name: str) -> None:
        if self._call("switch", name)[0]:
            raise PublishError(_message("switch", self.label))

    def remove(self, name: str) -> str | None:
        return self._error(*self._call("remove", name), name)

    def purge(self, name: str) -> str | None:
        return self._error(*self._call("purge", name), name)

    def reap(self, name: str) -> str | None:
        return self._error(*self._call("reap", name), name)

    def drop(self, tag: str) -> None:
        self._call("drop", tag)

    def history(self) -> bytes:
        _, fields = self._call("history")
        return b"".join(f[1:] for f in fields if f.startswith(b"H"))

    def record(self, stamp: str, event: str, name: str) -> None:
        if self._call("record", stamp, event, name)[0]:
            raise PublishError(_message("history-not-file", self.label))

    def close(self) -> None:
        if self._proc is None:
            return
        try:
            self._proc.stdin.close()
        except OSError:
            pass
        try:
            self._proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._proc = None


# ------------------------------------------------------------ publish, prune, roll back (either kind of root)

@dataclass
class Notes:
    """What a publish or rollback has to tell besides its result."""
    left_alone: list[str] = field(default_factory=list)  # under releases/ but no release: never used nor deleted
    not_removed: list[str] = field(default_factory=list)  # old releases pruning could not delete (tried again)
    passed_over: list[str] = field(default_factory=list)  # what rollback did not return to, and why


def _lock(root, wait: int) -> None:
    if root.try_lock():
        return
    if wait <= 0:
        raise Busy(_message("busy", root.label, wait=wait))
    print(f"⏳ {root.label}: 另一个发布或回退正在进行，最多等待 {wait} 秒 / another publish or rollback is in "
          f"progress; waiting up to {wait} s", file=sys.stderr, flush=True)
    if not root.wait_lock(wait):
        raise Busy(_message("busy", root.label, wait=wait))


def _ours_in_progress(entry: Entry) -> bool:
    """An upload or a prune of this tool, running or left by a killed one."""
    name = entry.name
    return entry.kind == "d" and (name.startswith(INCOMING) and bool(UPLOAD.match(name[len(INCOMING):]))
                                  or name.startswith(DELETING) and bool(RELEASE.match(name[len(DELETING):])))


def _left_alone(entries: list[Entry], verified: list[str]) -> list[str]:
    """What is under releases/ that publishing neither uses nor deletes, and why."""
    return [f"{RELEASES}/{e.name}: {e.problem()}" for e in entries
            if e.name not in verified and not _ours_in_progress(e)]


def _prune(root, entries: list[Entry], live: str, events: list[tuple[str, str]]) -> Notes:
    verified = _verified(entries)
    keep = set(_most_recently_shown(events, verified)[:KEEP]) | {live}
    back = next((n for n in _undo_chain(_shown(events, verified, live), live) if n in verified), None)
    if back:
        keep.add(back)  # what rollback would return to, however long ago readers saw it
    notes = Notes(left_alone=_left_alone(entries, verified))
    failures = []
    for entry in entries:
        if _ours_in_progress(entry) and entry.name.startswith(DELETING):
            failures.append(root.purge(entry.name))  # a prune that was killed or failed midway
    for name in verified:
        if name not in keep:
            failures.append(root.remove(name))
    for entry in entries:
        if _ours_in_progress(entry) and entry.name.startswith(INCOMING):
            failures.append(root.reap(entry.name))  # only if the publish that made it has ended
    notes.not_removed = [f for f in failures if f]
    return notes


def publish_to(root, site: Path, raw: bytes, commit: str | None = None) -> tuple[str, Notes]:
    """Upload a checked site (raw: its build.json) and make it current. Returns its name and notes."""
    wait = _wait_seconds()
    tag = f"{dt.datetime.now(dt.timezone.utc):%Y%m%dT%H%M%S}-{os.getpid()}-{secrets.token_hex(4)}"
    root.open("publish")
    started = settled = False
    try:
        _lock(root, wait)
        try:
            root.start(tag)
            started = True
            target, is_dir = root.live()
            base = _release_of(target) if is_dir else None
        finally:
            root.unlock()
        root.upload(site, tag, base)
        _lock(root, wait)
        problem = _hash_problem(raw, root.hashes(INCOMING + tag), expected_raw=raw)
        if problem:
            raise PublishError(f"{root.label}: 上传的文件与构建记录不符，未切换 / the upload does not match the "
                               f"build's record ({problem}); current is unchanged: publish again "
                               f"(was the site rebuilt meanwhile?)")
        previous = _release_of(root.live()[0])
        for _ in range(10):
            name = release_name(commit)
            if root.settle(tag, name):
                break
        else:
            raise PublishError(f"{root.label}: 无法给新版本命名 / could not name the new release; "
                               f"current is unchanged")
        settled = True
        root.switch(name)
        # Recorded after the switch: a publish killed in between leaves current newer than the history,
        # and rollback then returns to what the history last showed, which is what readers saw before.
        try:
            entries = inventory(root)
            earlier = [n for n in _verified(entries) if n != name]
            events = _remember(root, parse_history(root.history()), _shown([], earlier, previous), "publish", name)
            notes = _prune(root, entries, name, events)
        except (OSError, PublishError) as err:
            print(f"⚠ 已发布，但清理旧版本失败，下次发布会再试 / published, but pruning failed (the next publish "
                  f"tries again): {err}", file=sys.stderr)
            notes = Notes()
        return name, notes
    finally:
        if started and not settled:
            try:
                root.drop(tag)
            except (OSError, PublishError):
                pass  # left for the next publish: its lock is free once this process ends
        root.close()


def rollback_to(root) -> tuple[str, Notes]:
    """Point current back at what readers were shown before the last publish (by the history), skipping a
    release that is gone or no longer whole; when current is not a verified release (missing, or junk) and
    the history offers nothing whole, at the newest verified release there is."""
    root.open("rollback")
    try:
        _lock(root, _wait_seconds())
        target, _ = root.live()
        if target is None:
            raise PublishError(_message("no-current", root.label))
        live = _release_of(target)
        entries = inventory(root)
        by_name = {e.name: e for e in entries}
        verified = _verified(entries)
        notes = Notes(left_alone=_left_alone(entries, verified))
        events = parse_history(root.history())
        shown = _shown(events, verified, live)
        candidates = _undo_chain(shown, live)
        if live not in verified:  # the site is not whole: any verified release is better than none
            candidates += [n for n in reversed(verified) if n not in candidates]
            notes.passed_over.append(f"current → {target}: 不是完整的版本 / not a verified release"
                                     + ("（不存在 / missing）" if live and live not in by_name else ""))
        elif shown and shown[-1] != live:
            notes.passed_over.append(f"current → {target}: 不是历史记录中最后显示的版本，回到记录中的版本 / not what "
                                     f"the {HISTORY} last showed: returning to what it shows")
        for name in candidates:
            if name not in verified:
                why = by_name[name].problem() if name in by_name else "已不存在 / no longer there"
                notes.passed_over.append(f"{RELEASES}/{name}: 跳过 / skipped: {why}")
                continue
            problem = _hash_problem(by_name[name].manifest, root.hashes(name))
            if problem is None:
                root.switch(name)
                _remember(root, events, shown, "rollback", name)
                return name, notes
            notes.passed_over.append(f"{RELEASES}/{name}: 跳过 / skipped: {problem}")
        raise PublishError(_message("no-earlier", root.label)
                           + "".join(f"\n  {n}" for n in notes.passed_over + notes.left_alone))
    finally:
        root.close()


# ------------------------------------------------------------ the local helpers the tests and scripts use

def releases(dest: Path) -> list[str]:
    """The verified releases of a local web root, oldest first."""
    return _verified(inventory(LocalRoot(dest)))


def current(dest: Path) -> str | None:
    link = dest / "current"
    return Path(os.readlink(link)).name if link.is_symlink() else None


def history(dest: Path) -> list[tuple[str, str]]:
    """The (event, release) lines of a local web root's history, oldest first."""
    return parse_history(LocalRoot(dest).history())


# ------------------------------------------------------------ command line

def _report(notes: Notes) -> None:
    if notes.passed_over:
        print("⚠ 回退时 / while rolling back:\n" + "\n".join(f"  {n}" for n in notes.passed_over), file=sys.stderr)
    if notes.left_alone:
        print("⚠ 以下内容不是本工具生成的完整版本，未动，核实后可手动删除 / left alone, not releases this tool made "
              "(check them, then remove them by hand):\n" + "\n".join(f"  {n}" for n in notes.left_alone),
              file=sys.stderr)
    if notes.not_removed:
        print("⚠ 以下旧版本无法删除，其余已清理，下次发布会再试 / could not remove these old releases; the rest were "
              "pruned, and the next publish tries again (an immutable file? lsattr -R, chattr -i):\n"
              + "\n".join(f"  {n}" for n in notes.not_removed), file=sys.stderr)


def _joined(args: list[str]) -> list[str]:
    """`--dest -x` as `--dest=-x`: argparse would take -x for an option of its own, and DEST's check could
    not name it."""
    joined, words = [], iter(args)
    for word in words:
        joined.append(f"{word}={next(words, '')}" if word in ("--dest", "--site") else word)
    return joined


def main(args: list[str], rollback: bool = False) -> int:
    import argparse
    parser = argparse.ArgumentParser(prog="python -m macros " + ("rollback" if rollback else "publish"))
    parser.add_argument("--dest", required=True, help="web root: a folder, or user@host:/absolute/path")
    if not rollback:
        parser.add_argument("--site", default="site", help="the built site (default: site)")
    options = parser.parse_args(_joined(args))
    failed = "✗ 未回退 / not rolled back" if rollback else "✗ 未发布 / not published"
    try:
        root = web_root(options.dest)
        if rollback:
            name, notes = rollback_to(root)
            _report(notes)
            print(f"✓ 已回退 / rolled back: {root.label}/current → {RELEASES}/{name}")
            return 0
        site = Path(options.site)
        raw = check(site)
        if isinstance(root, LocalRoot):
            where, what = root.dest.resolve(), site.resolve()
            if where == what or what in where.parents:
                raise PublishError(f"{options.dest} 在要发布的网站 {site} 里面 / lies inside the site being "
                                   f"published: choose a web root outside it")
        name, notes = publish_to(root, site.resolve(), raw, _commit())
        _report(notes)
        print(f"✓ 已发布 / published: {root.label}/current → {RELEASES}/{name}")
        return 0
    except PublishError as err:
        print(f"{failed}: {err}", file=sys.stderr)
        return err.status
    except ReleaseError as err:
        print(f"{failed}: {err}", file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as err:
        print(f"{failed}: 上传失败，网站保持原样 / the upload failed (rsync exit {err.returncode}); the site is "
              f"unchanged: check the message above, then run this again", file=sys.stderr)
        return 1
    except OSError as err:
        print(f"{failed}: {err.strerror or err}: {err.filename or options.dest} — 检查路径和权限，current 保持原样 / "
              f"check the path and the permissions; current is unchanged", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{failed}: 已中断，current 保持原样 / interrupted; current is unchanged", file=sys.stderr)
        return 130
