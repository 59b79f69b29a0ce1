"""``python -m macros new-library DIR``: another library's report project, in one command.

DIR gets the starter project the engine carries (macros/starter/): its own mkdocs.yml, README,
CI workflow and data/library.yaml with the library's names, the home, data and accessibility
pages, and a first year (last calendar year unless ``--year``) as a draft: every data file
present and blank, as `new-year` and `restore` make them, and the chapter skeletons. It holds
no other library's words; it builds with the installed engine and passes `python -m macros check`.

    python -m macros new-library ../my-library --name-zh 某某县图书馆 --name-en "Mouxian County Library" --year 2024

DIR must not exist, or be an empty folder. All or nothing: the project is made in a hidden
temporary folder beside DIR and renamed into place at the end; a mistake, a full disk or
Ctrl-C leaves nothing behind.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

from ..core import languages
from ..core.schema import SLUG_PATTERN
from ..core.years import EXPECTED_EN, EXPECTED_ZH, is_year_name
from . import jsonschema_export, scaffold

STARTER = Path(__file__).resolve().parents[1] / "starter"
YEAR_PAGES = "year"   # the first year's pages in the starter, copied to docs/<year>/
FILLED = ("mkdocs.yml", "README.md", "data/library.yaml", ".github/workflows/site.yml")
DEFAULT_NAMES = {"zh": "（待填写：馆名）", "en": "(TODO: the library's name)"}
USAGE = "python -m macros new-library DIR [--name-zh 馆名] [--name-en NAME] [--year 2024]"
OPTIONS = {"--name-zh": "name_zh", "--name-en": "name_en", "--year": "year"}


class Refused(Exception):
    """What staff are told, in one line, when the command cannot do what it was asked."""


def parse(args: list[str]) -> dict[str, str]:
    """DIR and the options, or Refused with what is wrong."""
    found: dict[str, str] = {}
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        name, _, value = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if name in OPTIONS:
            if not value:
                if not rest:
                    raise Refused(f"{name} 后缺少值 / {name} needs a value ({USAGE})")
                value = rest.pop(0)
            found[OPTIONS[name]] = value
        elif arg.startswith("-") or "dir" in found:
            raise Refused(f"不认识的参数 / unknown argument {_shown(arg)} ({USAGE})")
        else:
            found["dir"] = arg
    if "dir" not in found:
        raise Refused(f"缺少参数 DIR，即新项目的文件夹 / argument DIR is missing: the new project's folder ({USAGE})")
    return found


def _shown(text: str) -> str:
    from ..__main__ import shown
    return shown(text)


def _checked_year(text: str | None) -> int:
    if text is None:
        return dt.date.today().year - 1
    if not is_year_name(text):
        raise Refused(f"--year 应为{EXPECTED_ZH}，实际是 {_shown(text)}，未做任何改动 / "
                      f"--year must be {EXPECTED_EN}; found {_shown(text)}; nothing was made")
    return int(text)


def _checked_name(text: str | None, lang: str) -> str:
    if text is None:
        return DEFAULT_NAMES[lang]
    if not text.strip() or not text.isprintable() or len(text) > 100:
        raise Refused(f"--name-{lang} 应为一行文字（不超过 100 字），实际是 {_shown(text)} / "
                      f"--name-{lang} must be one line of text (up to 100 characters); found {_shown(text)}")
    return text.strip()


def _checked_dir(text: str) -> Path:
    target = Path(text).expanduser().absolute()
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise Refused(f"{_shown(text)} 已经存在且不是文件夹，未做任何改动 / it already exists and is not a folder; "
                      "nothing was made")
    if target.is_dir() and any(target.iterdir()):
        raise Refused(f"文件夹 {_shown(text)} 不是空的，未做任何改动：请给一个新的或空的文件夹 / "
                      "the folder is not empty; nothing was made: give a new or empty folder")
    if not target.parent.is_dir():
        raise Refused(f"{_shown(str(target.parent))} 不存在，未做任何改动 / its parent folder does not exist; "
                      "nothing was made")
    return target


def fillings(name_zh: str, name_en: str, year: int) -> dict[str, str]:
    """Each placeholder of the starter's FILLED files and what it becomes there."""
    slug = re.sub(r"[^a-z0-9]+", "-", name_en.lower()).strip("-")
    quoted = {"NAME_ZH": name_zh, "NAME_EN": name_en,
              "SITE_NAME_ZH": f"{name_zh}年报", "SITE_NAME_EN": f"{name_en} Annual Reports",
              "AUTHOR_ZH": name_zh, "AUTHOR_EN": name_en,
              "DESCRIPTION_ZH": f"{name_zh}历年年报：工作总结、大事记、机构与人员、经费和业务数据。",
              "DESCRIPTION_EN": f"The annual reports of {name_en}: work review, chronicle, staff, "
                                "finance and service statistics."}
    out = {f"@@{key}@@": json.dumps(value, ensure_ascii=False) for key, value in quoted.items()}
    out["@@TITLE_ZH@@"], out["@@TITLE_EN@@"], out["@@YEAR@@"] = name_zh, name_en, str(year)
    out["@@SLUG@@"] = f"slug: {slug}" if re.fullmatch(SLUG_PATTERN, slug) and name_en != DEFAULT_NAMES["en"] \
        else "# slug: my-library   # 下载文件名中的英文简称（可省略）/ the short name in download file names"
    return out


def make(root: Path, name_zh: str, name_en: str, year: int) -> None:
    """The whole project, written into *root* (an empty folder)."""
    for source in sorted(STARTER.rglob("*")):
        relative = source.relative_to(STARTER)
        if relative.parts[0] == YEAR_PAGES or "__pycache__" in relative.parts:
            continue
        target = root / relative
        if source.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        else:
            shutil.copyfile(source, target)
    for source in sorted((STARTER / YEAR_PAGES).glob("*.md")):
        (root / "docs" / str(year)).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, root / "docs" / str(year) / source.name)
    values = fillings(name_zh, name_en, year)
    for name in FILLED:
        path = root / name
        text = path.read_text(encoding="utf-8")
        for placeholder, value in values.items():
            text = text.replace(placeholder, value)
        path.write_text(text, encoding="utf-8")
    scaffold.write_blank_year(root / "data" / str(year), year)
    jsonschema_export.write(root)


def create(target: Path, name_zh: str, name_en: str, year: int) -> None:
    """*target* made all at once: aside, in a hidden folder beside it, then renamed into place."""
    made = Path(tempfile.mkdtemp(prefix=f".{target.name}-", suffix=".tmp", dir=target.parent))
    try:
        make(made, name_zh, name_en, year)
        if target.is_dir():
            _fill(target, made)   # an empty folder, checked before, keeps its identity (it may be the terminal's)
        else:
            os.rename(made, target)
    except BaseException:
        shutil.rmtree(made, ignore_errors=True)
        raise


def _fill(target: Path, made: Path) -> None:
    """Each top entry of *made* renamed into the empty folder *target*; on a failure, those moved go back."""
    moved = []
    try:
        for entry in sorted(made.iterdir()):
            os.rename(entry, target / entry.name)
            moved.append(entry.name)
    except BaseException:
        for name in moved:
            os.rename(target / name, made / name)
        raise
    made.rmdir()


def main(args: list[str]) -> int:
    try:
        options = parse(args)
        year = _checked_year(options.get("year"))
        name_zh = _checked_name(options.get("name_zh"), "zh")
        name_en = _checked_name(options.get("name_en"), "en")
        target = _checked_dir(options["dir"])
        languages.configure(target)   # the languages of the project it makes: the engine's
        create(target, name_zh, name_en, year)
    except Refused as refused:
        print(f"✗ new-library：{refused}", file=sys.stderr)
        return 2
    except OSError as err:
        print(f"✗ new-library：无法写入 / could not write {err.filename or ''}: {err.strerror}；"
              "未做任何改动 / nothing was made", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\n✗ new-library：已中断，未做任何改动 / interrupted; nothing was made", file=sys.stderr)
        return 130
    folder = options["dir"]
    print(f"✓ {folder}：{name_zh}的年报项目，{year} 年为草稿 / the report project of {name_en}, {year} as a draft\n")
    print("下一步：\n"
          f"  cd {folder}\n"
          "  （先安装年报引擎，见 README.md）\n"
          "  python -m macros check    # 检查数据和章节，列出待填写项\n"
          "  mkdocs serve              # 在 http://127.0.0.1:8000 预览（草稿只在预览中显示）\n"
          "  mkdocs build              # 生成网站到 site/\n"
          "先修改 data/library.yaml 中的馆名、地址，再填写 data/{year}/ 中的数字、docs/{year}/ 中的文字；"
          "完成后在 data/{year}/report.yaml 中设 draft: false。".format(year=year))
    print("\nNext:\n"
          f"  cd {folder}\n"
          "  (install the report engine first: see README.md)\n"
          "  python -m macros check    # the data and chapters checked, what is left to fill listed\n"
          "  mkdocs serve              # preview on http://127.0.0.1:8000 (a draft shows in the preview only)\n"
          "  mkdocs build              # the site, into site/\n"
          f"Fill in data/library.yaml first (name, address), then the figures in data/{year}/ and the words in "
          f"docs/{year}/; when done, set draft: false in data/{year}/report.yaml.")
    return 0
