"""Problems found in the data, worded for the staff who edit it.

Each problem names the file, the line and the field, says what was expected
and what was found, in Chinese first with English beside it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    field: str | None
    expected_zh: str
    expected_en: str
    found: str
    severity: str = "error"  # "error" stops the build; "todo" is a draft's empty field

    def render(self) -> str:
        head = self.file
        if self.line:
            head += f":{self.line}  第 {self.line} 行 / line {self.line}"
        if self.field:
            head += f"，字段 / field: {self.field}"
        return _printable(
            f"✗ {head}\n"
            f"    应为 / expected: {self.expected_zh}\n"
            f"                     {self.expected_en}\n"
            f"    实际 / found:    {self.found}"
        )


def _printable(text: str) -> str:
    """*text* with control characters shown as escapes: a terminal acts on them (clears the screen,
    retitles the window), and a message quotes what staff typed."""
    return re.sub(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", lambda m: f"\\x{ord(m.group()):02x}", text)


class DataError(Exception):
    """Raised with every problem found, so staff can fix them all in one go."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__(self.report())

    def report(self) -> str:
        n = len(self.problems)
        lines = [f"数据有 {n} 处问题，网站未生成。/ The data has {n} problem(s); the site was not built.", ""]
        lines += [p.render() for p in self.problems]
        lines += ["", "请按上面的提示修改对应文件后重新运行。/ Fix the files above and run again."]
        return "\n".join(lines)
