"""The browser editor end to end (`make edit`, issue 23), in Chromium, on a copy of the anju-2020
fixture in a git repository of its own: the server starts; the editor loads with no request off
127.0.0.1; a figure changed in the finance form changes exactly its line of the YAML file, the
project's checks still pass and the real preview shows the new figure; a figure typed as "12%"
is refused with the message `make check` gives, and the file is never written; a sentence of an
English chapter changes x.en.md only; a new year starts from the editor's own button."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from conftest import copy_project
from test_preview import Server, free_port, wait_for, wait_for_log


IDENTITY = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
            "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}


def git(project: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=project, capture_output=True, text=True, check=True,
                          env=dict(os.environ, **IDENTITY)).stdout


def changed_lines(project: Path) -> list[str]:
    """The lines `git diff` shows removed (-) and added (+), without the file headers."""
    return [line for line in git(project, "diff", "-U0").splitlines()
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


@pytest.fixture
def editor(tmp_path):
    project = copy_project(tmp_path / "project", "anju-2020")
    (project / ".gitignore").write_text(".cache/\nsite/\n", encoding="utf-8")   # as the project's own
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "the fixture")
    port, edit_port = free_port(), free_port()
    server = Server(project, tmp_path / "edit.log", command=[sys.executable, "-m", "macros", "edit"],
                    env={"PORT": str(port), "EDIT_PORT": str(edit_port), "REPORT_OPEN_BROWSER": "0", **IDENTITY})
    admin = f"http://127.0.0.1:{edit_port}/admin/"
    preview = f"http://127.0.0.1:{port}/"
    try:
        wait_for_log(server.log, lambda out: admin in out)
        wait_for(preview + "2020/finance/", lambda page: "万元" in page)
        yield project, admin, preview
    finally:
        log = server.stop()
    assert "Traceback" not in log, log[-3000:]


def check(project: Path) -> subprocess.CompletedProcess:
    """What `make check` runs, in the project."""
    return subprocess.run([sys.executable, "-m", "macros", "check"], cwd=project, capture_output=True, text=True)


def field(page, label: str):
    """The form's input for the field labelled *label* (its Chinese, as the schema describes it)."""
    found = page.locator(f"label:has-text('{label}')").first
    found.wait_for(timeout=30_000)
    return page.locator(f"[id='{found.get_attribute('for')}']")


def save(page) -> None:
    page.get_by_role("button", name=re.compile("^(发布|保存)")).first.click()
    time.sleep(0.3)
    menu = page.get_by_text(re.compile("^立即发布$"))
    if menu.count():
        menu.first.click()


def accept(dialog) -> None:
    """The year the new-year button asks for, the commit button's message, and "leave the page?"
    when a refused form is left."""
    try:
        dialog.accept("2021" if "year" in dialog.message else "开始 2021 年 / start 2021")
    except Exception:   # noqa: BLE001 - the page closed with its question open
        pass


def settle(page) -> None:
    """Let the chapter editor take up a selection set from a script: Slate reads the page's
    selection on 'selectionchange', throttled to 100 ms, so keys typed sooner go to the old caret.
    Waits until two animation frames have passed after a further 300 ms (a loaded machine runs late)."""
    page.wait_for_timeout(300)
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def test_staff_edit_a_year_in_the_browser_and_see_it_in_the_real_preview(editor, browser, traffic):
    project, admin, preview = editor
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    context.set_default_navigation_timeout(60_000)   # the editor's 1.5 MB, on a machine running the whole suite
    page = context.new_page()
    page.on("request", lambda r: traffic.requests.append(r.url))
    page.on("pageerror", lambda e: traffic.errors.append(f"pageerror: {e} {e.stack}"))
    page.on("console", lambda m: traffic.errors.append(f"{m.type}: {m.text}") if m.type == "error" else None)
    page.on("dialog", accept)
    try:
        finance = project / "data" / "2020" / "finance.yaml"
        page.goto(admin + "#/collections/data_2020/entries/finance_2020")
        fund = field(page, "中央下拨免费开放资金")
        expect(fund).to_have_value("18", timeout=30_000)

        # a figure changed: exactly its line, the checks pass, the preview shows it
        fund.fill("19.75")
        save(page)
        expect(page.get_by_text("修改已保存").first).to_be_visible(timeout=30_000)
        assert changed_lines(project) == [
            "-central_free_opening_fund: 18   # 中央下拨免费开放资金 / central government's free-opening fund",
            "+central_free_opening_fund: 19.75   # 中央下拨免费开放资金 / central government's free-opening fund"]
        assert check(project).returncode == 0
        shown = next(f for f in page.frames if f.url.startswith(preview + "2020/finance/"))
        expect(shown.locator("article")).to_contain_text("19.75", timeout=30_000)
        git(project, "commit", "-qam", "the fund")

        # "12%" in a figure: the message `make check` gives, and the file as it was
        fund = field(page, "中央下拨免费开放资金")
        untouched = finance.stat().st_mtime_ns
        fund.fill("12%")
        save(page)
        problems = page.locator("#report-problems pre")
        expect(problems).to_contain_text("central_free_opening_fund", timeout=30_000)
        assert git(project, "status", "--porcelain") == "" and finance.stat().st_mtime_ns == untouched   # never written
        elsewhere = shutil.copytree(project, project.parent / "typed-by-hand", ignore=shutil.ignore_patterns(".git", ".cache"))
        typed = elsewhere / finance.relative_to(project)   # the same mistake typed in a copy the preview does not watch
        typed.write_text(typed.read_text(encoding="utf-8").replace("19.75", "12%", 1), encoding="utf-8")
        told = check(elsewhere).stderr
        block = re.search(r"✗ data/2020/finance\.yaml:\d+.*?实际 / found:[^\n]*", told, re.S).group(0)
        assert block in problems.text_content()
        assert git(project, "status", "--porcelain") == ""

        # one word of an English chapter: that file only, that line only
        page.goto(admin + "#/collections/chapters_2020/entries/finance")
        page.reload()   # a fresh editor: the finance form is left with its refused 12%
        english = page.locator("[contenteditable=true]").nth(1)
        sentence = english.get_by_text(re.compile("the library spent")).first
        sentence.wait_for(timeout=30_000)
        sentence.click()
        word = page.evaluate("""() => {   // where the word "spent" of that sentence is on the screen
            const text = [...document.querySelectorAll("[data-slate-string]")]
                .find(e => e.textContent.includes("the library spent")).firstChild;
            const at = text.textContent.indexOf("the library spent") + "the library ".length;
            const range = document.createRange();
            range.setStart(text, at);
            range.setEnd(text, at + "spent".length);
            const box = range.getBoundingClientRect();
            return {x: box.x + box.width / 2, y: box.y + box.height / 2};
        }""")
        # a double click selects it, as staff select a word: Slate follows the mouse as it does a reader's
        page.mouse.dblclick(word["x"], word["y"])
        page.wait_for_function("() => getSelection().toString() === 'spent'")
        settle(page)
        page.keyboard.type("used")
        # and a sentence with a figure picked from the year's data names, at the end of that paragraph
        page.wait_for_function("""() => [...document.querySelectorAll("[data-slate-node=element]")]
            .some(e => e.textContent.includes("the library used"))""")
        page.evaluate("""() => {   // the caret at the end of that paragraph
            const paragraph = [...document.querySelectorAll("[data-slate-node=element]")]
                .find(e => e.textContent.includes("the library used"));
            const strings = paragraph.querySelectorAll("[data-slate-string]");
            const text = strings[strings.length - 1].firstChild;
            getSelection().collapse(text, text.textContent.length);
        }""")
        settle(page)
        page.keyboard.type(" The district budget was ")
        page.locator("#report-figures").select_option("{{ finance.budget.total | money }}")
        page.wait_for_timeout(200)
        page.keyboard.type(".")
        save(page)
        expect(page.get_by_text("修改已保存").first).to_be_visible(timeout=30_000)
        assert git(project, "diff", "--name-only").split() == ["docs/2020/finance.en.md"]
        assert [line[0] for line in changed_lines(project)] == ["-", "+"]
        removed, added = changed_lines(project)
        assert "the library spent {{" in removed and added == removed.replace("spent", "used", 1).replace("-", "+", 1) \
            + " The district budget was {{ finance.budget.total | money }}."
        assert check(project).returncode == 0

        # a new year, from the editor's own button, as `make new-year` makes it
        git(project, "commit", "-qam", "one sentence")
        with page.expect_event("load", timeout=60_000):   # the editor reloads with the new year's forms and chapters
            page.get_by_role("button", name=re.compile("新建年份")).click()
        expect(page.locator("#report-problems")).to_be_hidden()
        page.goto(admin + "#/collections/data_2021")
        page.reload()   # a fresh editor opened at the new year's forms
        expect(page.get_by_text("2021 年数据（草稿）/ 2021 data (draft)").first).to_be_visible(timeout=30_000)

        # the commit button commits data/ and docs/ with the message staff give
        page.get_by_role("button", name=re.compile("提交改动")).click()
        expect(page.locator("#report-status")).to_contain_text("开始 2021 年", timeout=30_000)
        assert git(project, "log", "-1", "--format=%s").strip() == "开始 2021 年 / start 2021"
        assert git(project, "status", "--porcelain") == ""
    finally:
        context.close()
    by_hand = copy_project(project.parent / "by-hand", "anju-2020")
    for name in ("data", "docs"):   # the same project as the editor's before the new year
        subprocess.run(["rm", "-rf", str(by_hand / name)], check=True)
        subprocess.run(["cp", "-r", str(project / name), str(by_hand / name)], check=True)
        subprocess.run(["rm", "-rf", str(by_hand / name / "2021")], check=True)
    subprocess.run([sys.executable, "-m", "macros", "new-year", "2021"], cwd=by_hand, check=True, capture_output=True)
    for made in sorted((by_hand / "data" / "2021").iterdir()) + sorted((by_hand / "docs" / "2021").iterdir()):
        twin = project / made.relative_to(by_hand)
        assert twin.read_text(encoding="utf-8") == made.read_text(encoding="utf-8"), twin
    assert "draft: true" in (project / "data" / "2021" / "report.yaml").read_text(encoding="utf-8")
    assert traffic.foreign() == [], traffic.foreign()
    # the one error the console shows is the refused save's: its 422 and Decap's report of it
    assert all("422" in e or "API_ERROR" in e and "central_free_opening_fund" in e for e in traffic.errors), traffic.errors
