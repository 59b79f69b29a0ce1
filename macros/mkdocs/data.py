"""The report's data for one build: loaded and validated once, before any page renders.

A build stops on the first page of the data's mistakes; the preview (`make serve`)
keeps running and shows the same message in every page instead, until the file is
fixed. A finished year whose chapters keep a to-do marker or lack a translation is
refused by a build in the same way, naming the file and line.
"""
from __future__ import annotations

import os
from pathlib import Path

from ..core import chapters, opendata
from ..core.languages import DEFAULT, page_locale
from ..core.problems import DataError
from ..core.site import Site
from ..core.validate import load_site

_CACHE: dict = {}
_FOLDERS: dict = {}   # what was read of a folder of docs/, with the state of its files then


def load(env) -> None:
    """Validate data/ and every finished year's chapters; keep the result for the pages."""
    from mkdocs.exceptions import Abort
    project = Path(env.conf["config_file_path"]).parent
    preview = bool(env.conf["extra"].get("preview"))
    site, problem = None, None
    try:
        site = _validated(project / "data")
        docs = Path(env.conf["docs_dir"])
        found = [p for year, report in sorted(site.years.items())
                 for p in unchanged(docs / str(year), chapters.problems, docs, year, report.draft)]
        found += list(chapters.misnamed_years(Path(env.conf["docs_dir"])).values())
        if found:
            raise DataError(found)
    except DataError as err:
        if not preview:
            raise Abort(err.report()) from None
        problem = err
    env.variables["site_data"] = site
    env.variables["site_problem"] = problem


def of(env) -> tuple[Site | None, DataError | None, bool]:
    return env.variables["site_data"], env.variables["site_problem"], bool(env.conf["extra"].get("preview"))


def _validated(data_dir: Path) -> Site:
    """load_site, once per state of data/: each language's build configures the macros again,
    and the data has not changed in between."""
    stamp = tuple(sorted((str(p), p.stat().st_mtime_ns, p.stat().st_size)
                         for p in data_dir.rglob("*.yaml") if p.is_file()))
    if _CACHE.get("stamp") != stamp:
        _CACHE.clear()
        _CACHE.update(stamp=stamp, site=load_site(data_dir))
    return _CACHE["site"]


def unchanged(folder: Path, reader, *args):
    """reader(*args), which reads nothing but the files of *folder* and its arguments, read again
    once one of those files has changed: each language's build checks every year's pages, and the
    preview does after every save. Arguments that cannot be a key (a model) are read every time."""
    key = (reader.__module__, reader.__qualname__, folder, args)
    try:
        kept = _FOLDERS.get(key)
    except TypeError:
        return reader(*args)
    stamp = _folder_stamp(folder)
    if kept is None or kept[0] != stamp:
        kept = _FOLDERS[key] = (stamp, reader(*args))
    return kept[1]


def _folder_stamp(folder: Path) -> tuple:
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


def write_downloads(env) -> None:
    """The open data of every year shown, once per build: by the default language's build, at the site root."""
    site, problem, preview = of(env)
    if site is None or problem is not None or page_locale(_build_prefix(env)) != DEFAULT:
        return
    for year in env.conf["extra"].get("report_years", []):   # the preview's: the year being edited only
        if year in site.years:
            opendata.write(Path(env.conf["site_dir"]), site.years[year], site)


def _build_prefix(env) -> str:
    """The address prefix of the edition this build writes, from its pages: "" or "en/"."""
    pages = env.variables["navigation"].pages if "navigation" in env.variables else []
    return pages[0].url if pages else ""
