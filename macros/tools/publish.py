"""Atomic publishing: `make publish DEST=…` and `make rollback DEST=…`.

A web root (DEST) holds::

    current -> releases/<name>      the symlink the web server serves (nginx: root <DEST>/current;)
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
   or the new one, never a mixture; then prunes.

Two publishes to one DEST at once therefore both succeed, one after the other; a publish that cannot get the
lock within PUBLISH_LOCK_WAIT seconds (default 300) gives up with exit status 75 and says so.

Only *verified* releases count: a folder under releases/ whose build.json lists exactly the files present
(checked without hashing; rollback also hashes every file of the release before pointing ``current`` at it).
Pruning keeps the five newest verified releases and, whatever their age, the one ``current`` points at, the
one before it and the one it pointed at before this publish; it deletes older verified releases (renamed to
``.deleting-…`` first, so a killed publish never leaves half a release), the ``.deleting-…`` left by a killed
publish, and uploads whose owner is gone (their folder's lock is free: the process that held it has ended).
Anything else under releases/ is left alone and reported. Rollback points ``current`` at the newest verified
release older than the one it points at.

DEST is a local folder or, for the library's server, ``user@host:/path``: then the same steps run there
through one ssh session (its ssh command from PUBLISH_SSH, default ``ssh``) that needs only a POSIX shell,
coreutils, findutils, rsync and flock on the server; the session exits, releasing its locks, as soon as its
connection closes, so a publish killed at any moment leaves no lock held behind it.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from .linkcheck import broken_links
from .release import MANIFEST, ReleaseError, describe, differences, load_manifest, parse_manifest, verify

KEEP = 5
RELEASES = "releases"
LOCK = ".publish.lock"
INCOMING = ".incoming-"
DELETING = ".deleting-"
BUSY = 75  # EX_TEMPFAIL: another publish held the web root for longer than PUBLISH_LOCK_WAIT
DEFAULT_WAIT = 300
SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]*\Z")  # the only names publishing ever acts on


class PublishError(ReleaseError):
    status = 1


class Busy(PublishError):
    status = BUSY


def _message(code: str, dest: str, **extra) -> str:
    wait = extra.get("wait")
    messages = {
        "dest-not-dir": f"{dest} 不是文件夹 / is not a folder: --dest names the web root folder "
                        f"(or user@host:/path); choose another path or move that file away",
        "no-dest": f"{dest} 不存在，那里还没有发布过 / does not exist: nothing was ever published there (check --dest)",
        "releases-not-dir": f"{dest}/{RELEASES} 不是文件夹 / is not a folder: move it away, then run this again",
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
    return out.stdout.strip() if SAFE.match(out.stdout.strip()) else None


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


# ------------------------------------------------------------ what is under releases/

@dataclass
class Entry:
    """One thing under releases/, as the inventory saw it."""
    name: str
    kind: str  # "d" folder, "l" symlink, "f" anything else
    manifest: bytes | None = None  # build.json's bytes, for folders not starting with "."
    files: set[str] = field(default_factory=set)  # every file but build.json, relative

    def problem(self) -> str | None:
        """Why this is not a verified release, or None. Cheap: the file list, no hashing."""
        if self.kind != "d":
            return "不是文件夹 / not a folder"
        if not SAFE.match(self.name):
            return "不是版本的名字 / not a release's name"
        if self.manifest is None:
            return f"没有 {MANIFEST} / no {MANIFEST}"
        manifest = parse_manifest(self.manifest)
        if manifest is None:
            return f"{MANIFEST} 已损坏 / damaged {MANIFEST}"
        if manifest.get("preview") or manifest.get("drafts"):
            return "预览构建 / a preview build"
        listed = set(manifest["files"])
        if listed != self.files:
            return (f"文件与 {MANIFEST} 不符 / files differ from {MANIFEST}: "
                    f"{len(listed - self.files)} missing, {len(self.files - listed)} extra")
        return None


def _hash_problem(manifest_raw: bytes | None, actual: dict[str, str], expected_raw: bytes | None = None) -> str | None:
    """Why the hashed files of a release do not match its build.json (and, for an upload, the site's)."""
    manifest = parse_manifest(manifest_raw or b"")
    if manifest is None:
        return f"{MANIFEST} 缺失或损坏 / missing or damaged {MANIFEST}"
    if expected_raw is not None and actual.get(MANIFEST) != hashlib.sha256(expected_raw).hexdigest():
        return f"{MANIFEST} 不是所发布网站的 / not the published site's {MANIFEST}"
    files = {path: digest for path, digest in actual.items() if path.rsplit("/", 1)[-1] != MANIFEST}
    changed = differences(manifest["files"], files)
    return f"文件与 {MANIFEST} 不符 / files differ from {MANIFEST}: {describe(changed)}" if changed else None


def _release_of(target: str | None) -> str | None:
    """The release a symlink target like 'releases/<name>' names, or None."""
    if not target:
        return None
    path = Path(target.rstrip("/"))
    return path.name if path.parent.name == RELEASES and SAFE.match(path.name) else None


# ------------------------------------------------------------ local web root

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
        if (self.releases.exists() or self.releases.is_symlink()) and not self.releases.is_dir():
            raise PublishError(_message("releases-not-dir", self.label))
        if (d / "current").exists() and not (d / "current").is_symlink():
            raise PublishError(_message("current-not-link", self.label))
        try:
            if mode == "publish":
                self.releases.mkdir(parents=True, exist_ok=True)
            self._lock_fd = os.open(d / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
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
        subprocess.run([*command, f"{site}/", f"{self.releases / (INCOMING + tag)}/"], check=True)

    def inventory(self) -> list[Entry]:
        if not self.releases.is_dir():
            return []
        entries = []
        for path in sorted(self.releases.iterdir()):
            kind = "l" if path.is_symlink() else "d" if path.is_dir() else "f"
            entry = Entry(path.name, kind)
            if kind == "d" and not path.name.startswith("."):
                if (path / MANIFEST).is_file():
                    entry.manifest = (path / MANIFEST).read_bytes()
                entry.files = {p.relative_to(path).as_posix() for p in path.rglob("*")
                               if p.is_file() and p.name != MANIFEST}
            entries.append(entry)
        return entries

    def hashes(self, name: str) -> dict[str, str]:
        folder = self.releases / name
        return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in folder.rglob("*") if p.is_file()}

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

    def remove(self, name: str) -> None:
        doomed = self.releases / (DELETING + name)
        os.rename(self.releases / name, doomed)
        shutil.rmtree(doomed)

    def purge(self, name: str) -> None:
        shutil.rmtree(self.releases / name)

    def reap(self, name: str) -> bool:
        """Delete an upload whose owner has gone (its folder lock is free)."""
        try:
            fd = os.open(self.releases / name, os.O_RDONLY | os.O_DIRECTORY)
        except FileNotFoundError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False  # a publish is uploading into it right now
        finally:
            os.close(fd)
        shutil.rmtree(self.releases / name, ignore_errors=True)  # its owner may be removing it too
        return True

    def drop(self, tag: str) -> None:
        shutil.rmtree(self.releases / (INCOMING + tag), ignore_errors=True)  # still ours: locked
        self._close_incoming()

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

# Run by `sh -c` on the server with d, mode and wait set before it. It answers one command per line read
# from stdin; each answer is NUL-separated fields ending with "\004<status>". When stdin closes (the
# publisher ended, or was killed, or its connection dropped) `read` fails and the script ends, and with it
# the locks it held on fd 8 (the web root's) and fd 9 (this publish's upload folder).
REMOTE_SCRIPT = r"""
end() { printf '\004%s\0' "$1"; }
fail() { printf '%s\0' "$1"; end 1; exit 1; }
if [ -d "$d" ]; then :
elif [ -e "$d" ] || [ -L "$d" ]; then fail dest-not-dir
elif [ "$mode" = rollback ]; then fail no-dest
fi
if [ -e "$d/releases" ] || [ -L "$d/releases" ]; then [ -d "$d/releases" ] || fail releases-not-dir; fi
if [ -e "$d/current" ] && [ ! -L "$d/current" ]; then fail current-not-link; fi
if [ "$mode" = publish ]; then mkdir -p "$d/releases" 2>/dev/null || fail cannot-write; fi
cd "$d" 2>/dev/null || fail cannot-write
command exec 8>>.publish.lock 2>/dev/null || fail cannot-write
end 0
while IFS=' ' read -r cmd a b; do
  case $cmd in
  lock) flock -n 8; end $? ;;
  wait) flock -w "$wait" 8; end $? ;;
  unlock) flock -u 8; end $? ;;
  start) mkdir "releases/.incoming-$a" && command exec 9<"releases/.incoming-$a" && flock -n 9; end $? ;;
  live) if [ -L current ]; then printf '%s\0' "$(readlink current)"
          if [ -d current ]; then printf 'd\0'; else printf -- '-\0'; fi; fi; end 0 ;;
  inventory)
    for p in releases/* releases/.[!.]* releases/..?*; do
      [ -e "$p" ] || [ -L "$p" ] || continue
      n=${p#releases/}
      if [ -L "$p" ]; then t=l; elif [ -d "$p" ]; then t=d; else t=f; fi
      printf 'E\0%s\0%s\0' "$t" "$n"
      case $t$n in d.*|[!d]*) continue ;; esac
      if [ -f "$p/build.json" ]; then printf 'M\0'; cat "$p/build.json"; printf '\0'; fi
      find -L "$p" -type f ! -name build.json -printf 'F\0%P\0' 2>/dev/null
    done; end 0 ;;
  hashes) (cd "releases/$a" && find -L . -type f -printf '%P\0' | xargs -0 -r sha256sum -z --); end $? ;;
  settle) if [ -e "releases/$b" ] || [ -L "releases/$b" ]; then end 1
          else mv -T "releases/.incoming-$a" "releases/$b" && exec 9<&-; end $?; fi ;;
  switch) ln -sfn "releases/$a" .current-new && mv -T .current-new current; end $? ;;
  remove) mv -T "releases/$a" "releases/.deleting-$a" && rm -rf "releases/.deleting-$a"; end $? ;;
  purge) rm -rf "releases/$a"; end $? ;;
  reap) if flock -n "releases/$a" true; then rm -rf "releases/$a"; end $?; else end 1; fi ;;
  drop) rm -rf "releases/.incoming-$a"; exec 9<&-; end 0 ;;
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
        script = f"d={shlex.quote(self.path)} mode={mode} wait={_wait_seconds()}\n{REMOTE_SCRIPT}"
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
            assert SAFE.match(arg.removeprefix(INCOMING).removeprefix(DELETING)), arg
        try:
            self._proc.stdin.write((" ".join([command, *args]) + "\n").encode())
            self._proc.stdin.flush()
            return self._reply()
        except (_Lost, BrokenPipeError):
            raise PublishError(f"与 {self.host} 的连接中断 / the connection to {self.host} was lost: current still "
                               f"points at a complete release; run the command again") from None

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
        return (os.fsdecode(fields[0]), fields[1:] == [b"d"]) if fields else (None, False)

    def upload(self, site: Path, tag: str, base: str | None) -> None:
        command = ["rsync", "-a", "--no-times", "--checksum", "-e", self.ssh]
        if base:  # relative to the upload folder
            command.append(f"--link-dest=../{base}")
        subprocess.run([*command, f"{site}/", f"{self.host}:{self.path}/{RELEASES}/{INCOMING}{tag}/"], check=True)

    def inventory(self) -> list[Entry]:
        _, fields = self._call("inventory")
        entries: list[Entry] = []
        items = iter(fields)
        for tag in items:
            if tag == b"E":
                kind, name = next(items), next(items)
                entries.append(Entry(os.fsdecode(name), kind.decode()))
            elif tag == b"M":
                entries[-1].manifest = next(items)
            elif tag == b"F":
                entries[-1].files.add(os.fsdecode(next(items)))
        return entries

    def hashes(self, name: str) -> dict[str, str]:
        _, fields = self._call("hashes", name)
        return {os.fsdecode(line[66:]): line[:64].decode() for line in fields if len(line) > 66}

    def settle(self, tag: str, name: str) -> bool:
        return self._call("settle", tag, name)[0] == 0

    def switch(self, name: str) -> None:
        if self._call("switch", name)[0]:
            raise PublishError(_message("switch", self.label))

    def remove(self, name: str) -> None:
        self._call("remove", name)

    def purge(self, name: str) -> None:
        self._call("purge", name)

    def reap(self, name: str) -> bool:
        return self._call("reap", name)[0] == 0

    def drop(self, tag: str) -> None:
        self._call("drop", tag)

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

def _lock(root, wait: int) -> None:
    if root.try_lock():
        return
    if wait <= 0:
        raise Busy(_message("busy", root.label, wait=wait))
    print(f"⏳ {root.label}: 另一个发布或回退正在进行，最多等待 {wait} 秒 / another publish or rollback is in "
          f"progress; waiting up to {wait} s", file=sys.stderr, flush=True)
    if not root.wait_lock(wait):
        raise Busy(_message("busy", root.label, wait=wait))


def _left_alone(entries: list[Entry], verified: set[str]) -> list[str]:
    """What is under releases/ that publishing neither uses nor deletes, and why."""
    notes = []
    for entry in entries:
        if entry.name in verified or (entry.kind == "d" and (entry.name.startswith((INCOMING, DELETING)))):
            continue
        notes.append(f"{RELEASES}/{entry.name}: {entry.problem()}")
    return notes


def _prune(root, live: str, previous: str | None) -> list[str]:
    entries = root.inventory()
    verified = sorted(e.name for e in entries if e.problem() is None)
    keep = set(verified[-KEEP:]) | {live, previous}
    if live in verified and verified.index(live) > 0:
        keep.add(verified[verified.index(live) - 1])  # what rollback would return to
    for entry in entries:
        if entry.kind == "d" and entry.name.startswith(DELETING) and SAFE.match(entry.name[len(DELETING):]):
            root.purge(entry.name)  # a prune that was killed midway
    for name in verified:
        if name not in keep:
            root.remove(name)
    for entry in entries:
        if entry.kind == "d" and entry.name.startswith(INCOMING) and SAFE.match(entry.name[len(INCOMING):]):
            root.reap(entry.name)  # only if the publish that made it has ended
    return _left_alone(entries, set(verified))


def publish_to(root, site: Path, raw: bytes, commit: str | None = None) -> tuple[str, list[str]]:
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
        try:
            notes = _prune(root, name, previous)
        except (OSError, PublishError) as err:
            print(f"⚠ 已发布，但清理旧版本失败，下次发布会再试 / published, but pruning failed (the next publish "
                  f"tries again): {err}", file=sys.stderr)
            notes = []
        return name, notes
    finally:
        if started and not settled:
            try:
                root.drop(tag)
            except (OSError, PublishError):
                pass  # left for the next publish: its lock is free once this process ends
        root.close()


def rollback_to(root) -> tuple[str, list[str]]:
    """Point current at the newest verified release older than the one it points at; when that one is not a
    verified release (missing, or junk), at the newest verified release there is, older ones first."""
    root.open("rollback")
    try:
        _lock(root, _wait_seconds())
        target, _ = root.live()
        if target is None:
            raise PublishError(_message("no-current", root.label))
        live = _release_of(target)
        entries = root.inventory()
        by_name = {e.name: e for e in entries}
        verified = sorted(n for n, e in by_name.items() if e.problem() is None)
        notes = _left_alone(entries, set(verified))
        older = [n for n in reversed(verified) if live is None or n < live]
        if live not in verified:  # the site is not whole: any verified release is better, the older first
            older += [n for n in reversed(verified) if n not in older]
            notes.insert(0, f"current → {target}: 不是完整的版本 / not a verified release"
                            + ("（不存在 / missing）" if live and live not in by_name else ""))
        for name in older:
            problem = _hash_problem(by_name[name].manifest, root.hashes(name))
            if problem is None:
                root.switch(name)
                return name, notes
            notes.append(f"{RELEASES}/{name}: 跳过 / skipped: {problem}")
        raise PublishError(_message("no-earlier", root.label) + "".join(f"\n  {n}" for n in notes))
    finally:
        root.close()


# ------------------------------------------------------------ the local helpers the tests and scripts use

def releases(dest: Path) -> list[str]:
    """The verified releases of a local web root, oldest first."""
    return sorted(e.name for e in LocalRoot(dest).inventory() if e.problem() is None)


def current(dest: Path) -> str | None:
    link = dest / "current"
    return Path(os.readlink(link)).name if link.is_symlink() else None


# ------------------------------------------------------------ command line

def _remote(dest: str) -> tuple[str, str] | None:
    host, sep, path = dest.partition(":")
    return (host, path) if sep and "@" in host or (sep and not Path(dest).exists() and "/" not in host) else None


def _report(notes: list[str]) -> None:
    if notes:
        print("⚠ 以下内容不是完整的版本，未动，核实后可手动删除 / left alone, not verified releases "
              "(check them, then remove them by hand):\n" + "\n".join(f"  {n}" for n in notes), file=sys.stderr)


def main(args: list[str], rollback: bool = False) -> int:
    import argparse
    parser = argparse.ArgumentParser(prog="python -m macros " + ("rollback" if rollback else "publish"))
    parser.add_argument("--dest", required=True, help="web root: a folder, or user@host:/path")
    if not rollback:
        parser.add_argument("--site", default="site", help="the built site (default: site)")
    options = parser.parse_args(args)
    failed = "✗ 未回退 / not rolled back" if rollback else "✗ 未发布 / not published"
    try:
        remote = _remote(options.dest)
        root = RemoteRoot(*remote) if remote else LocalRoot(Path(options.dest))
        if rollback:
            name, notes = rollback_to(root)
            _report(notes)
            print(f"✓ 已回退 / rolled back: {root.label}/current → {RELEASES}/{name}")
            return 0
        site = Path(options.site)
        raw = check(site)
        if not remote:
            where, what = Path(options.dest).resolve(), site.resolve()
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
