"""The browser editor's parts without a browser (issue 23; the end-to-end test is
test_editor_browser.py): its configuration is made from the data model, its writer changes only
the lines whose values changed, its local backend reads and writes only the project's data/ and
docs/ and answers only on 127.0.0.1, its vendored code is what the manifest says, and the editor
never reaches the public site."""
from __future__ import annotations

import hashlib
import http.client
import json
import os
import re
import threading
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from pydantic import Field

from conftest import ROOT, copy_project
from macros.core import schema
from macros.tools.editor import config, server, yamlpatch
from macros.tools.editor.vendor import MANIFEST, VENDOR

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "anju-2020"


def form(configuration: dict, file: str) -> list[dict]:
    return next(f["fields"] for c in configuration["collections"] for f in c.get("files", []) if f["file"] == file)


def named(fields: list[dict], name: str) -> dict:
    return next(f for f in fields if f["name"] == name)


# ------------------------------------------------------------ the configuration, from the schema

class FinanceWithGrant(schema.Finance):
    """A fixture schema: the finance topic with one more field."""
    provincial_grant: schema.Money = Field(default=None, description="省级补助资金，万元（可省略）/ provincial grant (optional)")


def test_a_field_added_to_the_schema_is_in_the_editors_form_with_its_labels_and_bounds():
    topics = {**schema.TOPICS, "finance": FinanceWithGrant}
    grant = named(form(config.build(FIXTURE, "http://127.0.0.1:1/api/v1", topics), "data/2020/finance.yaml"),
                  "provincial_grant")
    money = schema.QUANTITIES["money"]
    assert grant["label"] == "省级补助资金，万元（可省略）"
    assert grant["hint"].startswith("provincial grant (optional)") and money.zh in grant["hint"] and money.en in grant["hint"]
    assert (grant["widget"], grant["min"], grant["max"], grant["whole"]) == ("figure", money.lowest, money.highest, False)
    assert "provincial_grant" not in json.dumps(config.build(FIXTURE, "http://127.0.0.1:1/api/v1"))


def test_every_data_file_of_every_year_has_its_form_and_every_year_its_chapters(tmp_path):
    project = copy_project(tmp_path / "project", "archive")
    configuration = config.build(project, "http://127.0.0.1:1/api/v1")
    files = {f["file"] for c in configuration["collections"] for f in c.get("files", [])}
    years = sorted(p.name for p in (project / "data").iterdir() if p.is_dir())
    assert len(years) > 1
    assert files == {"data/library.yaml"} | {f"data/{y}/{t}.yaml" for y in years for t in schema.TOPICS}
    chapters = {c["folder"] for c in configuration["collections"] if "folder" in c}
    assert chapters == {f"docs/{p.name}" for p in (project / "docs").iterdir() if p.name.isdigit()}
    assert configuration["i18n"] == {"structure": "multiple_files", "locales": ["zh", "en"], "default_locale": "zh"}


def test_lists_texts_and_optional_parts_have_the_widgets_staff_need():
    configuration = config.build(FIXTURE, "http://127.0.0.1:1/api/v1")
    finance = form(configuration, "data/2020/finance.yaml")
    items = named(named(finance, "budget")["fields"], "items")
    assert items["widget"] == "list" and [f["name"] for f in items["fields"]] == ["id", "name", "amount"]
    assert [f["name"] for f in named(items["fields"], "name")["fields"]] == ["zh", "en"]
    assert named(form(configuration, "data/2020/activities.yaml"), "by_kind")["widget"] == "list"
    assert named(form(configuration, "data/2020/chronicle.yaml"), "events")["widget"] == "list"
    closure = named(form(configuration, "data/2020/activities.yaml"), "closure")
    assert closure["widget"] == "object" and "可整体删除" in closure["hint"]
    # nothing is required in the form: the project's checks decide, after the save
    assert "true" not in re.findall(r'"required": (\w+)', json.dumps(configuration))
    # labels are the Chinese of the schema's descriptions, their English the hint
    central = named(finance, "central_free_opening_fund")
    assert central["label"] == "中央下拨免费开放资金，万元（可省略）" and central["hint"].startswith("central free-opening fund")


# ------------------------------------------------------------ the writer

def as_the_editor_writes(text: str, change) -> str:
    """*text* as Decap hands it back: its own order and quoting, no comments, dates as text."""
    data = yaml.safe_load(text)
    change(data)
    return yaml.safe_dump(json.loads(json.dumps(data, default=str)), allow_unicode=True, sort_keys=True)


def changed(before: str, after: str) -> list[tuple[str, str]]:
    old, new = before.splitlines(), after.splitlines()
    assert len(old) == len(new)
    return [(a, b) for a, b in zip(old, new) if a != b]


@pytest.mark.parametrize("path", sorted(str(p.relative_to(FIXTURE)) for p in (FIXTURE / "data").rglob("*.yaml")))
def test_a_file_saved_unchanged_is_written_back_byte_for_byte(path):
    text = (FIXTURE / path).read_text(encoding="utf-8")
    assert yamlpatch.patch(text, as_the_editor_writes(text, lambda data: None)) == text


def test_a_changed_figure_changes_its_line_only_and_keeps_its_comment():
    text = (FIXTURE / "data" / "2020" / "finance.yaml").read_text(encoding="utf-8")

    was = {}

    def change(data):
        was["total"], data["budget"]["total"] = data["budget"]["total"], 170.25
    [(old, new)] = changed(text, yamlpatch.patch(text, as_the_editor_writes(text, change)))
    assert old.replace(str(was["total"]), "170.25") == new and "# " in new


def test_a_list_item_added_is_written_after_the_last_as_the_house_writes_it():
    text = (FIXTURE / "data" / "2020" / "finance.yaml").read_text(encoding="utf-8")

    def change(data):
        data["budget"]["items"].append({"id": "books", "name": {"zh": "购书", "en": "books: new"}, "amount": 1.5})
    after = yamlpatch.patch(text, as_the_editor_writes(text, change))
    added = [line for line in after.splitlines() if line not in text.splitlines()]
    assert added == ["    - amount: 1.5", "      id: books", '      name: {en: "books: new", zh: 购书}'] or added == [
        "    - id: books", '      name: {zh: 购书, en: "books: new"}', "      amount: 1.5"] or len(added) == 3
    assert yaml.safe_load(after)["budget"]["items"][-1] == {"id": "books", "name": {"zh": "购书", "en": "books: new"},
                                                              "amount": 1.5}
    assert text.splitlines() == [line for line in after.splitlines() if line not in added]


def test_an_optional_part_emptied_in_the_form_leaves_the_file_whole_and_a_new_one_is_written_in_blocks():
    text = "total: 45   # 各类活动 / events\nclosure:\n  months: 2   # 闭馆月数\n  reopened_month: 4\nparticipants_at_least: 9\n"
    emptied = yamlpatch.patch(text, "total: 45\nclosure:\n  months: ''\n  reopened_month: null\nparticipants_at_least: 9\n")
    assert emptied == "total: 45   # 各类活动 / events\nparticipants_at_least: 9\n"
    added = yamlpatch.patch(emptied, "total: 45\nparticipants_at_least: 9\nclosure: {months: 3, reopened_month: 5}\n")
    assert added == emptied + "closure:\n  months: 3\n  reopened_month: 5\n"


def test_what_staff_type_reaches_the_checks_as_typed():
    text = "central_free_opening_fund: 18   # 中央下拨免费开放资金\n"
    assert yamlpatch.patch(text, "central_free_opening_fund: '12%'\n") == "central_free_opening_fund: 12%   # 中央下拨免费开放资金\n"
    assert yamlpatch.patch(text, "central_free_opening_fund: '18.0'\n") == text.replace("18 ", "18.0 ")
    assert yamlpatch.patch(text, "central_free_opening_fund: 18.00\n") == text   # the same figure
    # a text that YAML would read as something else keeps its meaning
    assert yamlpatch.patch("a: {zh: x, en: y}\n", "a: {zh: 'yes', en: 'b, c'}\n") == 'a: {zh: "yes", en: "b, c"}\n'
    assert Decimal(str(yaml.safe_load(yamlpatch.patch(text, "central_free_opening_fund: 19.75\n"))
                       ["central_free_opening_fund"])) == Decimal("19.75")


# ------------------------------------------------------------ the local backend

@pytest.fixture
def project(tmp_path) -> Path:
    return copy_project(tmp_path / "project", "anju-2020")


@pytest.mark.parametrize("path", [
    "../mkdocs.yml", "data/../mkdocs.yml", "data/2020/../../mkdocs.yml", "/etc/passwd", "data//2020/finance.yaml",
    "data\\2020\\finance.yaml", "data/2020/finance.yaml\x00.md", "data/2020/fin\nance.yaml", "C:/data/x.yaml",
    "mkdocs.yml", "datax/2020/finance.yaml", "docs/../data/../../etc/passwd", "data/2020/finance.py",
    "docs/2020/%2e%2e/x.md", "", None, 7, ["data/library.yaml"]])
def test_the_backend_refuses_any_path_outside_data_and_docs(project, path):
    backend = server.Backend(project)
    for action in ({"action": "getEntry", "params": {"path": path}},
                   {"action": "persistEntry", "params": {"dataFiles": [{"path": path, "raw": "x: 1\n"}], "assets": []}}):
        with pytest.raises(server.Refused):
            backend.handle(action)
    assert not (project / "data" / "2020" / "finance.py").exists()


def test_the_backend_follows_no_symbolic_link_out_of_the_project(project, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text("secret: 1\n", encoding="utf-8")
    (project / "data" / "linked").symlink_to(outside, target_is_directory=True)
    (project / "docs" / "2020" / "linked.md").symlink_to(outside / "secret.yaml")
    backend = server.Backend(project)
    for path in ("data/linked/secret.yaml", "docs/2020/linked.md", "docs/2020/linked.zh.md"):
        with pytest.raises(server.Refused):
            backend.handle({"action": "getEntry", "params": {"path": path}})
        with pytest.raises(server.Refused):
            backend.handle({"action": "persistEntry", "params": {"dataFiles": [{"path": path, "raw": "x: 2\n"}],
                                                                 "assets": []}})
    assert (outside / "secret.yaml").read_text(encoding="utf-8") == "secret: 1\n"
    listed = backend.handle({"action": "entriesByFolder", "params": {"folder": "docs/2020", "extension": "md", "depth": 1}})
    assert "secret" not in json.dumps(listed)
    with pytest.raises(server.Refused):
        backend.handle({"action": "entriesByFolder", "params": {"folder": "data/linked", "extension": "yaml", "depth": 1}})


def test_chapters_keep_their_names_the_chinese_one_without_a_language(project):
    backend = server.Backend(project)
    listed = backend.handle({"action": "entriesByFolder", "params": {"folder": "docs/2020", "extension": "md", "depth": 1}})
    paths = {e["file"]["path"] for e in listed}
    assert "docs/2020/finance.zh.md" in paths and "docs/2020/finance.en.md" in paths and "docs/2020/finance.md" not in paths
    entry = backend.handle({"action": "getEntry", "params": {"path": "docs/2020/finance.zh.md"}})
    assert entry["data"] == (project / "docs" / "2020" / "finance.md").read_text(encoding="utf-8")


def test_a_request_that_fails_is_told_in_one_line_and_one_the_browser_left_not_at_all(project, capsys):
    # What socketserver calls when a request fails: it would print a traceback in staff's terminal.
    editor = server.Server(project, 0, "http://127.0.0.1:1/")
    try:
        for error in (BrokenPipeError(32, "Broken pipe"), ConnectionResetError(104, "Connection reset by peer"),
                      ValueError("something no one foresaw")):
            try:
                raise error
            except Exception:   # noqa: BLE001 - as socketserver catches it
                editor.handle_error(None, ("127.0.0.1", 1))
    finally:
        editor.server_close()
    told = capsys.readouterr()
    assert told.out == "" and "Traceback" not in told.err
    assert told.err.splitlines() == ["✗ 编辑器未能回应一个请求，请刷新页面 / the editor could not answer a request; "
                                     "reload the page (ValueError: something no one foresaw)"]


def test_the_server_answers_only_on_127_0_0_1_and_only_to_its_own_address(project):
    editor = server.Server(project, 0, "http://127.0.0.1:1/")
    threading.Thread(target=editor.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()   # a quick shutdown
    try:
        host, port = editor.server_address
        assert host == "127.0.0.1"

        def ask(headers: dict) -> int:
            connection = http.client.HTTPConnection(host, port, timeout=10)
            connection.request("POST", "/api/v1", body=json.dumps({"action": "info"}), headers=headers)
            return connection.getresponse().status
        assert ask({"Host": f"127.0.0.1:{port}"}) == 200
        assert ask({"Host": f"attacker.example:{port}"}) == 403   # a name rebound to 127.0.0.1
        assert ask({"Host": f"127.0.0.1:{port}", "Origin": "http://attacker.example"}) == 403
    finally:
        editor.shutdown()
        editor.server_close()


# ------------------------------------------------------------ the vendored code and the public site

def test_the_vendored_editor_is_the_pinned_version_byte_for_byte_with_its_licence():
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    assert manifest["package"] == "decap-cms" and re.fullmatch(r"\d+\.\d+\.\d+", manifest["version"])
    on_disk = {p.name for p in VENDOR.iterdir()} - {MANIFEST.name}
    assert on_disk == set(manifest["files"]) and "LICENSE" in on_disk and "decap-cms.js" in on_disk
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name
    assert "MIT License" in (VENDOR / "LICENSE").read_text(encoding="utf-8")


def test_the_admin_page_loads_only_files_of_this_project():
    for name in server.ADMIN_FILES:
        text = (server.ADMIN / name).read_text(encoding="utf-8")
        assert not re.search(r"(src|href)=[\"']?(https?:)?//", text), name
        assert not re.search(r"""(fetch|import)\(\s*["'`]https?:""", text), name


def test_make_edit_starts_the_editor():
    target = re.search(r"^edit:.*\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M)
    assert target and "-m macros edit" in target.group(1)


def test_the_public_site_has_no_editor(archive):
    # the archive fixture has the online editor's settings (data/editor.yaml): none of it reaches the site
    assert "7f3a-online-app" in (archive.parent / "project" / "data" / "editor.yaml").read_text(encoding="utf-8")
    site = archive
    assert not (site / "admin").exists() and not any("admin" in p.name for p in site.rglob("*"))
    assert not any(p.name in ("online.js", "config.yml", "editor.yaml") for p in site.rglob("*"))
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".js", ".json", ".xml"):
            text = path.read_text(encoding="utf-8", errors="replace")
            # the guide links staff to the editor on their own machine; nothing of the site's own holds
            # the editor's code, loads it, or links to an admin page on the site
            assert "decap-cms" not in text and "CMS_MANUAL_INIT" not in text and "7f3a-online-app" not in text, path
            assert not re.search(r"""(src|href)=["']?(?!http://127\.0\.0\.1:)[^"'>]*/admin/""", text), path


def test_the_insert_a_figure_list_names_every_figure_of_the_year_with_its_macro_and_items_by_id():
    from macros.tools.editor import names
    listed = {n["name"]: n for n in names.year_names(FIXTURE, 2020)}
    assert listed["finance.budget.total"]["macro"] == "{{ finance.budget.total | money }}"
    assert listed["finance.budget.total"]["label"] == "预算合计，万元"
    ids = [item["id"] for item in yaml.safe_load((FIXTURE / "data" / "2020" / "finance.yaml").read_text(
        encoding="utf-8"))["budget"]["items"]]
    assert all(f"finance.budget.items.{i}.amount" in listed for i in ids)
    assert listed["staff.college_or_above_share"]["macro"].endswith("| pct }}")   # computed, quoted all the same
    assert listed["activities.total"]["macro"] == "{{ activities.total | num }}"


@pytest.mark.parametrize("body", [b"[]", b"{", b"\xff", b'{"action": "persistEntry", "params": {"dataFiles": 5}}',
                                  b'{"action": "entriesByFiles", "params": {"files": [7]}}', b'{"action": "nope"}',
                                  b'{"action": "getEntry", "params": "x"}'])
def test_a_malformed_request_is_answered_with_a_refusal_and_changes_nothing(project, body):
    editor = server.Server(project, 0, "http://127.0.0.1:1/")
    threading.Thread(target=editor.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()   # a quick shutdown
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    try:
        host, port = editor.server_address
        connection = http.client.HTTPConnection(host, port, timeout=10)
        connection.request("POST", "/api/v1", body=body, headers={"Host": f"{host}:{port}"})
        answer = connection.getresponse()
        assert 400 <= answer.status < 500 and "error" in json.loads(answer.read())
    finally:
        editor.shutdown()
        editor.server_close()
    assert {p: p.read_bytes() for p in project.rglob("*") if p.is_file()} == before


def test_a_draft_year_is_marked_as_a_draft_in_the_editor(tmp_path):
    project = copy_project(tmp_path / "project", "archive")
    report = project / "data" / "2021" / "report.yaml"
    report.write_text(report.read_text(encoding="utf-8").replace("draft: false", "draft: true"), encoding="utf-8")
    labels = [c["label"] for c in config.build(project, "http://127.0.0.1:1/api/v1")["collections"]]
    assert "2021 年数据（草稿）/ 2021 data (draft)" in labels and "2021 年章节（草稿）/ 2021 chapters (draft)" in labels
    assert "2020 年数据 / 2020 data" in labels
