"""A table is declared once, in the registry (macros/core/tables.py): one more entry, and a
chapter can show it as a table, a chart and a sentence, and it is downloaded and described in
the data package. Here an entry is added the way a developer adds one, in a real build."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import textwrap

from conftest import copy_project, page_text

ENTRY = """
from macros.core import tables
tables.TABLES.append(tables.Breakdown(
    "readers", {"zh": "读者服务岗位", "en": "Reader-service posts"}, "staff_readers",
    {"zh": "岗位", "en": "Post"}, tables.PEOPLE, "staff.roles", "label", "count", "staff.headcount"))
"""


def test_one_registry_entry_gives_a_table_a_chart_a_sentence_a_download_and_its_description(tmp_path):
    project = copy_project(tmp_path / "project", "archive")
    chapter = project / "docs/2020/figures.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + textwrap.dedent("""
        岗位：{{ listing("readers") }}。

        {{ table("readers") }}

        {{ chart("readers") }}
        """), encoding="utf-8")
    site = tmp_path / "site"
    boot = (f"import sys; sys.path.insert(0, {str(project)!r})\n{ENTRY}\n"
            "from mkdocs.__main__ import cli\n"
            f"cli(['build', '--strict', '--site-dir', {str(site)!r}])\n")
    result = subprocess.run([sys.executable, "-c", boot], cwd=project, capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "REPORT_PDF": "0", "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stdout + result.stderr
    text = page_text(site, "2020/figures/index.html")
    assert "岗位：读者服务 7 人，行政 3 人。" in text and "读者服务岗位" in text
    source = (site / "2020/figures/index.html").read_text(encoding="utf-8")
    assert 'id="figure-readers"' in source and 'href="../../downloads/2020/staff_readers.csv"' in source
    rows = list(csv.DictReader(io.StringIO((site / "downloads/2020/staff_readers.csv").read_text(encoding="utf-8-sig"))))
    assert [(r["id"], r["count"]) for r in rows] == [("readers", "7"), ("office", "3"), ("total", "10")]
    package = json.loads((site / "downloads/2020/datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in package["resources"] if r["name"] == "staff_readers")
    assert resource["title"] == "读者服务岗位 / Reader-service posts"
    # a year without the part has no such download
    assert not (site / "downloads/2019/staff_readers.csv").exists()
