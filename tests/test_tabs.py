"""The browser tests' own footing (browser.Tabs): a tab lent to one test after another remembers
nothing of the test before it, so reusing tabs makes no test's result depend on another's."""
from __future__ import annotations

import http.server
import threading

import pytest

from browser import PHONE


class _Counting(http.server.BaseHTTPRequestHandler):
    """Each request for / gets a new number, and says it may be kept for an hour."""
    served = 0

    def do_GET(self):
        if self.path != "/":   # the browser's own requests (its favicon)
            return self.send_error(404)
        type(self).served += 1
        body = f"<title>{self.served}</title>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Cache-Control", "max-age=3600")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def counting():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


LEAVE = """() => { localStorage.setItem("left", "1"); sessionStorage.setItem("left", "1");
                  document.cookie = "left=1; path=/"; }"""
FOUND = "[localStorage.length, sessionStorage.length, document.cookie]"


def test_a_tab_lent_again_remembers_nothing_of_the_test_before(tabs, counting, base_url):
    with tabs.lend(viewport=PHONE) as first:
        first.goto(counting)
        assert first.title() == "1"
        first.evaluate(LEAVE)
        first.goto(base_url)
        first.evaluate(LEAVE)
        first.goto(counting)
        assert first.title() == "1"   # kept for an hour: within a test the cache is at work
        first.set_viewport_size({"width": 900, "height": 500})
        first.mouse.move(200, 200)
    with tabs.lend(viewport=PHONE) as second:
        assert second is first   # the same tab, lent again
        assert second.url == "about:blank"
        second.goto(counting)
        assert second.title() == "2"   # nothing from the last test's cache
        assert second.evaluate(FOUND) == [0, 0, ""]
        second.goto(base_url)   # nor from the other address it went to
        assert second.evaluate(FOUND) == [0, 0, ""]
        assert second.viewport_size == PHONE


def test_a_tab_whose_test_failed_is_closed_and_the_next_test_gets_a_new_one(tabs, counting):
    with pytest.raises(AssertionError):
        with tabs.lend(viewport=PHONE) as failed:
            failed.goto(counting)
            raise AssertionError("the test failed")
    assert failed.is_closed()
    with tabs.lend(viewport=PHONE) as next_one:
        next_one.goto(counting)
        assert next_one.title()
