"""One build's state, in one object: what `mkdocs build` (or one rebuild of the preview) read
and is making, for every language at once.

The plugin (plugin.py) starts a :class:`Build` when a build starts and hands it to each step:
the pages read the site model from it, the PDF step keeps its PDFs and worker processes in it,
the build's end writes the open data from it. mkdocs-static-i18n builds each further language
inside the first one's build; those language builds share the Build of the first.

The data is validated once per build. A build stops on the first page of the data's mistakes;
the preview (`make serve`) keeps running and shows the same message in every page instead,
until the file is fixed. A finished year whose chapters keep a to-do marker or lack a
translation is refused by a build in the same way, naming the file and line.
"""
from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

from ..core import chapters, opendata
from ..core.memo import FileMemo, tree_state
from ..core.problems import DataError
from ..core.site import Site
from ..core.validate import load_site
from .workers import Workers


@dataclass
class Build:
    project: Path
    docs_dir: Path
    cache_dir: Path
    command: str                   # build or serve
    preview: bool                  # drafts shown (the preview, or REPORT_PREVIEW=1)
    memo: FileMemo                 # the plugin's: kept from one build of the preview to the next
    site: Site | None = None
    problem: DataError | None = None   # the data's mistakes (preview only: a build stops on them)
    pdfs: list[Future] = field(default_factory=list)   # every PDF of the build, made or being made
    pdf_link_pages: list[Path] = field(default_factory=list)   # pages whose PDF links await their facts
    workers: Workers = field(default_factory=Workers)
    not_found: str | None = None   # the 404 page as the first language's build wrote it (every edition's words)

    @property
    def data_dir(self) -> Path:
        return self.project / "data"

    def validate(self) -> None:
        """Validate data/ and every finished year's chapters; keep the result for the pages.
        Raises DataError in a build; the preview keeps it as the problem its pages show."""
        try:
            self.site = self.memo.get("site", tree_state(self.data_dir), lambda: load_site(self.data_dir, self.memo))
            found = [p for year, report in sorted(self.site.years.items())
                     for p in self.memo.folder(self.docs_dir / str(year), chapters.problems, self.docs_dir,
                                               year, report.draft)]
            found += list(chapters.misnamed_years(self.docs_dir).values())
            if found:
                raise DataError(found)
        except DataError as err:
            if not self.preview:
                raise
            self.problem = err

    def valid_site(self) -> Site | None:
        """The site model when the data has no mistakes, else None (the pages say why)."""
        return self.site if self.problem is None else None

    def write_downloads(self, site_dir: Path, years: list[int]) -> None:
        """The open data of every year shown, at the site root (the preview's: the year being edited)."""
        site = self.valid_site()
        if site is None:
            return
        for year in years:
            if year in site.years:
                opendata.write(site_dir, site.years[year], site)

    def abandon(self) -> None:
        """The build failed: stop making PDFs nobody will publish."""
        self.pdfs.clear()
        self.pdf_link_pages.clear()
        self.workers.stop(wait=False)
