"""The editor's configuration, derived from the data model (core/schema.py), never written by hand.

One form per data file: data/library.yaml, and data/<year>/<topic>.yaml for each year found. A
field's label is the Chinese of its schema description, the English is its hint; a figure is the
``figure`` widget (admin/editor.js) with its kind's range and how to type it (schema.QUANTITIES);
a text in the report's languages is a pair of fields; a list of items is a list; a part the
schema lets a year lack (the closure, the central fund) is optional: emptied whole, the writer
takes it out of the file (yamlpatch.py). Nothing is required in the form: the project's own
checks (`make check`) decide, after each save, and their message is what staff see.

Chapters: docs/<year>/<page>.md and its English twin <page>.en.md, edited side by side. Decap's
i18n names both files with their language (<page>.zh.md); the local backend (server.py) reads
and writes the Chinese one under its real name, <page>.md.
"""
from __future__ import annotations

import re
import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from ...core import schema
from ...core.languages import CODES, DEFAULT, LANGUAGES
from ...core.years import is_year_name

# The form's headings: a topic file as staff know it. The English is the hint.
TOPIC_LABELS = {
    "report": ("发布状态", "publishing state"),
    "profile": ("基本情况", "the library in figures"),
    "staff": ("机构与人员", "organisation and staff"),
    "finance": ("经费情况", "finance"),
    "statistics": ("业务数据", "service statistics"),
    "activities": ("读者活动", "reader activities"),
    "chronicle": ("大事记", "chronicle"),
}
# The report's languages as the project declares them (languages.yaml, read by languages.configure):
# the original's chapter is x.md, each other's x.<code>.md.
DEFAULT_LOCALE = DEFAULT
LOCALES = CODES


def label_and_hint(description: str | None, name: str) -> tuple[str, str]:
    """'馆名 / the library's name' -> ('馆名', 'the library's name')."""
    parts = re.split(r"\s*/\s+", description or name, maxsplit=1)
    zh, en = (parts + [""])[:2]
    return zh.strip(), en.strip()


def _quantity(annotation: Any) -> schema.Quantity | None:
    """The kind of figure an annotation holds (Count, Money …), through Optional and Annotated: its
    BeforeValidator is the Quantity's own check."""
    for meta in getattr(annotation, "__metadata__", ()):
        func = getattr(meta, "func", None)
        owner = getattr(func, "__self__", None)
        if isinstance(owner, schema.Quantity):
            return owner
    return next((q for arg in typing.get_args(annotation) if (q := _quantity(arg))), None)


def _pattern(annotation: Any) -> str | None:
    for meta in getattr(annotation, "__metadata__", ()):
        for inner in getattr(meta, "metadata", ()) or ():
            if getattr(inner, "pattern", None):
                return inner.pattern
        if getattr(meta, "pattern", None):
            return meta.pattern
    return next((p for arg in typing.get_args(annotation) if (p := _pattern(arg))), None)


def _is_date(annotation: Any) -> bool:
    import datetime as dt
    if annotation is dt.date:
        return True
    if any(getattr(m, "json_schema", {}).get("pattern", "").startswith(r"^\d{4}") for m in
           getattr(annotation, "__metadata__", ())):
        return True
    return any(_is_date(arg) for arg in typing.get_args(annotation))


def _is_bool(annotation: Any) -> bool:
    if annotation is bool:
        return True
    return any(_is_bool(arg) for arg in typing.get_args(annotation) if arg is not type(None))


def _is_mapping(annotation: Any) -> bool:
    if typing.get_origin(annotation) is dict:
        return True
    return any(_is_mapping(arg) for arg in typing.get_args(annotation) if arg is not type(None))


def field_widget(name: str, info, required_model: bool = True) -> dict | None:
    """The editor's field for one schema field, or None for one the form cannot show (a free map)."""
    zh, en = label_and_hint(info.description, name)
    annotation = info.annotation
    entry: dict[str, Any] = {"name": name, "label": zh, "required": False}
    hint = en
    model = schema.model_inside(annotation)
    if model is schema.Text:
        entry.update(widget="object", collapsed=False, fields=text_fields())
    elif model is not None and schema.holds_list(annotation):
        entry.update(widget="list", collapsed=True, fields=model_fields(model),
                     summary="{{fields.id}} {{fields.name.zh}}{{fields.label.zh}}{{fields.title.zh}}{{fields.date}}")
        if "id" in model.model_fields:
            entry["summary"] = "{{fields.id}}"
    elif model is not None:
        entry.update(widget="object", collapsed=False, fields=model_fields(model))
        if not info.is_required() or info.default is None:
            hint = f"{en} — 可整体删除：清空其中每一项 / optional: empty every field to take it out"
    elif (quantity := _quantity(annotation)) is not None:
        entry.update(widget="figure", min=quantity.lowest, max=quantity.highest, whole=quantity.whole,
                     quantity=quantity.name)
        hint = f"{en} — {quantity.zh} / {quantity.en}"
    elif _is_bool(annotation):
        entry.update(widget="boolean")
    elif _is_date(annotation):
        entry.update(widget="string")
        hint = f"{en}（YYYY-MM-DD）"
    elif _is_mapping(annotation):
        return None   # Event.figures: names of the account's own choosing; edited in the file
    else:
        entry.update(widget="string")
        pattern = _pattern(annotation)
        if pattern in schema.PATTERNS:
            hint = f"{en} — {schema.PATTERNS[pattern][0]} / {schema.PATTERNS[pattern][1]}"
    entry["hint"] = hint
    return entry


def text_fields() -> list[dict]:
    """A text of the data ({zh: …, en: …}): a line for each declared language, named in itself."""
    return [{"name": code, "label": LANGUAGES[code].name, "widget": "string", "required": False} for code in LOCALES]


def model_fields(model: type[BaseModel]) -> list[dict]:
    """The form of a model: its fields in their order (the files' order), computed ones left out."""
    fields = [field_widget(name, info) for name, info in model.model_fields.items()]
    return [f for f in fields if f is not None]


def years(root: Path) -> list[int]:
    data = root / "data"
    return sorted(int(p.name) for p in data.iterdir() if p.is_dir() and is_year_name(p.name)) if data.is_dir() else []


def is_draft(root: Path, year: int) -> bool:
    """Whether *year* is a draft, as its report.yaml says (read as text: the form must open even
    when the file does not pass the checks, so that staff can fix it there)."""
    try:
        return bool((yaml.safe_load((root / "data" / str(year) / "report.yaml").read_text(encoding="utf-8"))
                     or {}).get("draft"))
    except (OSError, yaml.YAMLError, AttributeError):
        return False


def _label(year: int, root: Path, zh: str, en: str) -> str:
    """'2021 年数据（草稿）/ 2021 data (draft)': a draft marked, in the house's spacing."""
    if is_draft(root, year):
        return f"{year} 年{zh}（草稿）/ {year} {en} (draft)"
    return f"{year} 年{zh} / {year} {en}"


def chapter_years(root: Path) -> list[int]:
    docs = root / "docs"
    return sorted(int(p.name) for p in docs.iterdir() if p.is_dir() and is_year_name(p.name)) if docs.is_dir() else []


def build(root: Path, api: str, topics: dict[str, type[BaseModel]] | None = None,
          library: type[BaseModel] = schema.Library) -> dict:
    """The whole configuration for the project at *root*, its local backend at *api*; the data model
    is the schema's (tests hand in a model of their own)."""
    topics = schema.TOPICS if topics is None else topics
    collections: list[dict] = [{
        "name": "library", "label": "图书馆 / library", "editor": {"preview": False},
        "files": [{"name": "library", "label": "馆名、地址和联系方式 / name, address and contact",
                   "file": "data/library.yaml", "fields": model_fields(library)}],
    }]
    for year in reversed(years(root)):
        collections.append({
            "name": f"data_{year}", "label": _label(year, root, "数据", "data"),
            "files": [{"name": f"{topic}_{year}", "label": " / ".join(TOPIC_LABELS.get(topic, (topic,))),
                       "file": f"data/{year}/{topic}.yaml", "fields": model_fields(model)}
                      for topic, model in topics.items()],
        })
    for year in reversed(chapter_years(root)):
        collections.append({
            "name": f"chapters_{year}", "label": _label(year, root, "章节", "chapters"),
            "folder": f"docs/{year}", "extension": "md", "format": "frontmatter",
            "create": False, "delete": False, "i18n": True,
            "identifier_field": "body", "summary": "{{filename}}",
            "fields": [{"name": "title", "label": "标题 / title", "widget": "string", "required": False,
                        "i18n": True, "hint": "导航和浏览器标签页中的标题 / the title in the navigation and the browser tab"},
                       {"name": "body", "label": "正文 / text", "widget": "markdown", "modes": ["raw"],
                        "i18n": True, "hint": "宏 {{ … }} 保持原样 / macros stay as written"}],
        })
    return {
        "backend": {"name": "proxy", "proxy_url": api, "branch": "main"},
        "local_backend": False,
        "locale": "zh_Hans",
        "publish_mode": "simple",
        "media_folder": "docs",
        "public_folder": "",
        "i18n": {"structure": "multiple_files", "locales": list(LOCALES), "default_locale": DEFAULT_LOCALE},
        "site_url": "",
        "collections": collections,
    }
