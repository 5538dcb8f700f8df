"""Copies of refused inputs in `<register>/quarantine/`, named by their content, each with a
reason file.

A copy is named by the first 24 hex digits of its SHA-256 and its own file name
(`3fa2…-name.json`); the same bytes refused again (a rerun, the same file in two zips) find the
copy already there and write nothing new, so reruns never multiply copies. Its reason file
(`….reason.txt`) says where it was last seen and why it was refused. Files are written and
fsynced in place (no temp file and rename): the batch's transaction commits only after them, and
a rerun after a death mid-write rewrites a copy whose size is wrong. `sync_folder` makes the new
names durable, once per chunk. Inputs refused before they were read (missing, not a regular
file, over the size limit, an unsafe zip entry) have no copy, only a reason file named by where
they are (`unread-…`).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from assessor.core.clock import beijing_text, now_utc
from assessor.core.file_names import safe_file_name
from assessor.core.problems import UserError, os_error_text
from assessor.core.register.db import quarantine_dir
from assessor.core.register.sources import Rejection
from assessor.core.storage.atomic import fsync_dir

REASON_SUFFIX = ".reason.txt"
KEY_DIGITS = 24
# What the longest name adds to the input's own: `unread-<key>-` before it, the reason
# file's suffix after it.
_RESERVE = len("unread-") + KEY_DIGITS + len("-") + len(REASON_SUFFIX)


def _safe_name(folder: Path, source: str) -> str:
    """The input's own file name, safe on every file system (Windows included)."""
    leaf = source.replace("\\", "/").rsplit("/", 1)[-1].rsplit("!", 1)[-1]
    return safe_file_name(leaf, fallback="input", folder=folder, reserve=_RESERVE)


def _copy_path(folder: Path, raw: bytes, source: str) -> Path:
    """Where the bytes are kept: an existing copy of the same content, else a new name."""
    key = hashlib.sha256(raw).hexdigest()[:KEY_DIGITS]
    for existing in sorted(folder.glob(f"{key}-*")):
        if not existing.name.endswith(REASON_SUFFIX):
            return existing
    return folder / f"{key}-{_safe_name(folder, source)}"


def write_quarantine(
    register: Path, batch_id: int, source: str, raw: bytes | None, rejection: Rejection
) -> str | None:
    """Keep the copy (when there are bytes) and write its reason file; the copy's path relative
    to the register, or None."""
    folder = quarantine_dir(register)
    reason = (
        f"原始位置：{source}\n"
        f"隔离原因：{rejection.message}\n"
        f"原因代码：{rejection.code.value}\n"
        f"导入批次：{batch_id}\n"
        f"记录时间：{beijing_text(now_utc())}\n"
    )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if raw is not None:
            copy = _copy_path(folder, raw, source)
            if not copy.is_file() or copy.stat().st_size != len(raw):
                _write_synced(copy, raw)
            note = copy.with_name(copy.name + REASON_SUFFIX)
        else:
            key = hashlib.sha256(f"{source}\0{rejection.code.value}".encode()).hexdigest()
            note = folder / f"unread-{key[:KEY_DIGITS]}-{_safe_name(folder, source)}{REASON_SUFFIX}"
        _write_synced(note, reason.encode("utf-8"))
    except OSError as exc:
        raise UserError(f"无法写入隔离区 {folder}：{os_error_text(exc)}") from exc
    return copy.relative_to(register).as_posix() if raw is not None else None


def sync_folder(register: Path) -> None:
    """Make the names written into the quarantine folder durable."""
    folder = quarantine_dir(register)
    try:
        fsync_dir(folder)
        fsync_dir(folder.parent)
    except OSError as exc:
        raise UserError(f"无法写入隔离区 {folder}：{os_error_text(exc)}") from exc


def _write_synced(path: Path, payload: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(payload)
        handle.flush()
        os.fsync(handle.fileno())
