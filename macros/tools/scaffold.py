"""`make new-year YEAR=2021`: start next year's report from this year's shape.

Writes data/<year>/ with every field present and empty (category names and
item names carried over from the newest year, their figures blank), the
chapter pages from the archetypes in docs/templates/new-year/, and the year's
section in the mkdocs.yml navigation. The new year starts as a draft: it shows
in `make serve` and never in `make build` until staff set ``draft: false``.
"""
from __future__ import annotations

import re
import shutil
import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from ..core.pages import year_of
from ..core.schema import TOPICS, Chronicle, Text, model_inside
from ..core.validate import YEAR_DIR, load_site

ARCHETYPES = Path("docs/templates/new-year")
SCHEMA_DIR = "data/schema"
CARRIED_OVER = {"id", "label", "name", "college_or_above", "includes_central_fund"}


class ScaffoldError(Exception):
    pass


def new_year(root: Path, year: int) -> list[Path]:
    """Create the draft report for *year* under *root*; return the files written."""
    data_dir, docs_dir = root / "data" / str(year), root / "docs" / str(year)
    for folder in (data_dir, docs_dir):
        if folder.exists():
            raise ScaffoldError(f"{folder.relative_to(root)} 已经存在，未做任何改动 / already exists; nothing was changed")
    site = load_site(root / "data")
    source = site.years[max(site.years)]
    written: list[Path] = []
    data_dir.mkdir(parents=True)
    for topic, model in TOPICS.items():
        values = {"draft": True} if topic == "report" else _blank(source.topics[topic])
        if model is Chronicle:
            values = {"events": [_blank_model_dict(typing.get_args(model.model_fields["events"].annotation)[0])]}
        path = data_dir / f"{topic}.yaml"
        header = (f"# yaml-language-server: $schema=../schema/{topic}.schema.json\n"
                  f"# {year} 年 {topic}：请填写空白处。/ {year} {topic}: fill in the blanks.\n")
        path.write_text(header + emit(values, model), encoding="utf-8")
        written.append(path)
    docs_dir.mkdir(parents=True)
    for archetype in sorted((root / ARCHETYPES).glob("*.md")):
        target = docs_dir / archetype.name
        shutil.copyfile(archetype, target)
        written.append(target)
    mkdocs_yml = root / "mkdocs.yml"
    mkdocs_yml.write_text(add_nav_section(mkdocs_yml.read_text(encoding="utf-8"), year, source.year),
                          encoding="utf-8")
    written.append(mkdocs_yml)
    return written


# ------------------------------------------------------------ data

def _blank(model: BaseModel) -> dict:
    """The model's values with every figure, date and text emptied; names of categories kept."""
    out: dict[str, Any] = {}
    for name in type(model).model_fields:
        value = getattr(model, name)
        if name in CARRIED_OVER:
            out[name] = value.model_dump() if isinstance(value, BaseModel) else value
        elif isinstance(value, Text):
            out[name] = {"zh": None, "en": None}
        elif isinstance(value, BaseModel):
            out[name] = _blank(value)
        elif isinstance(value, list):
            out[name] = [_blank(v) if isinstance(v, BaseModel) else None for v in value]
        elif isinstance(value, dict):
            out[name] = {}
        else:
            out[name] = None
    return out


def _blank_model_dict(model: type[BaseModel]) -> dict:
    out: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        inner = model_inside(info.annotation)
        if inner is Text:
            out[name] = {"zh": None, "en": None}
        elif inner is not None:
            out[name] = _blank_model_dict(inner)
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


# ------------------------------------------------------------ navigation

def add_nav_section(config_text: str, year: int, like_year: int) -> str:
    """mkdocs.yml with a section for *year* shaped like *like_year*'s, placed newest first."""
    nav = _nav_of(config_text)
    section = next((entry for entry in nav if isinstance(entry, dict)
                    and any(year_of(str(p)) == like_year for p in _flatten(entry))), None)
    if section is None:
        raise ScaffoldError(f"mkdocs.yml 的 nav 中没有 {like_year} 年 / the nav has no {like_year} section")
    pages = [str(p).replace(f"{like_year}/", f"{year}/", 1) for p in _flatten(section)]
    block = f'  - "{year}":\n' + "".join(f"      - {p}\n" for p in pages)
    years = sorted({y for entry in nav for p in _flatten(entry) if (y := year_of(str(p)))}, reverse=True)
    before = next((y for y in years if y < year), None)
    lines = config_text.splitlines(keepends=True)
    if before is not None:
        at = next(i for i, line in enumerate(lines) if re.match(rf'^  - "?{before}"?:\s*$', line))
    else:  # older than every year shown: after the last year section
        last = min(years)
        at = next(i for i, line in enumerate(lines) if re.match(rf'^  - "?{last}"?:\s*$', line)) + 1
        while at < len(lines) and lines[at].startswith("      "):
            at += 1
    return "".join(lines[:at]) + block + "".join(lines[at:])


def _nav_of(config_text: str) -> list:
    class Loader(yaml.SafeLoader):
        pass
    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)  # !ENV and friends
    return yaml.load(config_text, Loader=Loader).get("nav") or []


def _flatten(entry) -> list:
    if isinstance(entry, str):
        return [entry]
    if isinstance(entry, dict):
        return [p for value in entry.values() for p in _flatten(value)]
    if isinstance(entry, list):
        return [p for item in entry for p in _flatten(item)]
    return []


def main(args: list[str]) -> int:
    import sys
    if not args or not YEAR_DIR.match(args[0]):
        print("用法 / usage: python -m macros new-year 2021", file=sys.stderr)
        return 2
    try:
        written = new_year(Path.cwd(), int(args[0]))
    except ScaffoldError as err:
        print(f"✗ {err}", file=sys.stderr)
        return 1
    for path in written:
        print(f"✓ {path.relative_to(Path.cwd())}")
    print(f"\n{args[0]} 年年报已创建为草稿：make serve 预览，make check 查看待填写项。\n"
          f"The {args[0]} report was created as a draft: preview with make serve, list what is left with make check.")
    return 0
