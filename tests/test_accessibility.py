"""axe-core finds no WCAG 2.1 A or AA violation on any page, in either language,
on a desktop or a phone: with every table alternative open (where each page is
also measured as test_phone.py measures it), with the search open, and with the
phone's menu open."""
from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from browser import PHONE, search
from test_phone import MEASURE, every_page

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


def open_every_table_alternative(page) -> None:
    # test_browser.py clicks each one open; here they only need to be open
    page.eval_on_selector_all("figure details", "all => all.forEach(d => { d.open = true; })")


def test_every_page_with_its_table_alternatives_open_reflows_reads_and_passes(page, base_url):
    # With the alternatives open, axe sees everything it sees as loaded and the tables besides; the
    # same pages are measured as a reader meets them (test_phone.py: reflow, nothing cut, 14 px).
    urls = every_page(page, base_url)   # both editions' pages and the 404 page
    assert len(urls) >= 17
    opened, problems = 0, {}
    for url in urls:
        page.goto(url)
        open_every_table_alternative(page)
        opened += page.locator("figure details[open]").count()
        if found := page.evaluate(MEASURE):
            problems[url] = found
        assert not violations(page), url
    assert opened >= 8   # the report's charts are among the pages
    assert not problems


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
