"""The online editor (`python -m macros editor-site DIR`, issue 23): its settings are checked with the
project's staff-language messages, its configuration comes from them, its chapters are the files under
their own names (so what it writes is what the build reads), and for each git host the admin it writes
loads in the vendored Decap in Chromium, without a configuration error, and offers that host's login,
with no request off the machine."""
from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from playwright.sync_api import expect

from conftest import ROOT, built, copy_project
from macros.core.problems import DataError
from macros.tools.editor import online

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "anju-2020"

HOSTS = {
    "forgejo": ("host: forgejo\nrepo: anjulib/annual-report\nurl: https://git.anjulib.example\napp_id: 7f3a-forgejo\n",
                "Forgejo"),
    "gitea": ("host: gitea\nrepo: anjulib/annual-report\nurl: https://gitea.anjulib.example\napp_id: 9c1d-gitea\n",
              "Gitea"),
    "gitlab": ("host: gitlab\nrepo: anjulib/annual-report\nurl: https://gitlab.anjulib.example\napp_id: 4e5f-gitlab\n",
               "GitLab"),
    "github": ("host: github\nrepo: anjulib/annual-report\nauth_proxy: https://auth.anjulib.example\n", "GitHub"),
}


def project(tmp_path: Path, settings: str) -> Path:
    """The fixture's data and chapters, with *settings* as data/editor.yaml."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    (root / "data" / "editor.yaml").write_text(settings, encoding="utf-8")
    return root


def refused(tmp_path: Path, settings: str) -> str:
    with pytest.raises(DataError) as told:
        online.read_settings(project(tmp_path, settings))
    return "\n".join(p.render() for p in told.value.problems)


# ------------------------------------------------------------ settings and configuration

@pytest.mark.parametrize("host", HOSTS)
def test_the_configuration_comes_from_the_projects_settings(tmp_path, host):
    root = project(tmp_path, HOSTS[host][0])
    settings = yaml.safe_load(HOSTS[host][0])
    backend = online.build(root, online.read_settings(root))["backend"]
    assert backend["name"] == host and backend["repo"] == settings["repo"]
    if host == "github":
        assert backend["base_url"] == settings["auth_proxy"] and backend["api_root"] == "https://api.github.com"
    else:
        assert backend["app_id"] == settings["app_id"] and backend["base_url"] == settings["url"]
        assert backend["api_root"].startswith(settings["url"] + "/api/")
    assert (backend.get("auth_type") == "pkce") == (host == "gitlab")


def test_each_change_is_a_pull_request_where_decap_allows_it_and_gitea_saves_to_a_working_branch(tmp_path):
    modes = {}
    for host, (settings, _) in HOSTS.items():
        root = project(tmp_path / host, settings)
        made = online.build(root, online.read_settings(root))
        modes[host] = (made["publish_mode"], made["backend"]["branch"])
    assert modes == {"forgejo": ("editorial_workflow", "main"), "gitea": ("simple", "edits"),
                     "gitlab": ("editorial_workflow", "main"), "github": ("editorial_workflow", "main")}


def test_a_bad_setting_names_the_file_the_line_and_the_field(tmp_path):
    told = refused(tmp_path, "host: forgejo\nrepo: anjulib/annual-report\nurl: http://git.anjulib.example\napp_id: x\n")
    assert "✗ data/editor.yaml:3" in told and "field: url" in told and "https://" in told
    told = refused(tmp_path / "2", "host: gitee\nrepo: anjulib/annual-report\n")
    assert "✗ data/editor.yaml:1" in told and "field: host" in told and "'gitee'" in told
    told = refused(tmp_path / "3", "host: gitlab\nrepo: anjulib/annual-report\nurl: https://gitlab.anjulib.example\n")
    assert "field: app_id" in told and "gitlab needs it" in told and "缺少此项" in told


def test_online_the_chapters_are_the_files_under_their_own_names_so_a_save_changes_only_that_file(tmp_path):
    root = project(tmp_path, HOSTS["forgejo"][0])
    made = online.build(root, online.read_settings(root))
    listed = [f["file"] for c in made["collections"] if c["name"].startswith("chapters_") for f in c["files"]]
    on_disk = sorted(p.relative_to(root).as_posix() for p in (root / "docs" / "2020").glob("*.md"))
    assert sorted(listed) == on_disk and any(name.endswith(".en.md") for name in listed)
    assert not any(name.endswith(".zh.md") for name in listed)   # never a name the build does not know
    assert all("folder" not in c and "i18n" not in c for c in made["collections"])


def test_the_online_editor_is_never_written_into_the_public_site(tmp_path):
    root = project(tmp_path, HOSTS["gitea"][0])
    with pytest.raises(DataError):
        online.write(root, root / "site" / "admin")
    with pytest.raises(DataError):
        online.write(root, root / "docs" / "admin")
    assert not (root / "site").exists() and not (root / "docs" / "admin").exists()


def test_the_command_writes_the_admin_or_says_what_is_wrong(tmp_path):
    root = project(tmp_path, HOSTS["github"][0])
    run = subprocess.run([sys.executable, "-m", "macros", "editor-site", str(tmp_path / "admin")], cwd=root,
                         capture_output=True, text=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert run.returncode == 0, run.stderr
    assert {p.name for p in (tmp_path / "admin").iterdir()} == {"index.html", "config.yml", "online.js", "vendor"}
    (root / "data" / "editor.yaml").write_text("host: github\nrepo: anjulib\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "macros", "editor-site", str(tmp_path / "again")], cwd=root,
                         capture_output=True, text=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert run.returncode == 1 and "data/editor.yaml:2" in run.stderr and "field: repo" in run.stderr
    assert "Traceback" not in run.stderr and not (tmp_path / "again").exists()
    (root / "data" / "editor.yaml").unlink()   # no host stated yet: said, with the file to write
    run = subprocess.run([sys.executable, "-m", "macros", "editor-site", str(tmp_path / "again")], cwd=root,
                         capture_output=True, text=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert run.returncode == 1 and "✗ data/editor.yaml" in run.stderr and "在线编辑" in run.stderr and "Traceback" not in run.stderr


def test_the_settings_file_leaves_the_projects_checks_as_they_were(tmp_path):
    root = copy_project(tmp_path / "project", "anju-2020")
    (root / "data" / "editor.yaml").write_text(HOSTS["forgejo"][0], encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "macros", "check"], cwd=root, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


# ------------------------------------------------------------ in Chromium, one admin per host

class _Quiet(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".yml": "text/yaml"}

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def admins(tmp_path_factory):
    """The admin of each host, written by the command's own function, served from 127.0.0.1."""
    top = tmp_path_factory.mktemp("admins")
    for host, (settings, _) in HOSTS.items():
        online.write(project(top / "projects" / host, settings), top / host)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(top)))
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.mark.parametrize("host", HOSTS)
def test_each_hosts_admin_loads_and_offers_that_hosts_login_with_no_request_off_the_machine(admins, browser, host):
    context = browser.new_context(locale="zh-CN")
    asked, errors = [], []

    def route(r):
        asked.append(r.request.url)
        if urlsplit(r.request.url).hostname == "127.0.0.1":
            r.continue_()
        else:
            r.abort()
    context.route("**/*", route)
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)   # a CSP refusal, say
    try:
        page.goto(f"{admins}{host}/")
        login = page.get_by_role("button", name=HOSTS[host][1])
        expect(login).to_be_visible(timeout=15_000)
        assert page.get_by_text("Config Errors").count() == 0
    finally:
        context.close()
    assert [u for u in asked if urlsplit(u).hostname != "127.0.0.1" and not u.startswith(("data:", "blob:"))] == []
    assert errors == []


def test_a_chapter_saved_by_the_online_editor_keeps_its_name_and_the_site_builds_from_it(browser, tmp_path):
    """Decap writes the online chapters collection through its own code (its in-memory ``test-repo``
    backend stands in for the git host): the Chinese chapter comes back as x.md, never x.zh.md, only
    that file changes, and the real build makes its page with the new title and no other."""
    root = copy_project(tmp_path / "project", "anju-2020")
    (root / "data" / "editor.yaml").write_text(HOSTS["forgejo"][0], encoding="utf-8")
    made = online.build(root, online.read_settings(root))
    # test-repo lists media from a top-level folder of its own, which the in-memory tree gives empty
    made["backend"], made["publish_mode"], made["media_folder"] = {"name": "test-repo"}, "simple", "media"
    folder = tmp_path / "admin"
    online.write(root, folder)
    (folder / "config.yml").write_text(yaml.safe_dump(made, allow_unicode=True, sort_keys=False), encoding="utf-8")
    tree: dict = {"media": {}}
    for path in sorted(root.glob("data/**/*.yaml")) + sorted(root.glob("docs/2020/*.md")):
        here = tree
        for part in path.relative_to(root).parts[:-1]:
            here = here.setdefault(part, {})
        here[path.name] = {"content": path.read_text(encoding="utf-8")}
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    context = browser.new_context(locale="zh-CN")
    context.add_init_script(f"window.repoFiles = {json.dumps(tree)};")
    context.route("**/*", lambda r: r.continue_() if urlsplit(r.request.url).hostname == "127.0.0.1" else r.abort())
    page = context.new_page()
    page.on("dialog", lambda d: d.accept())
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
        page.get_by_role("button", name="登录").click()
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/#/collections/chapters_2020/entries/finance_zh_2020")
        title = page.get_by_label("标题 / title")
        expect(title).to_have_value("经费情况", timeout=15_000)
        title.fill("经费情况与预算")
        page.get_by_role("button", name=re.compile("^发布")).first.click()
        page.get_by_text(re.compile("^立即发布$")).first.click()
        expect(page.get_by_text("已发布").first).to_be_visible(timeout=15_000)
        after = page.evaluate("""() => { const out = {};
            (function walk(node, at) { for (const [name, value] of Object.entries(node))
                if ("content" in value && typeof value.content === "string") out[at + name] = value.content;
                else walk(value, at + name + "/"); })(window.repoFiles.docs, "docs/");
            return out; }""")
    finally:
        context.close()
        server.shutdown()
    before = {path.relative_to(root).as_posix(): path.read_text(encoding="utf-8") for path in root.glob("docs/2020/*.md")}
    assert set(after) == set(before)                      # no x.zh.md, nothing new
    changed = [name for name in after if after[name] != before[name]]
    assert changed == ["docs/2020/finance.md"]
    old, new = before["docs/2020/finance.md"], after["docs/2020/finance.md"]
    assert new.replace("经费情况与预算", "经费情况", 1) == old   # every other byte as it was
    (root / "docs/2020/finance.md").write_text(new, encoding="utf-8")
    site = built(root, tmp_path / "site")
    assert "经费情况与预算" in (site / "2020" / "finance" / "index.html").read_text(encoding="utf-8")
    assert not list(site.rglob("finance.zh*"))


def test_a_page_titled_by_its_heading_gets_no_title_field_to_blank(tmp_path):
    """Decap writes an emptied title as title: "", which would blank the page's title."""
    root = project(tmp_path, HOSTS["forgejo"][0])
    files = {f["file"]: [field["name"] for field in f["fields"]]
             for c in online.build(root, online.read_settings(root))["collections"] for f in c.get("files", [])
             if f["file"].startswith("docs/")}
    assert files["docs/2020/index.en.md"] == ["body"] and files["docs/2020/finance.en.md"] == ["title", "body"]
