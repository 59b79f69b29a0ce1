"""Open data: each year's tables as CSV, JSON and a Frictionless Data Package, and all of
them in one ZIP file (what most readers want: one link, one download).

Every table of the registry (tables.py) is one file. CSV files are UTF-8 with a
byte-order mark, so Excel on Chinese Windows opens them correctly. Column names are
English identifiers; datapackage.json gives each column a title in both languages. The
values are the validated YAML values, unformatted and at their published precision.
A text cell that a spreadsheet would run as a formula is neutralised (OWASP's advice).
"""
from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from . import chronicle, links
from .languages import CODES, DEFAULT, LANGUAGES, text_in
from .site import Site, Year
from .strings import has, t
from .tables import ABSENT, TABLES, Breakdown, Indicators, Records


@dataclass
class Dataset:
    name: str
    title: dict[str, str]
    fields: list[dict]            # Frictionless field descriptors: name, type, title, titles
    rows: list[list]


def _field(name: str, kind: str, zh: str, en: str) -> dict:
    return {"name": name, "type": kind, "title": en, "description": f"{zh} / {en}", "titles": {"zh": zh, "en": en}}


def _language(code: str, lang: str) -> str:
    """Language *code* named in *lang*: 英文, Chinese; a language the catalogue does not name, by its own name."""
    key = f"language.{code}"
    return t(key, lang) if has(key, lang) else LANGUAGES[code].name


def _labels(stem: str, zh: str, en: str) -> list[dict]:
    return [_field(f"{stem}_{code}", "string", f"{zh}（{_language(code, 'zh')}）",
                   f"{en} ({_language(code, 'en')})") for code in CODES]


def _in(label: dict | None, code: str):
    """A registry label or unit in *code*, the original's where it has none in that language."""
    return label.get(code, label.get(DEFAULT)) if label else None


def _text(value, code: str):
    return getattr(value, code, None) if value is not None else None


def _breakdown(entry: Breakdown, year: Year) -> Dataset | None:
    rows = entry.rows(year)
    if rows is None:
        return None
    unit = entry.unit
    fields = [_field("id", "string", "英文标识", "identifier"),
              *_labels("label", entry.category["zh"], entry.category["en"].lower()),
              _field(unit.csv_column, "integer" if unit.integer else "number", unit.csv_title["zh"], unit.csv_title["en"])]
    values = [[r.id, *[_in(r.label, c) if isinstance(r.label, dict) else _text(r.label, c) for c in CODES], r.value]
              for r in rows]
    return Dataset(entry.file, entry.caption, fields, values)


def _indicators(entry: Indicators, year: Year, site: Site) -> Dataset | None:
    rows = entry.rows(year, site)
    if rows is None:
        return None
    values = []
    for r in rows:
        unit = [_in(r.unit, c) for c in CODES]
        change = [r.change] if entry.changes else []
        if hasattr(r.value, "zh"):  # a text in both languages: one row each
            values += [[f"{r.id}_{c}", *[_in(r.label, k) for k in CODES], _text(r.value, c), *unit, *change]
                       for c in CODES]
        else:
            values.append([r.id, *[_in(r.label, k) for k in CODES],
                           r.value.isoformat() if hasattr(r.value, "isoformat") else r.value, *unit, *change])
    numeric = all(isinstance(v[3], (int, Decimal)) and not isinstance(v[3], bool) for v in values if v[3] is not None)
    fields = [_field("indicator", "string", "指标", "indicator"), *_labels("label", "指标名称", "indicator name"),
              _field("value", "number" if numeric else "string", "数值", "value"), *_labels("unit", "单位", "unit")]
    if entry.changes:
        fields.append(_field("change_percent", "number", "较上年变化（%）", "change on the previous year (%)"))
    return Dataset(entry.file, entry.caption, fields, values)


def _records(entry: Records, year: Year) -> Dataset | None:
    events = entry.rows(year)
    if events is None:
        return None
    fields = [_field("date", "string", "日期", "date"), _field("end", "date", "结束日期", "last day"),
              *_labels("title", "标题", "title"), *_labels("place", "地点", "place"),
              *_labels("account", "记述", "account"), _field("figures", "object", "记述中的数字", "figures in the account")]
    rows = [[str(e.date), e.end.isoformat() if e.end else None,
             *[_text(e.title, c) for c in CODES], *[_text(e.place, c) for c in CODES],
             *[chronicle.account(e, c, t("todo", c)) for c in CODES], dict(e.figures)] for e in events]
    return Dataset(entry.file, entry.caption, fields, rows)


def datasets(year: Year, site: Site) -> list[Dataset]:
    """Every table of the registry that *year* has, as a download."""
    out = []
    for entry in TABLES:
        if isinstance(entry, Breakdown):
            found = _breakdown(entry, year)
        elif isinstance(entry, Indicators):
            found = _indicators(entry, year, site)
        else:
            found = _records(entry, year)
        if found is not None:
            out.append(found)
    return out


# ------------------------------------------------------------ file formats

def _plain(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and value.as_tuple().exponent >= 0 else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return None if value is ABSENT else value


def _safe(text: str) -> str:
    """A text cell a spreadsheet would run as a formula (=, +, -, @, tab, carriage return
    first) is shown as text: a leading apostrophe, as OWASP advises for CSV injection."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _cell(value) -> str:
    if value is None or value is ABSENT:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return json.dumps(_plain(value), ensure_ascii=False)
    if isinstance(value, (int, Decimal)):
        return str(value)
    return _safe(str(value))


def csv_bytes(data: Dataset) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([f["name"] for f in data.fields])
    for row in data.rows:
        writer.writerow([_cell(v) for v in row])
    return "\ufeff".encode("utf-8") + buffer.getvalue().encode("utf-8")


def json_bytes(data: Dataset) -> bytes:
    records = [dict(zip([f["name"] for f in data.fields], map(_plain, row))) for row in data.rows]
    return (json.dumps({"name": data.name, "title": data.title, "rows": records}, ensure_ascii=False,
                       indent=2) + "\n").encode("utf-8")


def datapackage(year: int, library_name: dict, all_data: list[Dataset]) -> bytes:
    package = {
        "profile": "data-package", "name": f"annual-report-{year}",
        "title": f"{library_name['zh']} {year} 年年报数据 / {library_name['en']} annual report {year}: data",
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                      "title": "Creative Commons Attribution 4.0"}],
        "resources": [{
            "name": data.name, "path": f"{data.name}.csv", "format": "csv", "mediatype": "text/csv",
            "encoding": "utf-8-sig", "title": f"{data.title['zh']} / {data.title['en']}",
            "schema": {"fields": data.fields},
        } for data in all_data],
    }
    return (json.dumps(package, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def files(year: Year, site: Site) -> dict[str, bytes]:
    """File name -> content for downloads/<year>/, made once for what they are made from: the year,
    the year it is compared with and the library. The pages (their sizes) and the build's end
    (the files) share them through the site model's memo."""
    inputs = (year, site.previous(year.year), site.library)
    return site.memo.get(("downloads", year.year), inputs, lambda: _files(year, site))


def _files(year: Year, site: Site) -> dict[str, bytes]:
    all_data = datasets(year, site)
    out = {}
    for data in all_data:
        out[f"{data.name}.csv"] = csv_bytes(data)
        out[f"{data.name}.json"] = json_bytes(data)
    library = {c: text_in(site.library.name, c) for c in CODES}
    out["datapackage.json"] = datapackage(year.year, library, all_data)
    out[archive_name(site, year.year)] = _zip(archive_name(site, year.year).removesuffix(".zip"), out)
    return out


def archive_name(site: Site, year: int) -> str:
    """The file that holds every data file of *year*."""
    return links.data_archive_name(site.library.slug or links.slug(site.library.name.en), year)


def _zip(folder: str, files: dict[str, bytes]) -> bytes:
    """*files* in one ZIP, in a folder of its own name (unpacking it scatters nothing). The same files
    make the same bytes: every entry is dated 1980-01-01, ZIP's earliest date, not the build's."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in sorted(files.items()):
            entry = zipfile.ZipInfo(f"{folder}/{name}", date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, content, compresslevel=9)
    return buffer.getvalue()


def write(site_dir: Path, year: Year, site: Site) -> list[Path]:
    folder = site_dir / "downloads" / str(year.year)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in files(year, site).items():
        (folder / name).write_bytes(content)
        written.append(folder / name)
    return written
