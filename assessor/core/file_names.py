"""File names made from what people type (a centre's name, a photo's name, a trainee's id):
one set of rules that every file system the app meets accepts, Windows' included.

Windows refuses the characters \\ / : * ? " < > | and control characters, names ending in a
dot or a space, and the device names CON, PRN, AUX, NUL, COM0–9 and LPT0–9 (with or without
an extension, in any case); without the long-path opt-in a whole path is at most 259
characters. ext4 allows 255 bytes per name, NTFS and exFAT 255 UTF-16 units.
"""

from __future__ import annotations

import re
from pathlib import Path

from assessor.core.problems import UserError

# Bytes of UTF-8 for a whole name: a Chinese character is 3 bytes, so this is 66 of them.
MAX_NAME_BYTES = 200
# Windows' MAX_PATH (260) less the terminating NUL, counted in UTF-16 units.
MAX_PATH_UNITS = 259
# What an atomic write adds to a name for its temporary file: ".<name>.<32 hex>.tmp".
TEMP_NAME_EXTRA = 38

_FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f\s]+')
_EDGES = re.compile(r"^[.\s]+|[.\s]+$")
_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"{device}{n}" for device in ("COM", "LPT") for n in (*"0123456789", "¹", "²", "³")),
}


def _units(text: str) -> int:
    """Length in UTF-16 code units, as Windows counts path length."""
    return len(text.encode("utf-16-le")) // 2


def _trimmed(stem: str) -> str:
    # No leading dot (a hidden file, and our temporary files' mark), no trailing dot or space.
    return _EDGES.sub("", stem)


def _cut(stem: str, max_bytes: int, max_units: int) -> str:
    while stem and (len(stem.encode("utf-8")) > max_bytes or _units(stem) > max_units):
        stem = stem[:-1]
    return _trimmed(stem)


def safe_file_name(
    text: str,
    suffix: str = "",
    *,
    fallback: str = "未命名",
    folder: Path | None = None,
    reserve: int = TEMP_NAME_EXTRA,
) -> str:
    """`text` made into a file name ending in `suffix` (our own, already safe, e.g. ".pdf").

    Forbidden characters and whitespace become "_"; leading dots and trailing dots and spaces
    go; a device name gets "_" appended; the name is shortened to `MAX_NAME_BYTES` and, with
    `folder`, so that `folder` / name plus `reserve` more characters (the longest name derived
    from this one, such as a temporary file) fits Windows' path limit. An empty result is
    `fallback`. A folder too deep for any name is a UserError.
    """
    max_units = MAX_PATH_UNITS
    if folder is not None:
        max_units -= _units(str(folder)) + 1 + reserve
    max_units -= _units(suffix)
    if max_units < 1:
        raise UserError(
            f"文件夹的路径太长：{folder}（在 Windows 上完整路径不能超过 {MAX_PATH_UNITS + 1} 个"
            "字符），请选择层级较浅的文件夹"
        )
    max_bytes = MAX_NAME_BYTES - len(suffix.encode("utf-8"))
    stem = _cut(_trimmed(_FORBIDDEN.sub("_", _trimmed(text))), max_bytes, max_units)
    if not stem:
        stem = _cut(fallback, max_bytes, max_units) or "_"
    head = f"{stem}{suffix}".split(".", 1)[0]
    if head.upper() in _RESERVED:
        # "CON.txt" is the device too: the mark goes on the part before the first dot.
        stem = _cut(stem, max_bytes - 1, max_units - 1)
        stem = f"{stem[: len(head)]}_{stem[len(head) :]}"
    return f"{stem}{suffix}"
