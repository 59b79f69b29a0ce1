"""On a 360 px phone nothing is wider than the screen, nothing is cut short, and every text a
reader needs is at least 14 px: every page, in both languages, with every disclosure (a chart's
table) open. Checked in Chromium on the anju-2020 fixture, and as an invariant on the real site
(which holds for any number of years: it walks the pages the site links to)."""
from __future__ import annotations

import functools
import http.server
import threading

import pytest

from browser import PHONE, _Quiet, pages_of

# What a reader would meet, measured in the page: the page wider than the screen; a box that clips
# or scrolls its content sideways (a table in a scrolling box needs a sideways scroll); an element
# of the article past its container's edge (a figure spilling out of its tile); a text under 14 px.
# Left out, as readers do not meet them: what is not shown (display, visibility, opacity), the phone
# menu while it is closed (drawn off the screen), a screen reader's text (a 1 px box, clipped: the
# heads of stacked tables), and a chart's SVG, which charts.py draws at its own sizes (test_charts.py).
MEASURE = """() => {
  for (const d of document.querySelectorAll("details")) d.open = true;
  const width = document.documentElement.clientWidth, found = [];
  const name = el => el.tagName.toLowerCase() + (typeof el.className === "string" && el.className.trim()
    ? "." + el.className.trim().split(/\\s+/).join(".") : "");
  const words = el => `«${el.textContent.trim().replace(/\\s+/g, " ").slice(0, 40)}»`;
  const shown = el => el.checkVisibility({opacityProperty: true, visibilityProperty: true});
  const forScreenReaders = el => {
    for (let e = el; e; e = e.parentElement) {
      const r = e.getBoundingClientRect();
      if (r.width <= 1 && r.height <= 1 && getComputedStyle(e).overflow === "hidden") return true;
    }
    return false;
  };
  const offScreen = el => { const r = el.getBoundingClientRect(); return r.right <= 0 || r.left >= width; };
  const met = el => shown(el) && !el.closest("svg") && !offScreen(el) && !forScreenReaders(el);
  if (document.documentElement.scrollWidth > width)
    found.push(`the page is ${document.documentElement.scrollWidth} px wide`);
  for (const el of document.body.querySelectorAll("*")) {
    if (!met(el)) continue;
    const style = getComputedStyle(el), box = el.getBoundingClientRect();
    if (style.overflowX !== "visible" && el.scrollWidth > el.clientWidth + 1)
      found.push(`${name(el)} cuts or scrolls ${el.scrollWidth - el.clientWidth} px ${words(el)}`);
    const parent = el.parentElement;
    if (parent && parent.closest(".md-content")) {
      const outer = parent.getBoundingClientRect();
      if (box.right > outer.right + 1 || box.left < outer.left - 1)
        found.push(`${name(el)} spills out of ${name(parent)} ${words(el)}`);
    }
  }
  const texts = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = texts.nextNode(); node; node = texts.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || !met(el)) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < 13.95) found.push(`${name(el)} is set at ${size} px ${words(el)}`);
  }
  return [...new Set(found)];
}"""


def measured(page, url: str) -> list[str]:
    page.goto(url)
    return page.evaluate(MEASURE)


def every_page(page, base_url: str) -> list[str]:
    return [*(url for prefix in ("", "en/") for url in pages_of(page, base_url, prefix)), base_url + "404.html"]


@pytest.fixture
def phone(tab):
    return tab(viewport=PHONE)


def test_the_measure_finds_what_a_reader_would_meet(phone):
    """The check itself: a table wider than the phone, a cell that cuts its text, a figure spilling
    out of its tile and a 13 px text are each found."""
    phone.set_content("""<body style="margin:0"><div class="md-content">
      <table style="width:500px"><tr><td>wide</td></tr></table>
      <p style="width:50px;overflow:hidden;white-space:nowrap;font-size:16px">Change on the previous year</p>
      <ul><li style="width:80px;display:flex"><span style="white-space:nowrap;font-size:30px">CNY 1,865,200</span></li></ul>
      <p style="font-size:13px">small print</p></div></body>""")
    found = "\n".join(phone.evaluate(MEASURE))
    assert "the page is" in found
    assert "p cuts or scrolls" in found and "Change on the previous year" in found
    assert "span spills out of li" in found and "CNY 1,865,200" in found
    assert "is set at 13 px «small print»" in found


# Every page of the fixture, in both languages, is measured on a phone and a desktop with its
# tables open, in the walk that reaches each page as a reader does and runs axe (test_browser.py);
# the 404 page in test_not_found.py.


def test_a_wide_table_stacks_its_rows_on_a_phone_and_stays_a_table(phone, base_url):
    """The service statistics (four columns) on a phone: each row a block, its change labelled by
    its column's heading; the table keeps its head and its row headers for screen readers."""
    phone.goto(base_url + "en/2020/statistics/")
    table = phone.locator("table.report-table--stacked").first
    rows = table.locator("tbody tr")
    assert rows.count() >= 3
    first, second = (rows.nth(i).bounding_box() for i in (0, 1))
    assert second["y"] >= first["y"] + first["height"] - 1          # one row under the other
    header = table.locator("thead th").last.text_content()
    changes = table.locator("tbody td[data-label]")
    assert changes.count() == rows.count()
    assert {changes.nth(i).get_attribute("data-label") for i in range(changes.count())} == {header}
    label = phone.evaluate("td => getComputedStyle(td, '::before').content", changes.first.element_handle())
    assert header in label
    assert table.locator("tbody th[scope=row]").count() == rows.count()
    assert table.locator("thead th[scope=col]").count() == 4


@pytest.fixture(scope="session")
def real_url(real_site):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(real_site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def test_every_page_of_the_real_report_fits_and_reads_on_a_phone(phone, real_url):
    urls = every_page(phone, real_url)
    problems = {url: found for url in urls if (found := measured(phone, url))}
    assert not problems


# A Chinese heading of a table (its caption, its column heads) that wraps leaves no single character
# alone on its last line ("较上年变" / "化").
ORPHANS = """() => {
  for (const d of document.querySelectorAll("details")) d.open = true;
  const found = [];
  for (const el of document.querySelectorAll("table caption, table thead th")) {
    if (!el.checkVisibility() || el.getBoundingClientRect().width <= 1) continue;
    const tops = [];
    const texts = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = texts.nextNode(); node; node = texts.nextNode()) {
      for (let i = 0; i < node.length; i++) {
        if (!node.textContent[i].trim()) continue;
        const range = document.createRange(); range.setStart(node, i); range.setEnd(node, i + 1);
        const box = range.getBoundingClientRect();
        if (box.width) tops.push(Math.round(box.top));
      }
    }
    const last = Math.max(...tops);
    if (new Set(tops).size > 1 && tops.filter(top => Math.abs(top - last) <= 2).length === 1)
      found.push(el.textContent.trim());
  }
  return found;
}"""


def test_no_chinese_table_heading_leaves_one_character_alone_on_a_phone(phone, base_url):
    urls = [url for url in pages_of(phone, base_url, "")]
    orphans = {}
    for url in urls:
        phone.goto(url)
        if found := phone.evaluate(ORPHANS):
            orphans[url] = found
    assert not orphans
    phone.set_content('<html lang="zh-Hans"><table><thead><tr><th style="width:5.5em;font-size:16px;padding:0">较上年变化率</th>'
                      '</tr></thead></table></html>')
    assert phone.evaluate(ORPHANS) == ["较上年变化率"]   # the check finds one
