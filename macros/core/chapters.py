"""A year's chapters as files: where a page sits, their order, and what a finished year may not keep.

Each year's report is ``docs/<year>/``: an ``index.md`` whose front matter lists the
chapters in order (that order numbers them: 第一章, 第二章 …), the chapters themselves,
and an ``.en.md`` twin of each. Plain functions over paths and text: no MkDocs here.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from .languages import CODES, DEFAULT
from .load import shown_path
from .problems import Problem

_FRONT_MATTER = re.compile(r"\A(---[ \t]*\n(.*?\n)?---[ \t]*\n)", re.S)
_YEAR = re.compile(r"\d{4}")
# What staff leave where a text is still to write or review.
TODO_MARKERS = re.compile(r"【待填写】|（待填写|\(待填写|\bTODO\b|\[TODO\]")
LEGACY_INCLUDE = re.compile(r"\{%-?\s*include\s+[\"']chapters/([\w.-]+)[\"']\s*-?%\}")


def year_of(src_uri: str) -> int | None:
    """``2020/finance.md`` -> 2020; pages outside a year folder -> None."""
    first = src_uri.replace("\\", "/").split("/", 1)[0]
    return int(first) if _YEAR.fullmatch(first) else None


def is_chapter(src_uri: str) -> bool:
    """A chapter is any page in a year folder other than the year's own index."""
    return year_of(src_uri) is not None and not re.search(r"(^|/)index(\.[a-z]{2})?\.md$", src_uri)


def is_home(src_uri: str) -> bool:
    """The site's home page (``index.md``, ``index.en.md``): the cover of the whole archive."""
    return re.fullmatch(r"index(\.[a-z]{2})?\.md", src_uri.replace("\\", "/")) is not None


def split_front_matter(text: str) -> tuple[dict, str, int]:
    """(front matter, body, lines before the body) as MkDocs splits a page: the body starts after
    the front matter and the blank lines that follow it, so its line 1 is the file's line 1 + offset."""
    match = _FRONT_MATTER.match(text)
    meta: dict = {}
    body, offset = text, 0
    if match:
        try:
            loaded = yaml.safe_load(match.group(2) or "") or {}
            meta = loaded if isinstance(loaded, dict) else {}
        except yaml.YAMLError:
            pass
        body, offset = text[match.end():], match.group(1).count("\n")
        stripped = body.lstrip("\n")
        offset += len(body) - len(stripped)
        body = stripped
    return meta, body, offset


def front_matter(path: str | Path) -> dict:
    return split_front_matter(Path(path).read_text(encoding="utf-8"))[0]


def years(docs_dir: Path) -> list[int]:
    """The years written under docs/, newest first: a folder named for its year with an index.md."""
    return sorted((int(p.name) for p in docs_dir.iterdir()
                   if p.is_dir() and _YEAR.fullmatch(p.name) and (p / "index.md").is_file()), reverse=True) \
        if docs_dir.is_dir() else []


def sources(docs_dir: Path, year: int) -> list[Path]:
    """The year's chapter files in the default language, in the order its index lists them;
    chapters the index does not list follow in alphabetical order."""
    folder = docs_dir / str(year)
    listed = front_matter(folder / "index.md").get("chapters") or []
    present = sorted(p.name for p in folder.glob("*.md")
                     if p.name != "index.md" and not re.search(r"\.[a-z]{2}\.md$", p.name))
    ordered = [name for name in listed if isinstance(name, str) and name in present]
    return [folder / name for name in ordered + [n for n in present if n not in ordered]]


def twin(source: Path, code: str) -> Path:
    """``plan.md`` -> ``plan.en.md``: the same page in another language."""
    return source if code == DEFAULT else source.with_name(f"{source.name[:-3]}.{code}.md")


def problems(docs_dir: Path, year: int, draft: bool) -> list[Problem]:
    """What a finished year may not keep: a listed chapter that does not exist, a page without
    its translation, a to-do marker. A draft keeps all of these, and is never published."""
    if draft:
        return []
    root, folder, out = docs_dir.parent, docs_dir / str(year), []
    listed = front_matter(folder / "index.md").get("chapters") or []
    for name in listed:
        if not (folder / str(name)).is_file():
            out.append(Problem(shown_path(folder / "index.md", root), 1, "chapters",
                               "index.md 的 chapters 中只列出存在的章节文件", "only existing chapter files under chapters",
                               f"没有文件 / no such file: {name}"))
    for source in [folder / "index.md", *sources(docs_dir, year)]:
        for code in CODES:
            page = twin(source, code)
            if not page.is_file():
                out.append(Problem(shown_path(page, root), None, None,
                                   f"{source.name} 的{'英文' if code == 'en' else ''}译文 {page.name}",
                                   f"the translation of {source.name}, {page.name}",
                                   "文件不存在 / the file is missing"))
                continue
            for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
                marker = TODO_MARKERS.search(line)
                if marker:
                    out.append(Problem(shown_path(page, root), number, None,
                                       "写好的文字（完成这一处后删去待填写标记；或在 report.yaml 中设 draft: true）",
                                       "finished text (complete it and remove the marker, or set draft: true in report.yaml)",
                                       f"待填写标记 / a to-do marker “{marker.group()}”"))
    return out
