"""Fixtures for tests in a real browser: Debian's Chromium driven by Playwright,
against the built site served on 127.0.0.1. Every request a page makes and
every console error is recorded, so tests can assert there are none."""
from __future__ import annotations

import contextlib
import functools
import http.server
import json
import shutil
import threading
from pathlib import Path
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError, expect

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


class Tabs:
    """The tabs of a worker's Chromium, one for each set of context options (a screen, a phone's
    touch and pixel ratio, a locale), lent to one test after another.

    A new tab costs Chromium a renderer process: about 0.7 s of CPU on two cores, where a page
    loaded in a tab already open costs 0.2 s. A tab given back forgets what its test did: it
    leaves the test's page for about:blank, gets back its screen size and a resting mouse, and
    loses its cookies, the cache and the storage (sessionStorage too) of every address the test
    went to. A tab whose test failed, or that does not come back cleanly, is closed instead,
    and the next test gets a new one. What a tab cannot forget (routes, init scripts, emulated
    media, a clock) is for a context of the test's own, as the editor's tests open."""

    def __init__(self, browser):
        self.browser = browser
        self.idle: dict[str, object] = {}
        self.spoiled: set[int] = set()

    @contextlib.contextmanager
    def lend(self, **options):
        key = json.dumps(options, sort_keys=True)
        page = self.idle.pop(key, None) or self.browser.new_context(**options).new_page()
        origins: set[str] = set()

        def visited(request):
            parts = urlsplit(request.url)
            if parts.scheme in ("http", "https"):
                origins.add(f"{parts.scheme}://{parts.netloc}")

        page.context.on("request", visited)   # the context's: a window the test opened is heard too
        kept = False
        try:
            yield page
            kept = id(page) not in self.spoiled and key not in self.idle and self._forget(page, options, origins, visited)
        finally:
            self.spoiled.discard(id(page))
            if kept:
                self.idle[key] = page
            else:
                page.context.close()

    def spoil(self, page) -> None:
        """The test that borrowed *page* failed: the tab is closed when it is given back."""
        self.spoiled.add(id(page))

    @staticmethod
    def _forget(page, options: dict, origins: set[str], visited) -> bool:
        try:
            for other in page.context.pages:   # a window the test opened
                if other is not page:
                    other.close()
            page.goto("about:blank")
            # only now: Playwright hands over a request made just before the test ended at its next call
            page.context.remove_listener("request", visited)
            page.context.clear_cookies()
            session = page.context.new_cdp_session(page)
            for origin in origins:
                session.send("Storage.clearDataForOrigin", {"origin": origin, "storageTypes": "all"})
            # another test's server may take the same port with another site
            session.send("Network.clearBrowserCache")
            session.detach()
            if "viewport" in options:
                page.set_viewport_size(options["viewport"])
            page.mouse.move(0, 0)
            return True
        except PlaywrightError:
            return False


@pytest.fixture(scope="session")
def tabs(browser) -> Tabs:
    return Tabs(browser)


FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed:
        item.stash[FAILED] = True
    return report


@contextlib.contextmanager
def recording(page, traffic: Traffic):
    """Every request *page* makes and every error it meets, in *traffic*, while the block runs."""
    listeners = {
        "request": lambda r: traffic.requests.append(r.url),
        "console": lambda m: traffic.errors.append(f"{m.type}: {m.text}") if m.type == "error" else None,
        "pageerror": lambda e: traffic.errors.append(f"pageerror: {e}"),
        # A request the browser itself abandons because the test navigates on is not a failure.
        "requestfailed": lambda r: traffic.errors.append(f"failed: {r.url} {r.failure}")
        if "ERR_ABORTED" not in (r.failure or "") else None,
    }
    for event, listener in listeners.items():
        page.on(event, listener)
    try:
        yield page
    finally:
        for event, listener in listeners.items():
            page.remove_listener(event, listener)


@pytest.fixture
def tab(tabs, traffic, request):
    """tab(**context options): a tab lent to this test (Tabs), its requests and errors recorded
    in traffic."""
    borrowed = []
    with contextlib.ExitStack() as lent:
        def borrow(**options):
            page = lent.enter_context(tabs.lend(**options))
            borrowed.append(lent.enter_context(recording(page, traffic)))
            return page
        yield borrow
        if request.node.stash.get(FAILED, False):
            for page in borrowed:
                tabs.spoil(page)


@pytest.fixture
def page(tab, viewport):
    return tab(viewport=viewport, locale="zh-CN")


def pages_of(page, base_url, prefix):
    """Every page of an edition, found as a reader finds it: the cover, each year from its list,
    each chapter from the year's 目录, the data page."""
    page.goto(base_url + prefix)
    years = page.eval_on_selector_all(".report-archive a", "links => links.map(a => a.href)")
    hrefs = []
    for year in years:
        page.goto(year)
        hrefs += [year, *page.eval_on_selector_all(".report-contents a", "links => links.map(a => a.href)")]
    return [base_url + prefix, *dict.fromkeys(hrefs), base_url + prefix + "data/"]


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
