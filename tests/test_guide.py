"""The staff's editing guide: built in both languages, kept out of the readers'
navigation and search, its references generated from the code and the schema."""
import json
import re

from conftest import page_text
from macros.core import reference
from macros.core.schema import TOPICS


def test_the_guide_is_built_but_not_in_the_readers_navigation_or_search(site):
    for prefix in ("", "en/"):
        assert (site / prefix / "guide/index.html").exists()
        home = (site / prefix / "index.html").read_text(encoding="utf-8")
        assert 'href="guide/"' not in home and "编辑指南" not in re.sub(r"<article.*?</article>", "", home, flags=re.S)
        index = json.loads((site / prefix / "search/search_index.json").read_text(encoding="utf-8"))
        assert not any(d["location"].startswith("guide/") for d in index["docs"])


def test_the_macro_reference_lists_every_macro_with_its_docstring(site):
    text = page_text(site, "guide/index.html")
    for name in ("chart(name)", "table(name)", "chronicle_events()", "chapter_heading()", "change_of(measure)",
                 "value | money", "value | num", "value | change(up=None, down=None)"):
        assert name in text, name
    assert "An amount in 万元" in text  # the docstring itself, not a retyped summary


def test_the_field_reference_lists_every_field_of_every_file(site):
    text = page_text(site, "en/guide/index.html")
    for topic, model in TOPICS.items():
        assert f"data/<year>/{topic}.yaml" in text
        for path, _kind, _description in reference.fields(model):
            assert path in text, (topic, path)
