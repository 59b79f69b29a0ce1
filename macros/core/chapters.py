"""A year's chapters as files: where a page sits, their order, and what a finished year may not keep.

Each year's report is ``docs/<year>/``: an ``index.md`` whose front matter lists the
chapters in order (that order numbers them: 第一章, 第二章 …), the chapters themselves,
and an ``.en.md`` twin of each. Plain functions over paths and text: no MkDocs here.

Every chapter is read through :func:`read_chapter`, the data files' reader (core/load.py),
so that a chapter saved as GBK or UTF-16 gets the data files' message, file and line named,
wherever it is read: `make check`, the build, the tools.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from .languages import CODES, DEFAULT
from .load import read_text, shown_path
from .problems import DataError, Problem
from .years import EXPECTED_EN, EXPECTED_ZH, is_year_name

# A page's front matter exactly as MkDocs reads it (mkdocs/utils/meta.py): a YAML block closed by
# --- or ..., else MultiMarkdown's "Key: value" lines up to the first blank line. Read any other
# way, a block closed by ... would reach the theme unchecked.
_FRONT_MATTER = re.compile(r"\A(-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n)", re.S)
_META_LINE = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)")
_META_MORE = re.compile(r"^([ ]{4}|\t)(\s*)(?P<value>.*)")
_TWIN = re.compile(r"\.[a-z]{2}\.md$")
_YAML = "tag:yaml.org,2002:"
MAX_NAME_BYTES = 255   # the longest file name Linux, macOS and Windows all accept
# What staff leave where a text is still to write or review.
TODO_MARKERS = re.compile(r"【待填写】|（待填写|\(待填写|\bTODO\b|\[TODO\]")
LEGACY_INCLUDE = re.compile(r"\{%-?\s*include\s+[\"']chapters/([\w.-]+)[\"']\s*-?%\}")


def year_of(src_uri: str) -> int | None:
    """``2020/finance.md`` -> 2020; pages outside a year folder (``0999/x.md`` too) -> None."""
    first = src_uri.replace("\\", "/").split("/", 1)[0]
    return int(first) if is_year_name(first) else None


def is_chapter(src_uri: str) -> bool:
    """A chapter is any page in a year folder other than the year's own index."""
    return year_of(src_uri) is not None and not re.search(r"(^|/)index(\.[a-z]{2})?\.md$", src_uri)


def is_home(src_uri: str) -> bool:
    """The site's home page (``index.md``, ``index.en.md``): the cover of the whole archive."""
    return re.fullmatch(r"index(\.[a-z]{2})?\.md", src_uri.replace("\\", "/")) is not None


# ------------------------------------------------------------ reading a chapter

def read_chapter(path: str | Path, root: Path | None = None) -> str:
    """The chapter's text, as MkDocs reads it (UTF-8, Notepad's byte-order mark dropped), or
    DataError naming the file as staff see it (docs/2020/plan.md) and the line where it stops
    being UTF-8. *root* is the project: a link leading out of it is refused, unread. Without
    it, the project is the folder that holds ``docs/``."""
    path = Path(path)
    root = root if root is not None else _project_of(path)
    return read_text(path, shown_path(path, root), root)


def _project_of(path: Path) -> Path | None:
    return next((folder.parent for folder in path.absolute().parents if folder.name == "docs"), None)


def split_front_matter(text: str) -> tuple[dict, str, int]:
    """(front matter, body, lines before the body) as MkDocs splits a page: the body starts after
    the front matter and the blank lines that follow it, so its line 1 is the file's line 1 + offset."""
    match = _FRONT_MATTER.match(text)
    if match:
        try:
            loaded = yaml.load(match.group(2), Loader=_FrontMatterLoader)
        except yaml.YAMLError:
            return {}, text, 0   # MkDocs then keeps the block as the page's text
        if not isinstance(loaded, dict):
            return {}, text, 0
        body, offset = text[match.end():], match.group(1).count("\n")
        stripped = body.lstrip("\n")
        return loaded, stripped, offset + len(body) - len(stripped)
    return _multimarkdown_meta(text)


def _multimarkdown_meta(text: str) -> tuple[dict, str, int]:
    """MultiMarkdown's front matter, which MkDocs also reads: "Key: value" lines, continued by
    indented lines, up to the first blank line."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    meta: dict = {}
    key, used = None, 0
    for line in lines:
        if line.strip() == "":
            used += key is not None
            break
        found = _META_LINE.match(line)
        more = _META_MORE.match(line)
        if found:
            key = found.group("key").lower().strip()
            value = found.group("value").strip()
            meta[key] = f"{meta[key]} {value}" if key in meta else value
        elif more and key:
            meta[key] += " " + more.group("value").strip()
        else:
            break
        used += 1
    if not meta:
        return {}, text, 0
    body = "\n".join(lines[used:])
    return meta, body, used


class _FrontMatterLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing anchors and aliases: front matter never needs one, and an
    alias nested nine deep is a billion-item title once anything prints it."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent) or getattr(self.peek_event(), "anchor", None):
            raise yaml.YAMLError("anchors and aliases")
        return super().compose_node(parent, index)


def front_matter(path: str | Path, root: Path | None = None) -> dict:
    """The page's front matter; DataError when the page cannot be read (see read_chapter)."""
    return split_front_matter(read_chapter(path, root))[0]


# ------------------------------------------------------------ the year folders

def year_folders(docs_dir: Path) -> list[Path]:
    """Every folder of docs/ named for a year (core/years.py), with its index.md or not."""
    return sorted(p for p in docs_dir.iterdir() if p.is_dir() and is_year_name(p.name)) \
        if docs_dir.is_dir() else []


def years(docs_dir: Path) -> list[int]:
    """The years written under docs/, newest first: a folder named for its year with an index.md."""
    return sorted((int(p.name) for p in year_folders(docs_dir) if (p / "index.md").is_file()), reverse=True)


def misnamed_years(docs_dir: Path) -> dict[str, Problem]:
    """Folders of docs/ meant as a year (their name starts with a digit) that are none: 0999,
    3000, 20201, ２０２１ (folder name -> its problem). Refused rather than skipped: skipped, their
    pages would be published as ordinary pages, or vanish with only a line in a log to say so."""
    if not docs_dir.is_dir():
        return {}
    return {p.name: Problem(f"docs/{_shown_name(p.name)}/", None, None,
                            f"年份文件夹的名称是{EXPECTED_ZH}（改正文件夹名，或把它移出 docs/）",
                            f"a year folder named as {EXPECTED_EN} (rename the folder, or move it out of docs/)",
                            f"“{_shown_name(p.name)}” 不是年份 / is not a year")
            for p in sorted(docs_dir.iterdir())
            if p.is_dir() and p.name[:1].isdigit() and not is_year_name(p.name)}


def _shown_name(name: str, limit: int = 60) -> str:
    """*name* as a message can show it: invisible characters as escapes, a long name cut short."""
    shown = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in name)
    return shown if len(shown) <= limit else f"{shown[:limit]}…（共 {len(name.encode('utf-8', 'replace'))} 字节 / bytes）"


# ------------------------------------------------------------ the chapters an index lists

def _listed(index_text: str, shown: str) -> tuple[dict[str, int], list[Problem]]:
    """The chapters the index's ``chapters:`` lists (name -> its line in index.md), and a problem
    for each entry that is not the plain name of a chapter file in the year's folder (plan.md):
    a path, a translation, a name too long for any disk (it would stop the build), or one
    listed twice."""
    match = _FRONT_MATTER.match(index_text)
    if not match:
        return {}, []
    try:   # composed, not loaded: each entry keeps its line (front matter line 1 is the file's line 2)
        document = yaml.compose(match.group(2) or "", Loader=yaml.SafeLoader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        return {}, [Problem(shown, mark.line + 2 if mark else 1, None,
                            "开头 --- 之间是正确的 YAML（冒号后有空格，每个章节一行：  - plan.md）",
                            "valid YAML between the --- lines (a space after each colon, one chapter a line:  - plan.md)",
                            f"YAML 语法错误 / syntax error: {getattr(err, 'problem', None) or err}")]
    pairs = document.value if isinstance(document, yaml.MappingNode) else []
    value = next((v for k, v in pairs if isinstance(k, yaml.ScalarNode) and k.value == "chapters"), None)
    if value is None or (isinstance(value, yaml.ScalarNode) and value.tag == _YAML + "null"):
        return {}, []
    if not isinstance(value, yaml.SequenceNode):
        return {}, [Problem(shown, value.start_mark.line + 2, "chapters", "章节文件名的列表，每行一个，如  - plan.md",
                            "a list of chapter file names, one a line, such as  - plan.md", "不是列表 / not a list")]
    listed: dict[str, int] = {}
    problems: list[Problem] = []
    for item in value.value:
        line = item.start_mark.line + 2
        name = item.value if isinstance(item, yaml.ScalarNode) and item.tag == _YAML + "str" else None
        wrong = _not_a_chapter_name(name, item)
        if wrong is None and name in listed:
            wrong = (f"每个章节只列一次（第 {listed[name]} 行已经列出）",
                     f"each chapter once (already listed on line {listed[name]})",
                     f"重复的章节 / listed twice: {name}")
        if wrong is not None:
            problems.append(Problem(shown, line, "chapters", *wrong))
            continue
        listed[name] = line
    return listed, problems


def _not_a_chapter_name(name: str | None, item: yaml.Node) -> tuple[str, str, str] | None:
    """(expected zh, expected en, found) when *name* is not the plain file name of a chapter."""
    expected = ("本文件夹中中文章节的文件名，如 plan.md（不含 / 或 ..，不超过 255 字节）",
                "the file name of a Chinese chapter in this folder, such as plan.md (no / or .., at most 255 bytes)")
    if name is None:
        found = item.value if isinstance(item, yaml.ScalarNode) else "列表或字典 / a list or mapping"
        return (*expected, f"不是文件名 / not a file name: {_shown_name(str(found) or '（空 / empty）')}")
    if len(name.encode("utf-8", "replace")) > MAX_NAME_BYTES:
        return (*expected, f"文件名过长 / a file name too long: {_shown_name(name)}")
    if "/" in name or "\\" in name or name in (".", "..") or ":" in name or not name.isprintable():
        return (*expected, f"路径，不是文件名 / a path, not a file name: {_shown_name(name)}")
    if not name.endswith(".md"):
        return (*expected, f"不是 .md 文件 / not a .md file: {_shown_name(name)}")
    if name == "index.md":
        return (*expected, "index.md 是本年的目录页，不是章节 / index.md is the year's own page, not a chapter")
    if _TWIN.search(name):
        return (*expected, f"译文的文件名（译文随中文章节自动列出）/ a translation's name (it follows its "
                           f"Chinese chapter by itself): {_shown_name(name)}")
    return None


def sources(docs_dir: Path, year: int) -> list[Path]:
    """The year's chapter files in the default language, in the order its index lists them;
    chapters the index does not list follow in alphabetical order. DataError when the index
    cannot be read; entries that name no chapter are left out here and reported by problems()."""
    folder = docs_dir / str(year)
    index = folder / "index.md"
    listed, _ = _listed(read_chapter(index, docs_dir.parent), shown_path(index, docs_dir.parent))
    present = sorted(p.name for p in folder.glob("*.md")
                     if p.name != "index.md" and not _TWIN.search(p.name) and p.is_file())
    ordered = [name for name in listed if name in present]
    return [folder / name for name in ordered + [n for n in present if n not in ordered]]


def twin(source: Path, code: str) -> Path:
    """``plan.md`` -> ``plan.en.md``: the same page in another language."""
    return source if code == DEFAULT else source.with_name(f"{source.name[:-3]}.{code}.md")


# ------------------------------------------------------------ what a year may not keep

def _read_folder(folder: Path, root: Path) -> tuple[dict[str, str], list[Problem]]:
    """Every page of the folder (file name -> text), and a problem for each that cannot be read
    or whose front matter says what a page may not."""
    texts, out = {}, []
    for page in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        try:
            texts[page.name] = read_chapter(page, root)
        except DataError as err:
            out += err.problems
            continue
        out += front_matter_problems(texts[page.name], shown_path(page, root))
    return texts, out


# ------------------------------------------------------------ what a page's front matter may say

# The theme writes these into every page as they are, so each is held to its kind: a key that is not
# here (template, status, subtitle, icon, the report_* keys the build sets itself …) is refused.
_HIDDEN_PARTS = frozenset({"navigation", "toc", "footer", "path", "tags", "feedback"})
FRONT_MATTER: dict[str, tuple] = {
    "title": (lambda v: isinstance(v, str) and v.strip() != "" and not re.search(r"[<>\x00-\x1f]", v),
              "一行文字，不含 < 和 >（书名用《》）", "one line of text, without < or >"),
    "description": (lambda v: isinstance(v, str) and "<" not in v,
                    "一句文字（搜索引擎和分享卡片用）", "a sentence of text (for search engines and shared links)"),
    "chapters": (lambda v: isinstance(v, list), "章节文件名的列表", "a list of chapter file names"),
    "hide": (lambda v: isinstance(v, list) and all(isinstance(x, str) and x in _HIDDEN_PARTS for x in v),
             "要隐藏的部分的列表：" + "、".join(sorted(_HIDDEN_PARTS)),
             "a list of parts to hide: " + ", ".join(sorted(_HIDDEN_PARTS))),
    "search": (lambda v: v == {"exclude": True} or v == {"exclude": False},
               "exclude: true（不收入搜索）", "exclude: true (left out of search)"),
}


def front_matter_problems(text: str, shown: str) -> list[Problem]:
    """A problem for each key of the page's front matter that a page may not have, or not so."""
    block = _FRONT_MATTER.match(text)
    try:
        yaml.load(block.group(2), Loader=_FrontMatterLoader) if block else None
    except yaml.YAMLError as error:
        if "anchors and aliases" in str(error):
            return [Problem(shown, None, None, "直接写出每个值（页面开头不用锚点 & 和别名 *）",
                            "every value written out (a page's settings use no anchors & or aliases *)",
                            "锚点或别名 / an anchor or alias")]
        # MkDocs would print the unread block as the page's first lines, and lose the title
        mark = getattr(error, "problem_mark", None)
        return [Problem(shown, mark.line + 2 if mark is not None else 2, None,
                        "页面开头的设置每行“名称: 值”；值里有冒号等符号时，整个值加英文引号 \"…\"",
                        "the page's settings one “name: value” a line; a value with a colon in it goes in quotes \"…\"",
                        "读不懂的设置 / settings that cannot be read")]
    meta, _, _ = split_front_matter(text)
    lines = text.splitlines()
    out = []
    for key, value in meta.items():
        line = next((i for i, row in enumerate(lines, 1) if row.lstrip().lower().startswith(f"{str(key).lower()}:")), None)
        rule = FRONT_MATTER.get(key) if isinstance(key, str) else None
        if rule is None:
            out.append(Problem(shown, line, str(key), "页面开头只写 " + "、".join(FRONT_MATTER),
                               "at the top of a page, only " + ", ".join(FRONT_MATTER),
                               f"不认识的设置 / an unknown setting “{str(key)[:40]}”"))
        elif not rule[0](value):
            typed = str(value)[:60] if isinstance(value, (str, int, float, bool)) else "一组值 / a list or a mapping"
            out.append(Problem(shown, line, key, rule[1], rule[2], typed))
    return out


def unreadable(docs_dir: Path, year: int) -> list[Problem]:
    """A problem for each page of the year's folder that is not UTF-8 (or no ordinary file)."""
    return _read_folder(docs_dir / str(year), docs_dir.parent)[1]


def problems(docs_dir: Path, year: int, draft: bool) -> list[Problem]:
    """What no year may have, a draft included (the preview could not show it): a page that is
    not UTF-8, a ``chapters:`` entry that is not a chapter's file name. And what a finished year
    may not keep: a listed chapter that does not exist, a page without its translation, a to-do
    marker. A draft keeps those, and is never published."""
    root, folder = docs_dir.parent, docs_dir / str(year)
    index = folder / "index.md"
    if draft and not folder.is_dir():
        return []
    texts, out = _read_folder(folder, root)
    if "index.md" not in texts:
        return out or ([] if draft else [Problem(shown_path(index, root), None, None,
                                                  "本年的目录页，列出各章", "the year's own page, listing its chapters",
                                                  "文件不存在 / the file is missing")])
    listed, wrong = _listed(texts["index.md"], shown_path(index, root))
    out += wrong
    if draft:
        return out
    for name, line in listed.items():
        if not (folder / name).is_file():   # a plain name, checked above: never a path, never too long
            out.append(Problem(shown_path(index, root), line, "chapters",
                               "index.md 的 chapters 中只列出存在的章节文件", "only existing chapter files under chapters",
                               f"没有文件 / no such file: {name}"))
    for source in [index, *sources(docs_dir, year)]:
        for code in CODES:
            page = twin(source, code)
            if not page.is_file():
                out.append(Problem(shown_path(page, root), None, None,
                                   f"{source.name} 的{'英文' if code == 'en' else ''}译文 {page.name}",
                                   f"the translation of {source.name}, {page.name}",
                                   "文件不存在 / the file is missing"))
                continue
            for number, line in enumerate(texts.get(page.name, "").splitlines(), 1):
                marker = TODO_MARKERS.search(line)
                if marker:
                    out.append(Problem(shown_path(page, root), number, None,
                                       "写好的文字（完成这一处后删去待填写标记；或在 report.yaml 中设 draft: true）",
                                       "finished text (complete it and remove the marker, or set draft: true in report.yaml)",
                                       f"待填写标记 / a to-do marker “{marker.group()}”"))
    return out
