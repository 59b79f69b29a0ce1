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
  text as its own, so that editing it changes no other year.

Each is all-or-nothing: it makes everything aside, in hidden temporary folders inside the
project (``data/.new-2021-….tmp``: no year, no page), and moves it into place at the end,
each move one rename on the same disk. A mistake found on the way (a missing shared
chapter, a page not saved as UTF-8), a full disk or Ctrl-C leaves the project as it was,
with the staff's message, so that running it again after the fix just works.
"""
from __future__ import annotations

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
from pydantic import BaseModel

from ..core import chapters
from ..core.languages import CODES, DEFAULT
from ..core.load import inside, shown_path
from ..core.problems import DataError, Problem
from ..core.schema import TOPICS, Text, holds_list, model_inside
from ..core.validate import load_site
from ..core.years import EXPECTED_EN, EXPECTED_ZH, is_year_name

STARTERS = Path("docs/templates/chapters")   # the first year's chapters, and old years' shared text
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
    pages = {page.name: text for page, (_, text) in _pages(root, source.year).items()}   # stops on a page it cannot read
    with _Staged() as staged:
        data = staged.folder(root / "data", f"new-{year}") / str(year)
        docs = staged.folder(root / "docs", f"new-{year}") / str(year)
        data.mkdir()
        docs.mkdir()
        for topic, model in TOPICS.items():
            values = {"draft": True} if topic == "report" else _blank(source.topic(topic))
            _write_topic(data / f"{topic}.yaml", topic, year, values, model)
        for name, text in pages.items():
            code = next((c for c in CODES if name.endswith(f".{c}.md")), DEFAULT)
            (docs / name).write_text(_marked(text, REVIEW[code].format(source=source.year)), encoding="utf-8")
        written = [data_dir / f"{topic}.yaml" for topic in TOPICS] + [docs_dir / name for name in pages]
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


def own_chapters(root: Path, year: int) -> list[Path]:
    """Replace each shared-template include in docs/<year>/ with the template's text."""
    _check_year(year)
    folder = root / "docs" / str(year)
    if not folder.is_dir() or not inside(folder, root):
        raise ScaffoldError(f"docs/{year}/ 不存在，{UNCHANGED}; docs/{year}/ does not exist")
    owned = {page: text for page, (before, text) in _pages(root, year).items() if text != before}
    with _Staged() as staged:
        made = staged.folder(root / "docs", f"own-{year}")
        for page, text in owned.items():
            (made / page.name).write_text(text, encoding="utf-8")
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

def _pages(root: Path, year: int) -> dict[Path, tuple[str, str]]:
    """Each page of docs/<year>/: (its text, its text with the shared templates made its own).
    DataError with every page that cannot be read and every include that finds no template."""
    folder = root / "docs" / str(year)
    pages: dict[Path, tuple[str, str]] = {}
    problems: list[Problem] = []
    for page in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        try:
            text = chapters.read_chapter(page, root)
        except DataError as err:
            problems += err.problems
            continue
        pages[page] = (text, _owned(text, shown_path(page, root), root, problems))
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
    path.write_text(header + emit(values, model), encoding="utf-8")
    return path


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
        elif isinstance(value, list):
            out[name] = [_blank(v) if isinstance(v, BaseModel) else None for v in value]
            if not out[name] and name == "events":
                out[name] = [_blank_model(model_inside(type(model).model_fields[name].annotation))]
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
    return " " + yaml.safe_dump(value, allow_unicode=True, default_flow_style=True).strip().removesuffix("...").strip()


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
