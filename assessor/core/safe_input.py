"""Reading files the user names and parsing their JSON without trusting either.

Every refusal is an `InputRejected`: a Chinese message for people and a machine `code` for
callers (import quarantine, tests). Nothing here can hang on a FIFO, exhaust memory on a huge
file or raise RecursionError/ValueError from deep nesting or giant integers.
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
from collections.abc import Callable
from itertools import accumulate
from pathlib import Path
from typing import Any, NoReturn

from assessor.core.problems import Problem, ProblemsError, os_error_text

# CPython's own limit for int(str); json.loads raises ValueError above it.
MAX_INT_DIGITS = 4300
DEFAULT_MAX_DEPTH = 64

CODES = frozenset(
    {
        "missing",
        "not_regular",
        "unreadable",
        "too_large",
        "not_utf8",
        "not_json",
        "duplicate_key",
        "too_deep",
        "number_too_long",
        "non_finite",
        "not_object",
    }
)


class InputRejected(ProblemsError):
    """One input refused, with a machine reason `code` (see CODES) besides the Chinese text."""

    def __init__(self, code: str, where: str, message: str, path: str = "") -> None:
        assert code in CODES, code
        self.code = code
        super().__init__([Problem(where, path, message)])


# --- files ---------------------------------------------------------------------------------

# One wording for every input that cannot be read, in every command.
_CANNOT_READ = "无法读取文件："

_KIND_NAMES: list[tuple[Callable[[int], bool], str]] = [
    (stat.S_ISDIR, "文件夹"),
    (stat.S_ISFIFO, "管道（FIFO）"),
    (stat.S_ISCHR, "设备文件"),
    (stat.S_ISBLK, "设备文件"),
    (stat.S_ISSOCK, "套接字"),
]


def _kind_name(mode: int) -> str:
    return next((name for test, name in _KIND_NAMES if test(mode)), "特殊文件")


def _size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, size // 1024)} KB" if size >= 1024 else f"{size} 字节"


def _refuse_os_error(exc: OSError, where: str) -> NoReturn:
    if exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.ELOOP):
        raise InputRejected("missing", where, f"{_CANNOT_READ}文件不存在") from None
    if exc.errno == errno.EISDIR:
        raise InputRejected("not_regular", where, f"{_CANNOT_READ}这是文件夹，不是文件") from None
    raise InputRejected("unreadable", where, f"{_CANNOT_READ}{os_error_text(exc)}") from None


def _check_regular(mode: int, size: int, max_bytes: int, where: str) -> None:
    if not stat.S_ISREG(mode):
        raise InputRejected(
            "not_regular", where, f"{_CANNOT_READ}这是{_kind_name(mode)}，不是普通文件"
        )
    if size > max_bytes:
        raise InputRejected(
            "too_large",
            where,
            f"文件过大（{_size_text(size)}），上限为 {_size_text(max_bytes)}",
        )


def read_regular_file(path: Path, max_bytes: int, where: str | None = None) -> bytes:
    """The bytes of a regular file of at most `max_bytes`, or InputRejected saying why not.

    The type and size are checked before opening and again on the open descriptor: a FIFO
    swapped in between cannot block (O_NONBLOCK) and a file that grows is not read past the limit.
    """
    where = str(path) if where is None else where
    try:
        before = os.stat(path)
    except OSError as exc:
        _refuse_os_error(exc, where)
    except ValueError:  # an embedded NUL in the name
        raise InputRejected("missing", where, f"{_CANNOT_READ}文件名无效") from None
    _check_regular(before.st_mode, before.st_size, max_bytes, where)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        _refuse_os_error(exc, where)
    try:
        opened = os.fstat(fd)
        _check_regular(opened.st_mode, opened.st_size, max_bytes, where)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        _refuse_os_error(exc, where)
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        _check_regular(opened.st_mode, len(data), max_bytes, where)
    return data


# --- text ----------------------------------------------------------------------------------


def decode_utf8(raw: bytes, where: str) -> str:
    """UTF-8 text without a BOM; UTF-16, GBK and BOM-prefixed files are named as such."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raise InputRejected("not_utf8", where, "文件以 UTF-8 BOM 开头，请另存为不带 BOM 的 UTF-8")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(raw) >= 2 and b"\x00" in raw[:4]):
        raise InputRejected("not_utf8", where, "文件是 UTF-16/UTF-32 编码，请另存为 UTF-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        hint = "（看起来是 GBK/GB18030 编码）" if _decodes_as_gbk(raw) else ""
        raise InputRejected(
            "not_utf8",
            where,
            f"不是 UTF-8 文本{hint}：第 {exc.start + 1} 个字节无法解码，请另存为 UTF-8",
        ) from None


def _decodes_as_gbk(raw: bytes) -> bool:
    try:
        raw.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return True


# --- JSON ----------------------------------------------------------------------------------

# A JSON string (escapes included), written as an unrolled loop so long strings scan linearly.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def nesting_depth(text: str) -> int:
    """The deepest bracket nesting outside strings, found without recursion."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


# The same depth at C speed for lexically valid JSON (where every backslash starts an escape
# inside a string and every string is closed): drop escapes, keep quotes and brackets only,
# drop the strings, then peel the innermost pairs one level per pass.
_ESCAPE = re.compile(rb"\\.", re.DOTALL)
_NOT_QUOTE_OR_BRACKET = bytes(range(256)).translate(None, b'"[]{}')
_CURLY_AS_SQUARE = bytes.maketrans(b"{}", b"[]")


def _brackets_outside_strings(raw: bytes) -> bytes:
    kept = _ESCAPE.sub(b"", raw).translate(_CURLY_AS_SQUARE, _NOT_QUOTE_OR_BRACKET)
    # Strings without brackets are now adjacent quote pairs; when every run of quotes has
    # even length this removes exactly the strings, otherwise split at every quote.
    outside = kept.replace(b'""', b"")
    return b"".join(kept.split(b'"')[::2]) if b'"' in outside else outside


def _valid_json_depth(raw: bytes, limit: int) -> int | None:
    """`nesting_depth` of `raw` if it is lexically valid JSON with balanced brackets at most
    `limit` deep; None when that is not shown (then the exact scan decides)."""
    brackets = _brackets_outside_strings(raw)
    depth = 0
    while brackets:
        if depth == limit:
            return None
        peeled = brackets.replace(b"[]", b"")
        if len(peeled) == len(brackets):
            return None
        brackets, depth = peeled, depth + 1
    return depth


class _Refusal(Exception):
    """Raised inside json.loads hooks; turned into InputRejected outside them."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.message = message


def _refuse_constant(name: str) -> NoReturn:
    raise _Refusal("non_finite", f"不允许 {name}（JSON 中没有非数值或无穷大）")


def _parse_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INT_DIGITS:
        raise _Refusal("number_too_long", f"数字过长（{len(digits)} 位），最多 {MAX_INT_DIGITS} 位")
    return int(digits)


def _parse_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise _Refusal("non_finite", f"数字 {text[:40]} 超出范围")
    return value


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        duplicate = next(key for key, _ in pairs if key in seen or seen.add(key))
        raise _Refusal("duplicate_key", f"键“{duplicate[:80]}”出现了不止一次")
    return result


def parse_json_strict(raw: bytes | str, where: str, *, max_depth: int = DEFAULT_MAX_DEPTH) -> Any:
    """Parse JSON as a careful importer must: UTF-8 only, no duplicate keys, no NaN/Infinity,
    no integer longer than Python accepts, nesting at most `max_depth` (checked before parsing).
    """
    text = decode_utf8(raw, where) if isinstance(raw, bytes) else raw
    if text.startswith("\ufeff"):
        raise InputRejected("not_utf8", where, "文件以 UTF-8 BOM 开头，请另存为不带 BOM 的 UTF-8")
    raw_bytes = raw if isinstance(raw, bytes) else text.encode("utf-8", "surrogatepass")
    # The quick depth is exact whenever json.loads accepts the text; if json.loads refuses it,
    # the exact scan runs before any other reason is given, so the verdict is the exact scan's.
    quick = _valid_json_depth(raw_bytes, max_depth)
    if quick is None and (deep := _too_deep(text, where, max_depth)):
        raise deep
    try:
        return json.loads(
            text,
            object_pairs_hook=_unique_keys,
            parse_constant=_refuse_constant,
            parse_int=_parse_int,
            parse_float=_parse_float,
        )
    except _Refusal as refusal:
        if deep := _too_deep(text, where, max_depth):
            raise deep from None
        raise InputRejected(refusal.code, where, refusal.message) from None
    except json.JSONDecodeError as exc:
        if deep := _too_deep(text, where, max_depth):
            raise deep from None
        raise InputRejected(
            "not_json", where, f"不是合法的 JSON：第 {exc.lineno} 行第 {exc.colno} 列有语法错误"
        ) from None
    except RecursionError:
        if deep := _too_deep(text, where, max_depth):
            raise deep from None
        raise InputRejected("too_deep", where, "JSON 嵌套过深") from None


def _too_deep(text: str, where: str, max_depth: int) -> InputRejected | None:
    depth = nesting_depth(text)
    if depth <= max_depth:
        return None
    return InputRejected("too_deep", where, f"JSON 嵌套过深（{depth} 层），最多 {max_depth} 层")


def parse_json_object(
    raw: bytes | str, where: str, *, max_depth: int = DEFAULT_MAX_DEPTH
) -> dict[str, Any]:
    """`parse_json_strict` for formats whose top level is an object."""
    data = parse_json_strict(raw, where, max_depth=max_depth)
    if not isinstance(data, dict):
        raise InputRejected("not_object", where, "顶层应为 JSON 对象")
    return data


def read_json_file(
    path: Path, max_bytes: int, where: str | None = None, *, max_depth: int = DEFAULT_MAX_DEPTH
) -> dict[str, Any]:
    """A regular file's JSON object, read and parsed with every check above."""
    where = str(path) if where is None else where
    return parse_json_object(read_regular_file(path, max_bytes, where), where, max_depth=max_depth)
