"""The staff's editing guide: built in both languages, Chinese first, kept out of the readers'
navigation, search and sitemap, its references generated from the code, the registry and the
data model in the guide's own language."""
import json
import re

from conftest import page_text
from macros.core import reference, tables
from macros.core.schema import TOPICS
from macros.core import chapter_macros, filters


def test_the_guide_is_built_but_not_in_the_readers_navigation_search_or_sitemap(report):
    for prefix in ("", "en/"):
        assert (report / prefix / "guide/index.html").exists()
        home = (report / prefix / "index.html").read_text(encoding="utf-8")
        assert "guide/" not in re.sub(r"<article.*?</article>", "", home, flags=re.S)
        index = json.loads((report / prefix / "search/search_index.json").read_text(encoding="utf-8"))
        assert not any(d["location"].startswith("guide/") for d in index["docs"])
    assert "guide" not in (report / "sitemap.xml").read_text(encoding="utf-8")


def test_the_macro_reference_lists_every_macro_filter_and_table_with_its_docstring(report):
    for prefix, code in (("", "zh"), ("en/", "en")):
        text = page_text(report, f"{prefix}guide/index.html").replace("\u2019", "'")   # typeset apostrophes
        for signature, does in reference.callables(chapter_macros.MACROS, code) + \
                reference.callables(filters.FILTERS, code, filters=True):
            assert signature in text and does.split("\n")[0][:20] in text, signature
        for entry in tables.TABLES:
            assert entry.name in text and entry.caption[code] in text
    assert "金额（数据以万元为单位）" in page_text(report, "guide/index.html")   # the Chinese docstring itself


def test_the_field_reference_lists_every_field_of_every_file(report):
    text = page_text(report, "guide/index.html")
    for topic, model in TOPICS.items():
        assert f"data/<year>/{topic}.yaml" in text
        for path, _kind, _description in reference.fields(model, "zh"):
            assert path in text, (topic, path)
