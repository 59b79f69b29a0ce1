"""What was made from files, kept while those files stay as they were.

One memo belongs to each MkDocs plugin object (macros/mkdocs/plugin.py): the preview keeps it
from one rebuild to the next, so that a save reads again only the files it changed, and the
languages of one build share it. A tool that runs once makes its own or none. Nothing here is
kept at module level: two builds in one process (the tests' builds, two projects) never share
what they read.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable, Hashable


class FileMemo:
    def __init__(self, limit: int = 4096):
        self._kept: dict[Hashable, tuple[Any, Any]] = {}
        self._limit = limit   # a long preview session: the oldest entries go first

    def get(self, key: Hashable, state: Any, make: Callable[[], Any]) -> Any:
        """make()'s result for *key*, made again once *state* (what it was made from) differs."""
        kept = self._kept.get(key)
        if kept is None or kept[0] != state:
            kept = self._kept[key] = (state, make())
            if len(self._kept) > self._limit:
                del self._kept[next(iter(self._kept))]
        return kept[1]

    def folder(self, folder: Path, reader: Callable, *args) -> Any:
        """reader(*args), which reads nothing but the files of *folder* and its arguments, read again
        once one of those files has changed: each language's build checks every year's pages, and
        the preview does after every save."""
        return self.get((reader.__module__, reader.__qualname__, str(folder), args), folder_state(folder),
                        lambda: reader(*args))


def file_state(path: Path) -> tuple | None:
    """A file's identity, size and last change; None when it cannot be read."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size, info.st_ino


def folder_state(folder: Path) -> tuple:
    """Each entry of *folder*: its name and, links followed, its identity, size and last change."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return ()
    stamp = []
    for entry in entries:
        try:
            found = entry.stat()
            state = (found.st_ino, found.st_mode, found.st_size, found.st_mtime_ns, found.st_ctime_ns)
        except OSError:
            state = None
        stamp.append((entry.name, entry.is_symlink(), state))
    return tuple(sorted(stamp, key=str))


def tree_state(folder: Path, pattern: str = "*.yaml") -> tuple:
    """Every file matching *pattern* under *folder*, with its size and last change."""
    return tuple(sorted((str(p), p.stat().st_mtime_ns, p.stat().st_size)
                        for p in folder.rglob(pattern) if p.is_file()))
