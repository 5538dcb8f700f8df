"""Problems found in user-supplied data, worded in Chinese with where they were found."""

from __future__ import annotations

import errno
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import ValidationError

# Pydantic's own messages are English; users of this tool read Chinese.
_MESSAGES: dict[str, str] = {
    "missing": "缺少必填项",
    "extra_forbidden": "不认识的字段（拼写错误或格式版本不符）",
    "string_too_short": "不能为空",
    "string_too_long": "内容过长，最多 {max_length} 个字符",
    "string_pattern_mismatch": "格式不正确",
    "string_type": "应为文字",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "bool_type": "应为 是/否",
    "bool_parsing": "应为 是/否",
    "list_type": "应为列表",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "too_short": "至少需要 {min_length} 项",
    "too_long": "最多 {max_length} 项",
    "greater_than": "必须大于 {gt}",
    "greater_than_equal": "不能小于 {ge}",
    "less_than": "必须小于 {lt}",
    "less_than_equal": "不能大于 {le}",
    "literal_error": "取值应为 {expected}",
    "enum": "取值应为 {expected}",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "date_type": "日期格式应为 YYYY-MM-DD",
    "timezone_aware": "时间必须带时区（如 2026-11-30T08:00:00+08:00）",
    "json_invalid": "不是合法的 JSON：{error}",
    "json_type": "不是合法的 JSON",
}


_OS_ERRORS = {
    errno.ENOENT: "文件或文件夹不存在",
    errno.EACCES: "没有访问权限",
    errno.EPERM: "没有访问权限",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.ENOTDIR: "路径中有一部分不是文件夹",
    errno.ENOSPC: "磁盘空间不足",
    errno.EROFS: "磁盘为只读",
}


def os_error_text(exc: OSError) -> str:
    """Chinese for the common file-system errors; the system's own text otherwise."""
    return _OS_ERRORS.get(exc.errno or -1, exc.strerror or str(exc))


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: `where` is a file, sheet or form; `path` is inside it."""

    where: str
    path: str
    message: str

    def __str__(self) -> str:
        location = f"{self.where}: {self.path}" if self.path else self.where
        return f"{location}: {self.message}"


class UserError(Exception):
    """Bad input the user can fix; its message (Chinese) is shown as it is by CLI and GUI."""


class ProblemsError(UserError):
    """Raised with every problem found, never just the first."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def format_loc(loc: Iterable[str | int]) -> str:
    """`("dimensions", 2, "items", 0, "max")` → `dimensions[2].items[0].max`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


_DATE_ERRORS = {"date_from_datetime_parsing", "date_parsing"}
_WELL_FORMED_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def translate_error(error: dict) -> str:
    """Chinese wording for one pydantic error, falling back to pydantic's own message."""
    given = error.get("input")
    if (
        error["type"] in _DATE_ERRORS
        and isinstance(given, str)
        and _WELL_FORMED_DATE.match(given.strip())
    ):
        # The format is right, the calendar says no (2026-13-45, 2026-02-30).
        return f"日期不存在：{given.strip()}（请检查月份和日期）"
    template = _MESSAGES.get(error["type"])
    if template is None:
        message = str(error.get("msg", ""))
        return message.removeprefix("Value error, ")
    context = {
        k: f"{v:g}" if isinstance(v, float) else v for k, v in (error.get("ctx") or {}).items()
    }
    try:
        return template.format(**context)
    except (KeyError, IndexError):
        return template.split("{")[0].rstrip("：，, ")


def problems_from_validation(where: str, exc: ValidationError) -> list[Problem]:
    return [
        Problem(where, format_loc(e["loc"]), translate_error(e))
        for e in exc.errors(include_url=False)
    ]
