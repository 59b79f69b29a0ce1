"""axe-core finds no WCAG 2.1 A or AA violation on any page, in either language,
on a desktop or a phone: with the search open and with the phone's menu open here;
every page with its table alternatives open in test_browser.py's walk, which reaches
each page as a reader does; the 404 page in test_not_found.py."""
from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from browser import PHONE, search

AXE = Axe()
# Only the violations are collected: axe then skips listing every element that passes.
WCAG21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
             "resultTypes": ["violations"]}


def violations(page) -> list[str]:
    # Let Material's fades (search overlay, header title) finish: axe would measure the colour halfway.
    page.add_style_tag(content="*, *::before, *::after { transition: none !important; animation: none !important; }")
    page.wait_for_timeout(50)
    found = AXE.run(page, options=WCAG21_AA).response["violations"]
    return [f"{v['id']}: {n['target']} {n.get('failureSummary', '')[:160]}" for v in found for n in v["nodes"]]


@pytest.mark.parametrize("prefix, query, found", [("", "总分馆", "/2020/plan/"), ("en/", "exhibitions", "/en/2020/plan/")])
def test_with_the_search_open(page, viewport, base_url, prefix, query, found):
    page.goto(base_url + prefix + "2020/finance/")
    results = search(page, viewport, query)   # on a phone, opened from its button (browser.search)
    assert any(found in r for r in results) and all(("/en/" in r) == bool(prefix) for r in results), results
    assert page.locator(".md-search").get_attribute("aria-label")  # the dialog has a name
    assert not violations(page)


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])   # a desktop shows its menu as loaded
@pytest.mark.parametrize("prefix", ["", "en/"])
def test_with_the_phones_menu_open(page, viewport, base_url, prefix):
    page.goto(base_url + prefix + "2020/finance/")
    page.locator("label.md-header__button[for=__drawer]").first.click()
    page.locator("nav.md-nav--primary").first.wait_for(state="visible")
    assert not violations(page)
