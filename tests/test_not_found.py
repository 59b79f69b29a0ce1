"""A reader who follows a broken or mistyped address meets one page in every language, the
original first: it says the page is not there, in each language, and leads on to each
edition's home page and data page, with the footer every page has."""
from __future__ import annotations

from urllib.parse import urljoin

from macros.core.languages import LANGUAGES
from macros.core.strings import t
from test_accessibility import violations
from test_phone import MEASURE


def test_a_missing_address_says_so_in_both_languages_and_leads_home(page, base_url, traffic):
    response = page.goto(base_url + "2020/does-not-exist/")
    assert response.status == 404
    assert page.locator("html").get_attribute("lang") == LANGUAGES["zh"].tag
    # the original first, as the page's own language; English after it, marked as English
    parts = page.locator(".report-not-found")
    assert parts.count() == 2
    assert parts.nth(0).get_attribute("lang") is None
    assert parts.nth(1).get_attribute("lang") == LANGUAGES["en"].tag
    assert page.locator("h1").inner_text() == t("not_found.title", "zh")
    for index, code in enumerate(("zh", "en")):
        said = " ".join(parts.nth(index).inner_text().split())
        for key in ("not_found.title", "not_found.text", "not_found.home", "not_found.data"):
            assert " ".join(t(key, code).split()) in said, (code, key)
    assert t("not_found.title", "zh") in page.title() and t("not_found.title", "en") in page.title()
    # the footer every page has: the library's address and the accessibility statement
    footer = page.locator(".report-footer").inner_text()
    assert t("footer.address", "zh").strip() in footer and t("footer.accessibility", "zh") in footer
    assert not violations(page)
    assert not page.evaluate(MEASURE)   # nothing wider than the screen, nothing cut, no text under 14 px
    links = page.eval_on_selector_all(".report-not-found a", "links => links.map(a => a.href)")
    assert len(links) == 4
    expected = {urljoin(base_url, path) for path in ("", "data/", "en/", "en/data/")}
    assert {urljoin(link, ".") if link.endswith("/.") else link for link in links} == expected
    for link in links:
        assert page.goto(link).status == 200, link
        assert page.locator("article h1").count() == 1, link
    assert not traffic.foreign()
    # the one error a browser reports is the missing address itself
    assert all("404" in error for error in traffic.errors), traffic.errors
