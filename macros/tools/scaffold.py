"""Starting a year, restoring a missing data file, owning a year's chapters.

- ``python -m macros new-year 2021`` (`make new-year YEAR=2021`): data/2021/ with every
  field of the newest year present and its figures blank (category and item names kept),
  and docs/2021/ from the newest year's own chapters, their text kept and marked for
  review, so that nothing is retyped. The new year is a draft until staff set
  ``draft: false``; the navigation finds it by itself.
- ``python -m macros restore 2021`` (`make restore YEAR=2021`): recreates the data files
  a year is missing, every field present and empty. Existing files are never touched.
- ``python -m macros own-chapters 2020`` (`make own-chapters YEAR=2020`): a year written
  when chapters shared one template (``{% include "chapters/finance.md" %}``) gets that
  text as its own, so that editing it changes no other year, and reads as `make new-year`
  would have made it: its loops written as listing(), no macro left in a title, and a year
  page that lists its chapters in order, with its key figures and downloads. new-year makes
  a legacy year's pages into the next year's the same way.

Each is all-or-nothing: it makes everything aside, in hidden temporary folders inside the
project (``data/.new-2021-….tmp``: no year, no page), and moves it into place at the end,
each move one rename on the same disk. A mistake found on the way (a missing shared
chapter, a page not saved as UTF-8), a full disk or Ctrl-C leaves the project as it was,
with the staff's message, so that running it again after the fix just works.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import signal
import shutil
import sys
import tempfile
import typing
from pathlib import Path
from typing import Any

import yaml
from jinja2 import TemplateSyntaxError
from pydantic import BaseModel

from ..core import chapters, languages, sandbox, tables
from ..core.chapter_errors import NotAllowed
from ..core.languages import CODES, DEFAULT
from ..core.load import inside, shown_path
from ..core.problems import DataError, Problem
from ..core.schema import TOPICS, Event, Text, holds_list, model_inside
from ..core.validate import load_site
from ..core.years import EXPECTED_EN, EXPECTED_ZH, is_year_name

STARTERS = Path("docs/templates/chapters")   # the first year's chapters, and old years' shared text
YEAR_PAGE = Path("docs/templates/year")      # a year's own page, for a year that has none listing its chapters
CARRIED_OVER = {"id", "label", "name", "college_or_above", "includes_central_fund", "slug"}
REVIEW = {
    "zh": "（待填写：本页文字沿用 {source} 年，请逐段核对、修改，完成后删去本段。）",
    "en": "(TODO: this page repeats the text of {source}; review every paragraph, then delete this note.)",
}
UNCHANGED = "未做任何改动 / nothing was changed"


class ScaffoldError(Exception):
    pass


def new_year(root: Path, year: int) -> list[Path]:
    """Create the draft report for *year* under *root*; return the files written."""
    _check_year(year)
    data_dir, docs_dir = root / "data" / str(year), root / "docs" / str(year)
    for folder in (data_dir, docs_dir):
        if folder.exists() or folder.is_symlink():
            raise ScaffoldError(f"{folder.relative_to(root)} 已经存在，{UNCHANGED}; it already exists")
    try:
        site = load_site(root / "data")
    except DataError as err:
        raise ScaffoldError("先改正现有数据中的问题 / fix the data first:\n" + err.report()) from None
    source = site.years[max(site.years)]
    pages = _own_pages(root, source.year, year)   # stops on a page it cannot read or make the year's own
    with _Staged() as staged:
        data = staged.folder(root / "data", f"new-{year}") / str(year)
        docs = staged.folder(root / "docs", f"new-{year}") / str(year)
        data.mkdir()
        docs.mkdir()
        for topic, model in TOPICS.items():
            values = {"draft": True} if topic == "report" else _blank(source.topic(topic))
            _write_topic(data / f"{topic}.yaml", topic, year, values, model)
        for page, text in pages.items():
            code = next((c for c in CODES if page.name.endswith(f".{c}.md")), DEFAULT)
            (docs / page.name).write_text(_marked(text, REVIEW[code].format(source=source.year)), encoding="utf-8")
        written = [data_dir / f"{topic}.yaml" for topic in TOPICS] + [docs_dir / page.name for page in pages]
        staged.place(data, data_dir)
        staged.place(docs, docs_dir)
    return written


def restore(root: Path, year: int) -> list[Path]:
    """Recreate the data files *year* is missing; return the files written."""
    _check_year(year)
    folder = root / "data" / str(year)
    if not folder.is_dir() or not inside(folder, root):
        raise ScaffoldError(f"data/{year}/ 不存在；新的一年请用 make new-year / data/{year}/ does not exist: "
                            "start a new year with make new-year")
    missing = [topic for topic in TOPICS if not (folder / f"{topic}.yaml").exists()
               and not (folder / f"{topic}.yaml").is_symlink()]
    with _Staged() as staged:
        made = staged.folder(root / "data", f"restore-{year}")
        for topic in missing:
            model = TOPICS[topic]
            values = {"draft": True} if topic == "report" else _blank_model(model)
            staged.place(_write_topic(made / f"{topic}.yaml", topic, year, values, model), folder / f"{topic}.yaml")
    return [folder / f"{topic}.yaml" for topic in missing]


def write_blank_year(folder: Path, year: int) -> list[Path]:
    """*folder* (a new year's data folder, made here) with every topic file present and blank, as
    `restore` makes them, and report.yaml saying ``draft: true``: a first year, with no year before
    it to carry names over from (`python -m macros new-library`)."""
    _check_year(year)
    folder.mkdir()
    return [_write_topic(folder / f"{topic}.yaml", topic, year,
                         {"draft": True} if topic == "report" else _blank_model(model), model)
            for topic, model in TOPICS.items()]


def own_chapters(root: Path, year: int) -> list[Path]:
    """Make docs/<year>/ read as `make new-year` would have made it: each shared-template include
    replaced by the template's text, each loop by listing(), a {{ year }} in a title by the year,
    and a year page without a chapters list by one like every year's (chapters in order, key figures,
    downloads, contents). Return the pages written."""
    _check_year(year)
    folder = root / "docs" / str(year)
    if not folder.is_dir() or not inside(folder, root):
        raise ScaffoldError(f"docs/{year}/ 不存在，{UNCHANGED}; docs/{year}/ does not exist")
    owned = {page: text for page, text in _own_pages(root, year, year).items()
             if not page.is_file() or text != chapters.read_chapter(page, root)}
    with _Staged() as staged:
        made = staged.folder(root / "docs", f"own-{year}")
        for page, text in owned.items():
            (made / page.name).write_text(text, encoding="utf-8")
            if page.is_file():
                shutil.copymode(page, made / page.name)
            staged.place(made / page.name, page, replace=True)
    return list(owned)


def _check_year(year: int) -> None:
    """The one rule of core/years.py, for every caller (the command line checks it before)."""
    if not is_year_name(str(year)):
        raise ScaffoldError(f"年份应为{EXPECTED_ZH}，实际是 {year}，{UNCHANGED} / "
                            f"the year must be {EXPECTED_EN}; found {year}")


# ------------------------------------------------------------ all or nothing

class _Staged:
    """What a tool makes, made aside in hidden temporary folders inside the project and moved
    into place when the block ends without error, each move one rename on the same disk. On
    an error, or Ctrl-C, the moves done are undone; the temporary folders always go."""

    def __init__(self):
        self.folders: list[Path] = []
        self.moves: list[tuple[Path, Path, bool]] = []   # (made, its place, replacing the file there)

    def folder(self, beside: Path, name: str) -> Path:
        """A new temporary folder in *beside*: hidden (no year, no page) and on the same disk."""
        made = Path(tempfile.mkdtemp(prefix=f".{name}-", suffix=".tmp", dir=beside))
        self.folders.append(made)
        return made

    def place(self, made: Path, target: Path, replace: bool = False) -> None:
        self.moves.append((made, target, replace))

    def __enter__(self) -> "_Staged":
        return self

    def __exit__(self, kind, error, trace) -> None:
        try:
            if kind is None:
                self._commit()
        finally:
            for folder in self.folders:
                shutil.rmtree(folder, ignore_errors=True)

    def _commit(self) -> None:
        done: list[tuple[Path, Path | None, Path | None]] = []   # (place, made, what was there before)
        try:
            for number, (made, target, replace) in enumerate(self.moves):
                kept = None
                if target.exists() or target.is_symlink():
                    if not replace:
                        raise ScaffoldError(f"{target} 已经存在，{UNCHANGED}; it already exists")
                    kept = self.folders[-1] / f"{number}.before"
                    os.rename(target, kept)
                done.append((target, None, kept))
                os.rename(made, target)
                done[-1] = (target, made, kept)
        except BaseException:
            for target, made, kept in reversed(done):
                if made is not None:
                    os.rename(target, made)
                if kept is not None:
                    os.rename(kept, target)
            raise


# ------------------------------------------------------------ chapters

def _own_pages(root: Path, year: int, target: int) -> dict[Path, str]:
    """Each page of docs/<year>/ (and any it lacks) as *target*'s own text: what the chapters'
    sandbox accepts, in the order and shape every year has. DataError with every page that cannot be
    read, every include that finds no template and everything that cannot be made so."""
    folder = root / "docs" / str(year)
    pages: dict[Path, str] = {}
    problems: list[Problem] = []
    for page in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        shown = shown_path(page, root)
        try:
            text = chapters.read_chapter(page, root)
        except DataError as err:
            problems += err.problems
            continue
        text = _with_year_in_titles(_loops_as_listings(_owned(text, shown, root, problems), shown, problems),
                                    target, shown, problems)
        pages[page] = text
        _still_refused(text, shown, problems)
    if not problems:
        pages.update(_year_page(root, year, pages, problems))
    if problems:
        raise DataError(problems)
    return pages


def _owned(text: str, shown: str, root: Path, problems: list[Problem]) -> str:
    """*text* with each shared-template include replaced by the template's text; an include whose
    template is missing or unreadable adds to *problems*, named at the page's line."""
    def inline(match: re.Match) -> str:
        template = root / STARTERS / match.group(1)
        line = text.count("\n", 0, match.start()) + 1
        if not template.is_file():
            problems.append(Problem(shown, line, None,
                                    f"{STARTERS.as_posix()}/ 中已有的共用章节（或删去这一行，写上本年自己的文字）",
                                    f"a shared chapter in {STARTERS.as_posix()}/ (or delete the line and write "
                                    "the year's own text)",
                                    f"没有这个共用章节 / no such shared chapter: {STARTERS.as_posix()}/{match.group(1)}"))
            return match.group()
        try:
            return chapters.read_chapter(template, root).rstrip("\n")
        except DataError as err:
            problems.extend(err.problems)
            return match.group()
    return chapters.LEGACY_INCLUDE.sub(inline, text)


_LOOP = re.compile(r"\{%-?\s*for\s+\w+\s+in\s+([\w.]+)\s*-?%\}.*?\{%-?\s*endfor\s*-?%\}", re.S)
_YEAR = re.compile(r"\{\{-?\s*year\s*-?\}\}")


def _loops_as_listings(text: str, shown: str, problems: list[Problem]) -> str:
    """*text* with each loop over a list the table registry knows written as its listing(), as the
    chapters of every year since write it: {% for kind in activities.by_kind %}…{% endfor %} ->
    {{ listing("activities") }}. A loop over anything else adds to *problems*, at its line."""
    listed = {entry.items: entry.name for entry in tables.TABLES if isinstance(entry, tables.Breakdown)}

    def listing(match: re.Match) -> str:
        name = listed.get(match.group(1))
        if name is not None:
            return f'{{{{ listing("{name}") }}}}'
        known_zh = "、".join(f'{path}（listing("{n}")）' for path, n in listed.items())
        known_en = ", ".join(f'{path} (listing("{n}"))' for path, n in listed.items())
        problems.append(Problem(shown, text.count("\n", 0, match.start()) + 1, None,
                                "能用 listing() 列出的列表之一：" + known_zh + "；或把这一段改写为逐项引用",
                                "one of the lists listing() writes out: " + known_en + "; or rewrite the passage "
                                "quoting each item", f"不能自动改写的循环 / a loop that cannot be rewritten: "
                                f"{{% for … in {match.group(1)} %}}"))
        return match.group()
    return _LOOP.sub(listing, text)


def _with_year_in_titles(text: str, year: int, shown: str, problems: list[Problem]) -> str:
    """*text* with {{ year }} in its front matter written as *year*: front matter is never rendered,
    so the browser's title would show the braces. Any other macro there adds to *problems*."""
    _, body, _ = chapters.split_front_matter(text)
    head = _YEAR.sub(str(year), text[: len(text) - len(body)])
    left = re.search(r"\{\{|\{%", head)
    if left:
        problems.append(Problem(shown, head.count("\n", 0, left.start()) + 1, None,
                                "页面开头的设置（--- 之间）只写文字，不写宏", "plain text in the settings between the "
                                "--- lines, no macros", "设置中的宏 / a macro in the settings"))
    return head + body


def _still_refused(text: str, shown: str, problems: list[Problem]) -> None:
    """What the chapters' sandbox would refuse in *text* (core/sandbox.py), told at its line."""
    try:
        sandbox.check(text, frozenset())   # the shape only: which macros a page calls is told when it renders
    except NotAllowed as refused:
        if refused.legacy_include:
            return   # a shared chapter that is missing, told by _owned already
        problems.append(Problem(shown, refused.lineno, None,
                                "章节中只写文字、数据、宏和过滤器：请把这一处改写（列出各项用 listing）",
                                "only text, data, macros and filters in a chapter: rewrite this (listing() "
                                "writes out a list's items)", f"不能自动改写 / cannot be rewritten: {refused.construct}"))
    except TemplateSyntaxError as wrong:
        problems.append(Problem(shown, wrong.lineno, None, "宏的正确写法：{{ … }} 和 {% … %} 成对",
                                "a macro written right: {{ … }} and {% … %} closed",
                                f"写法有误 / not understood: {wrong.message}"))


def _year_page(root: Path, year: int, pages: dict[Path, str], problems: list[Problem]) -> dict[Path, str]:
    """The year's own page in every language, when its index.md lists no chapters (as years
    written with the shared templates had it): that of the newest year whose index lists its
    chapters (the page `make new-year` copies), or else docs/templates/year/, with this year's
    chapters in that year's order (any other after them, by name). What the old page said besides
    its heading and contents is kept under the heading."""
    index = root / "docs" / str(year) / "index.md"
    old = chapters.split_front_matter(pages.get(index, ""))[0]
    if isinstance(old.get("chapters"), list):
        return {}
    source = _year_page_source(root, year)
    if source is None:
        problems.append(Problem(f"{YEAR_PAGE.as_posix()}/index.md", None, None,
                                "年份首页的模板（或另一年列出章节的 index.md）", "the year page's template (or "
                                "another year's index.md that lists its chapters)", "文件不存在 / the file is missing"))
        return {}
    meta, body, _ = chapters.split_front_matter(chapters.read_chapter(source / "index.md", root))
    present = [p.name for p in sorted(pages) if p.name != "index.md" and not re.search(r"\.[a-z]{2}\.md$", p.name)]
    order = [n for n in meta.get("chapters") or [] if n in present]
    order += [n for n in present if n not in order]
    out = {}
    for code in CODES:
        page, model = chapters.twin(index, code), chapters.twin(source / "index.md", code)
        if not model.is_file():
            continue
        text = chapters.read_chapter(model, root)
        if code == DEFAULT:
            kept = {k: v for k, v in (meta | old).items() if k not in ("title", "chapters")}   # the year's own first
            text = "---\nchapters:\n" + "".join(f"  - {n}\n" for n in order) \
                + (yaml.safe_dump(kept, allow_unicode=True, sort_keys=False) if kept else "") + "---\n\n" + body
        out[page] = _with_old_words(text, pages.get(page, ""))
    return out


def _year_page_source(root: Path, year: int) -> Path | None:
    """The folder whose index.md a year page is made from (see _year_page)."""
    for folder in chapters.year_folders(root / "docs")[::-1]:
        index = folder / "index.md"
        if folder.name != str(year) and index.is_file():
            try:
                if isinstance(chapters.front_matter(index, root).get("chapters"), list):
                    return folder
            except DataError:
                continue
    return root / YEAR_PAGE if (root / YEAR_PAGE / "index.md").is_file() else None


# What every year page of the shared templates said: the rest is the year's own words.
_OLD_YEAR_PAGE = re.compile(r"^\s*(#\s*\{\{\s*report_title\(\)\s*\}\}|\{\{\s*contents\(\)\s*\}\})\s*$")


def _with_old_words(text: str, old: str) -> str:
    """*text*, a new year page, with what *old* said besides its title and contents under its heading."""
    _, body, _ = chapters.split_front_matter(old)
    words = "\n".join(line for line in body.splitlines() if not _OLD_YEAR_PAGE.match(line)).strip()
    return _marked(text, words) if words else text


def _marked(text: str, note: str) -> str:
    """*text* with *note* as the first paragraph after its first heading (or at the top)."""
    meta, body, _ = chapters.split_front_matter(text)
    head = text[: len(text) - len(body)]
    match = re.search(r"^# .*\n", body, re.M)
    at = match.end() if match else 0
    return head + body[:at] + ("\n" if at else "") + note + "\n\n" + body[at:].lstrip("\n")


# ------------------------------------------------------------ data

def _write_topic(path: Path, topic: str, year: int, values: dict, model) -> Path:
    header = (f"# yaml-language-server: $schema=../schema/{topic}.schema.json\n"
              f"# {year} 年 {topic}：请填写空白处；标有“可省略”的部分，本年没有时整段删去。\n"
              f"# {year} {topic}: fill in the blanks; delete a part marked optional if the year has none.\n")
    example = _event_example(year) if values.get("events") == [] else ""
    path.write_text(header + emit(values, model) + example, encoding="utf-8")
    return path


def _event_example(year: int) -> str:
    """One event, commented out, under a year's empty chronicle: every field an event has, with
    what it is, to copy for each of the year's own events (none is carried over from last year)."""
    event = {"date": dt.date(year, 6, 1), "end": dt.date(year, 6, 3),
             "title": {"zh": "六一儿童节绘本展", "en": "Picture-book exhibition for Children's Day"},
             "place": {"zh": "亲子阅览室", "en": "Parent–Child Reading Room"},
             "description": {"zh": "{date}，在亲子阅览室举办绘本展，共展出绘本 {books} 册。",
                             "en": "From {date}, a picture-book exhibition in the Parent–Child Reading Room "
                                   "showed {books} books."},
             "figures": {"books": 120}}
    lines = emit({"events": [event]}, TOPICS["chronicle"]).splitlines()[1:]
    return ("#\n# 添加大事记：把上面的 events: [] 改为 events:，再按日期先后在它下面写每一件事，格式如下例\n"
            "# （去掉每行开头的 #）。需要配图时再加 photo:（docs/ 下的图片路径）和 photo_alt:（图片的文字说明）。\n"
            "# To add the year's events: change events: [] above to events:, then write each event under it in\n"
            "# date order, as in this example (without the # at each line's start). For a photo, add photo: (its\n"
            "# path under docs/) and photo_alt: (its text alternative).\n#\n"
            + "".join(f"#{line}\n" for line in lines))


def _blank(model: BaseModel) -> dict:
    """The model's values with every figure, date and text emptied; names of categories kept."""
    out: dict[str, Any] = {}
    for name in type(model).model_fields:
        value = getattr(model, name)
        if value is None:
            continue  # an optional part last year did not have
        if name in CARRIED_OVER:
            out[name] = value.model_dump() if isinstance(value, BaseModel) else value
        elif isinstance(value, Text):
            out[name] = {"zh": None, "en": None}
        elif isinstance(value, BaseModel):
            out[name] = _blank(value)
        elif isinstance(value, list) and model_inside(type(model).model_fields[name].annotation) is Event:
            out[name] = []   # a year's events are its own: none is carried over (see _event_example)
        elif isinstance(value, list):
            out[name] = [_blank(v) if isinstance(v, BaseModel) else None for v in value]
        elif isinstance(value, dict):
            out[name] = {}
        else:
            out[name] = None
    return out


def _blank_model(model: type[BaseModel]) -> dict:
    """Every field of *model*, empty: what a year with nothing known yet looks like (a part
    the year turns out not to have is deleted by staff, as the file's header says)."""
    out: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if name in ("photo", "photo_alt", "end", "figures"):
            continue  # an event's extras are added when an event has them
        inner = model_inside(info.annotation)
        if inner is Text:
            out[name] = {"zh": None, "en": None}
        elif inner is Event:
            out[name] = []   # the chronicle starts empty, with an example (see _event_example)
        elif inner is not None and holds_list(info.annotation):
            out[name] = [_blank_model(inner)]
        elif inner is not None:
            out[name] = _blank_model(inner)
        elif typing.get_origin(info.annotation) is dict:
            out[name] = {}
        else:
            out[name] = None
    return out


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return " true" if value else " false"
    # one line, however long: a text folded onto a second line would not be indented under its key
    return " " + yaml.safe_dump(value, allow_unicode=True, default_flow_style=True,
                                width=float("inf")).strip().removesuffix("...").strip()


def emit(values: Any, model: type[BaseModel] | None, indent: int = 0) -> str:
    """YAML for *values*, each field followed by its description from the schema as a comment."""
    pad = " " * indent
    lines: list[str] = []
    for key, value in values.items():
        info = model.model_fields.get(key) if model is not None else None
        comment = f"  # {info.description}" if info is not None and info.description and model is not Text else ""
        inner = model_inside(info.annotation) if info is not None else None
        if isinstance(value, dict) and value:
            lines.append(f"{pad}{key}:{comment}")
            lines.append(emit(value, inner, indent + 2).rstrip("\n"))
        elif isinstance(value, dict):
            lines.append(f"{pad}{key}: {{}}{comment}")
        elif isinstance(value, list) and not value:
            lines.append(f"{pad}{key}: []{comment}")
        elif isinstance(value, list):
            lines.append(f"{pad}{key}:{comment}")
            for item in value:
                body = emit(item, inner, indent + 4).rstrip("\n").split("\n")
                lines.append(f"{pad}  - " + body[0].lstrip())
                lines.extend(body[1:])
        else:
            lines.append(f"{pad}{key}:{_scalar(value)}{comment}")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------ command lines

def _interrupted(signum, frame):
    raise KeyboardInterrupt   # a stop (kill, a closed terminal) undoes what is half done, as Ctrl-C does


def _run(args: list[str], command: str, action, done_zh: str, done_en: str) -> int:
    """Run *action* for the year in *args*: `python -m macros` has checked that it names one."""
    year = int(args[0])
    root = Path.cwd()
    languages.configure(root)   # the project's declared languages
    for stop in ("SIGTERM", "SIGHUP"):   # SIGHUP: a closed terminal (not on Windows)
        if hasattr(signal, stop):
            signal.signal(getattr(signal, stop), _interrupted)
    try:
        written = action(root, year)
    except ScaffoldError as err:
        print(f"✗ {err}", file=sys.stderr)
        return 1
    except DataError as err:
        print("\n".join(p.render() for p in err.problems), file=sys.stderr)
        print(f"\n✗ {command} {year} 未完成，未做任何改动；请按上面的提示修改后重新运行。\n"
              "  It did not finish and nothing was changed: fix the files above and run it again.", file=sys.stderr)
        return 1
    except OSError as err:
        where = shown_path(Path(err.filename), root) if err.filename else ""
        print(f"✗ {command} {year}：无法写入 / could not write {where}: {err.strerror}；{UNCHANGED}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"\n✗ {command} {year}：已中断，{UNCHANGED} / interrupted", file=sys.stderr)
        return 130
    for path in written:
        print(f"✓ {shown_path(path, root)}")
    print("\n" + done_zh.format(year=year, count=len(written)) + "\n" + done_en.format(year=year, count=len(written)))
    return 0


def main(args: list[str]) -> int:
    return _run(args, "new-year", new_year,
                "{year} 年年报已创建为草稿：make serve 预览，make check 查看待填写项。",
                "The {year} report was created as a draft: preview with make serve, list what is left with make check.")


def restore_main(args: list[str]) -> int:
    return _run(args, "restore", restore, "已重新生成 {count} 个数据文件（字段齐全、数字空白）。",
                "{count} data file(s) recreated, every field present and empty.")


def own_chapters_main(args: list[str]) -> int:
    return _run(args, "own-chapters", own_chapters, "{year} 年的 {count} 个页面现在有了自己的文字。",
                "{count} page(s) of {year} now have their own text.")
