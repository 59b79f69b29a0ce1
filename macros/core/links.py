"""Where things are on the built site, and links between them: plain paths, no MkDocs."""
from __future__ import annotations

import posixpath
import re

from .languages import DEFAULT, prefix


def relative(target: str, page_url: str) -> str:
    """*target* (a site path such as ``downloads/2020/budget.csv``) as seen from the page at
    *page_url* (``2020/finance/``): ``../../downloads/2020/budget.csv``."""
    base = page_url if page_url.endswith("/") or not page_url else posixpath.dirname(page_url) + "/"
    if not base:
        return target or "./"
    rel = posixpath.relpath("/" + target, "/" + base)
    if rel == ".":
        return "./"
    return rel + "/" if (not target or target.endswith("/")) and not rel.endswith("/") else rel


def page_url(src_uri: str, code: str = DEFAULT) -> str:
    """The address of the page written in *src_uri*, in edition *code*: ``2020/plan.md`` -> ``en/2020/plan/``."""
    path = re.sub(r"(\.[a-z]{2})?\.md$", "", src_uri)
    path = "" if path == "index" else re.sub(r"/index$", "/", path if path.endswith("/index") else path + "/")
    return prefix(code) + path


def slug(name_en: str | None) -> str:
    """A file-name word from an English name: "Anju District Library" -> "anju-district-library"."""
    return re.sub(r"[^a-z0-9]+", "-", (name_en or "library").lower()).strip("-") or "library"


def pdf_name(library_slug: str, year: int, code: str) -> str:
    """downloads/<year>/<this>: anju-library-annual-report-2020-zh.pdf."""
    return f"{library_slug}-annual-report-{year}-{code}.pdf"


def download(year: int, file: str) -> str:
    return f"downloads/{year}/{file}"
