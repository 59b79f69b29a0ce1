"""`make i18n-status`: what the English edition still lacks.

Lists every Chinese page without its English twin (``x.md`` -> ``x.en.md``),
every twin last changed before its Chinese source (by git history; an
uncommitted change counts as now), and every data text without ``en``.
Exits 1 when anything is listed, so an incomplete translation never
publishes silently.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ..core import languages
from ..core.load import dotted, load_document
from ..core.problems import DataError
from ..core.languages import DEFAULT as DEFAULT_LANG

SOURCE_LANG, TARGET_LANG = DEFAULT_LANG, "en"


NOW = float("inf")  # an uncommitted change: newer than any commit, and equal to another uncommitted one


def last_change(path: Path, root: Path) -> float:
    """When *path* last changed: NOW if it has uncommitted changes, else its last commit."""
    rel = path.relative_to(root).as_posix()
    def git(*args):
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True).stdout.strip()
    if git("status", "--porcelain", "--", rel):
        return NOW
    stamp = git("log", "-1", "--format=%ct", "--", rel)
    return float(stamp) if stamp else NOW


def page_gaps(root: Path) -> list[str]:
    out = []
    for source in sorted((root / "docs").rglob("*.md")):
        if source.name.endswith(f".{TARGET_LANG}.md"):
            continue
        twin = source.with_name(source.name[:-3] + f".{TARGET_LANG}.md")
        rel = source.relative_to(root).as_posix()
        if not twin.exists():
            out.append(f"✗ {rel}: 没有英文版 {twin.name} / no English version {twin.name}")
        elif last_change(twin, root) < last_change(source, root):
            out.append(f"✗ {twin.relative_to(root).as_posix()}: 比中文原文旧，需要更新 / older than its Chinese source {source.name}")
    return out


def data_gaps(root: Path) -> list[str]:
    out = []
    for path in sorted((root / "data").rglob("*.yaml")):
        rel = path.relative_to(root).as_posix()
        try:
            doc = load_document(path, rel)
        except DataError as err:
            out += [p.render() for p in err.problems]
            continue
        for place, text in _texts(doc.data):
            if text.get(SOURCE_LANG) and not text.get(TARGET_LANG):
                field = dotted(place + (TARGET_LANG,))
                out.append(f"✗ {rel}:{doc.line_of(place)}  {field}: 缺少英文 / the English text is missing")
    return out


def _texts(value, place=()):
    """Every bilingual text (a mapping with a "zh" key) in a YAML document, with its place."""
    if isinstance(value, dict):
        if SOURCE_LANG in value and set(value) <= {SOURCE_LANG, TARGET_LANG}:
            yield place, value
            return
        for key, item in value.items():
            yield from _texts(item, place + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _texts(item, place + (i,))


def main(args: list[str]) -> int:
    root = Path(args[0]) if args else Path.cwd()
    languages.configure(root)   # the project's declared languages
    gaps = page_gaps(root) + data_gaps(root)
    if not gaps:
        print("✓ 英文版完整 / the English edition is complete")
        return 0
    print(f"英文版还缺 {len(gaps)} 处 / the English edition lacks {len(gaps)} thing(s):", file=sys.stderr)
    for gap in gaps:
        print(gap, file=sys.stderr)
    return 1
