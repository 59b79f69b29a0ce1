"""`make bench`: speed and size figures, printed, never asserted.

Each section is a function registered with @section; run all with
`python tests/benchmark.py`, or some with `python tests/benchmark.py charts pdf`.
"""
from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECTIONS: dict[str, callable] = {}


def section(fn):
    SECTIONS[fn.__name__] = fn
    return fn


def mkdocs_build(project: Path = ROOT, env: dict | None = None, site: Path | None = None) -> float:
    """Seconds for one full `mkdocs build` (both languages)."""
    site = site or Path(tempfile.mkdtemp(prefix="bench-site-"))
    environment = dict(os.environ, NO_MKDOCS_2_WARNING="1", **(env or {}))
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(site)],
                   cwd=project, env=environment, check=True, capture_output=True)
    return time.perf_counter() - start


def median(runs: int, fn) -> float:
    return statistics.median(fn() for _ in range(runs))


def row(label: str, value: str):
    print(f"  {label:<58} {value:>14}")


@section
def charts():
    """Build time with and without the charts (issue 4: at most 3 s more, both languages)."""
    cache = ROOT / ".cache" / "charts"
    no_pdf = {"REPORT_PDF": "0"}  # the PDF step is measured on its own below
    without = median(3, lambda: mkdocs_build(env={"REPORT_CHARTS": "0", **no_pdf}))
    shutil.rmtree(cache, ignore_errors=True)
    cold = mkdocs_build(env=no_pdf)
    warm = median(3, lambda: mkdocs_build(env=no_pdf))
    row("mkdocs build, both languages, no charts (median of 3)", f"{without:.2f} s")
    row("mkdocs build, both languages, charts, empty cache", f"{cold:.2f} s")
    row("mkdocs build, both languages, charts, cached (median of 3)", f"{warm:.2f} s")
    row("charts add (empty cache / cached)", f"{cold - without:+.2f} / {warm - without:+.2f} s")


@section
def pdf():
    """Time to make the PDF editions of the real report, made anew (cache emptied) and reused."""
    site = Path(tempfile.mkdtemp(prefix="bench-pdf-"))
    without = median(3, lambda: mkdocs_build(env={"REPORT_PDF": "0"}, site=site))
    shutil.rmtree(ROOT / ".cache" / "pdf", ignore_errors=True)
    made = mkdocs_build(env={"REPORT_PDF": "1"}, site=site)
    reused = median(3, lambda: mkdocs_build(env={"REPORT_PDF": "1"}, site=site))
    row("mkdocs build without PDF (median of 3)", f"{without:.2f} s")
    row("mkdocs build, both PDFs made anew", f"{made:.2f} s")
    row("mkdocs build, both PDFs reused (median of 3)", f"{reused:.2f} s")
    for path in sorted(site.glob("downloads/*/*.pdf")):
        pages = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
        count = next((l.split()[-1] for l in pages.splitlines() if l.startswith("Pages:")), "?")
        row(f"{path.name}", f"{path.stat().st_size / 1024:.0f} KB, {count} pp")


@section
def publish():
    """`make publish DEST=…` of the real report to a local web root (issue 11: at most 60 s), twice, and a rollback."""
    dest = Path(tempfile.mkdtemp(prefix="bench-webroot-"))
    for label, target in (("make publish, first release", "publish"), ("make publish, second release", "publish"),
                          ("make rollback", "rollback")):
        start = time.perf_counter()
        subprocess.run(["make", "--no-print-directory", target, f"DEST={dest}"], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        row(label, f"{time.perf_counter() - start:.1f} s")


# ------------------------------------------------------------ serving like a web server

class GzipHandler:
    """A static file server on 127.0.0.1 that compresses text as nginx would (gzip on)."""

    @staticmethod
    def serve(folder: Path):
        import gzip
        import http.server
        import threading

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, directory=str(folder), **kwargs)

            def log_message(self, *args):
                pass

            def send_head(self):
                path = Path(self.translate_path(self.path))
                if path.is_dir():
                    path = path / "index.html"
                kind = self.guess_type(str(path))
                if ("gzip" in self.headers.get("Accept-Encoding", "") and path.is_file()
                        and (kind.startswith("text/") or kind in ("application/javascript", "application/json",
                                                                  "image/svg+xml", "text/javascript"))):
                    body = gzip.compress(path.read_bytes(), 6)
                    self.send_response(200)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Encoding", "gzip")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    import io
                    return io.BytesIO(body)
                return super().send_head()

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server, f"http://127.0.0.1:{server.server_address[1]}/"


def built_site() -> Path:
    site = Path(tempfile.mkdtemp(prefix="bench-site-"))
    mkdocs_build(site=site, env={"REPORT_PDF": "1"})
    return site


@section
def builds():
    """Full mkdocs build of the real project: one language and both, with PDFs, caches warm."""
    one = median(3, lambda: mkdocs_build(env={"REPORT_ONLY_LANG": "zh-Hans"}))
    both = median(3, mkdocs_build)
    row("mkdocs build, Chinese only, with PDF (median of 3)", f"{one:.2f} s")
    row("mkdocs build, both languages, with PDFs (median of 3)", f"{both:.2f} s")


def pages_of(site: Path) -> tuple[list[str], list[str]]:
    """(every page of the Chinese edition but the staff's guide, the chapters among them), as
    the site holds them: the newest year's and the archive's, whatever years there are."""
    pages = sorted(p.parent.relative_to(site).as_posix() + "/" for p in site.rglob("index.html")
                   if not p.relative_to(site).parts[0] in ("en", "guide"))
    pages = ["" if p == "./" else p for p in pages]
    return pages, [p for p in pages if re.fullmatch(r"\d{4}/[^/]+/", p)]


CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@section
def weight():
    """Bytes transferred (gzip) and requests for a first view of each chapter (target: 150 KB, 12 requests)."""
    from playwright.sync_api import sync_playwright
    site = built_site()
    server, base = GzipHandler.serve(site)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for prefix in ("", "en/"):
            for path in pages_of(site)[1]:
                context = browser.new_context(viewport={"width": 360, "height": 740})
                page = context.new_page()
                responses = []
                page.on("requestfinished", lambda r: responses.append(r))
                page.goto(base + prefix + path, wait_until="networkidle")
                total = sum(r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"] for r in responses)
                row(f"first view of /{prefix}{path}", f"{total / 1024:.0f} KB, {len(responses)} req")
                context.close()
        browser.close()
    server.shutdown()


@section
def lighthouse():
    """Lighthouse (mobile preset) on every page, both languages (target: 100 each)."""
    cli = ROOT / ".cache" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
    if not cli.exists():
        subprocess.run(["npm", "install", "--prefix", str(cli.parents[2]), "--no-audit", "--no-fund", "--silent",
                        "lighthouse@13.5.0"], check=True)
    site = built_site()
    server, base = GzipHandler.serve(site)
    print(f"  {'page':<30} {'perf':>5} {'a11y':>5} {'best':>5} {'seo':>5}")
    for prefix in ("", "en/"):
        for path in pages_of(site)[0]:
            out = Path(tempfile.mkdtemp()) / "report.json"
            subprocess.run([str(cli), base + prefix + path, "--quiet", "--output=json", f"--output-path={out}",
                            "--only-categories=performance,accessibility,best-practices,seo",
                            "--chrome-flags=" + " ".join(CHROMIUM_ARGS)],
                           env=dict(os.environ, CHROME_PATH="/usr/bin/chromium"), capture_output=True, timeout=180)
            import json
            try:
                categories = json.loads(out.read_text())["categories"]
                scores = [round(categories[c]["score"] * 100) for c in
                          ("performance", "accessibility", "best-practices", "seo")]
            except (OSError, KeyError, TypeError, ValueError):
                scores = ["?"] * 4
            print(f"  {'/' + prefix + path:<30} " + " ".join(f"{s:>5}" for s in scores))
    server.shutdown()


def archive_project(count: int, last: int = 2020) -> Path:
    """A project of *count* years ending in *last*, each year made from the real 2020 data and
    chapters (dates moved into its year; changes computed from the year before), no cache."""
    project = Path(tempfile.mkdtemp(prefix=f"bench-{count}y-"))
    shutil.copy2(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    (project / "docs").mkdir()
    for entry in (ROOT / "docs").iterdir():
        if not re.fullmatch(r"\d{4}", entry.name):
            (shutil.copytree if entry.is_dir() else shutil.copy2)(entry, project / "docs" / entry.name)
    (project / "data").mkdir()
    for name in ("library.yaml", "search-terms.txt"):
        shutil.copy2(ROOT / "data" / name, project / "data" / name)
    for year in range(last - count + 1, last + 1):
        shutil.copytree(ROOT / "docs/2020", project / "docs" / str(year))
        (project / "data" / str(year)).mkdir()
        for source in (ROOT / "data/2020").glob("*.yaml"):
            text = source.read_text(encoding="utf-8").replace("2020-", f"{year}-")
            if year > last - count + 1:
                text = re.sub(r"change_percent: -?[\d.]+", "change_percent:", text)
            (project / "data" / str(year) / source.name).write_text(text, encoding="utf-8")
    return project


def measured_build(project: Path, site: Path | None = None, env: dict | None = None) -> tuple[float, int, int]:
    """(seconds, peak memory of the largest process in MB, peak memory of all its processes together in MB)
    of one `mkdocs build` with PDFs. Together is the sum of each process's proportional share (PSS):
    pages the processes share (Python, the libraries, the mapped CJK font) are counted once, not
    once per worker as a sum of resident sizes would."""
    site = site or Path(tempfile.mkdtemp(prefix="bench-site-"))
    environment = dict(os.environ, NO_MKDOCS_2_WARNING="1", **(env or {}))
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(site)],
                               cwd=project, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               start_new_session=True)
    largest = together = 0
    while process.poll() is None:
        pids = _group(process.pid)
        largest = max(largest, *[_memory(pid, "VmRSS") for pid in pids], 0)
        together = max(together, sum(_memory(pid, "Pss", "smaps_rollup") for pid in pids))
        time.sleep(0.2)
    seconds = time.perf_counter() - start
    if process.returncode:
        raise SystemExit(process.stderr.read().decode())
    return seconds, largest // 1024, together // 1024


def _group(leader: int) -> list[int]:
    """The build and every process it started (its workers), from /proc's lists of children."""
    pids, todo = [], [leader]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        for children in Path(f"/proc/{pid}/task").glob("*/children"):
            try:
                todo += [int(child) for child in children.read_text().split()]
            except (OSError, ValueError):
                pass
    return pids


def _memory(pid: int, field: str, source: str = "status") -> int:
    """One memory figure of *pid* in KB, from /proc/<pid>/<source> (VmRSS: resident; Pss: its share)."""
    try:
        line = next(l for l in Path(f"/proc/{pid}/{source}").read_text().splitlines() if l.startswith(f"{field}:"))
        return int(line.split()[1])
    except (OSError, StopIteration):
        return 0


def serve_edit_seconds(project: Path, year: int, edits: int = 3) -> list[float]:
    """Seconds from saving a changed figure to `mkdocs serve` serving it, for *edits* saves."""
    import socket
    import urllib.request
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
                              cwd=project, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/{year}/statistics/"

    def page_has(text):
        try:
            return text in urllib.request.urlopen(url, timeout=2).read().decode("utf-8")
        except OSError:
            return False
    stats = project / f"data/{year}/statistics.yaml"
    figure = re.search(r"new_acquisitions: (\d+)", stats.read_text(encoding="utf-8")).group(1)
    seconds = []
    try:
        stats.touch()   # the year being edited
        deadline = time.time() + 180
        while not page_has(figure) and time.time() < deadline:
            time.sleep(0.1)
        for step in range(1, edits + 1):
            time.sleep(1)
            new = str(int(figure) + step)
            text = stats.read_text(encoding="utf-8")
            start = time.perf_counter()
            stats.write_text(re.sub(r"new_acquisitions: \d+", f"new_acquisitions: {new}", text), encoding="utf-8")
            while not page_has(new) and time.time() < deadline:
                time.sleep(0.02)
            seconds.append(time.perf_counter() - start)
    finally:
        server.terminate()
        server.wait()
    return seconds


def preview_edits(project: Path, years: list[int]) -> list[tuple[float, float, float]]:
    """(seconds from a save in another year to that year served, seconds from saving a changed
    figure to `mkdocs serve` serving it, the processor time the preview spent on it) for each of
    *years*, in turn, as staff would: open the year by saving its data (the preview builds the year
    being edited), then change one figure. The processor time is what the wait would be on an idle
    machine, less the half-tenth of a second the preview takes to notice a save."""
    import socket
    import urllib.request
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
                              cwd=project, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)

    def page_has(url, text):
        try:
            return text in urllib.request.urlopen(url, timeout=5).read().decode("utf-8")
        except OSError:
            return False

    def until(url, text, since, limit=180.0):
        while not page_has(url, text):
            if time.perf_counter() - since > limit:
                raise SystemExit(f"the preview never showed {text} at {url}")
            time.sleep(0.02)
        return time.perf_counter() - since

    measured = []
    try:
        until(f"http://127.0.0.1:{port}/", "<html", time.perf_counter())
        for year in years:
            url = f"http://127.0.0.1:{port}/{year}/statistics/"
            stats = project / f"data/{year}/statistics.yaml"
            text = stats.read_text(encoding="utf-8")
            figure = int(re.search(r"new_acquisitions: (\d+)", text).group(1))
            time.sleep(1)
            start = time.perf_counter()
            stats.write_text(text.replace(f"new_acquisitions: {figure}", f"new_acquisitions: {figure + 1}"),
                             encoding="utf-8")   # the year opened in the preview, a figure changed
            opened = until(url, str(figure + 1), start)
            time.sleep(1)
            used = _cpu_seconds(server.pid)
            start = time.perf_counter()
            stats.write_text(text.replace(f"new_acquisitions: {figure}", f"new_acquisitions: {figure + 2}"),
                             encoding="utf-8")
            measured.append((opened, until(url, str(figure + 2), start), _cpu_seconds(server.pid) - used))
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
    return measured


def _cpu_seconds(pid: int) -> float:
    """The processor time *pid* has used (user and system), from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@section
def preview():
    """Edit a figure, see it in the preview: ten years in the archive (issue 21: within 1 s)."""
    project = archive_project(10)
    years = [2012, 2016, 2020]
    measured = preview_edits(project, years)
    for year, (opened, edited, used) in zip(years, measured):
        row(f"ten years, {year}: a first save in it (the preview builds that year)", f"{opened:.2f} s")
        row(f"ten years, {year}: a figure changed again, served (processor time)", f"{edited:.2f} s ({used:.2f} s)")
    row("ten years, an edited figure served (median of 3 edits, on 3 years)",
        f"{statistics.median(e for _, e, _ in measured):.2f} s")


@section
def check():
    """`make check`: the data and every chapter's macros of every year, nothing built (issue 21: about 1 s)."""
    for count in (1, 10):
        project = archive_project(count)
        seconds = median(3, lambda: _timed([sys.executable, "-m", "macros", "check"], project))
        print(f"  {count:2d} year(s): {seconds:.2f} s (median of 3)")


def _timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, capture_output=True, check=True)
    return time.perf_counter() - start


@section
def archive():
    """A growing archive (issue 16): the four ratios to one year's cold build, and thirty years' memory."""
    one, one_largest, one_together = measured_build(archive_project(1))
    ten = archive_project(10)
    ten_site = Path(tempfile.mkdtemp(prefix="bench-site-"))
    cold, _, _ = measured_build(ten, ten_site)
    warm, _, _ = measured_build(ten, ten_site)
    edits = serve_edit_seconds(ten, 2020)
    row("one year, cold build (PDFs, charts, no cache)", f"{one:.1f} s")
    row("ten years, cold build", f"{cold:.1f} s  {cold / one:.1f}x")
    row("ten years, rebuilt with nothing changed", f"{warm:.1f} s  {warm / one:.1f}x")
    row("ten years, preview: a saved figure served (median of 3)", f"{statistics.median(edits):.2f} s")
    thirty, largest, together = measured_build(archive_project(30))
    row("thirty years, cold build", f"{thirty:.1f} s  {thirty / one:.1f}x")
    row("thirty years, peak memory: largest process (resident) / all together (PSS)", f"{largest} / {together} MB")
    row("(one year, peak memory: largest process (resident) / all together (PSS))", f"{one_largest} / {one_together} MB")


@section
def profile():
    """Where a ten-year cold build spends its time (cProfile of the build, PDFs in their worker processes)."""
    project = archive_project(10)
    out = Path(tempfile.mkdtemp()) / "profile.out"
    subprocess.run([sys.executable, "-m", "cProfile", "-o", str(out), "-m", "mkdocs", "build", "--quiet",
                    "--site-dir", str(Path(tempfile.mkdtemp()))], cwd=project, check=True,
                   env=dict(os.environ, NO_MKDOCS_2_WARNING="1"), capture_output=True)
    import pstats
    stats_ = pstats.Stats(str(out))
    total = stats_.total_tt
    parts = {"pages: Markdown and macros": "_populate_page", "pages: templates": "_build_page",
             "PDF editions (waiting for the workers)": "pdf_edition.py:", "charts drawn ahead (waiting)": "charts_ahead.py:",
             "data: load and validate": "validate.py:", "search index (jieba)": "search/plugin.py:",
             "open data": "opendata.py:"}
    for label, needle in parts.items():
        found = [v[3] for k, v in stats_.stats.items() if needle in f"{k[0]}:{k[2]}" or k[2] == needle]
        row(label, f"{max(found, default=0):.1f} s of {total:.1f}")


def main(names: list[str]) -> int:
    chosen = names or list(SECTIONS)
    unknown = [n for n in chosen if n not in SECTIONS]
    if unknown:
        print(f"unknown section(s): {', '.join(unknown)}; known: {', '.join(SECTIONS)}", file=sys.stderr)
        return 2
    print(f"benchmark on {os.cpu_count()} cores, {time.strftime('%Y-%m-%d %H:%M')}")
    for name in chosen:
        print(f"\n[{name}] {SECTIONS[name].__doc__.splitlines()[0]}")
        SECTIONS[name]()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
