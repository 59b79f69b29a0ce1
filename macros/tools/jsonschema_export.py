"""JSON Schema files for editors, generated from schema.py (never edited by hand).

VS Code's YAML extension reads them (see the ``# yaml-language-server``
line at the top of each data file and .vscode/settings.json) to complete field
names and underline mistakes while staff type. `python -m macros schema`
rewrites them; a test fails when they are out of date.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from ..core.schema import TOPICS, Library

SCHEMA_DIR = Path("data/schema")


def schemas() -> dict[str, dict]:
    """File name -> JSON Schema, for library.yaml and each topic file of a year."""
    out = {}
    for name, model in {"library": Library, **TOPICS}.items():
        schema = model.model_json_schema(mode="validation")
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["title"] = f"{name}.yaml"
        out[f"{name}.schema.json"] = schema
    return out


def render(schema: dict) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def vscode_settings() -> dict:
    mapping = {f"data/schema/{name}.schema.json": ["data/library.yaml"] if name == "library"
               else [f"data/*/{name}.yaml"] for name in ["library", *TOPICS]}
    return {"yaml.schemas": mapping, "files.encoding": "utf8", "[yaml]": {"editor.insertSpaces": True, "editor.tabSize": 2}}


def write(root: Path) -> list[Path]:
    folder = root / SCHEMA_DIR
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in schemas().items():
        path = folder / name
        path.write_text(render(schema), encoding="utf-8")
        written.append(path)
    settings = root / ".vscode" / "settings.json"
    settings.parent.mkdir(exist_ok=True)
    settings.write_text(render(vscode_settings()), encoding="utf-8")
    written.append(settings)
    return written


def main(args: list[str]) -> int:
    for path in write(Path(args[0]) if args else Path.cwd()):
        print(f"✓ {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
