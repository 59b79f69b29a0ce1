"""Content is data, never code: a chapter reaches the year's data, the library, and this
project's macros and filters, and nothing else. Every attack in tests/attacks/chapter.txt is
refused at its file and line in the staff's words, or renders inert; a real build stops on one
with the same message and no traceback; the address the site is published at cannot carry markup;
and no argument typed after `make` reaches a shell."""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import markdown
import pytest
import yaml

from conftest import MKDOCS, ROOT, build, copy_project
from test_chapters import PYTHON_WORDS, render
from macros.core import safe_markup
from macros.core.pages import ChapterMistake

ATTACKS = [tuple(line.replace("\\n", "\n").split("\t", 1)) for line in
           (Path(__file__).parent / "attacks" / "chapter.txt").read_text(encoding="utf-8").splitlines()
           if line and not line.startswith("#")]
CHAPTER = "2020/finance.md"
HEAD = "---\ntitle: 经费情况\n---\n\n# {{ chapter_heading() }}\n\n预算共计 {{ finance.budget.total | money }}。\n\n"
ATTACK_LINE = HEAD.count("\n") + 1
# What must never reach a page or a message: the machine's paths and users, Python's objects.
MACHINE = re.compile(r"uid=|/root|/work/|/tmp/|/home/|<class|<function|<built-in|object at 0x|TemplateReference|"
                     r"Traceback")


@pytest.fixture(scope="module")
def chapter_project(tmp_path_factory) -> Path:
    return copy_project(tmp_path_factory.mktemp("sandbox") / "project", "anju-2020")


def test_the_attack_corpus_is_read():
    assert len(ATTACKS) >= 40 and {e for e, _ in ATTACKS} == {"refused", "inert"}, ATTACKS


def _markdown() -> markdown.Markdown:
    """Python-Markdown with the extensions mkdocs.yml names, as MkDocs converts a page."""
    loader = type("Loader", (yaml.SafeLoader,), {})
    loader.add_multi_constructor("!", lambda *_: None)   # !ENV and the like: not needed here
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=loader)
    names = [e if isinstance(e, str) else next(iter(e)) for e in config["markdown_extensions"]]
    return markdown.Markdown(extensions=names)


def rendered(project: Path, text: str) -> tuple[str, object]:
    """(the page's HTML, the staff's message or None), as a build makes them: the chapter's macros
    in the sandbox, its Markdown, then the check of what could act in a browser."""
    try:
        page = render(project, CHAPTER, text)
    except ChapterMistake as mistake:
        return "", mistake.problem
    html = _markdown().convert(page)
    return html, safe_markup.problem(html, f"docs/{CHAPTER}", text)


@pytest.mark.parametrize("expected, attack", ATTACKS, ids=[a for _, a in ATTACKS])
def test_every_attack_in_a_chapter_is_refused_at_its_line_or_inert(chapter_project, expected, attack):
    html, problem = rendered(chapter_project, HEAD + attack + "\n")
    if expected == "refused":
        assert problem is not None, html
        told = problem.render()
        assert problem.file == f"docs/{CHAPTER}", told
        # the line, where the chapter's text shows it (a tag assembled from pieces is found by the page)
        assert problem.line is None or ATTACK_LINE <= problem.line <= ATTACK_LINE + attack.count("\n"), told
        said = re.sub(r"<[^>]*>", "", told)   # the refused tag itself (<object>) may be a Python word
        assert not PYTHON_WORDS.search(said) and not MACHINE.search(told), told
        return
    assert problem is None, problem.render()
    assert "预算共计" in html and not MACHINE.search(html), html   # the chapter's own sentence still there
    assert safe_markup.unsafe(html) == [] and "<script" not in html.lower(), html


def test_a_refused_shape_is_named_in_the_staff_words(chapter_project):
    with pytest.raises(ChapterMistake) as info:
        render(chapter_project, CHAPTER, HEAD + "{% for x in [1] %}{{ x }}{% endfor %}\n")
    assert "这一写法不允许在章节中使用" in info.value.problem.found and "{% for %}" in info.value.problem.found
    with pytest.raises(ChapterMistake) as info:
        render(chapter_project, CHAPTER, HEAD + "{{ lipsum.__globals__ }}\n")
    assert "not allowed in a chapter" in info.value.problem.found


def test_a_misspelt_macro_is_still_told_as_an_unknown_name_with_the_nearest(chapter_project):
    with pytest.raises(ChapterMistake) as info:
        render(chapter_project, CHAPTER, HEAD + '{{ chrt("budget") }}\n')
    assert "chrt" in info.value.problem.found and "chart" in info.value.problem.expected_zh


def test_a_build_stops_on_an_attack_in_a_chapter_with_the_staffs_message(chapter_project, tmp_path):
    project = copy_project(tmp_path / "project", "anju-2020")
    (project / "docs" / CHAPTER).write_text(HEAD + "{{ lipsum.__globals__.os.popen('touch pwned').read() }}\n",
                                            encoding="utf-8")
    result = build(project, tmp_path / "site")
    told = result.stdout + result.stderr
    assert result.returncode != 0 and f"docs/{CHAPTER}:{ATTACK_LINE}" in told and "not allowed in a chapter" in told
    assert "Traceback" not in told and not (project / "pwned").exists()
    assert not (tmp_path / "site" / "2020" / "finance" / "index.html").exists()


def test_a_title_with_markup_is_refused_at_its_line_for_the_theme_writes_it_into_every_page(tmp_path):
    project = copy_project(tmp_path / "project", "anju-2020")
    chapter = project / "docs" / CHAPTER
    chapter.write_text(chapter.read_text(encoding="utf-8").replace(
        "title: 经费情况", 'title: "经费<img src=x onerror=alert(1)>"', 1), encoding="utf-8")
    result = build(project, tmp_path / "site")
    told = result.stdout + result.stderr
    assert result.returncode != 0 and f"docs/{CHAPTER}:2" in told and "title" in told and "Traceback" not in told, told


def test_a_build_stops_on_markup_that_would_run_in_a_readers_browser(tmp_path):
    project = copy_project(tmp_path / "project", "anju-2020")
    (project / "docs" / CHAPTER).write_text(HEAD + "[点此](javascript:alert(1))\n", encoding="utf-8")
    result = build(project, tmp_path / "site")
    told = result.stdout + result.stderr
    assert result.returncode != 0 and f"docs/{CHAPTER}:{ATTACK_LINE}" in told and "javascript:alert(1)" in told, told
    assert "Traceback" not in told


@pytest.mark.parametrize("site_url", ['https://x/"><script>alert(1)</script>/', "javascript:alert(1)//",
                                      "https://x/ onmouseover=alert(1)/", "ftp://x/", ""])
def test_the_published_address_cannot_carry_markup(chapter_project, tmp_path, site_url):
    env = dict(os.environ, SITE_URL=site_url, REPORT_PDF="0", NO_MKDOCS_2_WARNING="1")
    result = subprocess.run([*MKDOCS, "build", "--strict", "--site-dir", str(tmp_path / "site")], cwd=chapter_project,
                            env=env, capture_output=True, text=True, timeout=300)
    told = result.stdout + result.stderr
    assert result.returncode != 0 and "site_url" in told.lower() and "Traceback" not in told, told
    assert not (tmp_path / "site" / "index.html").exists()


# ------------------------------------------------------------ what is typed after `make`

@pytest.fixture
def make_project(tmp_path) -> Path:
    """A fixture project whose Makefile finds the set-up done (the virtual environment shared)."""
    project = copy_project(tmp_path / "project", "anju-2020")
    for name in ("Makefile", "requirements.txt", "pyproject.toml"):
        (project / name).write_bytes((ROOT / name).read_bytes())
    for name in ("requirements.txt", "pyproject.toml"):
        os.utime(project / name, (0, 0))   # older than the environment's stamp: no reinstall
    (project / ".venv").symlink_to(ROOT / ".venv")
    return project


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".venv" not in p.parts}


@pytest.mark.parametrize("target, argument", [
    ("new-year", "YEAR=2024; touch pwned"), ("new-year", "YEAR=$(touch pwned)"), ("new-year", "YEAR=`touch pwned`"),
    ("restore", "YEAR=2020 && touch pwned"), ("own-chapters", "YEAR=2020|touch pwned"),
    ("rollback", "DEST=nowhere; touch pwned"), ("rollback", "DEST=--help"),
    ("clean", "SITE=/"), ("clean", "SITE=../.."), ("clean", "SITE=-rf"), ("clean", "SITE=docs"),
    ("clean", "SITE=Makefile"), ("clean", "SITE=."),
    # make would expand $(…) itself when handing a variable on to the recipe's environment
    ("new-year", "YEAR=$(shell touch pwned)2021"), ("clean", "SITE=$(shell touch pwned)docs"),
    ("rollback", "DEST=$(shell touch pwned)"),
])
def test_no_argument_typed_after_make_reaches_a_shell(make_project, target, argument):
    before = _files(make_project)
    result = subprocess.run(["make", "--no-print-directory", target, argument], cwd=make_project,
                            capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    told = result.stdout + result.stderr
    assert result.returncode != 0, told
    assert not (make_project / "pwned").exists() and not (make_project.parent / "pwned").exists(), told
    assert "Traceback" not in told, told
    assert _files(make_project) == before


def test_a_year_from_make_reaches_the_tool_whole(make_project):
    result = subprocess.run(["make", "--no-print-directory", "new-year", "YEAR=2021"], cwd=make_project,
                            capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (make_project / "data" / "2021").is_dir() and (make_project / "docs" / "2021").is_dir()


def test_a_data_text_a_chapter_prints_is_shown_as_typed_never_as_markup(tmp_path):
    project = copy_project(tmp_path / "project", "anju-2020")
    library = project / "data" / "library.yaml"
    text = library.read_text(encoding="utf-8")
    name = re.search(r"^  zh: (.+)$", text, re.M).group(1)
    library.write_text(text.replace(f"  zh: {name}", f'  zh: "{name}<script>alert(1)</script>**粗**"', 1),
                       encoding="utf-8")
    page = render(project, CHAPTER, HEAD + "{{ library.name.zh }}\n")
    assert "<script" not in page and "**" not in page and "&lt;script&gt;" in page, page


# ------------------------------------------------------------ what a page's front matter and name may say

@pytest.mark.parametrize("front_matter, key", [
    ("status: 'new\"><img src=x onerror=alert(28)>'", "status"),
    ("subtitle: '<img src=x onerror=alert(29)>'", "subtitle"),
    ("title: ['<img src=x onerror=alert(33)>']", "title"),
    ("title: '经费<img src=x onerror=alert(1)>'", "title"),
    ("template: ../../etc/passwd", "template"),
    ("icon: material/../x", "icon"),
    ("hide: 5", "hide"),
    ("hide: [navigation, '<b>']", "hide"),
    ("search: 1", "search"),
    ("report_pdf: 'x\" onmouseover=\"alert(21)'", "report_pdf"),
    ("report_pdf_links: [{href: 'javascript:alert(1)', label: x}]", "report_pdf_links"),
    ("render_macros: true", "render_macros"),
    ("description: '<script>alert(1)</script>'", "description"),
])
def test_a_front_matter_setting_a_page_may_not_have_is_refused_at_its_line(front_matter, key):
    from macros.core.chapters import front_matter_problems
    text = f"---\ntitle: 经费情况\n{front_matter}\n---\n\n正文\n"
    if front_matter.startswith("title:"):
        text = text.replace("title: 经费情况\n", "", 1)
    found = front_matter_problems(text, "docs/2020/finance.md")
    assert [p.field for p in found] == [key], [p.render() for p in found]
    assert found[0].line == text.splitlines().index(front_matter) + 1
    assert not PYTHON_WORDS.search(found[0].expected_zh + found[0].expected_en)


def test_the_front_matter_staff_write_is_accepted():
    from macros.core.chapters import front_matter_problems
    for text in ("---\ntitle: 经费情况\n---\n", "---\ntitle: A & B “quoted”\ndescription: 一句话。\nhide:\n  - toc\n---\n",
                 "---\nsearch:\n  exclude: true\n---\n", "---\nchapters:\n  - plan.md\n---\n", "no front matter\n"):
        assert front_matter_problems(text, "docs/x.md") == [], text



def test_front_matter_that_cannot_be_read_is_told_at_its_line_not_printed_as_the_page():
    # an unquoted colon in a value: MkDocs would print the block as the page's text and lose its title
    from macros.core.chapters import front_matter_problems
    text = "---\ntitle: Chronicle\ndescription: The year, event by event: what happened.\n---\n\n正文\n"
    [problem] = front_matter_problems(text, "docs/2020/chronicle.en.md")
    assert problem.line == 3 and "引号" in problem.expected_zh and "quotes" in problem.expected_en
    quoted = text.replace("description: The year, event by event: what happened.",
                          'description: "The year, event by event: what happened."')
    assert front_matter_problems(quoted, "docs/2020/chronicle.en.md") == []

def test_a_build_refuses_a_setting_of_the_theme_in_a_page_and_a_page_name_with_markup(tmp_path):
    project = copy_project(tmp_path / "project", "anju-2020")
    (project / "docs" / "data.md").write_text("---\nsubtitle: '<img src=x onerror=alert(29)>'\n---\n\n# 数据\n",
                                              encoding="utf-8")
    result = build(project, tmp_path / "site")
    told = result.stdout + result.stderr
    assert result.returncode != 0 and "docs/data.md:2" in told and "subtitle" in told and "Traceback" not in told, told
    project = copy_project(tmp_path / "project2", "anju-2020")
    for name in ("x<img src=x onerror=alert(99)>.md", "x<img src=x onerror=alert(99)>.en.md"):
        (project / "docs" / "2020" / name).write_text("正文\n", encoding="utf-8")
    result = build(project, tmp_path / "site2")
    told = result.stdout + result.stderr
    assert result.returncode != 0 and "docs/2020/x<img" in told and "Traceback" not in told, told
    assert not (tmp_path / "site2" / "index.html").exists()


@pytest.mark.parametrize("chapter_line, construct", [
    ("[" * 2000, "["),                                   # Python-Markdown's link search is quadratic in these
    ("\n".join(f"{'    ' * i}- x" for i in range(40)), "嵌套"),   # it recurses once per level
    ("> " * 40 + "x", "嵌套"),
    ("<div>" * 400, "嵌套"),
    ("{{ code('x') }}" * 500, "400"),                  # thousands of macros make no page
])
def test_what_would_stall_or_break_markdown_is_refused_in_the_staffs_words(chapter_project, chapter_line, construct):
    html, problem = rendered(chapter_project, HEAD + chapter_line + "\n")
    assert problem is not None and construct in problem.found, problem and problem.render()
    assert "Traceback" not in problem.render()


def test_front_matter_is_read_as_mkdocs_reads_it(chapter_project):
    from macros.core.chapters import front_matter_problems
    # a block closed by ..., and MultiMarkdown's Key: value lines: MkDocs takes both as settings
    closed_by_dots = "---\ntitle: 经费情况\nsubtitle: '<img src=x onerror=alert(1)>'\n...\n\n正文\n"
    multimarkdown = "title: <img src=x onerror=alert(1)>\n\n正文\n"
    bomb = "---\ntitle: [&a [l, l, l], &b [*a, *a, *a], &c [*b, *b, *b]]\n---\n\n正文\n"
    assert [p.field for p in front_matter_problems(closed_by_dots, "docs/x.md")] == ["subtitle"]
    assert [p.field for p in front_matter_problems(multimarkdown, "docs/x.md")] == ["title"]
    [alias] = front_matter_problems(bomb, "docs/x.md")
    assert "锚点或别名" in alias.found


def test_a_message_never_hands_a_terminal_its_control_characters():
    from macros.core.problems import Problem
    told = Problem("docs/x.md", 2, "title", "a", "b", "\x1b[2J\x1b]0;owned\x07").render()
    assert "\x1b" not in told and "\x07" not in told and "\\x1b[2J" in told
