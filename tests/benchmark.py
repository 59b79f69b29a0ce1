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
    """Time to make each PDF (issue 5: within 20 s each)."""
    sys.path.insert(0, str(ROOT))
    from macros.core import pdf as pdf_module
    site = Path(tempfile.mkdtemp(prefix="bench-pdf-"))
    without = median(3, lambda: mkdocs_build(env={"REPORT_PDF": "0"}, site=site))
    with_pdf = median(3, lambda: mkdocs_build(env={"REPORT_PDF": "1"}, site=site))
    row("mkdocs build without PDF (median of 3)", f"{without:.2f} s")
    row("mkdocs build with both PDFs (median of 3)", f"{with_pdf:.2f} s")
    row("per PDF (the difference, halved)", f"{(with_pdf - without) / 2:.2f} s")
    for lang in ("zh", "en"):
        path = site / "downloads" / "2020" / pdf_module.file_name(2020, lang)
        pages = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
        count = next((l.split()[-1] for l in pages.splitlines() if l.startswith("Pages:")), "?")
        row(f"{path.name}", f"{path.stat().st_size / 1024:.0f} KB, {count} pp")


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


PAGES = ["", "2020/", "2020/plan/", "2020/chronicle/", "2020/organisation/", "2020/finance/", "2020/statistics/"]
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
            for path in PAGES[2:]:
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
    """Lighthouse (mobile preset) on the home page and each chapter, both languages (target: 100 each)."""
    cli = ROOT / ".cache" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
    if not cli.exists():
        subprocess.run(["npm", "install", "--prefix", str(cli.parents[2]), "--no-audit", "--no-fund", "--silent",
                        "lighthouse@13.5.0"], check=True)
    site = built_site()
    server, base = GzipHandler.serve(site)
    print(f"  {'page':<30} {'perf':>5} {'a11y':>5} {'best':>5} {'seo':>5}")
    for prefix in ("", "en/"):
        for path in PAGES:
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


@section
def builds():
    """Full mkdocs build: one language and both; the time mkdocs serve takes to show a changed YAML value."""
    one = median(3, lambda: mkdocs_build(env={"REPORT_ONLY_LANG": "zh"}))
    both = median(3, mkdocs_build)
    row("mkdocs build, Chinese only, with PDF (median of 3)", f"{one:.2f} s")
    row("mkdocs build, both languages, with PDFs (median of 3)", f"{both:.2f} s")
    import socket
    import urllib.request
    project = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    for part in ("mkdocs.yml", "docs", "data", "macros", "overrides"):
        (shutil.copytree if (ROOT / part).is_dir() else shutil.copy2)(ROOT / part, project / part)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
                              cwd=project, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/2020/statistics/"

    def page_has(text):
        try:
            return text in urllib.request.urlopen(url, timeout=2).read().decode("utf-8")
        except OSError:
            return False
    try:
        deadline = time.time() + 120
        while not page_has("60173") and time.time() < deadline:
            time.sleep(0.1)
        time.sleep(1)
        stats = project / "data/2020/statistics.yaml"
        start = time.perf_counter()
        stats.write_text(stats.read_text(encoding="utf-8").replace("60173", "60174"), encoding="utf-8")
        while not page_has("60174") and time.time() < deadline:
            time.sleep(0.05)
        row("mkdocs serve: YAML saved -> new value served", f"{time.perf_counter() - start:.2f} s")
    finally:
        server.terminate()
        server.wait()


@section
def years():
    """Build time for 1, 2, 5 and 10 years of data (made from 2020 with make new-year): linear in years."""
    sys.path.insert(0, str(ROOT))
    from macros.tools.scaffold import new_year
    project = Path(tempfile.mkdtemp(prefix="bench-years-"))
    for part in ("mkdocs.yml", "docs", "data", "macros", "overrides"):
        (shutil.copytree if (ROOT / part).is_dir() else shutil.copy2)(ROOT / part, project / part)
    count = 1
    for target in (2, 5, 10):
        while count < target:
            year = 2020 + count
            new_year(project, year)
            for source in (ROOT / "data/2020").glob("*.yaml"):
                text = source.read_text(encoding="utf-8").replace("2020-", f"{year}-")
                text = re.sub(r"change_percent: -?[\d.]+", "change_percent:", text)  # computed from the year before
                (project / f"data/{year}/{source.name}").write_text(text, encoding="utf-8")
            count += 1
        pdf_off = median(1, lambda: mkdocs_build(project, env={"REPORT_PDF": "0"}))
        full = median(1, lambda: mkdocs_build(project))
        row(f"{target:>2} years: build without / with PDFs", f"{pdf_off:.1f} / {full:.1f} s")
    row("(1 year, for comparison, is the [builds] figure above)", "")


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
