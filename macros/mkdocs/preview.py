"""The preview (`make serve`): its port, how soon it sees a save, and its memory of the last build.

The port. `make serve` runs ``python -m macros.mkdocs.preview``: PORT (8000 unless given) is
checked, and when another program holds it the preview takes the next free one and says so in
one line. A plain `mkdocs serve` on a busy port stops with one line saying what to do
(plugin.py: on_config, on_serve), never with a traceback. MkDocs writes the preview into a
temporary folder and empties it at every rebuild: `make serve` keeps that folder in memory
(/dev/shm) where the system has room for it, rather than on the disk.

A save. MkDocs looks for changed files twice a second; the preview looks ten times a second
(:func:`watch_closely`, at MkDocs' ``on_serve``, where the server may be changed before it starts).

The last build. `mkdocs serve` builds the whole preview again after every save, every page of
it, in both languages, and most pages come out as they did last time. Every page's macros still
run (that is where a page reads the data, so whatever changed in data/ shows in its Markdown),
but when the Markdown they make, the page's own file, the site's files and the configuration
are as they were, :class:`RenderedPages` hands back the page's HTML, table of contents, title,
anchors and search entries from the last build: no Markdown conversion, no checks and
typesetting, no indexing again. MkDocs' documented page events are the way in:
``on_page_markdown`` finds the page unchanged and leaves MkDocs nothing to convert,
``on_page_content`` puts back what the page was, and Material's documented ``search: exclude``
leaves the page to search_index.py, which puts its entries back. Only a build that finished keeps
its pages: one that failed or stopped on a warning keeps none, so the next one says the same
again. The memory lives in the plugin (:class:`PreviewState`); changed engine code takes a new
preview (stop it, run `make serve` again).
"""
from __future__ import annotations

import hashlib
import os
import shutil
import socket
import sys
import weakref
from dataclasses import dataclass
from pathlib import Path

from . import console

DEFAULT_PORT = 8000
HOST = "127.0.0.1"
TRIES = 20            # ports tried after a busy one
POLL_SECONDS = 0.1    # how often the preview looks for a saved file (MkDocs: 0.5)


# ------------------------------------------------------------ the port

def port_busy(host: str, port: int) -> bool:
    """Whether another program listens on *port*: the preview's server could not take it."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)   # as the server binds it
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


def busy_message(port: int) -> str:
    """What to do when *port* is busy, in one line."""
    return (f"端口 {port} 已被占用：关掉另一个预览，或换一个端口，如 make serve PORT={_suggested(port)} / "
            f"Port {port} is in use: stop the other preview, or choose another port, such as make serve PORT={_suggested(port)}")


def _suggested(port: int) -> int:
    return port + 1 if port < 65535 else 8001


def chosen_port(text: str | None) -> int:
    """PORT as staff typed it (unset or empty: 8000), or ValueError with the staff's message."""
    if text is None or text == "":
        return DEFAULT_PORT
    if not (text.isascii() and text.isdigit()) or not 1024 <= int(text) <= 65535:
        shown = text if text.isprintable() and len(text) <= 20 else repr(text[:20])
        raise ValueError(f"PORT 应为 1024 到 65535 之间的数字，如 make serve PORT=8001 / "
                         f"PORT must be a number from 1024 to 65535, such as make serve PORT=8001: {shown}")
    return int(text)


def free_port(wanted: int, host: str = HOST) -> int | None:
    """*wanted*, or the first free port after it; None when none of them is free."""
    for port in range(wanted, min(wanted + TRIES, 65535) + 1):
        if not port_busy(host, port):
            return port
    return None


def main() -> int:
    """`make serve`: the port checked and, when busy, the next free one; then `mkdocs serve`."""
    try:
        wanted = chosen_port(os.environ.get("PORT"))
    except ValueError as mistake:
        print(mistake, file=sys.stderr)
        return 2
    port = free_port(wanted)
    if port is None:
        print(f"端口 {wanted}–{min(wanted + TRIES, 65535)} 都被占用：关掉其他预览，或用 make serve PORT=… 选一个 / "
              f"Ports {wanted}–{min(wanted + TRIES, 65535)} are all in use: stop another preview, or choose one "
              f"with make serve PORT=…", file=sys.stderr)
        return 1
    if port != wanted:
        print(f"端口 {wanted} 已被占用，预览改用 {port}：http://{HOST}:{port}/ / "
              f"Port {wanted} is in use; the preview uses {port}: http://{HOST}:{port}/", flush=True)
    memory = in_memory_folder()
    if memory and not os.environ.get("TMPDIR"):
        os.environ["TMPDIR"] = memory   # where MkDocs' tempfile.mkdtemp() puts the preview's pages
    os.execv(sys.executable, [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"{HOST}:{port}"])
    return 0   # not reached: the preview runs in this process from here


def in_memory_folder(room: int = 256 * 2**20) -> str | None:
    """A folder kept in memory (tmpfs) with *room* to spare, where the system has one (Linux, WSL)."""
    folder = "/dev/shm"
    try:
        if os.path.isdir(folder) and os.access(folder, os.W_OK | os.X_OK) and shutil.disk_usage(folder).free > room:
            return folder
    except OSError:
        pass
    return None


# ------------------------------------------------------------ a save, seen

def watch_closely(server, config) -> None:
    """Have the server look for saved files every POLL_SECONDS instead of every half second.

    Run at ``on_serve``, before the server starts: the paths MkDocs watches by then (the docs and
    mkdocs.yml) are watched again by an observer that polls sooner; those added later (data/,
    macros/, the includes) go to it directly. Polling, as MkDocs does, works wherever the project
    lives (WSL's Windows drives give no file events). Left as MkDocs made it with --watch-theme:
    the theme's thousands of files would be polled as often."""
    from watchdog.observers.polling import PollingObserver
    observer = getattr(server, "observer", None)
    if not isinstance(observer, PollingObserver) or observer.is_alive():
        return
    if any(_watching(server, folder) for folder in config.theme.dirs):
        return
    watched = [path for path in (config.docs_dir, config.config_file_path) if path and _watching(server, path)]
    for path in watched:
        server.unwatch(path)
    server.observer = PollingObserver(timeout=POLL_SECONDS)
    for path in watched:
        server.watch(path)


def _watching(server, path: str) -> bool:
    """Whether the server watches *path*: unwatching one it does not watch fails, so ask by trying."""
    try:
        server.unwatch(path)
    except (KeyError, ValueError):
        return False
    server.watch(path)
    return True


# ------------------------------------------------------------ the preview's memory

class PreviewState:
    """What the preview keeps from one build to the next (plugin.ReportPlugin.preview): its pages as
    last built, the mistakes its pages show (said once a rebuild), whether its port was checked and
    the year it last said it builds."""

    def __init__(self):
        self.pages = RenderedPages()
        self.shown: list[str] = []
        self.port_checked = False
        self.announced_year: int | None = None

    def check_port(self, config, again: bool = False) -> None:
        """A busy port told in one line before the first build (and again once the server starts)."""
        if self.port_checked and not again:
            return
        self.port_checked = True
        if port_busy(config.dev_addr.host, config.dev_addr.port):
            from mkdocs.exceptions import Abort
            raise Abort(busy_message(config.dev_addr.port))

    def starting(self) -> None:
        self.shown.clear()

    def restored(self, page, files) -> str | None:
        kept = self.pages.restored(page, files)
        if kept is not None:
            self.shown.extend(console.problems_in(kept))
        return kept

    def keep(self, page, content: str) -> None:
        self.pages.keep(page, content)
        self.shown.extend(console.problems_in(content))

    def failed(self) -> None:
        self.shown.clear()
        self.pages.failed()

    def finished(self, log) -> None:
        self.pages.finished()
        console.tell(log, self.shown)   # what the pages show, in the terminal too: once, not once a language


# ------------------------------------------------------------ the last build's pages

@dataclass
class Rendered:
    """What MkDocs and the plugin's on_page_content made of one page."""

    content: str
    toc: object                       # mkdocs.structure.toc.TableOfContents
    title: str | None
    anchors: set[str] | None          # the page's anchor ids (MkDocs checks links to them)
    links: dict[str, dict[str, str]]  # src_uri of a page linked to -> {anchor: the link as written}


class RenderedPages:
    """page url -> (its inputs' digest, what it was rendered to), for the pages of the last build."""

    def __init__(self):
        self._kept: dict[str, tuple[str, Rendered]] = {}
        self._made: dict[str, tuple[str, Rendered]] = {}
        self._wanted: dict[str, str] = {}           # page url -> digest, between the two page events
        self._reused: dict[str, Rendered] = {}
        self._entries: dict[str, list[dict]] = {}   # page url -> its search index entries, last build
        self._unindexed: set[str] = set()           # the pages whose entries are the last build's
        self._files: tuple = (lambda: None, "")

    def reuse(self, markdown: str, page, config, files) -> str:
        """on_page_markdown: the page's Markdown, or "" when its last rendering can be reused."""
        digest = self._digest(markdown, page, config, files)
        kept = self._kept.get(page.url)
        if kept is not None and kept[0] == digest:
            self._reused[page.url] = kept[1]
            self._made[page.url] = kept
            return ""
        self._wanted[page.url] = digest
        return markdown

    def restored(self, page, files) -> str | None:
        """on_page_content: the page as last rendered when reuse() found it unchanged, else None."""
        rendered = self._reused.pop(page.url, None)
        if rendered is None:
            return None
        page.toc = rendered.toc
        page.title = rendered.title
        page.present_anchor_ids = rendered.anchors
        page.links_to_anchors = {target: links for uri, links in rendered.links.items()
                                 if (target := files.get_file_from_path(uri)) is not None} or None
        if not (page.meta.get("search") or {}).get("exclude") and page.url in self._entries:
            page.meta["search"] = {"exclude": True}   # indexed last time: search_entries() adds them
            self._unindexed.add(page.url)
        return rendered.content

    def keep(self, page, content: str) -> None:
        """on_page_content, once the page is made: remember it until the build has finished."""
        digest = self._wanted.pop(page.url, None)
        if digest is None:
            return
        links = {file.src_uri: dict(found) for file, found in (page.links_to_anchors or {}).items()}
        self._made[page.url] = (digest, Rendered(content, page.toc, page.title, page.present_anchor_ids,
                                                 links))

    def search_entries(self, entries: list[dict]) -> list[dict]:
        """The whole build's search index (every language, as mkdocs-static-i18n merged it): the
        entries the search plugin made, and the last build's for the pages it was told to leave
        out because they had not changed. Each page's entries are remembered for the next build."""
        entries = entries + [e for url in sorted(self._unindexed) for e in self._entries.get(url, [])]
        self._entries = {}
        for entry in entries:
            self._entries.setdefault(entry["location"].partition("#")[0], []).append(entry)
        self._unindexed.clear()
        return entries

    def finished(self) -> None:
        """The whole build (every language) finished: its pages are the ones to reuse next time."""
        self._kept, self._made = self._made, {}
        self._wanted.clear()
        self._reused.clear()

    def failed(self) -> None:
        """The build stopped: nothing of it is reused, so that the next build says the same again."""
        self._kept, self._made, self._entries = {}, {}, {}
        self._wanted.clear()
        self._reused.clear()
        self._unindexed.clear()

    def _digest(self, markdown: str, page, config, files) -> str:
        source = page.file.abs_src_path
        found = _stamp(source)
        parts = [page.url, page.file.src_uri, source, found, page.markdown, markdown,
                 sorted(page.meta.items(), key=str), self._site_files(files, config),
                 _stamp(config.config_file_path), config.theme.get("language")]
        return hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()

    def _site_files(self, files, config) -> str:
        """The pages and files a link can reach (not the theme's), once per build."""
        if self._files[0]() is not files:
            listed = sorted((f.src_uri, f.dest_uri, str(f.inclusion)) for f in files
                            if f.src_dir in (None, config.docs_dir))
            self._files = (weakref.ref(files), hashlib.sha256(repr(listed).encode()).hexdigest())
        return self._files[1]


def _stamp(path) -> tuple | None:
    try:
        found = Path(path).stat()
    except (OSError, TypeError):
        return None
    return found.st_ino, found.st_size, found.st_mtime_ns


if __name__ == "__main__":
    sys.exit(main())
