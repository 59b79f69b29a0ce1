"""One search index per language: the one gap of mkdocs-static-i18n this project fills.

The plugin merges every language's entries into ``/search/search_index.json``, so an
English reader's search would return Chinese pages and English stemming would not apply.
After the last language is built, the merged index is split: the default language's at
``/search/``, each other language's under ``/<code>/search/``, where its pages look for
it (overrides/main.html points them there). In the preview, the pages that had not changed
since the last build were not indexed again: their entries are the last build's (preview.py).
"""
from __future__ import annotations

import json
from pathlib import Path

from ..core.languages import CODES, DEFAULT, prefix


def split(site: Path, pages=None) -> None:
    """The merged index split by language; *pages* (the preview's preview.RenderedPages) first adds
    the entries of the pages it kept from the last build."""
    merged_path = site / "search" / "search_index.json"
    if not merged_path.exists():
        return
    merged = json.loads(merged_path.read_text(encoding="utf-8"))
    if pages is not None:
        merged["docs"] = pages.search_entries(merged["docs"])
    others = tuple(prefix(code) for code in CODES if code != DEFAULT)
    for code in CODES:
        start = prefix(code)
        if code == DEFAULT:
            docs = [d for d in merged["docs"] if not d["location"].startswith(others)]
        else:
            docs = [dict(d, location=d["location"][len(start):]) for d in merged["docs"]
                    if d["location"].startswith(start)]
        index = {"config": dict(merged["config"], lang=[code]), "docs": docs}
        target = site / start / "search" / "search_index.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
