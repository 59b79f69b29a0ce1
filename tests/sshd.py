"""Helpers of the publishing tests: a real OpenSSH server on 127.0.0.1, small built sites, the publisher.

Debian's openssh-server (/usr/sbin/sshd), started with a throwaway host key, client key and config in a
temporary folder, and stopped again. It lets in only the user running the tests (root in CI and in the
project's container: hence PermitRootLogin yes), with the throwaway key only.
"""
from __future__ import annotations

import contextlib
import getpass
import os
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

SSHD = "/usr/sbin/sshd"


@dataclass
class Server:
    port: int
    user: str
    key: Path
    log: Path
    process: subprocess.Popen

    @property
    def ssh(self) -> str:
        """The ssh command for PUBLISH_SSH (and rsync -e)."""
        # curve25519: a quicker key exchange than the default's post-quantum hybrid, for ~40 connections
        return (f"ssh -F /dev/null -p {self.port} -i {self.key} -o IdentitiesOnly=yes -o BatchMode=yes "
                # known hosts in the test's own folder, never rewritten: ssh replaces a known-hosts file by
                # renaming a new one over it, which would turn /dev/null into a plain file for the whole machine
                f"-o StrictHostKeyChecking=no -o UserKnownHostsFile={self.key.parent / 'known_hosts'} "
                f"-o UpdateHostKeys=no -o LogLevel=ERROR "
                f"-o KexAlgorithms=curve25519-sha256")

    def dest(self, path: Path) -> str:
        return f"{self.user}@127.0.0.1:{path}"

    def env(self, **extra: str) -> dict[str, str]:
        return dict(os.environ, PUBLISH_SSH=self.ssh, **extra)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def sshd(folder: Path):
    """Start sshd on a free port of 127.0.0.1; yield a Server; stop it."""
    folder.mkdir(parents=True, exist_ok=True)
    host_key, client_key = folder / "host_ed25519", folder / "client_ed25519"
    for key in (host_key, client_key):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "publish-tests", "-f", str(key)],
                       check=True, capture_output=True)
    authorized = folder / "authorized_keys"
    authorized.write_text(Path(f"{client_key}.pub").read_text())
    port = _free_port()
    config = folder / "sshd_config"
    config.write_text(f"""\
Port {port}
ListenAddress 127.0.0.1
HostKey {host_key}
PidFile {folder / "sshd.pid"}
AuthorizedKeysFile {authorized}
StrictModes no
UsePAM no
PermitRootLogin yes
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
MaxStartups 100
MaxSessions 100
LogLevel INFO
""")
    Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege separation folder
    log = folder / "sshd.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stdout=out, stderr=out)
    try:
        deadline = time.monotonic() + 10
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"sshd ended at once: {log.read_text()}")
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"sshd did not listen on {port}: {log.read_text()}")
            time.sleep(0.02)
        yield Server(port, getpass.getuser(), client_key, log, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# ------------------------------------------------------------ small built sites, and running the publisher

ROOT = Path(__file__).resolve().parent.parent


def make_site(folder: Path, text: str = "first", pages: int = 3, big: int = 0) -> Path:
    """A tiny built site, as `make build` leaves one: pages that link to each other, a stylesheet,
    optionally a big download (the same bytes in every site, as an unchanged PDF would be), and build.json."""
    import random
    from macros.core.release import write_manifest
    folder.mkdir(parents=True)
    links = "".join(f'<a href="p{i}/index.html">{i}</a>' for i in range(pages))
    (folder / "index.html").write_text(f"<h1>{text}</h1>{links}", encoding="utf-8")
    for i in range(pages):
        (folder / f"p{i}").mkdir()
        (folder / f"p{i}" / "index.html").write_text(f'<a href="../index.html">首页</a> page {i}', encoding="utf-8")
    (folder / "assets").mkdir()
    (folder / "assets" / "style.css").write_text("body { margin: 0 }\n")
    if big:
        (folder / "assets" / "archive.bin").write_bytes(random.Random(7).randbytes(big))
    write_manifest(folder, years=[2020], drafts=[], preview=False, epoch="0")
    return folder


def macros(*args: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """`python -m macros …` as staff and CI run it."""
    import sys
    return subprocess.run([sys.executable, "-m", "macros", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)


def start(*args: str, env: dict | None = None) -> subprocess.Popen:
    """`python -m macros …` in its own process group, to be killed whole or waited for."""
    import sys
    return subprocess.Popen([sys.executable, "-m", "macros", *args], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


def fake_release(n: int) -> str:
    """A name as this tool gives a release (<UTC time>-<commit>), sorting after every real one."""
    return f"99991231T235959999999Z-{n:04x}"


@contextlib.contextmanager
def immutable(*paths: Path, within: Path):
    """chattr +i on each path, as an administrator might; everything under *within* made mutable again at the
    end, wherever pruning moved the paths to (chattr -R never follows a link)."""
    try:
        for path in paths:
            result = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
            # a test of pruning past an immutable file proves nothing without one: fail, never skip
            assert result.returncode == 0, f"chattr +i is not possible here: {result.stderr.strip()}"
        yield
    finally:
        subprocess.run(["chattr", "-R", "-i", str(within)], capture_output=True)


def leftovers(dest: Path) -> list[str]:
    """Uploads and prunes in progress, or left behind."""
    folder = dest / "releases"
    return sorted(p.name for p in folder.glob(".*")) if folder.exists() else []


def live(dest: Path, *sites: Path) -> str:
    """The release current points at, after proving it whole: its build.json matches every one of its
    files (hashed), and it is one of the given sites."""
    import os
    from macros.core.release import verify
    target = os.readlink(dest / "current")
    assert target.startswith("releases/") and "/" not in target[len("releases/"):], target
    verify(dest / "current")
    if sites:
        assert (dest / "current" / "build.json").read_bytes() in {(s / "build.json").read_bytes() for s in sites}
    return target[len("releases/"):]
