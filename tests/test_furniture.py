"""What every page carries around its text: a tab title with the year, a description and a
card for shared links, and a footer that says how to reach the library and when the report
was last updated. All of it comes from data, escaped."""
from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from conftest import FIXTURES, built, edit, page_text
from macros.core import fmt
from macros.core.build_date import content_dates
from macros.core.languages import LANGUAGES, prefix
from macros.core.strings import t

SITE_URL = "http://127.0.0.1:8000/"


def pages(site: Path) -> list[str]:
    """Every published page of *site* but the staff's guide and the 404 page."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("index.html")
                  if "guide" not in p.relative_to(site).parts)


def meta(source: str, key: str) -> str | None:
    match = re.search(rf'<meta (?:name|property)="{re.escape(key)}" content="([^"]*)"', source)
    return html.unescape(match.group(1)) if match else None


def footer(source: str) -> str:
    match = re.search(r'<div class="md-copyright report-footer">(.*?)</div>\s*</div>', source, re.S)
    assert match, "no report footer"
    return match.group(1)


def text_of(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def code_of(page: str) -> str:
    return "en" if page.startswith("en/") else "zh"


def test_every_page_has_a_description_and_a_card_for_shared_links(archive):
    for page in pages(archive):
        source = (archive / page).read_text(encoding="utf-8")
        title = html.unescape(re.search(r"<title>(.*?)</title>", source).group(1))
        described = meta(source, "description")
        assert described and meta(source, "og:description") == described, page
        assert meta(source, "og:title") == title, page
        assert meta(source, "og:locale") == LANGUAGES[code_of(page)].og_locale
        assert meta(source, "og:url") == SITE_URL + page.removesuffix("index.html")
        image = meta(source, "og:image")
        assert image.startswith(SITE_URL) and (archive / image.removeprefix(SITE_URL)).is_file(), page


def test_a_home_page_is_a_website_and_every_other_page_an_article(archive):
    for page in pages(archive):
        kind = meta((archive / page).read_text(encoding="utf-8"), "og:type")
        assert kind == ("website" if page in ("index.html", "en/index.html") else "article"), (page, kind)


def test_each_edition_shares_its_own_card_described_in_its_language(archive):
    cards = {}
    for page in pages(archive):
        source = (archive / page).read_text(encoding="utf-8")
        code = code_of(page)
        cards.setdefault(code, set()).add(meta(source, "og:image"))
        library = "示例区图书馆" if code == "zh" else "Example District Library"
        assert meta(source, "og:image:alt") == t("archive_title", code, library=library), page
    assert all(len(found) == 1 for found in cards.values()), cards
    zh, en = (next(iter(cards[code])).removeprefix(SITE_URL) for code in ("zh", "en"))
    assert zh != en and (archive / zh).read_bytes() != (archive / en).read_bytes()


def test_a_chapter_is_described_by_its_title_and_report_unless_staff_wrote_one(archive):
    for code in LANGUAGES:
        source = (archive / prefix(code) / "2021/review/index.html").read_text(encoding="utf-8")
        heading = text_of(re.search(r"<h1[^>]*>(.*?)</h1>", source, re.S).group(1))
        library = "示例区图书馆" if code == "zh" else "Example District Library"
        described = meta(source, "description")
        title = re.split(r"^第.章 |^Chapter \d+: ", heading)[-1]
        assert described == t("chapter_description", code, chapter=title,
                              report=t("report_title", code, year=2021, library=library)), described
        # never the text's first words
        assert described not in page_text(archive, prefix(code) + "2021/review/index.html")


def test_a_description_staff_wrote_in_a_chapter_is_the_one_shared(project, tmp_path):
    written = {"zh": "本馆全年的预算和支出。", "en": "The library’s budget & spending for the year."}
    for code, words in written.items():
        chapter = project / "docs/2020" / ("finance.md" if code == "zh" else f"finance.{code}.md")
        text = chapter.read_text(encoding="utf-8")
        assert text.startswith("---\n") and "description:" not in text.split("---")[1]
        chapter.write_text(text.replace("---\n", f"---\ndescription: {words}\n", 1), encoding="utf-8")
    site = built(project, tmp_path / "site")
    for code, words in written.items():
        source = (site / prefix(code) / "2020/finance/index.html").read_text(encoding="utf-8")
        assert meta(source, "description") == meta(source, "og:description") == words
    other = (site / "2020/plan/index.html").read_text(encoding="utf-8")
    assert meta(other, "description") != written["zh"]


def test_a_year_page_is_described_by_the_chapters_it_holds(archive):
    for code in LANGUAGES:
        source = (archive / prefix(code) / "2021/index.html").read_text(encoding="utf-8")
        described = meta(source, "description")
        contents = re.search(r'<ol class="report-contents">(.*?)</ol>', source, re.S).group(1)
        titles = [text_of(title) for title in re.findall(r"<a [^>]*>(.*?)</a>", contents)]
        # each entry reads "第一章 工作总结" / "Chapter 1: Review"; the description names the chapters
        assert len(titles) == 3 and all(re.split(r"^第.章 |^Chapter \d+: ", title)[-1] in described
                                        for title in titles), (described, titles)
        assert "2021" in described


def test_every_tab_title_names_the_year_and_the_library(archive):
    for page in pages(archive):
        code = code_of(page)
        title = html.unescape(re.search(r"<title>(.*?)</title>", (archive / page).read_text(encoding="utf-8")).group(1))
        library = "示例区图书馆" if code == "zh" else "Example District Library"
        year = re.match(r"(?:en/)?(\d{4})/", page)
        if year:
            report = f"{t('report_short', code, year=year.group(1))} · {library}"
            assert title == report or title.endswith(" · " + report), (page, title)
        elif page in ("index.html", "en/index.html"):
            assert title == t("archive_title", code, library=library)
        else:
            assert title.endswith(f" · {library}"), (page, title)


def test_the_footer_says_how_to_reach_the_library_and_when_the_report_was_updated(archive):
    # the date of the page's year (its own last change); the newest for a page every year shares
    dates = content_dates(FIXTURES / "archive")
    epoch = json.loads((archive / "build.json").read_text(encoding="utf-8"))["source_date_epoch"]
    assert int(epoch) == dates.shared and len(set(dates.years.values())) == 3
    expected = {
        "zh": ["地址：文化路 1 号", "电话：0825-0000000", "开放时间：周二至周日 9:00—17:00", "示ICP备00000000号"],
        "en": ["Address: 1 Culture Road", "Telephone: 0825-0000000", "Opening hours: Tuesday to Sunday, 9:00–17:00",
               "示ICP备00000000号"],
    }
    for page in pages(archive):
        code = code_of(page)
        source = (archive / page).read_text(encoding="utf-8")
        said = footer(source)
        year = re.match(r"(?:en/)?(\d{4})/", page)
        updated = dates.day(int(year.group(1)) if year else None)
        for fact in expected[code] + [t("footer.updated", code, date=fmt.date(updated, code, with_year=True))]:
            assert re.sub(r"\s", "", fact) in re.sub(r"\s", "", text_of(said)), (page, fact)
        assert 'href="tel:0825-0000000"' in said and 'href="mailto:library@example.org"' in said
        statement = re.search(r'<a href="([^"]+)">' + re.escape(t("footer.accessibility", code)), said).group(1)
        target = (archive / page).parent / statement / "index.html"
        assert target.resolve() == (archive / prefix(code) / "accessibility/index.html").resolve(), (page, statement)
        assert target.is_file()


def test_the_footer_leaves_out_what_the_data_does_not_give(report):
    for code in LANGUAGES:
        source = footer((report / prefix(code) / "2020/finance/index.html").read_text(encoding="utf-8"))
        said = text_of(source)
        assert t("footer.address", code).strip() in said and "ICP" not in said
        for key in ("footer.telephone", "footer.email", "footer.hours"):
            assert t(key, code).strip() not in said, (code, key)   # no label without its value
        assert "tel:" not in source and "mailto:" not in source


def test_the_accessibility_statement_says_how_to_ask_for_another_format(archive):
    for code, words in (("zh", "文化路 1 号"), ("en", "1 Culture Road")):
        text = page_text(archive, prefix(code) + "accessibility/index.html")
        assert words in text.replace("\u00a0", " ") and "0825-0000000" in text


def test_the_accessibility_statement_gives_its_dates_and_answering_time_from_the_data(archive, report):
    import datetime as dt
    for code in LANGUAGES:
        # the archive's library.yaml gives both dates and the working days
        text = page_text(archive, prefix(code) + "accessibility/index.html").replace("\u00a0", " ")
        dates = t("statement.prepared_and_reviewed", code, prepared=fmt.date(dt.date(2020, 3, 1), code, with_year=True),
                  reviewed=fmt.date(dt.date(2020, 6, 15), code, with_year=True))
        assert dates.replace("\u00a0", " ") in text, code
        assert t("statement.reply_within", code, days="5").replace("\u00a0", " ") in text, code
        # anju-2020's gives no answering time, so the statement promises none
        text = page_text(report, prefix(code) + "accessibility/index.html")
        assert t("statement.reply_soon", code) in text and t("statement.reply_within", code, days="") not in text


@pytest.fixture
def hostile(project, tmp_path):
    library = project / "data/library.yaml"
    edit(library, "zh: 安居区图书馆", 'zh: "<script>alert(1)</script>安居区图书馆"')
    edit(library, "en: Anju District Library", 'en: "<script>alert(1)</script>Anju District Library"')
    edit(library, "en: Phoenix Cultural Centre, Middle Section of Sui'an Avenue",
         """en: '"><img src=x onerror=alert(2)> Phoenix Cultural Centre'""")
    library.write_text(library.read_text(encoding="utf-8") + "telephone: 0825-1234567\n"
                       "opening_hours: {zh: \"<b>周一</b>\", en: \"<iframe src=//evil.example>\"}\n"
                       "beian: \"蜀ICP备<svg onload=alert(3)>号\"\n", encoding="utf-8")
    return built(project, tmp_path / "site")


def test_markup_in_the_librarys_data_is_shown_as_text_never_run(hostile):
    for page in ("index.html", "2020/finance/index.html", "en/2020/finance/index.html", "accessibility/index.html",
                 "en/accessibility/index.html"):
        source = (hostile / page).read_text(encoding="utf-8")
        for attack in ("<script>alert(1)", "<img src=x", "<b>周一", "<iframe", "<svg onload"):
            assert attack not in source, (page, attack)
        head = source[: source.index("</head>")]
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in head, page   # in the tab title and the card, as text
        said = footer(source)
        assert "&lt;svg onload=alert(3)&gt;" in said, page
        assert ("&lt;b&gt;周一&lt;/b&gt;" if not page.startswith("en/") else "&lt;iframe") in said, page


def test_materials_own_words_read_as_a_readers_in_each_edition(archive):
    # Material's English and Chinese as a program words them (partials/languages/ overrides them)
    programs = ("404 - Not found", "Initializing search", "No matching documents", "Table of contents",
                "正在初始化搜索引擎", "选择当前语言", "跳转至")
    for page in [*pages(archive), "404.html"]:
        source = (archive / page).read_text(encoding="utf-8")
        assert not [words for words in programs if words in source], page
        if page.startswith("en/"):   # and no interface word of the other edition
            assert not re.search(r'(?:aria-label|placeholder|title)="[^"]*[\u4e00-\u9fff]', source), page
