"""The report's data for one build: loaded and validated once, before any page renders.

A build stops on the first page of the data's mistakes; the preview (`make serve`)
keeps running and shows the same message in every page instead, until the file is
fixed. A finished year whose chapters keep a to-do marker or lack a translation is
refused by a build in the same way, naming the file and line.
"""
from __future__ import annotations

from pathlib import Path

from ..core import chapters, opendata
from ..core.languages import DEFAULT, page_locale
from ..core.problems import DataError
from ..core.site import Site
from ..core.validate import load_site

_CACHE: dict = {}


def load(env) -> None:
    """Validate data/ and every finished year's chapters; keep the result for the pages."""
    from mkdocs.exceptions import Abort
    project = Path(env.conf["config_file_path"]).parent
    preview = bool(env.conf["extra"].get("preview"))
    site, problem = None, None
    try:
        site = _validated(project / "data")
        found = [p for year, report in sorted(site.years.items())
                 for p in chapters.problems(Path(env.conf["docs_dir"]), year, report.draft)]
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


def write_downloads(env) -> None:
    """The open data of every year shown, once per build: by the default language's build, at the site root."""
    site, problem, preview = of(env)
    if site is None or problem is not None or page_locale(_build_prefix(env)) != DEFAULT:
        return
    for year in site.shown_years(drafts=preview):
        opendata.write(Path(env.conf["site_dir"]), site.years[year], site)


def _build_prefix(env) -> str:
    """The address prefix of the edition this build writes, from its pages: "" or "en/"."""
    pages = env.variables["navigation"].pages if "navigation" in env.variables else []
    return pages[0].url if pages else ""
