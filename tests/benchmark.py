"""`make bench`: speed and size figures, printed, never asserted.

Each section is a function registered with @section; run all with
`python tests/benchmark.py`, or some with `python tests/benchmark.py charts pdf`.
"""
from __future__ import annotations

import os
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
    without = median(3, lambda: mkdocs_build(env={"REPORT_CHARTS": "0"}))
    shutil.rmtree(cache, ignore_errors=True)
    cold = mkdocs_build()
    warm = median(3, mkdocs_build)
    row("mkdocs build, both languages, no charts (median of 3)", f"{without:.2f} s")
    row("mkdocs build, both languages, charts, empty cache", f"{cold:.2f} s")
    row("mkdocs build, both languages, charts, cached (median of 3)", f"{warm:.2f} s")
    row("charts add (empty cache / cached)", f"{cold - without:+.2f} / {warm - without:+.2f} s")


@section
def pdf():
    """Time to make each PDF (issue 5: within 20 s each)."""
    sys.path.insert(0, str(ROOT))
    from macros import pdf as pdf_module
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
