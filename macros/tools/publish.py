"""Atomic publishing: `make publish DEST=…` and `make rollback DEST=…`.

The web root holds ``releases/<time>-<commit>/`` folders and a ``current``
symlink that the web server serves (nginx: ``root <DEST>/current;``). A new
release is uploaded into ``releases/.incoming-…`` and renamed when complete;
then ``current`` is switched in one step (a new symlink renamed over the old
one), so readers see either the old site or the new one, never a mixture. A
publish killed midway leaves ``current`` on the previous release. The last
five releases are kept; rollback points ``current`` at the one before.

DEST is a local folder or, for the library's server, ``user@host:/path``
(rsync over SSH, then the same switch run there by ssh).
"""
from __future__ import annotations

import datetime as dt
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from .linkcheck import broken_links
from .release import ReleaseError, verify

KEEP = 5
RELEASES = "releases"


def release_name(commit: str | None = None) -> str:
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    return f"{stamp}-{commit}" if commit else stamp


def _commit() -> str | None:
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return out.stdout.strip() or None


def check(site: Path) -> None:
    """Refuse a site that did not come whole out of a successful build, or has a broken link."""
    verify(site)
    broken = broken_links(site)
    if broken:
        raise ReleaseError("失效的链接 / broken links:\n" + "\n".join(f"  {b}" for b in broken[:20]))


# ------------------------------------------------------------ local web root

def _switch(dest: Path, name: str) -> None:
    """Point dest/current at releases/<name> in one rename."""
    temporary = dest / f".current-{os.getpid()}"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    os.symlink(f"{RELEASES}/{name}", temporary)
    os.replace(temporary, dest / "current")


def releases(dest: Path) -> list[str]:
    folder = dest / RELEASES
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")) \
        if folder.exists() else []


def current(dest: Path) -> str | None:
    link = dest / "current"
    return Path(os.readlink(link)).name if link.is_symlink() else None


def _prune(dest: Path) -> None:
    live = current(dest)
    for stale in (dest / RELEASES).glob(".incoming-*"):
        shutil.rmtree(stale, ignore_errors=True)  # left by a publish that was killed
    for name in releases(dest)[:-KEEP]:
        if name != live:
            shutil.rmtree(dest / RELEASES / name)


def publish_local(site: Path, dest: Path, name: str) -> str:
    incoming = dest / RELEASES / f".incoming-{name}"
    incoming.parent.mkdir(parents=True, exist_ok=True)
    live = current(dest)
    command = ["rsync", "-a", "--delete", f"{site}/", f"{incoming}/"]
    if live:  # unchanged files become hard links to the live release: fast, and no extra space
        command.insert(2, f"--link-dest={(dest / RELEASES / live).resolve()}")
    subprocess.run(command, check=True)
    os.rename(incoming, dest / RELEASES / name)  # complete: only now does it count as a release
    _switch(dest, name)
    _prune(dest)
    return name


def rollback_local(dest: Path) -> str:
    names, live = releases(dest), current(dest)
    if live not in names or names.index(live) == 0:
        raise ReleaseError(f"{dest}: 没有更早的版本可以回退 / there is no earlier release to return to")
    previous = names[names.index(live) - 1]
    _switch(dest, previous)
    return previous


# ------------------------------------------------------------ remote web root (rsync over SSH)

def _remote(dest: str) -> tuple[str, str] | None:
    host, sep, path = dest.partition(":")
    return (host, path) if sep and "@" in host or (sep and not Path(dest).exists() and "/" not in host) else None


def _remote_switch_script(path: str, name: str) -> str:
    p, n = shlex.quote(path), shlex.quote(name)
    return (f"set -e; cd {p}; mv {RELEASES}/.incoming-{n} {RELEASES}/{n}; "
            f"ln -sfn {RELEASES}/{n} .current-new && mv -T .current-new current; "
            f"rm -rf {RELEASES}/.incoming-*; "
            f"ls -1d {RELEASES}/*/ | sort | head -n -{KEEP} | grep -v \"$(readlink current)\" | xargs -r rm -rf")


def publish_remote(site: Path, host: str, path: str, name: str) -> str:
    ssh = os.environ.get("PUBLISH_SSH", "ssh")
    subprocess.run([*shlex.split(ssh), host, f"mkdir -p {shlex.quote(path)}/{RELEASES}"], check=True)
    subprocess.run(["rsync", "-a", "--delete", "-e", ssh, "--link-dest=../../current/", f"{site}/",
                    f"{host}:{path}/{RELEASES}/.incoming-{name}/"], check=True)
    subprocess.run([*shlex.split(ssh), host, _remote_switch_script(path, name)], check=True)
    return name


def main(args: list[str], rollback: bool = False) -> int:
    import argparse
    parser = argparse.ArgumentParser(prog="python -m macros " + ("rollback" if rollback else "publish"))
    parser.add_argument("--dest", required=True, help="web root: a folder, or user@host:/path")
    if not rollback:
        parser.add_argument("--site", default="site", help="the built site (default: site)")
    options = parser.parse_args(args)
    try:
        remote = _remote(options.dest)
        if rollback:
            if remote:
                host, path = remote
                ssh = os.environ.get("PUBLISH_SSH", "ssh")
                script = (f"set -e; cd {shlex.quote(path)}; live=$(basename \"$(readlink current)\"); "
                          f"prev=$(ls -1 {RELEASES} | sort | grep -B1 -x \"$live\" | head -n1); "
                          f"[ \"$prev\" != \"$live\" ] || {{ echo 'no earlier release' >&2; exit 1; }}; "
                          f"ln -sfn {RELEASES}/$prev .current-new && mv -T .current-new current; echo $prev")
                subprocess.run([*shlex.split(ssh), host, script], check=True)
            else:
                print(f"✓ current → {rollback_local(Path(options.dest))}")
            return 0
        site = Path(options.site)
        check(site)
        name = release_name(_commit())
        if remote:
            publish_remote(site.resolve(), *remote, name)
        else:
            publish_local(site.resolve(), Path(options.dest), name)
        print(f"✓ 已发布 / published: {options.dest}/current → {RELEASES}/{name}")
        return 0
    except ReleaseError as err:
        print(f"✗ 未发布 / not published: {err}", file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as err:
        print(f"✗ 未发布，上传失败，网站保持原样 / not published: the upload failed ({err}); "
              f"the site is unchanged", file=sys.stderr)
        return 1
