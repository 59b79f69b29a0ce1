"""What a finished build leaves behind so that publishing can trust it.

After a successful `mkdocs build` the manifest hook writes ``build.json`` at
the site root: the years the site contains (never a draft), whether it is a
preview build, and the SHA-256 of every file. Publishing refuses a site whose
manifest is missing, says preview or draft, or no longer matches its files
(a build that failed or was interrupted, or a site changed after it).
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

MANIFEST = "build.json"


class ReleaseError(Exception):
    pass


def file_hashes(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file() and p.name != MANIFEST}


def write_manifest(site: Path, years: list[int], drafts: list[int], preview: bool, epoch: str | None) -> Path:
    manifest = {"years": sorted(years), "drafts": sorted(drafts), "preview": preview,
                "source_date_epoch": epoch, "files": file_hashes(site)}
    path = site / MANIFEST
    path.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return path


def parse_manifest(raw: bytes) -> dict | None:
    """The manifest in build.json's bytes, or None when they are not a manifest."""
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except ValueError:  # UnicodeDecodeError and JSONDecodeError alike
        return None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        return None
    return manifest


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
    if not path.is_file():
        raise ReleaseError(f"{site}: 没有 {MANIFEST}，这不是一次成功构建的网站（先运行 make build）/ "
                           f"no {MANIFEST}: not the output of a successful build (run make build)")
    raw = path.read_bytes()
    manifest = parse_manifest(raw)
    if manifest is None:
        raise ReleaseError(f"{site}: {MANIFEST} 已损坏（重新运行 make build）/ {MANIFEST} is damaged: "
                           f"not a build's record (run make build again)")
    return raw, manifest


def verify(site: Path) -> dict:
    """The manifest of a site fit to publish, or ReleaseError saying why it is not."""
    _, manifest = load_manifest(site)
    if manifest.get("preview") or manifest.get("drafts"):
        raise ReleaseError(f"{site}: 这是包含草稿年份的预览构建，不能发布 / a preview build with draft years "
                           f"{manifest.get('drafts')}: never published")
    changed = differences(manifest["files"], file_hashes(site))
    if changed:
        raise ReleaseError(f"{site}: 文件与构建记录不符 / files differ from the build's record: " + describe(changed))
    return manifest
