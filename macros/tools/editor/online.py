"""``python -m macros editor-site DIR``: the editor for a deployment behind a git host's login.

The project's owner states the host once, in data/editor.yaml (checked here, with the project's
staff-language messages), and this writes DIR/index.html, DIR/config.yml, DIR/online.js and the
vendored Decap bundle: a static folder to serve where the host's login is required. It is never
written into the public site (`make build` knows nothing of it).

What each host gets (Decap CMS 3.16.3, as vendored; checked against its bundle and documentation):

- Forgejo: Decap's ``forgejo`` backend, PKCE login with the OAuth application's client id, and
  ``publish_mode: editorial_workflow``: each change is a branch and a pull request.
- Gitea: Decap's ``gitea`` backend, PKCE login. Decap refuses the editorial workflow for Gitea
  ("The Gitea backend does not support editorial workflow"), so saves are commits to a working
  branch of their own (``branch``, by default ``edits``): one pull request from that branch to
  ``main`` is what CI checks, and merging it publishes. Forgejo is the choice that gives a pull
  request per change.
- GitLab (self-hosted): ``gitlab`` backend, ``auth_type: pkce``, editorial workflow (a merge
  request per change).
- GitHub: ``github`` backend and editorial workflow. GitHub's OAuth needs a client secret, which a
  static page cannot hold: ``auth_proxy`` names a small OAuth proxy the library runs (Decap's
  ``base_url``).

Chapters online: Decap's i18n names the default language's file with its suffix (x.zh.md) and
3.16.3 has no option to leave it out (decaporg/decap-cms#5280; Sveltia's
``omit_default_locale_from_filename`` has no Decap counterpart). The local backend translates the
name; a git host would not, and x.zh.md is not a name the build knows. So the online editor lists
each chapter file under its own name (x.md, then x.en.md), as a file collection: what it writes is
exactly the file it read, and the build sees nothing new. The twins are edited one after the
other rather than side by side. The list is made from docs/ each time this runs (CI runs it), so a
new year's chapters appear with the next deployment.
"""
from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ...core import languages
from ...core.chapters import front_matter
from ...core.languages import LANGUAGES
from ...core.load import dotted, load_document
from ...core.problems import DataError, Problem
from . import config
from .vendor import MANIFEST, VENDOR

SETTINGS = Path("data") / "editor.yaml"
ONLINE = Path(__file__).resolve().parent / "online"
# Decap's editorial workflow: a branch and a pull request per change, on these backends only.
WORKFLOW = {"forgejo", "gitlab", "github"}


class Settings(BaseModel):
    """data/editor.yaml: where the report's repository lives, for the online editor."""
    model_config = ConfigDict(extra="forbid")

    host: Literal["forgejo", "gitea", "gitlab", "github"] = Field(
        description="代码托管平台 / the git host: forgejo, gitea, gitlab or github")
    repo: str = Field(pattern=r"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)+$",
                      description="仓库，所有者/名称 / the repository, owner/name")
    url: str = Field(default="https://github.com",
                     description="平台的网址 / the host's address, e.g. https://git.anjulib.example")
    app_id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_.-]+$",
                               description="OAuth 应用的客户端 ID / the OAuth application's client id")
    auth_proxy: str | None = Field(default=None, description="GitHub 登录代理的网址 / the address of GitHub's OAuth proxy")
    branch: str = Field(default="main", pattern=r"^[A-Za-z0-9_./-]+$",
                        description="发布的分支 / the branch that is published")
    edit_branch: str = Field(default="edits", pattern=r"^[A-Za-z0-9_./-]+$",
                             description="Gitea：保存所用的工作分支 / Gitea: the working branch saves go to")

    @field_validator("url", "auth_proxy")
    @classmethod
    def _https(cls, value: str | None) -> str | None:
        if value is not None:
            parts = urlsplit(value)
            if parts.scheme != "https" or not parts.hostname or parts.query or parts.fragment:
                raise ValueError("https")
        return value.rstrip("/") if value else value


# field -> (expected zh, expected en), for the messages
EXPECTED = {
    "host": ("forgejo、gitea、gitlab 或 github 之一", "one of forgejo, gitea, gitlab, github"),
    "repo": ("“所有者/仓库名”，如 anjulib/annual-report", "owner/name, e.g. anjulib/annual-report"),
    "url": ("以 https:// 开头的平台网址，如 https://git.anjulib.example",
            "the host's address starting https://, e.g. https://git.anjulib.example"),
    "auth_proxy": ("以 https:// 开头的登录代理网址", "the proxy's address starting https://"),
    "app_id": ("在平台上登记的 OAuth 应用的客户端 ID", "the client id of the OAuth application registered on the host"),
    "branch": ("分支名，如 main", "a branch name, e.g. main"),
    "edit_branch": ("分支名，如 edits", "a branch name, e.g. edits"),
}
NEEDED = {"forgejo": "app_id", "gitea": "app_id", "gitlab": "app_id", "github": "auth_proxy"}


def read_settings(root: Path) -> Settings:
    """The validated settings of the project at *root*, or DataError naming file, line and field."""
    path, shown = root / SETTINGS, SETTINGS.as_posix()
    if not path.exists():
        raise DataError([Problem(shown, None, None, "写明代码托管平台的文件（见编辑指南“在线编辑”）",
                                 "a file stating the git host (see the guide, “Editing online”)",
                                 "文件不存在 / missing")])
    document = load_document(path, shown, root)
    data = document.data if isinstance(document.data, dict) else {}
    try:
        settings = Settings.model_validate(data)
    except ValidationError as err:
        problems = []
        for error in err.errors():
            place = tuple(error["loc"])
            name = dotted(place)
            if error["type"] == "extra_forbidden":
                zh, en = "只能有 " + "、".join(Settings.model_fields), "only " + ", ".join(Settings.model_fields)
            else:
                zh, en = EXPECTED.get(str(place[0]) if place else "", ("见 docs/guide", "see the guide"))
            found = "缺少此项 / missing" if error["type"] == "missing" else repr(error.get("input"))
            problems.append(Problem(shown, document.line_of(place), name, zh, en, found))
        raise DataError(problems) from None
    field = NEEDED[settings.host]
    if getattr(settings, field) is None:
        zh, en = EXPECTED[field]
        raise DataError([Problem(shown, document.line_of(("host",)), field, zh, f"{en} ({settings.host} needs it)",
                                 "缺少此项 / missing")])
    return settings


def backend(settings: Settings) -> dict:
    """Decap's ``backend`` for the host."""
    api = {"github": "https://api.github.com" if settings.url == "https://github.com" else f"{settings.url}/api/v3",
           "gitlab": f"{settings.url}/api/v4", "gitea": f"{settings.url}/api/v1",
           "forgejo": f"{settings.url}/api/v1"}[settings.host]
    out = {"name": settings.host, "repo": settings.repo, "api_root": api,
           "branch": settings.edit_branch if settings.host == "gitea" else settings.branch}
    if settings.host == "github":
        out["base_url"] = settings.auth_proxy
    else:
        out.update(base_url=settings.url, app_id=settings.app_id)
    if settings.host == "gitlab":
        out["auth_type"] = "pkce"
    if settings.host == "github":
        out["squash_merges"] = True   # one commit per change on main (Decap: GitHub only)
    return out


def chapter_collections(root: Path) -> list[dict]:
    """Each year's chapters as files under their own names: x.md (the original), then x.en.md and any other twin."""
    out = []
    for year in reversed(config.chapter_years(root)):
        folder = root / "docs" / str(year)
        files = []
        for page in sorted(p for p in folder.glob("*.md") if not re.search(r"\.[a-z]{2,3}\.md$", p.name)):
            for code in config.LOCALES:
                twin = page if code == config.DEFAULT_LOCALE else page.with_name(f"{page.stem}.{code}.md")
                if twin.is_file():
                    files.append({"name": f"{page.stem}_{code}_{year}", "label": f"{page.stem} · {LANGUAGES[code].name}",
                                  "file": twin.relative_to(root).as_posix(), "fields": chapter_fields(twin)})
        # yaml-frontmatter, not Decap's guess: a chapter without front matter (a year's cover in
        # English, say) is "Unrecognized front-matter format" to the guess, and fails to open
        out.append({"name": f"chapters_{year}", "label": config._label(year, root, "章节", "chapters"),
                    "format": "yaml-frontmatter", "editor": {"preview": False}, "files": files})
    return out


def chapter_fields(path: Path) -> list[dict]:
    """A chapter's title (where its front matter has one) and its text. A page titled by its heading
    (a year's cover) gets no title field: Decap would write an emptied one as ``title: ""``, which
    blanks the page's title. Front matter the form does not show is kept as it was (Decap keeps
    fields it does not know)."""
    body = {"name": "body", "label": "正文 / text", "widget": "markdown", "modes": ["raw"],
            "hint": "宏 {{ … }} 保持原样 / macros stay as written"}
    try:
        titled = "title" in front_matter(path)
    except DataError:   # a chapter the checks refuse still opens, to be fixed in the form
        titled = True
    return ([{"name": "title", "label": "标题 / title", "widget": "string", "required": False}] if titled else []) + [body]


def build(root: Path, settings: Settings) -> dict:
    """The online editor's whole configuration: the local one's forms, the host's backend."""
    local = config.build(root, "")
    collections = [c for c in local["collections"] if not c.get("folder")] + chapter_collections(root)
    for collection in collections:
        collection.setdefault("editor", {"preview": False})   # the real preview is CI's built site
    online = {**local, "backend": backend(settings), "collections": collections,
              "publish_mode": "editorial_workflow" if settings.host in WORKFLOW else "simple"}
    online.pop("local_backend")
    online.pop("i18n")
    return online


def policy(settings: Settings) -> str:
    """What the admin page may reach: its own files and the host (and GitHub's proxy), nothing else."""
    hosts = {settings.url, *(["https://api.github.com"] if settings.host == "github" else []),
             *([settings.auth_proxy] if settings.auth_proxy else [])}
    reach = " ".join(sorted(hosts))
    return (f"default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
            f"img-src 'self' data: blob: {reach}; connect-src 'self' {reach}; worker-src 'self' blob:; "
            "object-src 'none'; base-uri 'none'")


def write(root: Path, out: Path) -> Settings:
    """Write the online editor for the project at *root* into *out*."""
    settings = read_settings(root)
    languages.configure(root)   # the project's own languages, each a twin of every chapter
    if out.resolve().is_relative_to((root / "site").resolve()) or out.resolve().is_relative_to((root / "docs").resolve()):
        raise DataError([Problem(out.as_posix(), None, None, "公开网站（site/、docs/）之外的文件夹",
                                 "a folder outside the public site (site/, docs/)", out.as_posix())])
    out.mkdir(parents=True, exist_ok=True)
    (out / "config.yml").write_text(
        "# Made by `python -m macros editor-site` from data/editor.yaml and the data model: do not edit.\n"
        + yaml.safe_dump(build(root, settings), allow_unicode=True, sort_keys=False), encoding="utf-8")
    page = (ONLINE / "index.html").read_text(encoding="utf-8").replace("{{ policy }}", policy(settings))
    (out / "index.html").write_text(page, encoding="utf-8")
    shutil.copy2(ONLINE / "online.js", out / "online.js")
    vendor = out / "vendor"
    vendor.mkdir(exist_ok=True)
    for name in json.loads(MANIFEST.read_text(encoding="utf-8"))["files"]:
        shutil.copy2(VENDOR / name, vendor / name)
    return settings


def main(args: list[str]) -> int:
    if len(args) != 1:
        print("✗ 用法 / usage: python -m macros editor-site DIR", file=sys.stderr)
        return 2
    try:
        settings = write(Path.cwd(), Path(args[0]))
    except DataError as err:
        print("\n".join(problem.render() for problem in err.problems), file=sys.stderr)
        return 1
    print(f"✓ 在线编辑器已写入 / the online editor is in {args[0]} ({settings.host}: {settings.repo})", file=sys.stderr)
    return 0
