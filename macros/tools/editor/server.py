"""`make edit`: the preview, and the editor's own server on 127.0.0.1, in one command.

The server does three things, and listens on 127.0.0.1 only:

- ``/admin/``: the editor's page, its code (vendored: vendor.py) and its configuration, made
  from the data model at each load (config.py), so a new year shows after a reload;
- ``/api/v1``: the local backend Decap CMS speaks to (the protocol of decap-server's local
  file-system mode: entriesByFolder, getEntry, persistEntry …), written here rather than run
  from npm, so that saving goes through this project's own writer and checks: a data file is
  patched line by line (yamlpatch.py), then ``python -m macros check`` (what `make check`
  runs) reads the project as it would be with the save, in a staged copy; a problem it finds in
  a file being saved refuses the save, which never reaches the files, and comes back as the
  check's own message (file, line, field, expected, found);
- ``/api/new-year`` and ``/api/commit``: `make new-year`, and a commit of data/ and docs/.

Only paths under the project's data/ and docs/ are read or written: a path with ``..``, an
absolute one, a backslash, a NUL or other control character, one that a symbolic link takes
out of those folders, or of a kind other than .yaml and .md, is refused. A request whose Host
is not this server's (a web page elsewhere rebinding a name to 127.0.0.1) is refused too.
"""
from __future__ import annotations

import hashlib
import http.server
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import webbrowser
from pathlib import Path
from urllib.parse import urlsplit

from ...core import languages
from ...core.years import is_year_name
from . import config, names, yamlpatch
from .vendor import MANIFEST, VENDOR

HOST = "127.0.0.1"
ADMIN = Path(__file__).resolve().parent / "admin"
ADMIN_FILES = {"index.html": "text/html; charset=utf-8", "editor.js": "text/javascript; charset=utf-8",
               "editor.css": "text/css; charset=utf-8"}
KINDS = (".yaml", ".md")
STAGED = ("data", "docs", "locales", "mkdocs.yml")   # what `make check` reads of a project
TOP = ("data", "docs")
LIMIT = 2 * 2**20   # a request body larger than any data file or chapter is refused


class Refused(Exception):
    """A request the backend will not carry out: (HTTP status, message for staff)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


# ------------------------------------------------------------ paths

def editor_name(path: str) -> str:
    """The name Decap's i18n gives a file: docs/2020/plan.md is its Chinese, docs/2020/plan.zh.md."""
    if path.startswith("docs/") and path.endswith(".md") and not _suffixed(path):
        return path[:-3] + f".{config.DEFAULT_LOCALE}.md"
    return path


def disk_name(path: object) -> str:
    if not isinstance(path, str):
        raise Refused(400, "路径无效 / not a path")
    suffix = f".{config.DEFAULT_LOCALE}.md"
    return path[: -len(suffix)] + ".md" if path.startswith("docs/") and path.endswith(suffix) else path


def _suffixed(path: str) -> bool:
    stem = path.rsplit("/", 1)[-1][:-3]
    return "." in stem and stem.rsplit(".", 1)[1] in config.LOCALES


def resolve(root: Path, path: object, folder: bool = False) -> Path:
    """The file (or folder) *path* names under *root*'s data/ or docs/, or Refused."""
    if not isinstance(path, str) or not path or len(path) > 300:
        raise Refused(400, "路径无效 / not a path")
    if any(ord(c) < 0x20 or c == "\x7f" for c in path) or any(c in path for c in "\\:%") \
            or path.startswith("/"):
        raise Refused(403, f"路径不可用 / path refused: {path!r}")
    parts = path.strip("/").split("/")
    if any(part in ("", ".", "..") for part in parts) or parts[0] not in TOP:
        raise Refused(403, f"只能编辑 data/ 和 docs/ 中的文件 / only files under data/ and docs/: {path!r}")
    if not folder and not path.endswith(KINDS):
        raise Refused(403, f"只能编辑 .yaml 和 .md 文件 / only .yaml and .md files: {path!r}")
    target = root.joinpath(*parts)
    for depth in range(1, len(parts) + 1):   # no link on the way: data/2020 -> /etc is never followed
        if root.joinpath(*parts[:depth]).is_symlink():
            raise Refused(403, f"不编辑符号链接 / a symbolic link is not followed: {path!r}")
    real = target.resolve()
    allowed = [(root / top).resolve() for top in TOP]
    if not any(real == top or top in real.parents for top in allowed):
        raise Refused(403, f"路径指向项目之外 / the path leads outside the project: {path!r}")
    return real


# ------------------------------------------------------------ the backend

class Backend:
    def __init__(self, root: Path):
        self.root = root.resolve()
        self.lock = threading.Lock()   # one save at a time: a save is a write and a check

    def entry(self, path: str) -> dict:
        file = resolve(self.root, disk_name(path))
        try:
            data = file.read_bytes()
        except OSError:
            return {"data": None, "file": {"path": path, "id": None}}
        return {"data": data.decode("utf-8"), "file": {"path": path, "id": hashlib.sha256(data).hexdigest()}}

    def handle(self, body: dict) -> object:
        action, params = body.get("action"), body.get("params") or {}
        if action == "info":
            return {"repo": self.root.name, "publish_modes": ["simple"], "type": "local_fs"}
        if action == "entriesByFolder":
            folder = resolve(self.root, params.get("folder"), folder=True)
            extension = str(params.get("extension") or "")
            depth = int(params.get("depth") or 1)
            found = sorted(p for p in folder.rglob(f"*.{extension}") if len(p.relative_to(folder).parts) <= depth
                           and p.is_file() and not p.is_symlink())
            return [self.entry(editor_name(p.relative_to(self.root).as_posix())) for p in found]
        if action == "entriesByFiles":
            found = []
            for wanted in params.get("files") or []:
                entry = self.entry(wanted.get("path") if isinstance(wanted, dict) else None)
                entry["file"]["label"] = wanted.get("label")
                found.append(entry)
            return found
        if action == "getEntry":
            return self.entry(params.get("path"))
        if action == "persistEntry":
            files = params.get("dataFiles") or ([params["entry"]] if params.get("entry") else [])
            if params.get("assets"):
                raise Refused(403, "编辑器不上传文件；照片请放入 docs/ / the editor uploads no files; put photos in docs/")
            return self.persist([(f.get("path"), f.get("raw")) for f in files])
        if action in ("getMedia",):
            return []
        if action == "getDeployPreview":
            return None
        raise Refused(422, f"不支持的操作 / unsupported action: {action!r}")

    def persist(self, files: list[tuple[object, object]]) -> dict:
        """Check the project as `make check` would find it with the files saved, in a staged copy;
        write them only when the check finds no problem in them. A refused save never touches
        the project: the preview keeps showing the last sound page."""
        with self.lock:
            plan = []
            for path, raw in files:
                if not isinstance(raw, str):
                    raise Refused(400, "内容无效 / no content")
                target = resolve(self.root, disk_name(path))
                if not target.parent.is_dir():
                    raise Refused(403, f"文件夹不存在 / no such folder: {path!r}")
                before = target.read_text(encoding="utf-8") if target.exists() else None
                after = written(before, raw, target.suffix)
                if after != before:
                    plan.append((target.relative_to(self.root), after))
            if not plan:
                return {"message": "没有改动 / nothing changed"}
            problems = self.check(plan)
            if problems:
                raise Refused(422, problems)
            for relative, after in plan:
                (self.root / relative).write_text(after, encoding="utf-8", newline="")
            return {"message": "entry persisted"}

    def check(self, plan: list[tuple[Path, str]]) -> str:
        """The problems `make check` finds in the files of *plan* once saved, as it words them; ''
        when none. It runs in a copy of what it reads (files linked, not copied: a photo costs no
        room) under .cache/, which the preview does not watch and git does not keep."""
        stage = self.root / ".cache" / "editor-check"
        shutil.rmtree(stage, ignore_errors=True)
        try:
            for top in STAGED:
                source = self.root / top
                for path in [source] if source.is_file() else sorted(source.rglob("*")) if source.is_dir() else []:
                    if path.is_file() and not path.is_symlink():
                        _link(path, stage / path.relative_to(self.root))
            for relative, after in plan:
                (stage / relative).unlink(missing_ok=True)   # never written through the link
                (stage / relative).parent.mkdir(parents=True, exist_ok=True)
                (stage / relative).write_text(after, encoding="utf-8", newline="")
            result = subprocess.run([sys.executable, "-m", "macros", "check"], cwd=stage, capture_output=True,
                                    text=True, encoding="utf-8", env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
        finally:
            shutil.rmtree(stage, ignore_errors=True)
        if result.returncode == 0:
            return ""
        names = {relative.as_posix() for relative, _ in plan}
        blocks = re.split(r"\n(?=✗ )", result.stderr)
        blocks = [b.split("\n\n", 1)[0] for b in blocks]   # the closing advice is for the terminal
        mine = [b.strip() for b in blocks if b.startswith("✗ ") and b[2:].split(":", 1)[0].split("，")[0].strip() in names]
        return "\n".join(mine)

    def new_year(self, year: object) -> dict:
        from ..scaffold import ScaffoldError, new_year
        if not isinstance(year, str) or not is_year_name(year):
            raise Refused(400, f"年份应为四位数字，如 2021 / a year such as 2021: {year!r}")
        with self.lock:
            try:
                written_files = new_year(self.root, int(year))
            except ScaffoldError as err:
                raise Refused(409, str(err)) from None
        return {"message": f"{year} 年年报已创建为草稿 / the {year} report was created as a draft",
                "files": [p.relative_to(self.root).as_posix() for p in written_files]}

    def commit(self, message: object) -> dict:
        text = message if isinstance(message, str) and message.strip() else "在浏览器中编辑 / edited in the browser"
        with self.lock:
            subprocess.run(["git", "add", "--", "data", "docs"], cwd=self.root, check=True, capture_output=True)
            done = subprocess.run(["git", "commit", "-m", text[:500], "--", "data", "docs"], cwd=self.root,
                                  capture_output=True, text=True)
        if done.returncode != 0:
            raise Refused(409, (done.stdout + done.stderr).strip() or "没有可提交的改动 / nothing to commit")
        return {"message": done.stdout.strip().splitlines()[0] if done.stdout.strip() else "committed"}


_FRONT = re.compile(r"\A---\r?\n(.*?)^---[ \t]*\r?\n", re.S | re.M)


def _link(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:   # a file system without hard links
        shutil.copy2(source, target)


def written(before: str | None, raw: str, suffix: str) -> str:
    """The text to write: a data file patched line by line; a chapter's front matter patched the
    same way, its text as typed, ending as the file ended."""
    if suffix == ".yaml":
        return yamlpatch.patch(before, raw) if before is not None else raw
    new_front, old_front = _FRONT.match(raw), _FRONT.match(before or "")
    body = raw[new_front.end():] if new_front else raw
    if old_front and new_front:
        front = yamlpatch.patch(old_front.group(1), new_front.group(1)) if old_front.group(1).strip() else new_front.group(1)
        head = f"---\n{front}---\n"
    elif new_front and new_front.group(1).strip():
        head = new_front.group(0)
    else:
        head = ""
    text = head + body
    if before is not None and before.endswith("\n") and not text.endswith("\n"):
        text += "\n"
    return text


# ------------------------------------------------------------ the server

class Handler(http.server.BaseHTTPRequestHandler):
    server_version = "report-editor"
    sys_version = ""

    def log_message(self, *args):
        pass

    def _send(self, status: int, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        if kind.startswith("text/html"):
            self.send_header("Content-Security-Policy", self.server.state.policy())
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, value: object) -> None:
        self._send(status, json.dumps(value, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8")

    def _ours(self) -> bool:
        """The request is for this server by its own address (a rebinding page's is not)."""
        port = self.server.server_address[1]
        if self.headers.get("Host") not in (f"{HOST}:{port}", f"localhost:{port}"):
            return False
        origin = self.headers.get("Origin")
        return origin in (None, f"http://{HOST}:{port}", f"http://localhost:{port}")

    def do_GET(self):
        if not self._ours():
            return self._json(403, {"error": "refused"})
        path = urlsplit(self.path).path
        state: EditorState = self.server.state
        if path in ("/", "/admin"):
            self.send_response(302)
            self.send_header("Location", "/admin/")
            self.end_headers()
            return None
        if path == "/admin/":
            path = "/admin/index.html"
        if path == "/admin/config.json":
            return self._json(200, config.build(state.backend.root, f"http://{HOST}:{self.server.server_address[1]}/api/v1"))
        if path == "/admin/report.json":
            return self._json(200, state.pages())
        name = path.removeprefix("/admin/")
        if path.startswith("/admin/") and name in ADMIN_FILES:
            return self._send(200, (ADMIN / name).read_bytes(), ADMIN_FILES[name])
        vendored = path.removeprefix("/admin/vendor/")
        if path.startswith("/admin/vendor/") and vendored in state.vendored:
            kind = "application/wasm" if vendored.endswith(".wasm") else "text/javascript; charset=utf-8" \
                if vendored.endswith(".js") else "text/plain; charset=utf-8"
            return self._send(200, (VENDOR / vendored).read_bytes(), kind)
        return self._json(404, {"error": "not found"})

    def do_POST(self):
        if not self._ours():
            return self._json(403, {"error": "refused"})
        path = urlsplit(self.path).path
        state: EditorState = self.server.state
        try:
            length = int(self.headers.get("Content-Length") or 0)
            if length > LIMIT:
                raise Refused(413, "内容过大 / too large")
            body = json.loads(self.rfile.read(length) or b"{}")
            if not isinstance(body, dict):
                raise Refused(400, "请求无效 / not a request")
            if path == "/api/v1":
                return self._json(200, state.backend.handle(body))
            if path == "/api/new-year":
                return self._json(200, state.backend.new_year(body.get("year")))
            if path == "/api/commit":
                return self._json(200, state.backend.commit(body.get("message")))
            raise Refused(404, "not found")
        except Refused as refused:
            return self._json(refused.status, {"error": str(refused)})
        except (ValueError, UnicodeDecodeError, AttributeError, TypeError):
            return self._json(400, {"error": "请求无效 / not a request"})
        except OSError as err:   # a file that could not be read or written: said, never a dropped connection
            return self._json(500, {"error": f"无法读写文件 / could not read or write a file: {err.strerror}"})


class EditorState:
    def __init__(self, root: Path, preview: str):
        self.backend = Backend(root)
        self.preview = preview
        self.vendored = set(json.loads(MANIFEST.read_text(encoding="utf-8"))["files"])

    def policy(self) -> str:
        """What the admin page may load: this server's files, and the preview in its frame; nothing
        from elsewhere, whatever the bundle holds. (Decap compiles its configuration's schema with
        ajv, which needs eval; its styles are set inline by emotion.)"""
        preview = self.preview.rstrip("/")
        return ("default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
                "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
                f"frame-src 'self' {preview}; child-src 'self' blob: {preview}; object-src 'none'; base-uri 'none'; "
                "form-action 'none'; frame-ancestors 'none'")

    def pages(self) -> dict:
        """Where the preview shows each form's file: a chapter is its page; a data file, the year's
        page named after its topic, else the first whose macros read it, else the year's cover."""
        root, shown = self.backend.root, {}
        for year in config.chapter_years(root):
            folder = root / "docs" / str(year)
            pages = sorted(p for p in folder.glob("*.md") if not _suffixed(p.name))
            for page in pages:
                slug = "" if page.stem == "index" else f"{page.stem}/"
                shown[editor_name(f"docs/{year}/{page.name}")] = f"{year}/{slug}"
                shown[f"docs/{year}/{page.stem}.en.md"] = f"en/{year}/{slug}"
            for topic in config.TOPIC_LABELS:
                named = folder / f"{topic}.md"
                reading = [p for p in pages if re.search(rf"\{{\{{[^}}]*\b{topic}\.", p.read_text(encoding="utf-8"))]
                page = named if named.exists() else (reading[0] if reading else None)
                slug = "" if page is None or page.stem == "index" else f"{page.stem}/"
                shown[f"data/{year}/{topic}.yaml"] = f"{year}/{slug}"
        return {"preview": self.preview, "pages": shown,
                "names": {str(year): names.year_names(root, year) for year in config.years(root)}}


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, root: Path, port: int, preview: str):
        super().__init__((HOST, port), Handler)
        self.state = EditorState(root, preview)

    def handle_error(self, request, client_address):
        # socketserver prints a traceback for any request that failed; staff never see one.
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError):
            return   # the browser left the page (a reload, a closed tab) and no longer wants the answer
        if os.environ.get("REPORT_DEBUG") == "1":   # as every tool reads it (macros/__main__.py)
            return super().handle_error(request, client_address)
        print(f"✗ 编辑器未能回应一个请求，请刷新页面 / the editor could not answer a request; reload the page "
              f"({type(error).__name__}: {error})", file=sys.stderr, flush=True)


def free_port(wanted: int) -> int:
    """*wanted*, or the first free port after it."""
    for port in range(wanted, min(wanted + 20, 65535) + 1):
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((HOST, port))
                return port
            except OSError:
                continue
    raise SystemExit(f"端口 {wanted} 起都被占用 / ports from {wanted} are all in use")


def open_in_desktop_browser(address: str) -> None:
    """Open *address* where the machine has a desktop browser; never a browser that would take over
    the terminal (w3m, lynx) the preview's messages are written to."""
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return   # no desktop here (a server, or WSL without one): the address printed is what to open
    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return
    if isinstance(browser, webbrowser.GenericBrowser) and not isinstance(browser, webbrowser.BackgroundBrowser):
        return   # a text-mode browser
    browser.open(address)


def _port(name: str, default: int) -> int:
    text = os.environ.get(name) or str(default)
    if not (text.isascii() and text.isdigit() and 1024 <= int(text) <= 65535):
        raise SystemExit(f"{name} 应为 1024 到 65535 之间的数字 / {name} must be a number from 1024 to 65535")
    return int(text)


def _stopped(signum, frame):
    raise KeyboardInterrupt   # a stop (kill, a closed terminal) stops the preview too, as Ctrl-C does


def main(args: list[str]) -> int:
    root = Path.cwd()
    languages.configure(root)
    wanted = _port("PORT", 8000)
    # the editor's port is taken first, so that the preview, which looks for its own, cannot take it
    server = Server(root, free_port(_port("EDIT_PORT", wanted + 100)), "")
    editor_port = server.server_address[1]
    preview_port = free_port(wanted)
    server.state.preview = f"http://{HOST}:{preview_port}/"
    preview = subprocess.Popen([sys.executable, "-m", "macros.mkdocs.preview"], cwd=root,
                               env=dict(os.environ, PORT=str(preview_port)), start_new_session=True)
    address = f"http://{HOST}:{editor_port}/admin/"
    print(f"编辑器 / the editor: {address}\n预览 / the preview: http://{HOST}:{preview_port}/\n"
          "关闭：按 Ctrl-C / to stop: press Ctrl-C", flush=True)
    if os.environ.get("REPORT_OPEN_BROWSER", "1") == "1" and sys.stdout.isatty():
        open_in_desktop_browser(address)
    signal.signal(signal.SIGTERM, _stopped)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        # Ctrl-C, as staff stop `make serve`; a preview started where Ctrl-C is ignored (in the
        # background) is stopped, then killed
        for sign, wait in ((signal.SIGINT, 5), (signal.SIGTERM, 5), (signal.SIGKILL, 5)):
            try:
                os.killpg(preview.pid, sign)
                preview.wait(timeout=wait)
                break
            except ProcessLookupError:
                break
            except subprocess.TimeoutExpired:
                continue
    return 0
