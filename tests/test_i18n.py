"""The English edition: complete, the same figures, linked both ways, its own
language tags, search and sitemap, and an honest notice where a page is not
translated yet."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, build, page_text
from macros.core import fmt
from macros.core.validate import load_site

DATA = load_site(ROOT / "data").years[2020]
CHAPTERS = ["2020/plan/", "2020/chronicle/", "2020/organisation/", "2020/finance/", "2020/statistics/"]
PAGES = ["", "2020/", *CHAPTERS, "data/"]
# Proper names the English pages keep in Chinese, in brackets after their translation.
PROPER_NAMES = ["悦读·阅美", "社保卡+城市读者", "文化安居", "诵在安居·读与你听", "悦读吧·安居", "系好人生第一粒扣子"]


def figures_by_page():
    """Every figure in the 2020 data, with the page it belongs on and how it is formatted."""
    s, st, f, a = DATA.staff, DATA.statistics, DATA.finance, DATA.activities
    out = {
        "2020/statistics/": [(st.new_acquisitions, fmt.number), (st.per_capita_new_acquisitions, fmt.number),
                             (st.digital_resources.total_tb, fmt.number), (st.digital_resources.new_tb, fmt.number),
                             *[(getattr(st, m).value, fmt.number) for m in ("views", "downloads", "circulation")],
                             *[(abs(getattr(st, m).change_percent), fmt.percent) for m in ("views", "downloads", "circulation")]],
        "2020/finance/": [(f.budget.total, fmt.money), (f.expenditure.total, fmt.money), (f.central_free_opening_fund, fmt.money),
                          *[(i.amount, fmt.money) for i in f.budget.items + f.expenditure.items]],
        "2020/organisation/": [(DATA.profile.floor_area, fmt.number), (DATA.profile.terminals, fmt.number),
                               (DATA.profile.branches, fmt.number), (DATA.profile.service_points, fmt.number),
                               (s.headcount, fmt.number), (s.professional_posts, fmt.number),
                               (s.college_or_above_share, fmt.percent), (s.professional_share, fmt.percent),
                               *[(i.count, fmt.number) for i in s.education + s.roles + s.employment + s.titles]],
        "2020/plan/": [(a.total, fmt.number), *[(k.count, fmt.number) for k in a.by_kind],
                       (a.closure.months, fmt.number)],
        "2020/chronicle/": [(v, fmt.number) for e in DATA.chronicle.events for k, v in e.figures.items()
                            if k != "edition"] + [(e.date, fmt.date) for e in DATA.chronicle.events if not e.end],
    }
    return out


@pytest.mark.parametrize("page", CHAPTERS)
def test_english_pages_show_the_same_figures_as_the_chinese(site, page):
    zh, en = page_text(site, page + "index.html"), page_text(site, f"en/{page}index.html")
    for value, formatter in figures_by_page()[page]:
        assert formatter(value, "zh") in zh, (page, value, "zh")
        assert formatter(value, "en") in en, (page, value, "en")


def test_money_in_english_is_exact_yuan(site):
    en = page_text(site, "en/2020/finance/index.html")
    assert "CNY 1,685,200" in en and "CNY 1,865,200" in en and "CNY 9,400" in en
    assert "万元" not in en


def switcher_target(site: Path, page_dir: Path, html: str, tag: str) -> Path:
    """The page the language switcher's *tag* entry leads to, from the page in *page_dir*."""
    links = {lang: href for href, lang in
             re.findall(r'<a href="([^"]*)" hreflang="([^"]*)" class="md-select__link"', html)}
    href = links[tag]
    base = site if href.startswith("/") else page_dir
    return (base / href.lstrip("/") / "index.html").resolve()


def test_every_chinese_page_has_its_english_page_linked_both_ways(site):
    for page in PAGES:
        zh_dir, en_dir = site / page, site / "en" / page
        zh_html = (zh_dir / "index.html").read_text(encoding="utf-8")
        en_html = (en_dir / "index.html").read_text(encoding="utf-8")
        assert switcher_target(site, zh_dir, zh_html, "en") == (en_dir / "index.html").resolve(), page
        assert switcher_target(site, en_dir, en_html, "zh-Hans") == (zh_dir / "index.html").resolve(), page


def test_english_pages_keep_no_chinese_beyond_proper_names(site):
    for page in PAGES:
        source = (site / "en" / page / "index.html").read_text(encoding="utf-8")
        source = re.sub(r'<div class="md-select".*?</div>\s*</div>', "", source, flags=re.S)  # the switcher names 中文
        text = re.sub(r"<[^>]+>", " ", source)
        for name in PROPER_NAMES:
            text = text.replace(name, "")
        leftovers = re.findall(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]+", text)
        assert not leftovers, (page, leftovers[:10])


def test_each_edition_declares_its_language_and_absolute_alternates(site):
    for page in PAGES:
        for prefix, tag in (("", "zh-Hans"), ("en/", "en")):
            source = (site / prefix / page / "index.html").read_text(encoding="utf-8")
            assert f'<html lang="{tag}"' in source
            alternates = dict((lang, href) for href, lang in
                              re.findall(r'<link rel="alternate " href="([^"]+)" hreflang="([^"]+)">', source))
            assert alternates == {"zh-Hans": f"http://127.0.0.1:8000/{page}", "x-default": f"http://127.0.0.1:8000/{page}",
                                  "en": f"http://127.0.0.1:8000/en/{page}"}, (prefix, page)


def test_each_edition_has_its_own_site_name_search_and_sitemap(site):
    assert "<title>首页 - 安居区图书馆年报</title>" in (site / "index.html").read_text(encoding="utf-8")
    assert "<title>Home - Anju District Library Annual Reports</title>" in (site / "en/index.html").read_text(encoding="utf-8")
    assert '<meta name="author" content="Anju District Library">' in (site / "en/index.html").read_text(encoding="utf-8")
    zh = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    en = json.loads((site / "en/search/search_index.json").read_text(encoding="utf-8"))
    assert zh["config"]["lang"] == ["zh"] and en["config"]["lang"] == ["en"]
    assert any("悦读" in d["text"] for d in zh["docs"]) and not any("悦读" in d["title"] for d in en["docs"])
    assert all(not d["location"].startswith("en/") for d in zh["docs"] + en["docs"])
    assert any("exhibitions" in d["text"] for d in en["docs"])
    # English pages look for their index under /en/
    assert '"base": "../../../en/"' in (site / "en/2020/plan/index.html").read_text(encoding="utf-8")
    zh_map = (site / "sitemap.xml").read_text(encoding="utf-8")
    en_map = (site / "en/sitemap.xml").read_text(encoding="utf-8")
    zh_locs, en_locs = re.findall(r"<loc>(.*?)</loc>", zh_map), re.findall(r"<loc>(.*?)</loc>", en_map)
    assert len(zh_locs) == len(en_locs) == len(PAGES)
    assert all("/en/" not in loc for loc in zh_locs) and all("/en/" in loc for loc in en_locs)
    for loc in zh_locs + en_locs:  # no 404 between them
        path = loc.removeprefix("http://127.0.0.1:8000/")
        assert (site / path / "index.html").exists(), loc


def test_an_untranslated_page_shows_the_original_with_a_notice(project, tmp_path):
    (project / "docs/2020/plan.en.md").unlink()
    out = tmp_path / "site"
    result = build(project, out)
    assert result.returncode == 0, result.stderr
    source = (out / "en/2020/plan/index.html").read_text(encoding="utf-8")
    assert "This page has not been translated into English yet" in source
    assert '<div lang="zh-Hans">' in source and "第一章 2020 年安居区图书馆工作计划与总结" in source
    # translated pages carry no notice
    assert "not been translated" not in (out / "en/2020/finance/index.html").read_text(encoding="utf-8")


def i18n_status(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "macros", "i18n-status", str(project)], cwd=ROOT,
                          capture_output=True, text=True)


def commit_all(project: Path, message: str, when: int):
    env = {"GIT_AUTHOR_DATE": f"@{when} +0000", "GIT_COMMITTER_DATE": f"@{when} +0000",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org", "PATH": "/usr/bin:/bin"}
    subprocess.run(["git", "add", "-A"], cwd=project, check=True, env=env)
    subprocess.run(["git", "commit", "-qm", message], cwd=project, check=True, env=env)


def test_i18n_status_passes_on_the_complete_edition(project):
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    commit_all(project, "all", 1_600_000_000)
    result = i18n_status(project)
    assert result.returncode == 0, result.stderr


def test_i18n_status_reports_a_removed_translation(project):
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    (project / "docs/2020/plan.en.md").unlink()
    chronicle = project / "data/2020/chronicle.yaml"
    chronicle.write_text(chronicle.read_text(encoding="utf-8").replace(
        "      en: Online quiz series for World Book Day\n", ""), encoding="utf-8")
    commit_all(project, "all", 1_600_000_000)
    result = i18n_status(project)
    assert result.returncode == 1
    assert "docs/2020/plan.md" in result.stderr and "plan.en.md" in result.stderr
    assert re.search(r"data/2020/chronicle\.yaml:\d+  events\[2\]\.title\.en", result.stderr)


def test_i18n_status_reports_a_translation_older_than_its_source(project):
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    commit_all(project, "all", 1_600_000_000)
    template = project / "docs/templates/chapters/finance.md"
    template.write_text(template.read_text(encoding="utf-8") + "\n新增的一段说明。\n", encoding="utf-8")
    commit_all(project, "Chinese changed", 1_600_000_100)
    result = i18n_status(project)
    assert result.returncode == 1 and "finance.en.md" in result.stderr and "older" in result.stderr
