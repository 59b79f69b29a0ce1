"""The report in a real browser, on a desktop and on a 360 px phone: every page
reached as a reader reaches it (each chapter from the 目录), its charts and their
tables, and with its tables open the page reflows, reads and passes axe; the
language switch, Chinese and English search, the downloads; no console error and
no request to any host but 127.0.0.1."""
from __future__ import annotations

import pytest

from browser import DESKTOP, PHONE, highlighted, pages_of, search
from macros.core.typeset import UNITS_ZH
from test_accessibility import violations
from test_phone import MEASURE

EDITIONS = [("", "zh-Hans"), ("en/", "en")]


@pytest.fixture(autouse=True)
def nothing_foreign_and_no_errors(traffic):
    yield
    assert not traffic.foreign(), traffic.foreign()[:5]
    assert not traffic.errors, traffic.errors[:5]


def test_the_language_switch_lands_on_the_same_page_both_ways(tab, base_url):
    page = tab(viewport=DESKTOP)
    # every kind of page: the cover, a year, a chapter, the data page (tests/test_editions.py checks every link)
    every = pages_of(page, base_url, "")
    for zh_url in [every[0], every[1], every[2], every[-1]]:
        path = zh_url.removeprefix(base_url)
        page.goto(zh_url)
        for tag, expected in (("en", base_url + "en/" + path), ("zh-Hans", zh_url)):   # there and back
            page.locator(".md-header .md-select").hover()
            page.locator(f'.md-select__link[hreflang="{tag}"]').click()
            page.wait_for_url(expected)


# Search is opened and used on a phone in test_accessibility.py (test_with_the_search_open); what a
# query finds is the same on any screen, so these search on a desktop.
@pytest.mark.parametrize("viewport", [DESKTOP], ids=["desktop"])
@pytest.mark.parametrize("term, words", [("总分馆", ["总分馆"]), ("通借通还", ["通借通还"]),
                                         ("悦读·阅美", ["悦读", "阅美"])])
def test_chinese_search_finds_the_chapter_that_uses_the_term(page, viewport, base_url, term, words):
    page.goto(base_url + "2020/finance/")
    results = search(page, viewport, term)
    assert any("/2020/plan/" in r for r in results), results
    assert not any("/en/" in r for r in results)
    assert highlighted(results) == words  # the whole term was searched, not the part typed so far


@pytest.mark.parametrize("viewport", [DESKTOP], ids=["desktop"])
def test_a_compound_term_finds_its_chapter(page, viewport, base_url):
    page.goto(base_url + "2020/finance/")
    # Material 9.8 searches a Chinese query by the longest indexed word that starts it and never
    # tries the whole query as a word, so 社保卡 is searched (and highlighted) as 社保.
    results = search(page, viewport, "社保卡")
    assert any("/2020/plan/" in r for r in results), results


@pytest.mark.parametrize("viewport", [DESKTOP], ids=["desktop"])
@pytest.mark.parametrize("word, chapter", [("exhibitions", "/en/2020/plan/"), ("budget", "/en/2020/finance/")])
def test_english_search_finds_english_pages(page, viewport, base_url, word, chapter):
    page.goto(base_url + "en/")
    results = search(page, viewport, word)
    assert any(chapter in r for r in results), results
    assert all("/en/" in r for r in results)


def walk(page, base_url, prefix, lang):
    """Every page of an edition, loaded in turn as a reader reaches it: the cover; each year from
    the cover's list; each chapter by a click on its line of the year's 目录, which must land on
    the chapter of that title; the data page. Yields each page's address once it is shown."""
    page.goto(base_url + prefix)
    assert page.locator("html").get_attribute("lang") == lang
    years = page.eval_on_selector_all(".report-archive a", "links => links.map(a => a.href)")
    assert years
    yield page.url
    for year in years:
        page.goto(year)
        links = page.eval_on_selector_all(".report-contents a", "links => links.map(a => [a.textContent, a.href])")
        assert links
        yield year
        for heading, href in links:
            if page.url != year:
                page.goto(year)
            page.locator(".report-contents a", has_text=heading.strip()).first.click()
            page.wait_for_url(href)
            assert " ".join(page.locator("article h1").first.inner_text().split()) == " ".join(heading.split())
            yield href
    page.goto(base_url + prefix + "data/")
    yield page.url


@pytest.mark.parametrize("prefix, lang", EDITIONS)
def test_every_page_is_reached_its_charts_are_seen_and_with_their_tables_open_it_reads_and_passes_axe(
        page, viewport, base_url, prefix, lang):
    charts, pages, problems = 0, 0, {}
    for url in walk(page, base_url, prefix, lang):
        pages += 1
        for figure in page.locator("figure.report-chart").all():
            figure.scroll_into_view_if_needed()
            # it stands alone: its point, its measure and period, its source, all in sight
            for part in ("report-chart__title", "report-chart__subtitle", "report-chart__source"):
                assert figure.locator(f".{part}").is_visible(), (url, part)
            for svg in figure.locator("svg").all():
                box = svg.bounding_box()
                assert box and 150 <= box["width"] <= viewport["width"], (url, box)
                # every label drawn at 14 px or more, as the chart scales to the screen
                smallest = svg.evaluate("""svg => Math.min(...[...svg.querySelectorAll("text")].map(t =>
                    parseFloat(getComputedStyle(t).fontSize) * svg.getBoundingClientRect().width
                    / svg.viewBox.baseVal.width))""")
                assert smallest >= 14, (url, smallest)
                charts += 1
            table = figure.locator("details table")
            assert not table.is_visible()
            figure.locator("summary").click()
            table.wait_for(state="visible")
            assert table.locator("td").count() >= 2
        # with every table open, as a reader meets it: nothing wider than the screen, nothing cut
        # short, no text under 14 px (test_phone.py); and axe finds no WCAG 2.1 A/AA violation
        if found := page.evaluate(MEASURE):
            problems[url] = found
        assert not violations(page), url
    assert charts >= 8 and pages >= 8
    assert not problems


@pytest.mark.parametrize("viewport", [DESKTOP], ids=["desktop"])   # what a link gives is the same on a phone
@pytest.mark.parametrize("prefix, lang", EDITIONS)
def test_the_pdf_and_data_downloads_are_there(page, base_url, prefix, lang):
    page.goto(base_url + prefix + "2020/finance/")
    pdf = page.locator(".report-pdf a").get_attribute("href")
    response = page.request.get(page.url + pdf if not pdf.startswith("/") else base_url + pdf[1:])
    assert response.status == 200 and response.body()[:5] == b"%PDF-" and f"-{lang[:2]}.pdf" in pdf
    csv_link = page.locator("a.report-table__download").first.get_attribute("href")
    csv = page.request.get(page.url + csv_link)
    assert csv.status == 200 and csv.body()[:3] == b"\xef\xbb\xbf"
    page.goto(base_url + prefix + "data/")
    links = page.eval_on_selector_all("article a[download]", "links => links.map(a => a.href)")
    assert len(links) >= 20
    for link in links:
        assert page.request.get(link).status == 200, link


# Every figure with its unit (45\u00a0场次, 2.5\u00a0TB, 3\u00a0人, CNY\u00a0120,000, 12%), every
# dotted name (悦读·阅美) and every range (13–17): the rects a Range over it is drawn in, by line.
SPLIT_BINDINGS = """() => {
  const bound = /\\d[ \\u00a0]?(?:UNITS|[\\u4e00-\\u9fff%％]|TB|GB|MB|KB|kB|yuan|m²)|(?:CNY|¥)[ \\u00a0]?\\d|[\\u4e00-\\u9fff]·[\\u4e00-\\u9fff]|\\d–\\d/g;
  const skip = "svg, code, pre, script, style, .md-select, .headerlink";
  const walker = document.createTreeWalker(document.querySelector("article"), NodeFilter.SHOW_TEXT,
    {acceptNode: n => n.parentElement.closest(skip) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT});
  const split = [];
  let checked = 0;
  for (let node; (node = walker.nextNode());) {
    if (!node.parentElement.getClientRects().length) continue;   // not shown (a closed table alternative)
    for (const m of node.data.matchAll(bound)) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const rects = [...range.getClientRects()].filter(r => r.width > 0);
      checked += 1;
      // on one line every rect overlaps every other vertically; on two, one starts below another's end
      if (rects.some(a => rects.some(b => b.top >= a.bottom - 1)))
        split.push(node.data.slice(Math.max(0, m.index - 12), m.index + m[0].length + 12));
    }
  }
  return {checked, split};
}""".replace("UNITS", "|".join(UNITS_ZH))


@pytest.mark.parametrize("prefix, lang", EDITIONS)
def test_no_figure_parts_from_its_unit_on_a_phone(tab, base_url, prefix, lang):
    page = tab(viewport=PHONE, device_scale_factor=2, is_mobile=True, locale="zh-CN")
    checked = 0
    for url in pages_of(page, base_url, prefix):
        page.goto(url)
        page.evaluate("document.fonts.ready")
        found = page.evaluate(SPLIT_BINDINGS)
        assert not found["split"], (url, found["split"])
        checked += found["checked"]
    assert checked >= 50   # the pages are full of figures: the check saw them
