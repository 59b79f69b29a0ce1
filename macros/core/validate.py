"""Load and validate everything under ``data/`` before any page renders.

``load_site`` reads ``data/library.yaml`` and every ``data/<year>/`` folder,
checks each file against the schema and the report's arithmetic, and either
returns a :class:`Site` or raises :class:`DataError` listing every problem.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from . import checks
from .load import Document, dotted, load_document
from .problems import DataError, Problem
from .schema import TOPICS, Library, model_inside

YEAR_DIR = re.compile(r"^\d{4}$")


@dataclass
class YearReport:
    """One year's report: its topics (validated models) and source documents."""

    year: int
    topics: dict[str, BaseModel]
    documents: dict[str, Document]
    todo: list[Problem] = field(default_factory=list)  # empty fields of a draft

    @property
    def draft(self) -> bool:
        return bool(self.topics["report"].draft)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["topics"][name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass
class Site:
    library: Library
    years: dict[int, YearReport]
    root: Path

    def published_years(self, include_drafts: bool = False) -> list[int]:
        """Years to show, newest first."""
        return sorted((y for y, r in self.years.items() if include_drafts or not r.draft), reverse=True)


def shown_path(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root.parent).as_posix()
    except ValueError:
        return path.as_posix()


def load_site(data_dir: Path | str) -> Site:
    """Read and validate all of ``data/``. Raises DataError with every problem found."""
    data_dir = Path(data_dir)
    problems: list[Problem] = []
    library = _load_model(data_dir / "library.yaml", Library, data_dir, problems)
    years: dict[int, YearReport] = {}
    year_dirs = sorted(p for p in data_dir.iterdir() if p.is_dir() and YEAR_DIR.match(p.name))
    if not year_dirs:
        problems.append(Problem(
            shown_path(data_dir, data_dir), None, None,
            "至少有一个年份文件夹，如 data/2020/", "at least one year folder such as data/2020/",
            "没有年份文件夹 / no year folder"))
    for year_dir in year_dirs:
        report = _load_year(year_dir, data_dir, problems)
        if report is not None:
            years[report.year] = report
    if problems:
        raise DataError(problems)
    site = Site(library=library, years=years, root=data_dir)
    problems = checks.check_site(site)
    errors = [p for p in problems if p.severity == "error"]
    for p in problems:
        if p.severity == "todo":
            years[int(Path(p.file).parent.name)].todo.append(p)
    if errors:
        raise DataError(errors)
    return site


def draft_years(data_dir: Path | str) -> set[int]:
    """Years whose report.yaml says ``draft: true`` (read without full validation)."""
    drafts = set()
    for year_dir in Path(data_dir).iterdir():
        report = year_dir / "report.yaml"
        if YEAR_DIR.match(year_dir.name) and report.exists():
            try:
                if load_document(report).data.get("draft") is True:
                    drafts.add(int(year_dir.name))
            except (DataError, AttributeError):
                pass  # the full validation reports it
    return drafts


def _load_year(year_dir: Path, data_dir: Path, problems: list[Problem]) -> YearReport | None:
    topics: dict[str, BaseModel] = {}
    documents: dict[str, Document] = {}
    before = len(problems)
    present = {p.stem: p for p in year_dir.glob("*.yaml")}
    for extra in sorted(set(present) - set(TOPICS)):
        problems.append(Problem(
            shown_path(present[extra], data_dir), None, None,
            "年份文件夹中只能有这些文件：" + "、".join(f"{t}.yaml" for t in TOPICS),
            "only these files in a year folder: " + ", ".join(f"{t}.yaml" for t in TOPICS),
            f"多余的文件 / unexpected file “{present[extra].name}”"))
    for stray in sorted(year_dir.glob("*.yml")):
        problems.append(Problem(
            shown_path(stray, data_dir), None, None,
            "文件扩展名应为 .yaml", "the file extension must be .yaml",
            f"“{stray.name}”"))
    for topic, model in TOPICS.items():
        path = year_dir / f"{topic}.yaml"
        if not path.exists():
            problems.append(Problem(
                shown_path(path, data_dir), None, None,
                f"每个年份都需要 {topic}.yaml", f"every year needs {topic}.yaml",
                "文件不存在 / the file is missing"))
            continue
        doc, instance = _load(path, model, data_dir, problems)
        if instance is not None:
            topics[topic], documents[topic] = instance, doc
    if len(problems) > before:
        return None
    return YearReport(year=int(year_dir.name), topics=topics, documents=documents)


def _load_model(path: Path, model: type[BaseModel], data_dir: Path, problems: list[Problem]):
    if not path.exists():
        problems.append(Problem(shown_path(path, data_dir), None, None,
                                "需要这个文件", "this file is required", "文件不存在 / missing"))
        return None
    return _load(path, model, data_dir, problems)[1]


def _load(path: Path, model: type[BaseModel], data_dir: Path, problems: list[Problem]):
    shown = shown_path(path, data_dir)
    try:
        doc = load_document(path, shown)
    except DataError as err:
        problems.extend(err.problems)
        return None, None
    try:
        return doc, model.model_validate(doc.data)
    except ValidationError as err:
        problems.extend(schema_problems(err, doc, shown, model))
        return doc, None


# ------------------------------------------------------------ wording

# pydantic error type -> (expected in Chinese, expected in English)
_EXPECTED = {
    "missing": ("必须有这个字段（可以先留空）", "this field must be present (it may be left empty in a draft)"),
    "number": ("一个数字，如 168.52", "a number such as 168.52"),
    "whole_number": ("一个整数，如 11", "a whole number such as 11"),
    "text": ("一段文字", "a piece of text"),
    "string_type": ("一段文字", "a piece of text"),
    "event_date": ("日期，如 2020-05-18；只知道月份时写 2020-05", "a date such as 2020-05-18, or 2020-05 for a month"),
    "date_type": ("日期，如 2020-12-31", "a date such as 2020-12-31"),
    "date_from_datetime_parsing": ("日期，如 2020-12-31", "a date such as 2020-12-31"),
    "date_from_datetime_inexact": ("日期，如 2020-12-31（不含时间）", "a date such as 2020-12-31, without a time"),
    "bool_type": ("true（是）或 false（否）", "true or false"),
    "bool_parsing": ("true（是）或 false（否）", "true or false"),
    "greater_than_equal": ("不小于 {ge} 的数", "a number not below {ge}"),
    "less_than_equal": ("不大于 {le} 的数", "a number not above {le}"),
    "list_type": ("一个列表（每项以“- ”开头）", "a list (each item starting with '- ')"),
    "dict_type": ("一组“字段: 值”", "a mapping of 'field: value' lines"),
    "model_type": ("一组“字段: 值”", "a mapping of 'field: value' lines"),
    "model_attributes_type": ("一组“字段: 值”", "a mapping of 'field: value' lines"),
    "string_pattern_mismatch": ("英文小写字母、数字和下划线组成的标识，如 reader_services",
                                "an identifier of lower-case letters, digits and underscores, such as reader_services"),
}


def _found(value: Any) -> str:
    if value is None:
        return "空 / empty"
    text = repr(value) if not isinstance(value, str) else f"“{value}”"
    if isinstance(value, Decimal):
        text = str(value)
    if isinstance(value, (dict, list)):
        text = "一组数据 / a group of values"
    return text if len(text) <= 80 else text[:77] + "…"


def schema_problems(err: ValidationError, doc: Document, shown: str, model: type[BaseModel]) -> list[Problem]:
    out = []
    for e in err.errors():
        loc = tuple(e["loc"])
        kind = e["type"]
        if kind == "extra_forbidden":
            allowed = allowed_fields(model, loc[:-1])
            guess = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
            hint_zh = f"（是不是想写 “{guess[0]}”？）" if guess else ""
            hint_en = f" (did you mean “{guess[0]}”?)" if guess else ""
            out.append(Problem(
                shown, doc.line_of(loc), dotted(loc),
                "已知的字段名之一：" + "、".join(allowed) + hint_zh,
                "one of the known field names: " + ", ".join(allowed) + hint_en,
                f"未知字段 / unknown field “{loc[-1]}”，可能是拼写错误 / perhaps misspelt"))
            continue
        zh, en = _EXPECTED.get(kind, (e["msg"], e["msg"]))
        ctx = e.get("ctx") or {}
        zh, en = zh.format(**{k: str(v) for k, v in ctx.items()}), en.format(**{k: str(v) for k, v in ctx.items()})
        found = "缺少此字段 / the field is missing" if kind == "missing" else _found(e.get("input"))
        out.append(Problem(shown, doc.line_of(loc), dotted(loc), zh, en, found))
    return _dedupe(out)


def _dedupe(problems: list[Problem]) -> list[Problem]:
    # A union (value or empty) reports one failure per branch; keep the first per field.
    seen, out = set(), []
    for p in problems:
        if (p.line, p.field) not in seen:
            seen.add((p.line, p.field))
            out.append(p)
    return out


def allowed_fields(model: Any, loc: tuple) -> list[str]:
    """The field names a model accepts at *loc* (for "did you mean" hints)."""
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return []
        info = model.model_fields.get(part)
        if info is None:
            return []
        model = model_inside(info.annotation)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return list(model.model_fields)
    return []
