"""The charts the chapters ask for, drawn ahead of the pages in the worker processes.

A build draws each chart once, into the cache its specification names (core/charts.py);
drawn one by one as pages render, a long archive's charts keep one core busy while the
other waits. Before the pages render, this finds every ``chart("…")`` the shown years'
pages call, in every language, and has the workers draw the ones not in the cache yet.
The pages then find them drawn. The preview draws as it goes, and so does a build with only a
few charts to draw (one figure edited): each worker starts its own drawing engine, which costs
more than those few charts.
"""
from __future__ import annotations

from concurrent.futures import wait
from pathlib import Path

from ..core import chapters, charts, tables
from ..core.languages import CODES, text_in
from ..core.problems import DataError
from .workers import CORES

# Below this many, the pages draw them: one engine's start (about 0.6 s) against a worker's each.
FEW = 12


def draw(config, build) -> None:
    site = build.valid_site()
    if build.command == "serve" or site is None:
        return
    docs, cache = build.docs_dir, build.cache_dir / "charts"
    wanted: dict[Path, dict] = {}
    for year in config.extra.get("report_years", []):
        if year not in site.years:
            continue
        for source in chapters.sources(docs, year):
            for code in CODES:
                page = chapters.twin(source, code)
                try:
                    text = chapters.read_chapter(page if page.is_file() else source)
                except DataError:
                    continue   # its page says why it cannot be read
                shown = charts.called(text)   # on one scale per unit, as the page draws them
                for name in shown:
                    _want(wanted, name, shown, site, year, code, cache)
    if len(wanted) < FEW:
        return
    pool = build.workers.pool("charts", CORES)
    wait([pool.submit(charts.draw, spec, cache) for spec in wanted.values()])   # one that fails is drawn again by its page, which says why
    build.workers.stop("charts")   # their drawing engine's memory goes with them


def _want(wanted: dict, name: str, page: tuple[str, ...], site, year: int, code: str, cache: Path) -> None:
    entry = tables.table(name)   # called() knows it
    library = text_in(site.library.name, code)
    for chart in charts.specs(entry, site.years[year], site, code, library, page):
        path = charts.cached_file(chart.spec, cache)
        if not path.exists():
            wanted[path] = chart.spec
