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


def data_archive_name(library_slug: str, year: int) -> str:
    """downloads/<year>/<this>: every data file of the year in one: anju-library-annual-report-2020-data.zip."""
    return f"{library_slug}-annual-report-{year}-data.zip"


def download(year: int, file: str) -> str:
    return f"downloads/{year}/{file}"


# The address the site is published at (SITE_URL): written into every page's canonical link,
# og:url, og:image and the language links, so it may hold only what an address holds.
_SITE_URL = re.compile(r"https?://(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
                       r"|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?(?:/[A-Za-z0-9._~%-]*)*/?")


def site_url_mistake(url: str) -> str | None:
    """What is wrong with *url* as the site's address, in the staff's words; None when it is sound."""
    if _SITE_URL.fullmatch(url or ""):
        return None
    return ("SITE_URL 应为网站的 http(s) 地址，只含字母、数字和 . - _ ~ / %，如 https://www.example.org/report/ "
            "/ SITE_URL must be the site's http(s) address, of letters, digits and . - _ ~ / % only, "
            f"such as https://www.example.org/report/: {url!r}")
