"""What a finished build leaves behind so that publishing can trust it.

After a successful `mkdocs build` the plugin (macros/mkdocs/plugin.py) writes ``build.json`` at
the site root: the years the site contains (never a draft), whether it is a
preview build, and the SHA-256 of every file. Publishing refuses a site whose
manifest is missing, says preview or draft, lists no file, or no longer matches
its files (a build that failed or was interrupted, or a site changed after it).
A site is regular files and folders only: nothing here ever follows a link.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

MANIFEST = "build.json"
MANIFEST_LIMIT = 16 << 20  # a real build.json is a few hundred KiB; read no further than this
_SHA256 = re.compile(r"[0-9a-f]{64}\Z")


class ReleaseError(Exception):
    pass


def site_files(site: Path) -> tuple[list[str], list[str]]:
    """The regular files under *site*, relative and sorted, and anything else there that is not a folder
    (a link, a pipe, a device). A link is listed, never followed: not to a file, not to a folder."""
    files, others = [], []

    def walk(folder: Path, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                relative = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    walk(Path(entry.path), relative + "/")
                elif entry.is_file(follow_symlinks=False):
                    files.append(relative)
                else:
                    others.append(relative)

    walk(site, "")
    return sorted(files), sorted(others)


def sha256_of(path: Path) -> str:
    """The SHA-256 of a regular file, opened without following a link."""
    digest = hashlib.sha256()
    with os.fdopen(os.open(path, os.O_RDONLY | os.O_NOFOLLOW), "rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def file_hashes(site: Path) -> dict[str, str]:
    """Every regular file of the site but its build.json, with its SHA-256."""
    files, _ = site_files(site)
    return {path: sha256_of(site / path) for path in files if path != MANIFEST}


def write_manifest(site: Path, years: list[int], drafts: list[int], preview: bool, epoch: str | None) -> Path:
    manifest = {"years": sorted(years), "drafts": sorted(drafts), "preview": preview,
                "source_date_epoch": epoch, "files": file_hashes(site)}
    path = site / MANIFEST
    path.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return path


def _is_site_path(path: str) -> bool:
    """A path a file of a built site can have: relative, inside the site, no empty or dot segment."""
    parts = path.split("/")
    return path != MANIFEST and all(part not in ("", ".", "..") for part in parts) and \
        not any(ord(c) < 32 or c == "\x7f" for c in path)


def parse_manifest(raw: bytes) -> dict | None:
    """The manifest in build.json's bytes, or None when they are not a manifest: its files must be
    paths inside the site, each with a SHA-256."""
    if len(raw) > MANIFEST_LIMIT:
        return None
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except ValueError:  # UnicodeDecodeError and JSONDecodeError alike
        return None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        return None
    if not all(isinstance(digest, str) and _SHA256.match(digest) and _is_site_path(path)
               for path, digest in manifest["files"].items()):
        return None
    return manifest


def manifest_problem(manifest: dict) -> str | None:
    """Why a build's manifest is not one that may be published, or None."""
    if manifest.get("preview") or manifest.get("drafts"):
        return f"这是包含草稿年份的预览构建，不能发布 / a preview build with draft years {manifest.get('drafts')}"
    if not manifest["files"]:
        return "构建记录中没有任何文件 / the build's record lists no file"
    return None


def differences(expected: dict[str, str], actual: dict[str, str]) -> list[str]:
    """The files missing, extra or changed, sorted."""
    return sorted(k for k in expected.keys() | actual.keys() if expected.get(k) != actual.get(k))


def describe(changed: list[str]) -> str:
    return ", ".join(changed[:10]) + (" …" if len(changed) > 10 else "")


def load_manifest(site: Path) -> tuple[bytes, dict]:
    """build.json's bytes and what they say, or ReleaseError saying why there is no usable manifest."""
    if not site.is_dir():
        raise ReleaseError(f"{site}: 网站文件夹不存在（先运行 make build）/ no such site folder "
                           f"(run make build, or give --site the folder it built)")
    path = site / MANIFEST
    if path.is_symlink() or not path.is_file():
        raise ReleaseError(f"{site}: 没有 {MANIFEST}，这不是一次成功构建的网站（先运行 make build）/ "
                           f"no {MANIFEST}: not the output of a successful build (run make build)")
    with open(path, "rb") as file:
        raw = file.read(MANIFEST_LIMIT + 1)
    manifest = parse_manifest(raw)
    if manifest is None:
        raise ReleaseError(f"{site}: {MANIFEST} 已损坏（重新运行 make build）/ {MANIFEST} is damaged: "
                           f"not a build's record (run make build again)")
    return raw, manifest


def verify(site: Path) -> dict:
    """The manifest of a site fit to publish, or ReleaseError saying why it is not."""
    _, manifest = load_manifest(site)
    problem = manifest_problem(manifest)
    if problem:
        raise ReleaseError(f"{site}: {problem}: never published")
    _, others = site_files(site)
    if others:
        raise ReleaseError(f"{site}: 网站中有链接或特殊文件，构建不会写出这些 / links or special files in the site, "
                           f"which a build never writes: {describe(others)}")
    changed = differences(manifest["files"], file_hashes(site))
    if changed:
        raise ReleaseError(f"{site}: 文件与构建记录不符 / files differ from the build's record: " + describe(changed))
    return manifest
