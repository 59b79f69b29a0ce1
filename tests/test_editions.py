"""The editions: each page in both languages, linked both ways, each edition with its own
language tag, search index and sitemap entries, an honest notice where a page is not
translated yet, and `make i18n-status` saying what the English edition lacks.

Some of these rest on how Material and mkdocs-static-i18n behave (the search worker's file,
the language partials, the sitemap template's context): the tests marked "pins" fail loudly
when a release of either changes what the engine's theme (macros/theme/) relies on."""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, built, page_text
from macros.core.languages import LANGUAGES
from warm_python import run_module

PAGES = ["", "2020/", "2020/plan/", "2020/chronicle/", "2020/organisation/", "2020/finance/", "2020/statistics/", "data/", "accessibility/"]
SITE_URL = "http://127.0.0.1:8000/"
# Proper names the English pages keep in Chinese, in brackets after their translation.
PROPER_NAMES = ["悦读·阅美", "社保卡+城市读者", "文化安居", "诵在安居·读与你听", "悦读吧·安居", "系好人生第一粒扣子"]


def html_of(site: Path, page: str) -> str:
    return (site / page / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("page", PAGES)
def test_each_edition_declares_its_language(report, page):
    assert '<html lang="zh-Hans"' in html_of(report, page)
    assert '<html lang="en"' in html_of(report, "en/" + page)


def test_the_language_switch_links_each_page_to_its_twin(report):
    for page in PAGES:
        for prefix, other, tag in (("", "en/", "en"), ("en/", "", "zh-Hans")):
            source = html_of(report, prefix + page)
            href = re.search(rf'<a href="([^"]*)" hreflang="{tag}" class="md-select__link"', source).group(1)
            target = (report / prefix / page / href).resolve() if not href.startswith("/") else report / href.lstrip("/")
            assert target == (report / other / page).resolve(), (prefix + page, href)


def test_hreflang_alternates_are_in_the_sitemap_absolute_with_an_x_default(report):
    sitemap = (report / "sitemap.xml").read_text(encoding="utf-8")
    urls = re.findall(r"<url>(.*?)</url>", sitemap, re.S)
    locs = [re.search(r"<loc>(.*?)</loc>", u).group(1) for u in urls]
    assert sorted(locs) == sorted(SITE_URL + prefix + p for prefix in ("", "en/") for p in PAGES)
    for url in urls:
        alternates = dict(re.findall(r'hreflang="([^"]+)" href="([^"]+)"', url))
        page = re.search(r"<loc>(.*?)</loc>", url).group(1).removeprefix(SITE_URL).removeprefix("en/")
        assert alternates == {"zh-Hans": SITE_URL + page, "en": SITE_URL + "en/" + page, "x-default": SITE_URL + page}
    assert "guide" not in sitemap


def test_pages_carry_no_alternate_links_for_materials_script_to_chase(report):
    # Material fetches <href>/sitemap.xml for every <link rel="alternate">; the alternates are in the sitemap.
    for page in PAGES:
        assert not re.search(r'<link rel="alternate[^>]*hreflang', html_of(report, page))


def test_each_edition_has_its_own_search_index_with_its_own_words(report):
    zh = json.loads((report / "search/search_index.json").read_text(encoding="utf-8"))
    en = json.loads((report / "en/search/search_index.json").read_text(encoding="utf-8"))
    assert zh["config"]["lang"] == ["zh"] and en["config"]["lang"] == ["en"]
    assert any("悦读" in d["text"] for d in zh["docs"]) and not any("悦读" in d["title"] for d in en["docs"])
    assert all(not d["location"].startswith("en/") for d in zh["docs"] + en["docs"])
    assert any("exhibitions" in d["text"] for d in en["docs"])
    assert not any(d["location"].startswith("guide/") for d in zh["docs"] + en["docs"])
    # English pages look for their index under /en/
    config = json.loads(re.search(r'<script id="__config" type="application/json">(.*?)</script>',
                                  html_of(report, "en/2020/plan/"), re.S).group(1))
    assert config["base"] == "../../../en/"
    assert (report / "en/2020/plan" / config["base"] / "search/search_index.json").resolve().exists()


def test_each_edition_has_its_own_site_name_author_and_tab_titles(report):
    assert "<title>经费情况 · 2020 年年报 · 安居区图书馆</title>" in html_of(report, "2020/finance/")
    assert "<title>Finance · Annual Report 2020 · Anju District Library</title>" in html_of(report, "en/2020/finance/")
    assert '<meta name="author" content="Anju District Library">' in html_of(report, "en/")


def test_english_pages_keep_no_chinese_beyond_proper_names(report):
    for page in PAGES:
        source = html_of(report, "en/" + page)
        source = re.sub(r'<div class="md-select".*?</div>\s*</div>', "", source, flags=re.S)  # the switcher names 中文
        source = re.sub(r'<a [^>]*\blang="zh[^"]*"[^>]*>.*?</a>', "", source, flags=re.S)  # the Chinese PDF, in Chinese
        source = re.sub(r"</?span\b[^>]*>", "", source)   # the typesetting's spans hold a name's parts together
        text = re.sub(r"<[^>]+>", " ", source)
        for name in PROPER_NAMES:
            text = text.replace(name, "")
        leftovers = re.findall(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]+", text)
        assert not leftovers, (page, leftovers[:10])


def test_money_in_english_is_exact_yuan(report):
    en = page_text(report, "en/2020/finance/index.html")
    assert re.search(r"CNY \d{1,3}(,\d{3})+", en) and "万元" not in en


def test_an_untranslated_page_shows_the_original_with_a_notice(project, tmp_path):
    (project / "docs/2020/plan.en.md").unlink()
    edit_draft = project / "data/2020/report.yaml"  # a finished year must have its translations
    edit_draft.write_text(edit_draft.read_text(encoding="utf-8").replace("draft: false", "draft: true"), encoding="utf-8")
    out = built(project, tmp_path / "site", env={"REPORT_PREVIEW": "1"})
    source = (out / "en/2020/plan/index.html").read_text(encoding="utf-8")
    assert "This page has not been translated into English yet" in source
    assert '<div lang="zh-Hans">' in source and "第一章 工作计划与总结" in source
    assert "not been translated" not in (out / "en/2020/finance/index.html").read_text(encoding="utf-8")


# ------------------------------------------------------------ pins on the theme and the i18n plugin

def material_file(name: str) -> Path:
    import material
    return Path(material.__file__).parent / "templates" / name


def test_pin_the_search_worker_of_our_config_block_is_materials(report):
    ours = re.search(r'"search": "([^"]+)"', (ROOT / "macros/theme/main.html").read_text(encoding="utf-8")).group(1)
    theirs = re.search(r'"search": "([^"]+)"', material_file("base.html").read_text(encoding="utf-8")).group(1)
    assert ours == theirs, "Material's search worker changed: update macros/theme/main.html's config block"
    assert (report / ours).exists()


def test_pin_the_blocks_and_partials_the_overrides_extend_are_materials():
    base = material_file("base.html").read_text(encoding="utf-8")
    for block in ("site_meta", "htmltitle", "config"):
        assert f"{{% block {block} %}}" in base, block
    assert '<html lang="{{ lang.t(\'language\') }}"' in base
    assert material_file("partials/languages/zh.html").exists()
    ours = (ROOT / "macros/theme/partials/content.html").read_text(encoding="utf-8")
    theirs = material_file("partials/content.html").read_text(encoding="utf-8")
    for line in theirs.splitlines()[3:]:  # ours is theirs with two additions
        assert line.strip() in ours, line


def test_pin_the_languages_of_mkdocs_yml_are_the_cores():
    import yaml
    class Loader(yaml.SafeLoader):
        pass
    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)
    i18n = next(p["i18n"] for p in config["plugins"] if isinstance(p, dict) and "i18n" in p)
    assert [lang["locale"] for lang in i18n["languages"]] == [lang.tag for lang in LANGUAGES.values()]
    assert (ROOT / "macros/theme/partials/languages" / f"{LANGUAGES['zh'].tag}.html").exists()


# ------------------------------------------------------------ make i18n-status

def i18n_status(project: Path) -> subprocess.CompletedProcess:
    return run_module("macros", "i18n-status", project, cwd=ROOT, timeout=120)


def commit_all(project: Path, message: str, when: int):
    env = {"GIT_AUTHOR_DATE": f"@{when} +0000", "GIT_COMMITTER_DATE": f"@{when} +0000",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org", "PATH": "/usr/bin:/bin"}
    subprocess.run(["git", "add", "-A"], cwd=project, check=True, env=env)
    subprocess.run(["git", "commit", "-qm", message], cwd=project, check=True, env=env)


def test_i18n_status_passes_on_a_complete_edition_and_reports_what_is_missing(project):
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    commit_all(project, "all", 1_600_000_000)
    assert i18n_status(project).returncode == 0
    (project / "docs/2020/plan.en.md").unlink()
    chronicle = project / "data/2020/chronicle.yaml"
    chronicle.write_text(chronicle.read_text(encoding="utf-8").replace(
        "      en: Online quiz series for World Book Day\n", ""), encoding="utf-8")
    commit_all(project, "less", 1_600_000_050)
    result = i18n_status(project)
    assert result.returncode == 1
    assert "docs/2020/plan.md" in result.stderr and "plan.en.md" in result.stderr
    assert re.search(r"data/2020/chronicle\.yaml:\d+  events\[2\]\.title\.en", result.stderr)


def test_i18n_status_reports_a_translation_older_than_its_source(project):
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    commit_all(project, "all", 1_600_000_000)
    chapter = project / "docs/2020/finance.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n新增的一段说明。\n", encoding="utf-8")
    commit_all(project, "Chinese changed", 1_600_000_100)
    result = i18n_status(project)
    assert result.returncode == 1 and "finance.en.md" in result.stderr and "older" in result.stderr

