"""Copies of refused inputs in `<register>/quarantine/<batch>/`, each with a reason file.

A copy is named by the input's position in its batch and its own file name
(`000042-name.json`), so a rerun of an interrupted batch writes the same names again. Files are
written and fsynced in place (no temp file and rename): the batch's transaction commits only
after them, and a rerun of a batch that died mid-write rewrites them whole. `sync_folder` makes
the new names durable, once per chunk. Inputs
refused before they were read (missing, not a regular file, over the size limit, a zip entry
that is unsafe to unpack) have no copy, only the reason file, which names where they are.
"""

from __future__ import annotations

import os
from pathlib import Path

from assessor.core.clock import beijing_text, now_utc
from assessor.core.file_names import safe_file_name
from assessor.core.problems import UserError, os_error_text
from assessor.core.register.db import quarantine_dir
from assessor.core.register.sources import Rejection
from assessor.core.storage.atomic import fsync_dir

REASON_SUFFIX = ".reason.txt"
_PREFIX = len("000000-")
_REASON = len(REASON_SUFFIX)


def _copy_name(folder: Path, seq: int, source: str) -> str:
    """`<seq>-<the input's own file name>`, safe on every file system; the reason file's
    suffix is what the longest name adds to it."""
    leaf = source.replace("\\", "/").rsplit("/", 1)[-1].rsplit("!", 1)[-1]
    name = safe_file_name(leaf, fallback="input", folder=folder, reserve=_PREFIX + _REASON)
    return f"{seq:06d}-{name}"


def write_quarantine(
    register: Path, batch_id: int, seq: int, source: str, raw: bytes | None, rejection: Rejection
) -> str | None:
    """Write the copy (when there are bytes) and the reason file; the copy's path relative
    to the register, or None."""
    folder = quarantine_dir(register, batch_id)
    base = _copy_name(folder, seq, source)
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
            _write_synced(folder / base, raw)
        _write_synced(folder / (base + REASON_SUFFIX), reason.encode("utf-8"))
    except OSError as exc:
        raise UserError(f"无法写入隔离区 {folder}：{os_error_text(exc)}") from exc
    return (folder / base).relative_to(register).as_posix() if raw is not None else None


def sync_folder(register: Path, batch_id: int) -> None:
    """Make the names written into the batch's quarantine folder durable."""
    folder = quarantine_dir(register, batch_id)
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
