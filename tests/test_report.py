"""The first report, as published (the anju-2020 fixture): nothing of the source document is
lost, every figure reads as the source prints it, and the chapters are numbered in order."""
from __future__ import annotations

import re

import pytest
import yaml

from conftest import FIXTURES, page_text

SEED = FIXTURES / "anju-2020"
FIGURES = yaml.safe_load((SEED / "seed-figures.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("page", FIGURES)
def test_every_figure_of_the_seed_reads_as_printed_in_its_chapter(report, page):
    text = page_text(report, page + "index.html")
    missing = [f for f in FIGURES[page] if f not in text]
    assert not missing, f"{page} lacks {missing}"


def test_the_chapters_are_numbered_in_the_order_of_the_years_contents(report):
    def heading(page):
        h1 = re.search(r"<h1[^>]*>(.*?)</h1>", (report / page / "index.html").read_text(encoding="utf-8"), re.S)
        return re.sub(r"<[^>]+>", "", h1.group(1)).strip()
    headings = [heading(page) for page in FIGURES]
    assert [h.split(" ")[0] for h in headings] == [f"第{n}章" for n in "一二三四五"]
    contents = page_text(report, "2020/index.html")
    assert [contents.index(h) for h in headings] == sorted(contents.index(h) for h in headings)
    source = (report / "2020/index.html").read_text(encoding="utf-8")
    for page in FIGURES:
        assert f'href="{page.removeprefix("2020/")}"' in source


def test_nothing_of_the_seed_is_lost(report):
    """Every passage of the source report reaches the Chinese pages: its text, cleaned of the
    PDF debris and with the corrections listed in ERRATA.md applied, is found on the pages."""
    seed = (SEED / "seed.txt").read_text(encoding="utf-8")
    seed = "\n".join(l for l in seed.splitlines() if "http" not in l and "..." not in l and l.strip() != "目 录")
    seed = re.sub(r"\n(?=\S)", "", seed.replace("\n\n", "\u2029"))  # undo the PDF's line wraps
    # The seed's section titles carry the year and the library; the site's drop them, where
    # the navigation says them already (一、工作计划).
    seed = re.sub(r"([一二]、)\d{4} 年安居区图书馆", r"\1", seed)
    # The corrections of ERRATA.md, as they show in Chinese characters alone.
    corrections = {"民谷": "民俗", "较好的烘托": "较好地烘托", "市馆培训其他等": "市馆培训及其他",
                   "由浅到深的": "由浅到深地", "五节课": "节课", "近多名": "多名", "学术报告等最佳": "学术报告等的最佳",
                   "较上年相比": "较上年", "公用经费其他经费": "公用经费万元其他经费", "年月日招标": "月日招标"}
    def plain(text):  # Chinese characters only: figures are checked one by one above
        return re.sub(r"[^\u4e00-\u9fff]", "", text)
    # The seed's chapter titles carry the year and the library; the site's headings drop them.
    pages = plain("".join(page_text(report, f"{p}index.html") for p in ("2020/", *FIGURES)))
    passages = [plain(p) for p in re.split(r"\u2029|(?<=。)(?=\d+\.)|(?=[一二三]是)", seed)
                if not re.match(r"\s*第[一二三四五]章", p)]
    for source, corrected in corrections.items():
        passages = [p.replace(source, corrected) for p in passages]
    missing = [p[i:i + 8] for p in passages for i in range(0, max(len(p) - 8, 0) + 1, 4)
               if len(p) >= 8 and p[i:i + 8] not in pages]
    assert not missing, missing[:20]
