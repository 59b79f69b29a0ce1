"""Fixtures for tests in a real browser: Debian's Chromium driven by Playwright,
against the built site served on 127.0.0.1. Every request a page makes and
every console error is recorded, so tests can assert there are none."""
from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# As root, and with nothing of Chromium's own reaching for Google's hosts.
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-default-apps", "--disable-features=Translate,OptimizationHints,MediaRouter"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send_error(self, code, message=None, explain=None):
        # An address with no page gets the site's 404.html, as the library's web server gives it.
        missing = Path(self.directory) / "404.html"
        if code != 404 or not missing.is_file():
            return super().send_error(code, message, explain)
        body = missing.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@pytest.fixture(scope="session")
def base_url(report):
    handler = functools.partial(_Quiet, directory=str(report))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@dataclass
class Traffic:
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def foreign(self) -> list[str]:
        return [u for u in self.requests if urlsplit(u).hostname not in ("127.0.0.1", None)
                and not u.startswith(("data:", "blob:", "about:"))]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def traffic() -> Traffic:
    return Traffic()


DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}


@pytest.fixture(params=[DESKTOP, PHONE], ids=["desktop", "phone"])
def viewport(request):
    return request.param


@pytest.fixture
def page(browser, traffic, viewport):
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    page.on("request", lambda r: traffic.requests.append(r.url))
    page.on("console", lambda m: traffic.errors.append(f"{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: traffic.errors.append(f"pageerror: {e}"))
    # A request the browser itself abandons because the test navigates on is not a failure.
    page.on("requestfailed", lambda r: traffic.errors.append(f"failed: {r.url} {r.failure}")
            if "ERR_ABORTED" not in (r.failure or "") else None)
    yield page
    context.close()


def search(page, viewport, query: str) -> list[str]:
    """Search the site for *query* as a reader does, and return the result links.

    An input method (pinyin, handwriting) commits the whole text at once, then the reader's
    next key press is a real key event: Material runs the query on that keyup. Nothing is
    typed before Material's search worker has indexed the site: its result area then says
    the "type to start searching" placeholder instead of "initialising".
    """
    if viewport["width"] < 600:
        page.locator("label.md-header__button[for=__search]").click()
    field = page.locator("input.md-search__input")
    field.click()
    translations = page.evaluate("JSON.parse(document.getElementById('__config').textContent).translations")
    meta = page.locator(".md-search-result__meta")
    expect(meta).to_have_text(translations["search.result.placeholder"], timeout=20_000)
    field.fill(query)
    field.press("End")
    expect(meta).not_to_have_text(translations["search.result.placeholder"])
    return page.eval_on_selector_all(".md-search-result__link", "links => links.map(a => a.href)")


def highlighted(links: list[str]) -> list[str]:
    """The words the best result highlights (its ?h=), as Material searched them."""
    for link in links:
        words = parse_qs(urlsplit(link).query).get("h", [""])[0].split()
        if words:
            return words
    return []
