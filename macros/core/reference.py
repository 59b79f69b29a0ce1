"""The editing guide's references, generated so they never go stale:
the macros and filters chapters may call (from their docstrings) and the
fields of each data file (from schema.py)."""
from __future__ import annotations

import inspect
import typing
from typing import Callable

from pydantic import BaseModel

from .schema import TOPICS, Library, Text, model_inside


def callables(functions: dict[str, Callable], module: str = "macros",
              filters: bool = False) -> list[tuple[str, str]]:
    """(call signature, docstring) of the project's own macros or filters, by name.
    A filter's first parameter is the value before the ``|``, so it is left out."""
    out = []
    for name, fn in sorted(functions.items()):
        if getattr(fn, "__module__", None) != module:
            continue  # mkdocs-macros' built-ins
        target = inspect.unwrap(fn)
        params = list(inspect.signature(target).parameters.values())[1 if filters else 0:]
        signature = f"{name}({', '.join(str(p) for p in params)})" if params or not filters else name
        out.append((signature, inspect.cleandoc(target.__doc__ or "")))
    return out


def fields(model: type[BaseModel], prefix: str = "") -> list[tuple[str, str, str]]:
    """(field path, kind, description) for every field of *model*, nested ones included."""
    out = []
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        inner, is_list = _inner(info.annotation)
        if inner is Text:
            out.append((path, "zh / en", info.description or ""))
        elif inner is not None:
            out.append((path + ("[]" if is_list else ""), "list" if is_list else "group", info.description or ""))
            out += fields(inner, f"{path}{'[]' if is_list else ''}.")
        else:
            out.append((path, _kind(info.annotation), info.description or ""))
    return out


def data_files() -> dict[str, type[BaseModel]]:
    return {"data/library.yaml": Library, **{f"data/<year>/{t}.yaml": m for t, m in TOPICS.items()}}


def _inner(annotation) -> tuple[type[BaseModel] | None, bool]:
    return model_inside(annotation), typing.get_origin(annotation) is list


def _kind(annotation) -> str:
    text = repr(annotation)
    for word, kind in (("dict", "figures"), ("Decimal", "number"), ("int", "whole number"),
                       ("date", "date"), ("bool", "true/false"), ("str", "text")):
        if word in text:
            return kind
    return "value"
