"""The editing guide's references, generated so they never go stale: the macros and filters
chapters may call (from their docstrings), the tables and charts (from the registry) and
the fields of each data file (from schema.py), each in the guide's language."""
from __future__ import annotations

import inspect
from typing import Callable

from pydantic import BaseModel

from .languages import DEFAULT
from .schema import TOPICS, Library, Text, holds_list, model_inside
from .tables import TABLES


def _in(text: str, lang: str, separator: str) -> str:
    """The part of a bilingual text ("中文 / English", or two lines) in *lang*."""
    zh, _, en = text.partition(separator)
    return (zh if lang == DEFAULT else en or zh).strip()


def callables(functions: list[Callable], lang: str, filters: bool = False) -> list[tuple[str, str]]:
    """(call signature, what it does) of each macro or filter, from its docstring: its first line
    in Chinese, the rest in English. A filter's page and value (before the ``|``) are not shown."""
    out = []
    for fn in sorted(functions, key=lambda f: f.__name__):
        target = inspect.unwrap(fn)
        params = list(inspect.signature(target).parameters.values())
        params = params[2:] if filters else [p for p in params if p.name != "context"]
        shown = ", ".join(str(p) for p in params)
        name = fn.__name__
        signature = (f"value | {name}({shown})" if shown else f"value | {name}") if filters else f"{name}({shown})"
        out.append((signature, _in(inspect.cleandoc(target.__doc__ or ""), lang, "\n")))
    return out


def tables(lang: str) -> list[tuple[str, str, str]]:
    """(name, caption, download file) of every table and chart of the registry."""
    return [(entry.name, entry.caption[lang], f"{entry.file}.csv") for entry in TABLES]


def fields(model: type[BaseModel], lang: str, prefix: str = "") -> list[tuple[str, str, str]]:
    """(field path, kind, description) for every field of *model*, nested ones included."""
    out = []
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        inner, is_list = model_inside(info.annotation), holds_list(info.annotation)
        description = _in(info.description or "", lang, " / ")
        if inner is Text:
            out.append((path, "zh / en", description))
        elif inner is not None:
            out.append((path + ("[]" if is_list else ""), _kind_word("list" if is_list else "group", lang), description))
            out += fields(inner, lang, f"{path}{'[]' if is_list else ''}.")
        else:
            out.append((path, _kind(info.annotation, lang), description))
    return out


def data_files() -> dict[str, type[BaseModel]]:
    return {"data/library.yaml": Library, **{f"data/<year>/{t}.yaml": m for t, m in TOPICS.items()}}


_KINDS = {
    "list": {"zh": "列表", "en": "list"}, "group": {"zh": "一组字段", "en": "group"},
    "figures": {"zh": "数字", "en": "figures"}, "number": {"zh": "数字", "en": "number"},
    "whole number": {"zh": "整数", "en": "whole number"}, "date": {"zh": "日期", "en": "date"},
    "true/false": {"zh": "true 或 false", "en": "true/false"}, "text": {"zh": "文字", "en": "text"},
    "value": {"zh": "值", "en": "value"},
}


def _kind(annotation, lang: str) -> str:
    text = repr(annotation)
    for word, kind in (("dict", "figures"), ("Decimal", "number"), ("int", "whole number"),
                       ("date", "date"), ("bool", "true/false"), ("str", "text")):
        if word in text:
            return _kind_word(kind, lang)
    return _kind_word("value", lang)


def _kind_word(kind: str, lang: str) -> str:
    """A field's kind in the guide: staff read it in Chinese, or in English in every other edition
    (the guide's descriptions are Chinese and English by design, whatever the report's languages)."""
    return _KINDS[kind][lang if lang == DEFAULT else "en"]
