"""One item of a list is quoted by its name, whatever its place: staff write "其中疫情防控专项
{{ finance.budget.items.epidemic_prevention.amount | money }}", it reads the same in both
languages' way, and a name the list does not have is told with the names it has, nearest first.
The way to write it is in the guide's generated reference."""
from __future__ import annotations

import html
from decimal import Decimal

import pytest

from conftest import edit, line_of, value_of
from macros.core import tables
from macros.core.validate import load_site
from macros.core.pages import ChapterMistake
from test_chapters import PYTHON_WORDS, render

HEAD = "---\ntitle: 经费情况\n---\n\n# {{ chapter_heading() }}\n\n"


def said(project, src_uri: str, text: str) -> str:
    """The page's Markdown as rendered, its figures and units bound by no-break spaces read as spaces."""
    return render(project, src_uri, text).replace("\xa0", " ")


@pytest.fixture
def epidemic(project):
    """The anju-2020 fixture with a budget item for epidemic prevention, last in the list."""
    finance = project / "data/2020/finance.yaml"
    total = value_of(finance, "total")   # the budget's total grows by the new item's 1.5
    edit(finance, f"total: {total}", f"total: {Decimal(total) + Decimal('1.5')}")
    edit(finance, "      amount: 0.94\n", "      amount: 0.94\n    - id: epidemic_prevention\n"
                                         "      name: {zh: 疫情防控专项, en: epidemic prevention}\n      amount: 1.5\n")
    return project


def test_an_item_is_quoted_by_its_name_in_both_languages(epidemic):
    zh = said(epidemic, "2020/finance.md", HEAD + "其中{{ finance.budget.items.epidemic_prevention.name | text }} "
                "{{ finance.budget.items.epidemic_prevention.amount | money }}。\n")
    assert "其中疫情防控专项 1.5 万元。" in zh
    en = said(epidemic, "2020/finance.en.md", HEAD + "{{ finance.budget.items.epidemic_prevention.amount | money }} "
                "for {{ finance.budget.items.epidemic_prevention.name | text }}.\n")
    assert "CNY 15,000 for epidemic prevention." in en
    # the same item in brackets, and a position as before (items[4]), read alike
    alike = said(epidemic, "2020/finance.md", HEAD + '{{ finance.budget.items["epidemic_prevention"].amount | money }} '
                   "{{ finance.budget.items[4].amount | money }}\n")
    assert "1.5 万元 1.5 万元" in alike
    # the registry reads the same path: a table row may point at one item
    year = load_site(epidemic / "data").years[2020]
    assert tables.resolve(year, "finance.budget.items.epidemic_prevention.amount") == year.finance.budget.items[4].amount


def test_every_list_of_named_items_is_quoted_so(project):
    text = said(project, "2020/organisation.md", HEAD + "{{ staff.titles.intermediate.count | num }}；"
                  "{{ staff.education.bachelor_or_above.label | text }}；"
                  "{{ finance.expenditure.items.digital.amount | money }}\n")
    assert "4；本科以上学历；5.34 万元" in text


def test_a_name_the_list_does_not_have_is_told_with_the_names_it_has_nearest_first(epidemic):
    chapter = HEAD + "其中疫情防控专项 {{ finance.budget.items.epidemic_prevent.amount | money }}。\n"
    with pytest.raises(ChapterMistake) as info:
        render(epidemic, "2020/finance.md", chapter)
    problem = info.value.problem
    assert problem.file == "docs/2020/finance.md" and problem.line == chapter.count("\n")
    assert "finance.budget.items.epidemic_prevent" in problem.found   # the list, and the name typed
    names = ["epidemic_prevention", "government_fund", "personnel", "operations", "other"]
    for expected in (problem.expected_zh, problem.expected_en):
        assert all(name in expected for name in names), expected
        assert expected.index("epidemic_prevention") < min(expected.index(n) for n in names[1:])
    assert not PYTHON_WORDS.search(problem.render()), problem.render()
    # in brackets, and printed without a filter, it is told the same way
    for typed in ('{{ finance.budget.items["epidemic_prevent"].amount | money }}', "{{ finance.budget.items.epidemic_prevent }}"):
        with pytest.raises(ChapterMistake) as again:
            render(epidemic, "2020/finance.md", HEAD + typed + "\n")
        assert again.value.problem.expected_en == problem.expected_en


def test_an_id_that_is_also_a_word_of_python_lists_is_still_an_item(project):
    """Ids are the staff's words: an item called count or index is quoted like any other."""
    finance = project / "data/2020/finance.yaml"
    edit(finance, "id: operations", "id: index")
    text = said(project, "2020/finance.md", HEAD + "{{ finance.budget.items.index.amount | money }}\n")
    assert "5.4 万元" in text
    with pytest.raises(ChapterMistake) as info:   # a method of a list is never reached
        render(project, "2020/finance.md", HEAD + "{{ finance.budget.items.count.amount | money }}\n")
    assert "finance.budget.items.count" in info.value.problem.found and "index" in info.value.problem.expected_en


def test_a_draft_item_still_to_fill_shows_the_to_do_marker(epidemic):
    edit(epidemic / "data/2020/report.yaml", "draft: false", "draft: true")
    finance = epidemic / "data/2020/finance.yaml"
    edit(finance, "      amount: 1.5\n", "      amount:\n")
    assert "其中 【待填写】" in said(epidemic, "2020/finance.md",
                                      HEAD + "其中 {{ finance.budget.items.epidemic_prevention.amount | money }}\n")


def test_the_guides_reference_says_how_to_quote_an_item_in_both_languages(project):
    zh = render(project, "2020/finance.md", HEAD + "{{ macro_reference() }}\n")
    en = render(project, "2020/finance.en.md", HEAD + "{{ macro_reference() }}\n")
    assert "按它的 id 引用" in zh and "by its id" in en
    for text in (zh, en):
        assert "finance.budget.items.epidemic_prevention.amount | money" in html.unescape(text)


def test_a_line_quoting_an_item_is_found_by_line(epidemic):
    """The message's line is the chapter's own, front matter counted (as the other mistakes)."""
    finance = epidemic / "docs/2020/finance.md"
    text = finance.read_text(encoding="utf-8") + "\n其中 {{ finance.budget.items.epidemc.amount | money }}。\n"
    with pytest.raises(ChapterMistake) as info:
        render(epidemic, "2020/finance.md", text)
    assert info.value.problem.line == line_of(finance, "items.epidemc")
