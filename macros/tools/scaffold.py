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
"""
from __future__ import annotations

import re
import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from ..core import chapters
from ..core.languages import CODES, DEFAULT
from ..core.problems import DataError
from ..core.schema import TOPICS, Text, holds_list, model_inside
from ..core.validate import YEAR_DIR, load_site

STARTERS = Path("docs/templates/chapters")   # the first year's chapters, and old years' shared text
CARRIED_OVER = {"id", "label", "name", "college_or_above", "includes_central_fund", "slug"}
REVIEW = {
    "zh": "（待填写：本页文字沿用 {source} 年，请逐段核对、修改，完成后删去本段。）",
    "en": "(TODO: this page repeats the text of {source}; review every paragraph, then delete this note.)",
}


class ScaffoldError(Exception):
    pass


def new_year(root: Path, year: int) -> list[Path]:
    """Create the draft report for *year* under *root*; return the files written."""
    data_dir, docs_dir = root / "data" / str(year), root / "docs" / str(year)
    for folder in (data_dir, docs_dir):
        if folder.exists():
            raise ScaffoldError(f"{folder.relative_to(root)} 已经存在，未做任何改动 / already exists; nothing was changed")
    try:
        site = load_site(root / "data")
    except DataError as err:
        raise ScaffoldError("先改正现有数据中的问题 / fix the data first:\n" + err.report()) from None
    source = site.years[max(site.years)]
    written: list[Path] = []
    data_dir.mkdir(parents=True)
    for topic, model in TOPICS.items():
        values = {"draft": True} if topic == "report" else _blank(source.topic(topic))
        written.append(_write_topic(data_dir / f"{topic}.yaml", topic, year, values, model))
    written += _copy_chapters(root, year, source.year)
    return written


def restore(root: Path, year: int) -> list[Path]:
    """Recreate the data files *year* is missing; return the files written."""
    folder = root / "data" / str(year)
    if not folder.is_dir():
        raise ScaffoldError(f"data/{year}/ 不存在；新的一年请用 make new-year / data/{year}/ does not exist: "
                            "start a new year with make new-year")
    written = []
    for topic, model in TOPICS.items():
        path = folder / f"{topic}.yaml"
        if path.exists() or path.is_symlink():
            continue
        values = {"draft": True} if topic == "report" else _blank_model(model)
        written.append(_write_topic(path, topic, year, values, model))
    return written


def own_chapters(root: Path, year: int) -> list[Path]:
    """Replace each shared-template include in docs/<year>/ with the template's text."""
    written = []
    for page in sorted((root / "docs" / str(year)).glob("*.md")):
        text = page.read_text(encoding="utf-8")
        def inline(match):
            return (root / STARTERS / match.group(1)).read_text(encoding="utf-8").rstrip("\n")
        owned = chapters.LEGACY_INCLUDE.sub(inline, text)
        if owned != text:
            page.write_text(owned, encoding="utf-8")
            written.append(page)
    return written


# ------------------------------------------------------------ chapters

def _copy_chapters(root: Path, year: int, source_year: int) -> list[Path]:
    source = root / "docs" / str(source_year)
    target = root / "docs" / str(year)
    target.mkdir(parents=True)
    written = []
    pages = sorted(source.glob("*.md")) if source.is_dir() else []
    for page in pages:
        text = chapters.LEGACY_INCLUDE.sub(
            lambda m: (root / STARTERS / m.group(1)).read_text(encoding="utf-8").rstrip("\n"),
            page.read_text(encoding="utf-8"))
        code = next((c for c in CODES if page.name.endswith(f".{c}.md")), DEFAULT)
        (target / page.name).write_text(_marked(text, REVIEW[code].format(source=source_year)), encoding="utf-8")
        written.append(target / page.name)
    return written


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

def _year_argument(args: list[str], command: str) -> int | None:
    import sys
    if not args or not YEAR_DIR.match(args[0]):
        print(f"用法 / usage: python -m macros {command} 2021", file=sys.stderr)
        return None
    return int(args[0])


def _run(args: list[str], command: str, action, done_zh: str, done_en: str) -> int:
    import sys
    year = _year_argument(args, command)
    if year is None:
        return 2
    try:
        written = action(Path.cwd(), year)
    except ScaffoldError as err:
        print(f"✗ {err}", file=sys.stderr)
        return 1
    for path in written:
        print(f"✓ {path.relative_to(Path.cwd())}")
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

