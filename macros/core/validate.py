"""Load and validate everything under ``data/`` before any page renders.

The data flows one way: load (load.py) → schema (schema.py) → checks (checks.py) → the
site model (site.py). ``load_site`` either returns a :class:`Site` or raises
:class:`DataError` listing every problem, each with its file, line and field.
"""
from __future__ import annotations

import difflib
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from . import checks
from .load import Document, dotted, inside, load_document, shown_path
from .memo import FileMemo
from .problems import DataError, Problem
from .schema import PATTERNS, QUANTITIES, TOPICS, Library, ReportMeta, model_inside
from .site import Site, Year
from .years import EXPECTED_EN, EXPECTED_ZH, is_year_name

RESTORE_HINT_ZH = "运行 make restore YEAR={year} 重新生成缺少的文件（字段齐全、数字空白），或从备份中找回"
RESTORE_HINT_EN = "run make restore YEAR={year} to recreate missing files (every field present, figures blank), or recover it from a backup"


def year_dirs(data_dir: Path) -> list[Path]:
    """The year folders of ``data/``, oldest first."""
    return sorted(p for p in _folders(data_dir) if is_year_name(p.name))


def _folders(data_dir: Path) -> list[Path]:
    return [p for p in data_dir.iterdir() if p.is_dir()] if data_dir.is_dir() else []


def _misnamed_years(data_dir: Path, project: Path) -> list[Problem]:
    """Folders named like a year that is none (999, 0999, 3000, ２０２０, 2020 - 副本): never read
    as one, and never silently left out either, so that staff know why their year is missing."""
    return [Problem(shown_path(p, project), None, None,
                    f"以年份命名的文件夹（{EXPECTED_ZH}）；其他文件夹（如备份）请移出 data/",
                    f"a folder named for its year ({EXPECTED_EN}); move any other folder (a backup) out of data/",
                    f"文件夹名 / folder name “{p.name}”")
            for p in sorted(_folders(data_dir)) if re.match(r"\d", p.name) and not is_year_name(p.name)]


def load_site(data_dir: Path | str, memo: FileMemo | None = None) -> Site:
    """Read and validate all of ``data/``. Raises DataError with every problem found. A *memo*
    (core/memo.py) keeps each file's reading while it is unchanged."""
    data_dir = Path(data_dir)
    project = data_dir.parent
    problems: list[Problem] = []
    library = _load_model(data_dir / "library.yaml", Library, project, problems, memo)
    years: dict[int, Year] = {}
    problems += _misnamed_years(data_dir, project)
    folders = year_dirs(data_dir)
    if not folders:
        problems.append(Problem(
            shown_path(data_dir, project), None, None,
            "至少有一个年份文件夹，如 data/2020/", "at least one year folder such as data/2020/",
            "没有年份文件夹 / no year folder"))
    for folder in folders:
        report = _load_year(folder, project, problems, memo)
        if report is not None:
            years[report.year] = report
    if problems:
        raise DataError(problems)
    site = Site(data_dir=data_dir, library=library, years=years)
    found = checks.check_site(site)
    for year, report in years.items():
        todo = tuple(p for p in found if p.severity == "todo" and p.file.startswith(f"data/{year}/"))
        years[year] = Year(**{**report.__dict__, "todo": todo})
    errors = [p for p in found if p.severity == "error"]
    if errors:
        # Every file was read and fits the schema; only the checks found fault (a blank figure, a
        # sum). The site goes with the error, so that `make check` can still render the chapters
        # and list their mistakes in the same run; a build stops here all the same.
        error = DataError(errors)
        error.site = site
        raise error
    return site


def draft_years(data_dir: Path | str, memo: FileMemo | None = None) -> set[int]:
    """Years that are drafts, read before (and without) the full validation: a year whose
    report.yaml cannot be read counts as a draft, so that it is never published by mistake."""
    drafts = set()
    data_dir = Path(data_dir)
    for folder in year_dirs(data_dir):
        try:
            meta = ReportMeta.model_validate(load_document(folder / "report.yaml", root=data_dir.parent, memo=memo).data)
        except (DataError, ValidationError):
            drafts.add(int(folder.name))
            continue
        if meta.draft:
            drafts.add(int(folder.name))
    return drafts


def _load_year(folder: Path, project: Path, problems: list[Problem], memo: FileMemo | None) -> Year | None:
    models: dict[str, BaseModel] = {}
    documents: dict[str, Document] = {}
    before = len(problems)
    if not inside(folder, project):
        problems.append(Problem(shown_path(folder, project), None, None,
                                "项目文件夹里的文件夹（不能是指向项目之外的链接）",
                                "a folder inside the project (not a link leading outside it)",
                                "指向项目之外的链接，未读取 / a link leading outside the project; not read"))
        return None
    present = {p.stem: p for p in folder.glob("*.yaml")}
    for extra in sorted(set(present) - set(TOPICS)):
        problems.append(Problem(
            shown_path(present[extra], project), None, None,
            "年份文件夹中只能有这些文件：" + "、".join(f"{t}.yaml" for t in TOPICS),
            "only these files in a year folder: " + ", ".join(f"{t}.yaml" for t in TOPICS),
            f"多余的文件 / unexpected file “{present[extra].name}”"))
    for stray in sorted(folder.glob("*.yml")):
        problems.append(Problem(shown_path(stray, project), None, None, "文件扩展名应为 .yaml",
                                "the file extension must be .yaml", f"“{stray.name}”"))
    for topic, model in TOPICS.items():
        path = folder / f"{topic}.yaml"
        if not path.exists() and not path.is_symlink():
            problems.append(Problem(
                shown_path(path, project), None, None,
                f"每个年份都需要 {topic}.yaml：" + RESTORE_HINT_ZH.format(year=folder.name),
                f"every year needs {topic}.yaml: " + RESTORE_HINT_EN.format(year=folder.name),
                "文件不存在 / the file is missing"))
            continue
        doc, instance = _load(path, model, project, problems, memo)
        if instance is not None:
            models[topic], documents[topic] = instance, doc
    if len(problems) > before:
        return None
    return Year(year=int(folder.name), documents=documents, **models)


def _load_model(path: Path, model: type[BaseModel], project: Path, problems: list[Problem], memo: FileMemo | None):
    if not path.exists() and not path.is_symlink():
        problems.append(Problem(shown_path(path, project), None, None,
                                "需要这个文件", "this file is required", "文件不存在 / missing"))
        return None
    return _load(path, model, project, problems, memo)[1]


def _load(path: Path, model: type[BaseModel], project: Path, problems: list[Problem], memo: FileMemo | None):
    shown = shown_path(path, project)
    try:
        doc = load_document(path, shown, root=project, memo=memo)
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
    "computed": ("{zh}", "{en}"),
    "language": ("{zh}", "{en}"),
    "missing": ("必须有这个字段（可以先留空）", "this field must be present (it may be left empty in a draft)"),
    "number_fullwidth": ("半角数字，如 {plain}（不用全角数字）", "half-width digits, such as {plain} (no full-width digits)"),
    "number_grouped": ("只写数字，不加千位分隔符：{plain}", "digits only, without thousands separators: {plain}"),
    "number_percent": ("只写数字，不加 %：{plain}", "the number without %: {plain}"),
    "number_base": ("普通的十进制数字", "an ordinary decimal number"),
    "number_exponent": ("写出完整的数字，不用带 e 的科学计数法（1e5 应写作 100000）",
                        "the number written out in full, without exponent notation (1e5 is 100000)"),
    "text": ("一段文字", "a piece of text"),
    "string_type": ("一段文字", "a piece of text"),
    "event_date": ("日期，如 2020-05-18；只知道月份时写 2020-05", "a date such as 2020-05-18, or 2020-05 for a month"),
    "date_type": ("日期，如 2020-12-31", "a date such as 2020-12-31"),
    "date_from_datetime_parsing": ("日期，如 2020-12-31", "a date such as 2020-12-31"),
    "date_from_datetime_inexact": ("日期，如 2020-12-31（不含时间）", "a date such as 2020-12-31, without a time"),
    "bool_type": ("true（是）或 false（否）", "true or false"),
    "bool_parsing": ("true（是）或 false（否）", "true or false"),
    "list_type": ("一个列表（每项以“- ”开头）", "a list (each item starting with '- ')"),
    "dict_type": ("一组“字段: 值”", "a mapping of 'field: value' lines"),
    "model_type": ("一组“字段: 值”", "a mapping of 'field: value' lines"),
    "model_attributes_type": ("一组“字段: 值”", "a mapping of 'field: value' lines"),
}


def _found(value: Any) -> str:
    if value is None:
        return "空 / empty"
    text = repr(value) if not isinstance(value, str) else f"“{value}”"
    if isinstance(value, bool):
        text = "true" if value else "false"   # as YAML is typed
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
        if kind == "string_pattern_mismatch":   # what the field's shape is, as schema.py says it
            zh, en = PATTERNS.get((e.get("ctx") or {}).get("pattern"), (zh, en))
        if kind == "figure":   # the figure's range and decimals, as schema.py says them
            quantity = QUANTITIES[e["ctx"]["quantity"]]
            zh, en = quantity.zh, quantity.en
        context = {k: str(v) for k, v in (e.get("ctx") or {}).items()}
        zh, en = zh.format(**context), en.format(**context)
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
