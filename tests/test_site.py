"""The built site reads as the seed report does, with every figure from data."""
from __future__ import annotations

import json
import re

import pytest

from conftest import ROOT, build, page_text

# Every figure of the seed report, as it must read in its chapter (Chinese edition).
SEED_FIGURES = {
    "2020/plan/index.html": ["45 场次", "线上线下展览 12 场次", "线上培训活动 12 场次", "读书答题竞赛互动 5 场次",
                             "上千人", "闭馆 2 个月", "4 月开馆", "2020 年“悦读·阅美”寒暑假读书活动", "2020“迎中秋·庆国庆”"],
    "2020/chronicle/index.html": ["1 月 13 日—1 月 17 日", "30 名同学", "5 节课", "4 月 14 日—5 月 5 日", "第 25 个",
                                  "5 月 18 日", "2020 年“文化科技卫生三下乡活动”", "5 月，", "20 块科普展板", "200 多名",
                                  "6 月 25 日", "7 月 22 日", "300 余册", "8 月 4 日—8 月 6 日", "9 月 20 日",
                                  "10 月 20 日", "10 月 26 日", "11 月 17 日"],
    "2020/organisation/index.html": ["4768 平方米", "工作人员 11 人", "16 万余册", "18 台", "16 个乡镇（街道）分馆",
                                     "250 个村（社区）图书服务点", "截至 2020 年底", "（不含分馆）11 人",
                                     "大学专科学历 5 人", "本科以上学历 6 人", "占比 100%", "读者服务人员 7 人",
                                     "业务内勤人员 1 人", "信息化保障人员 1 人", "综合行政人员 2 人", "事业编制人员 8 人",
                                     "劳动合同制人员 3 人", "副高级职称 1 人", "中级职称 4 人", "初级职称 3 人",
                                     "专业技术岗位共 8 个", "专业技术人员占比 100%"],
    "2020/finance/index.html": ["遂安财预〔2020〕2 号附 7-8 号", "关于下达 2020 年部门预算的通知", "168.52 万元",
                                "中央下拨免费开放资金 18 万元", "105.5 万元", "56.68 万元", "公用经费 5.4 万元",
                                "0.94 万元", "遂安财库〔2021〕5 号附 22 号", "186.52 万元", "44.1 万元", "5.34 万元",
                                "14.3 万元", "40 万元", "19.76 万元", "6.34 万元"],
    "2020/statistics/index.html": ["60173 册", "0.1396 册", "16.19 TB", "3.89 TB", "80000 次", "提高了 18.16%",
                                   "15836 次", "下降了 22.35%", "45067 人次", "减少了 8.85%"],
}

CHAPTER_HEADINGS = ["第一章 2020 年安居区图书馆工作计划与总结", "第二章 2020 年安居区图书馆大事记",
                    "第三章 2020 年安居区图书馆机构与人员", "第四章 2020 年安居区图书馆经费情况",
                    "第五章 2020 年安居区图书馆业务数据统计"]


@pytest.mark.parametrize("page", SEED_FIGURES)
def test_every_figure_of_the_seed_appears_in_its_chapter(site, page):
    text = page_text(site, page)
    missing = [f for f in SEED_FIGURES[page] if f not in text]
    assert not missing, f"{page} lacks {missing}"


def test_no_figure_is_typed_into_the_chapters():
    # The chapters' Markdown holds prose and macro calls; the figures come from data/.
    figures = re.compile(r"60,?173|45,?067|15,?836|168\.52|186\.52|4,?768|0\.1396|16\.19|18\.16|22\.35|56\.68|105\.5|19\.76")
    # (The staff's editing guide shows example figures; it is not part of the report.)
    typed = [p.relative_to(ROOT).as_posix() for p in (ROOT / "docs").rglob("*.md")
             if "guide" not in p.parts and figures.search(p.read_text(encoding="utf-8"))]
    assert not typed


def test_chapters_are_numbered_in_navigation_order_and_listed_in_the_contents(site):
    home = page_text(site, "index.html")
    positions = [home.find(h) for h in CHAPTER_HEADINGS]
    assert -1 not in positions and positions == sorted(positions)
    for page, heading in zip(SEED_FIGURES, CHAPTER_HEADINGS):
        assert heading in page_text(site, page)
    source = (site / "index.html").read_text(encoding="utf-8")
    for page in SEED_FIGURES:
        assert f'href="{page.removesuffix("index.html")}"' in source


def test_reordering_the_navigation_renumbers_the_chapters(project, tmp_path):
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("      - 2020/finance.md\n", "").replace("      - 2020/plan.md\n",
                                                                      "      - 2020/finance.md\n      - 2020/plan.md\n")
    config.write_text(text, encoding="utf-8")
    result = build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert "第一章 2020 年安居区图书馆经费情况" in page_text(tmp_path / "site", "2020/finance/index.html")
    assert "第二章 2020 年安居区图书馆工作计划与总结" in page_text(tmp_path / "site", "2020/plan/index.html")


def test_a_changed_value_changes_every_place_it_appears(project, tmp_path):
    staff = project / "data/2020/staff.yaml"
    staff.write_text(staff.read_text(encoding="utf-8")
                     .replace("headcount: 11", "headcount: 12")
                     .replace("  - id: contract\n    label: {zh: 劳动合同制人员, en: on labour contracts}\n    count: 3",
                              "  - id: contract\n    label: {zh: 劳动合同制人员, en: on labour contracts}\n    count: 4")
                     .replace("    label: {zh: 综合行政人员, en: in general administration}\n    count: 2",
                              "    label: {zh: 综合行政人员, en: in general administration}\n    count: 3")
                     .replace("  - id: bachelor_or_above\n    label: {zh: 本科以上学历, en: with a bachelor's degree or higher}\n    count: 6",
                              "  - id: bachelor_or_above\n    label: {zh: 本科以上学历, en: with a bachelor's degree or higher}\n    count: 7"),
                     encoding="utf-8")
    stats = project / "data/2020/statistics.yaml"
    stats.write_text(stats.read_text(encoding="utf-8").replace("value: 80000\n  change_percent: 18.16",
                                                               "value: 81234\n  change_percent: -1.5"), encoding="utf-8")
    result = build(project, tmp_path / "site")
    assert result.returncode == 0, result.stdout + result.stderr
    org = page_text(tmp_path / "site", "2020/organisation/index.html")
    assert "工作人员 12 人" in org and "（不含分馆）12 人" in org and "本科以上学历 7 人" in org
    assert "工作人员 11 人" not in org
    # the tables follow too: totals and shares are computed, not typed
    assert "合计 12 100.0%" in org and "劳动合同制人员 4 33.3%" in org
    st = page_text(tmp_path / "site", "2020/statistics/index.html")
    assert "81234 次，较上年下降了 1.5%" in st and "80000" not in st and "−1.5%" in st


def test_search_index_segments_chinese_with_the_library_terms(site):
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    config = index["config"]
    assert "zh" in config["lang"] and "\\u200b" in config["separator"]
    docs = {d["location"]: d["text"] for d in index["docs"]}
    text = " ".join(docs.values())
    for term in ("总分馆", "社保卡", "通借通还", "悦读", "阅美"):
        assert f"\u200b{term}\u200b" in text or f"{term}\u200b" in text, term
    # the chapter that uses 总分馆 is found by its segmented term
    assert any("总分馆\u200b" in t for loc, t in docs.items() if loc.startswith("2020/plan/"))


def test_no_page_asks_a_third_party_host(site):
    offenders = set()
    for page in site.rglob("*.html"):
        source = page.read_text(encoding="utf-8")
        for url in re.findall(r'(?:src|href)="([^"]+)"', source):
            if url.startswith(("http://", "https://", "//")) and "127.0.0.1" not in url:
                # links for people to follow are fine; resources loaded by the page are not
                tag = source[source.rfind("<", 0, source.find(url)):source.find(url)]
                if tag.startswith(("<script", "<link", "<img", "<iframe", "<source")) and "alternate" not in tag \
                        and "canonical" not in tag:
                    offenders.add((page.relative_to(site).as_posix(), url))
        assert "fonts.googleapis" not in source and "fonts.gstatic" not in source
    assert not offenders


def test_nothing_of_the_seed_is_lost(site):
    """Every passage of the source report reaches the Chinese pages: its text, cleaned of the
    PDF debris and with the corrections listed in ERRATA.md applied, is found on the pages."""
    # A copy of ../shared/seed/000_717af26be9eac96e.txt, the report as published, kept with the tests.
    seed = (ROOT / "tests/fixtures/seed-2020.txt").read_text(encoding="utf-8")
    seed = "\n".join(l for l in seed.splitlines() if "http" not in l and "..." not in l and l.strip() != "目 录")
    seed = re.sub(r"\n(?=\S)", "", seed.replace("\n\n", "\u2029"))  # undo the PDF's line wraps
    # The corrections of ERRATA.md, as they show in Chinese characters alone.
    corrections = {"民谷": "民俗", "较好的烘托": "较好地烘托", "市馆培训其他等": "市馆培训及其他",
                   "由浅到深的": "由浅到深地", "五节课": "节课", "近多名": "多名", "学术报告等最佳": "学术报告等的最佳",
                   "较上年相比": "较上年", "公用经费其他经费": "公用经费万元其他经费", "年月日招标": "月日招标"}
    def plain(text):  # Chinese characters only: figures are checked one by one above
        return re.sub(r"[^\u4e00-\u9fff]", "", text)
    pages = plain("".join(page_text(site, f"{p}index.html") for p in
                          ("2020/", "2020/plan/", "2020/chronicle/", "2020/organisation/", "2020/finance/", "2020/statistics/")))
    # Passages: the seed's paragraphs, list items and chronicle entries, each compared on its own.
    passages = [plain(p) for p in re.split(r"\u2029|(?<=。)(?=\d+\.)|(?=[一二三]是)", seed)]
    for source, corrected in corrections.items():
        passages = [p.replace(source, corrected) for p in passages]
    missing = [p[i:i + 8] for p in passages for i in range(0, max(len(p) - 8, 0) + 1, 4)
               if len(p) >= 8 and p[i:i + 8] not in pages]
    assert not missing, missing[:20]
