"""``python -m macros vendor-editor``: the browser editor's code, vendored at its pinned version.

The admin page loads only files from this project (no CDN: foreign CDNs are blocked on many of
the networks staff and readers use). This fetches the pinned npm package with npm's own client
(``npm pack``), keeps only what the browser loads (the bundle, its chunks and WebAssembly, the
licences) in ``vendor/decap-cms/``, and writes ``manifest.json``: package, version, the
tarball's integrity as npm states it, and the sha256 of every file kept. tests/test_editor.py
checks the files against the manifest, so a hand-edited bundle cannot pass unnoticed.

To move to another version: change VERSION below, run this, read the changelog, run the editor's tests.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "decap-cms"
VERSION = "3.16.3"
VENDOR = Path(__file__).resolve().parent / "vendor" / PACKAGE
MANIFEST = VENDOR / "manifest.json"
# The npm package ships no LICENSE file (package.json says "MIT"): the text is the project's own,
# from github.com/decaporg/decap-cms/blob/main/LICENSE.
LICENCE = """Copyright (c) 2016 Netlify <decap@p-m.si>

MIT License

Permission is hereby granted, free of charge, to any person obtaining
a copy of this software and associated documentation files (the
"Software"), to deal in the Software without restriction, including
without limitation the rights to use, copy, modify, merge, publish,
distribute, sublicense, and/or sell copies of the Software, and to
permit persons to whom the Software is furnished to do so, subject to
the following conditions:

The above copyright notice and this permission notice shall be
included in all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND,
EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF
MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE
LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION
OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION
WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
"""


def kept(name: str) -> bool:
    """What the browser loads from dist/: decap-cms.js, its numbered chunks, its WebAssembly, and the
    licences of what the bundle holds (source maps and the cms.js copy are left out)."""
    return (name == "decap-cms.js" or name.endswith(".decap-cms.js") or name.endswith(".wasm")
            or name == "decap-cms.js.LICENSE.txt")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def vendor() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        result = subprocess.run(["npm", "pack", f"{PACKAGE}@{VERSION}", "--json", "--silent"], cwd=tmp,
                                capture_output=True, text=True, check=True)
        packed = json.loads(result.stdout)[0]
        with tarfile.open(Path(tmp) / packed["filename"]) as archive:
            archive.extractall(tmp, filter="data")
        dist = Path(tmp) / "package" / "dist"
        if VENDOR.exists():
            shutil.rmtree(VENDOR)
        VENDOR.mkdir(parents=True)
        for source in sorted(dist.iterdir()):
            if kept(source.name):
                shutil.copy2(source, VENDOR / source.name)
    (VENDOR / "LICENSE").write_text(LICENCE, encoding="utf-8")
    files = {p.name: sha256(p) for p in sorted(VENDOR.iterdir()) if p.name != MANIFEST.name}
    manifest = {"package": PACKAGE, "version": VERSION, "integrity": packed["integrity"],
                "licence": "MIT", "files": files}
    MANIFEST.write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return manifest


def main(args: list[str]) -> int:
    manifest = vendor()
    print(f"✓ {manifest['package']} {manifest['version']}: {len(manifest['files'])} 个文件 / files "
          f"in {VENDOR.relative_to(VENDOR.parents[4])}", file=sys.stderr)
    return 0
