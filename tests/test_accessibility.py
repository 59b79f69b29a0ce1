"""axe-core finds no WCAG 2.1 A or AA violation on any page, in either language,
on a desktop or a phone: as loaded, with the search open, with every table
alternative open, and with the phone's menu open."""
from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from browser import PHONE, search

AXE = Axe()
WCAG21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def violations(page) -> list[str]:
    # Let Material's fades (search overlay, header title) finish: axe would measure the colour halfway.
    page.add_style_tag(content="*, *::before, *::after { transition: none !important; animation: none !important; }")
    page.wait_for_timeout(50)
    found = AXE.run(page, options=WCAG21_AA).response["violations"]
    return [f"{v['id']}: {n['target']} {n.get('failureSummary', '')[:160]}" for v in found for n in v["nodes"]]


def every_page(page, base_url) -> list[str]:
    from test_browser import pages_of
    return [url for prefix in ("", "en/") for url in pages_of(page, base_url, prefix)]


def test_every_page_as_loaded(page, base_url):
    urls = every_page(page, base_url)
    assert len(urls) >= 16
    for url in urls:
        page.goto(url)
        assert not violations(page), url


@pytest.mark.parametrize("prefix, query", [("", "总分馆"), ("en/", "library")])
def test_with_the_search_open(page, viewport, base_url, prefix, query):
    page.goto(base_url + prefix + "2020/plan/")
    assert search(page, viewport, query)
    assert page.locator(".md-search").get_attribute("aria-label")  # the dialog has a name
    assert not violations(page)


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_with_every_table_alternative_and_the_menu_open(page, viewport, base_url, prefix):
    for chapter in ("2020/plan/", "2020/organisation/", "2020/finance/", "2020/statistics/"):
        page.goto(base_url + prefix + chapter)
        for summary in page.locator("figure details > summary").all():
            summary.click()
        assert not violations(page), chapter
    if viewport is PHONE:
        page.locator("label.md-header__button[for=__drawer]").first.click()
        page.locator("nav.md-nav--primary").first.wait_for(state="visible")
        assert not violations(page)
