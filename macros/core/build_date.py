"""The one date every build of the same content writes (sitemap, PDF metadata, gzip headers).

Two builds of one state of the project must be byte-identical, so the date comes from
the content, never from the clock: ``SOURCE_DATE_EPOCH`` when it is set, else the last
commit's time, else, in a copy without git history (a project downloaded as a zip
archive), the newest date written anywhere in ``data/``.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from pathlib import Path

from .load import inside, load_document
from .problems import DataError


_EPOCH = re.compile(r"[0-9]{1,10}")   # ASCII digits: str.isdigit() also takes ² and ٣
LATEST = 4102444800                  # 2100-01-01: no later date is a report's


def source_date_epoch(root: Path) -> int:
    """Seconds since 1970 for the project at *root* (see the module's docstring)."""
    stated = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if _EPOCH.fullmatch(stated) and int(stated) <= LATEST:
        return int(stated)
    return _last_commit(root) or _newest_data_date(root / "data", root)


def _last_commit(root: Path) -> int | None:
    """The last commit's time, if *root* is the top of a git work tree (not merely inside one)."""
    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                                  timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""
    top = git("rev-parse", "--show-toplevel")
    if not top or Path(top).resolve() != root.resolve():
        return None
    stamp = git("log", "-1", "--format=%ct")
    return int(stamp) if _EPOCH.fullmatch(stamp) and int(stamp) <= LATEST else None


def _newest_data_date(data_dir: Path, root: Path) -> int:
    """Midnight UTC of the newest date in the data files; 0 when there is none. A file that
    leads out of the project (a link) is never read: its date would be published."""
    newest: dt.date | None = None
    for path in sorted(data_dir.rglob("*.yaml")) if data_dir.is_dir() else []:
        if path.is_symlink() or not inside(path, root) or not path.is_file():
            continue
        try:
            values = [load_document(path).data]
        except DataError:
            continue  # the build's validation reports the file
        while values:
            value = values.pop()
            if isinstance(value, dict):
                values.extend(value.values())
            elif isinstance(value, list):
                values.extend(value)
            elif isinstance(value, dt.date) and (newest is None or value > newest):
                newest = value
    if newest is None:
        return 0
    return int(dt.datetime(newest.year, newest.month, newest.day, tzinfo=dt.timezone.utc).timestamp())
