"""`make check`: everything a build would refuse, without building, in about a second.

Exit status 0 when everything is sound, 1 with every problem listed otherwise. It reads
what the build reads and says what the build says, in one run:

- the data, validated as a build validates it (core/validate.py): a figure left blank in
  a finished year, a sum that does not add up …; a draft lists its empty fields as a
  to-do list without failing;
- the chapters as files (core/chapters.py): UTF-8, the index's list, and in a finished
  year every translation and no to-do marker; a folder of docs/ meant as a year is named
  as one (2021, never 0999);
- every page's macros, run against the data as the build and the preview run them
  (macros/core/pages.py, in the chapters' sandbox), then its Markdown and the check of
  what could act in a browser (core/safe_markup.py): a chapter that uses a part its year
  lacks, a misspelt name, a figure left blank. Every year, in every language: a finished
  year as a build renders it, a draft as the preview does. No MkDocs, no page template,
  no chart drawn, no PDF: only what can go wrong in a page's own content.

Each problem is told by the same code a build uses to tell it, so the words are the same.
"""
from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from ..core import chapters, languages
from ..core.problems import DataError, Problem
from ..core.validate import draft_years, load_site, year_dirs
from ..core.years import is_year_name

PROJECT = Path(__file__).resolve().parents[2]   # the publisher's own mkdocs.yml, when data/ has none beside it


def check(data_dir: Path) -> int:
    docs_dir = data_dir.parent / "docs"
    languages.configure(data_dir.parent)   # the project's declared languages
    found: list[Problem] = []
    site = rendered = None
    try:
        site = rendered = load_site(data_dir)
    except DataError as err:
        found += err.problems
        # data that fits the schema but fails a check (a blank figure) still renders the chapters
        rendered = getattr(err, "site", None)
    # with the data unreadable, its folders and report.yaml still say which years are drafts
    drafts = {y for y, report in site.years.items() if report.draft} if site else draft_years(data_dir)
    years = sorted(site.years) if site else [int(p.name) for p in year_dirs(data_dir) if is_year_name(p.name)]
    found += [p for year in years for p in chapters.problems(docs_dir, year, year in drafts)]
    found += chapters.misnamed_years(docs_dir).values()
    if rendered is not None:   # the pages can be rendered only with data that fits the schema
        told = [f"{p.file}:{p.line} " for p in found if p.line]
        # a blank figure told at its line in data/ is not told again at each sentence that uses it
        found += [p for p in page_problems(rendered, docs_dir) if p not in found
                  and not any(place in p.found for place in told)]
    if found:
        print(DataError(found).report(), file=sys.stderr)
        return 1
    if not site.shown_years():
        print("注意：还没有完成的年份（report.yaml 中 draft: false），make build 没有可发布的年报 / "
              "note: no year is finished yet (draft: false in report.yaml), so make build has no report to publish")
    for year in sorted(site.years):
        report = site.years[year]
        state = "草稿 / draft" if report.draft else "发布 / published"
        print(f"✓ {year}: 数据和章节无误 / data and chapters are sound ({state})")
        if report.todo:
            print(f"  待填写 {len(report.todo)} 项 / {len(report.todo)} field(s) still to fill:")
            for p in report.todo:
                print(f"  - {p.file}:{p.line}  {p.field}  {p.expected_zh} / {p.expected_en}")
    return 0


# ------------------------------------------------------------ every page, as a build renders it

@dataclass(frozen=True)
class PageJob:
    """One page in one edition: its file under docs/, the edition's language, and whether it renders
    as the preview renders it (a draft's pages) or as a build does."""

    src_uri: str
    locale: str
    preview: bool


def pages(site, docs_dir: Path) -> tuple[list[PageJob], list[Problem]]:
    """Every page a build or the preview renders, in every edition, and the year folders of docs/
    that have no data to render with. A page with no translation renders in the other edition too,
    as the original under a notice; pages that cannot be read are told by chapters.problems."""
    from ..core.languages import CODES, DEFAULT, file_locale
    jobs, found = [], []
    # each page before its translations: plan.md, plan.en.md
    for path in sorted(docs_dir.rglob("*.md") if docs_dir.is_dir() else [],
                       key=lambda p: (re.sub(r"\.[a-z]{2}\.md$", ".md", p.as_posix()), p.name.count(".") > 1)):
        src_uri = path.relative_to(docs_dir).as_posix()
        first = src_uri.split("/", 1)[0]
        if first == "templates" or any(part.startswith(".") for part in src_uri.split("/")) or not path.is_file():
            continue   # MkDocs publishes neither docs/templates/ nor hidden files
        if first[:1].isdigit() and not is_year_name(first):
            continue   # a folder meant as a year that is none: told by chapters.misnamed_years
        year = chapters.year_of(src_uri)
        if year is not None and year not in site.years:
            from ..core.pages import no_data
            if no_data(year) not in found:
                found.append(no_data(year))
            continue
        # a year's pages as its state shows them; the others as a build does, or, with no year
        # finished yet, as the preview does (a build has no report to publish: see check())
        preview = site.years[year].draft if year is not None else not site.shown_years()
        written = file_locale(src_uri)
        editions = [written] if written != DEFAULT else \
            [code for code in CODES if code == DEFAULT or not chapters.twin(path, code).is_file()]
        jobs += [PageJob(src_uri, code, preview) for code in editions]
    return jobs, found


def render(site, docs_dir: Path, jobs: list[PageJob], markdown) -> list[Problem]:
    """The problems of *jobs*' pages: their macros run as a build runs them, then their Markdown
    converted and checked for what could act in a browser, as on_page_content checks it."""
    from ..core import safe_markup
    from ..core.links import page_url
    from ..core.chapter_macros import sandbox
    from ..core.pages import ChapterMistake, render_page, report_page
    environment = sandbox()
    found: list[Problem] = []
    for job in jobs:
        path = docs_dir / job.src_uri
        shown = f"docs/{job.src_uri}"
        try:
            text = chapters.read_chapter(path, docs_dir.parent)
        except DataError:
            continue   # told by chapters.problems
        wrong = chapters.front_matter_problems(text, shown)
        if wrong:
            found += wrong if chapters.year_of(job.src_uri) is None else []   # a year's: chapters.problems
            continue
        meta, body, _ = chapters.split_front_matter(text)
        here = report_page(site, docs_dir, job.src_uri, page_url(job.src_uri, job.locale), job.preview, dict(meta))
        try:
            content = render_page(environment, here, body, text)
        except ChapterMistake as mistake:
            found.append(mistake.problem)
            continue
        unsafe = safe_markup.problem(markdown.reset().convert(content), shown, text)
        if unsafe is not None:
            found.append(unsafe)
    return found


# Below this many pages one process is quicker than starting others (about 12 pages make a year).
PAGES_PER_WORKER = 24
_SHARED: dict = {}   # what forked workers inherit: the site, docs/, the pages, Markdown


def page_problems(site, docs_dir: Path) -> list[Problem]:
    """The problems of every page of the site (see the module's docstring), each told once. A long
    archive is rendered by several processes at once, forked with the data already read."""
    jobs, found = pages(site, docs_dir)
    markdown = _markdown(docs_dir.parent)
    workers = min(len(jobs) // PAGES_PER_WORKER, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                  else os.cpu_count() or 1)
    # Charts are drawn by the build alone: what can be wrong in one is found before it is drawn.
    charts = os.environ.get("REPORT_CHARTS")
    os.environ["REPORT_CHARTS"] = "0"
    try:
        if workers < 2 or "fork" not in _start_methods():
            found += render(site, docs_dir, jobs, markdown)
        else:
            found += _in_workers(workers, site, docs_dir, jobs, markdown)
    finally:
        if charts is None:
            os.environ.pop("REPORT_CHARTS", None)
        else:
            os.environ["REPORT_CHARTS"] = charts
    return list(dict.fromkeys(found))


def _in_workers(workers: int, site, docs_dir: Path, jobs: list[PageJob], markdown) -> list[Problem]:
    import multiprocessing
    _SHARED.update(site=site, docs_dir=docs_dir, jobs=jobs, markdown=markdown)
    found: list[Problem] = []
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            # a run of pages each, in order: the problems come back in the order of the pages
            bounds = [len(jobs) * i // workers for i in range(workers + 1)]
            for share in pool.map(_render_share, list(zip(bounds, bounds[1:]))):
                found += share
    finally:
        _SHARED.clear()
    return found


def _render_share(share: tuple[int, int]) -> list[Problem]:
    start, end = share
    return render(_SHARED["site"], _SHARED["docs_dir"], _SHARED["jobs"][start:end], _SHARED["markdown"])


def _start_methods() -> list[str]:
    import multiprocessing
    return multiprocessing.get_all_start_methods()


def _markdown(project: Path):
    """Python-Markdown with the extensions (and their settings) mkdocs.yml names, as MkDocs converts a page."""
    import markdown
    import yaml
    config_file = project / "mkdocs.yml" if (project / "mkdocs.yml").is_file() else PROJECT / "mkdocs.yml"
    loader = type("Loader", (yaml.SafeLoader,), {})
    loader.add_multi_constructor("!", lambda *_: None)   # !ENV and the like: no extension reads them
    config = yaml.load(config_file.read_text(encoding="utf-8"), Loader=loader) or {}
    names, settings = [], {}
    for entry in config.get("markdown_extensions") or []:
        name, options = (entry, None) if isinstance(entry, str) else next(iter(entry.items()))
        names.append(name)
        if options:
            settings[name] = options
    return markdown.Markdown(extensions=names, extension_configs=settings)


def main(args: list[str]) -> int:
    return check(Path(args[0]) if args else Path("data"))
