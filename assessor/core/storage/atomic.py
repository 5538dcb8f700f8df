"""Crash-safe file writes and the TinyDB storage built on them.

TinyDB's own JSONStorage rewrites its file in place, so a crash mid-write leaves a mixed file.
Here every write goes to a temporary file that is fsynced and then renamed over the main file,
and the previous main file is kept as `<name>.bak`. At every instant of a crash the main file
is a complete old or new state, and the backup a complete older one.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from assessor.core.clock import now_utc
from assessor.core.problems import os_error_text
from assessor.core.safe_input import InputRejected, parse_json_strict, read_regular_file
from assessor.core.storage.errors import StorageError as StorageError

_TMP_SUFFIX = ".tmp"
# On Windows a rename onto a file another process has open (a virus scanner, a cloud sync
# client, Explorer's preview) fails with PermissionError until that process lets go, usually
# within a fraction of a second. Long enough to ride that out, short enough that a file held
# open for good is reported while the person still waits for the save.
REPLACE_RETRY_SECONDS = 2.0
_FIRST_RETRY_DELAY = 0.01
_MAX_RETRY_DELAY = 0.25
# A record with a 10,000-entry audit chain is ~3 MB; a file far beyond that is not ours.
MAX_DATA_FILE_BYTES = 64 * 1024 * 1024


class CorruptFileError(StorageError):
    def __init__(self, path: Path, message: str) -> None:
        self.path = path
        super().__init__(message)


class _Unreadable(Exception):
    """A file that exists but holds no usable database; `args[0]` says why, in Chinese."""


def fsync_dir(folder: Path) -> None:
    """Make renames and creations inside `folder` durable (POSIX; Windows cannot open folders)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def create_folder(folder: Path) -> None:
    """Create `folder` and any missing parents, each made durable in its own parent.

    A new folder is an entry in its parent: without the parent's fsync a power cut can lose
    it (and everything written inside it) on file systems that do not order metadata (FAT,
    exFAT, NTFS).
    """
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    for path in reversed(missing):
        try:
            path.mkdir()
        except FileExistsError:
            if not path.is_dir():
                raise
            continue
        fsync_dir(path.parent)


def _temp_name(path: Path) -> Path:
    # Dot-prefixed and unique, so listings skip it and a crashed writer's leftovers are
    # recognisable by name alone.
    return path.with_name(f".{path.name}.{uuid.uuid4().hex}{_TMP_SUFFIX}")


class FileInUseError(PermissionError):
    """A rename that kept failing because another program holds the target open."""


def replace_file(source: Path, target: Path) -> None:
    """`os.replace`, retried for a bounded time while the target is held open elsewhere
    (Windows); then a FileInUseError whose message says so in Chinese."""
    deadline = time.monotonic() + REPLACE_RETRY_SECONDS
    delay = _FIRST_RETRY_DELAY
    while True:
        try:
            os.replace(source, target)
            return
        except PermissionError as exc:
            if time.monotonic() + delay > deadline:
                raise FileInUseError(
                    f"文件 {target.name} 被其他程序占用（常见的是杀毒软件、网盘同步或资源管理器"
                    f"的预览），重试 {REPLACE_RETRY_SECONDS:g} 秒后仍无法替换；"
                    "请关闭占用它的程序后再试，原有文件没有改变"
                ) from exc
        time.sleep(delay)
        delay = min(delay * 2, _MAX_RETRY_DELAY)


def _write_synced(target: Path, payload: bytes) -> None:
    with open(target, "xb") as handle:
        handle.write(payload)
        handle.flush()
        os.fsync(handle.fileno())


def remove_stale_temps(folder: Path, name: str = "*") -> None:
    """Delete temporary files a killed writer of `folder/name` left behind (one writer assumed)."""
    for stale in folder.glob(f".{name}.*{_TMP_SUFFIX}"):
        stale.unlink(missing_ok=True)


def atomic_write_bytes(path: Path, payload: bytes, backup: Path | None = None) -> None:
    """Replace `path` with `payload` so that a crash leaves either the old or the new file.

    With `backup`, the file being replaced is first kept there.
    """
    temp = _temp_name(path)
    try:
        _write_synced(temp, payload)
        if backup is not None:
            keep_backup(path, backup)
        replace_file(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def copy_file_atomic(source: Path, target: Path) -> str:
    """Copy `source` to a new durable file `target`; returns the SHA-256 hex of the bytes copied."""
    digest = hashlib.sha256()
    temp = _temp_name(target)
    try:
        with open(source, "rb") as reader, open(temp, "xb") as writer:
            # Hash what is written rather than re-reading, so the hash names the copy's bytes.
            while chunk := reader.read(1 << 20):
                digest.update(chunk)
                writer.write(chunk)
            writer.flush()
            os.fsync(writer.fileno())
        replace_file(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    fsync_dir(target.parent)
    return digest.hexdigest()


def keep_backup(path: Path, backup: Path) -> None:
    """Make `backup` hold the current content of `path`, never passing through a partial state."""
    if not path.exists():
        return
    temp = _temp_name(path)
    try:
        try:
            # A hard link costs no copy and names the very bytes that are about to be replaced.
            os.link(path, temp)
        except OSError:
            # FAT/exFAT sticks and some network shares have no hard links.
            shutil.copyfile(path, temp)
            with open(temp, "rb+") as handle:
                os.fsync(handle.fileno())
        replace_file(temp, backup)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _read_file(path: Path) -> bytes:
    """A data file's bytes; something that is no regular file (a FIFO, a folder) or is far
    too large to be ours is unusable, never waited on or read whole."""
    try:
        return read_regular_file(path, MAX_DATA_FILE_BYTES)
    except InputRejected as exc:
        if exc.code == "missing":
            raise FileNotFoundError(str(path)) from None
        if exc.code == "unreadable":
            raise PermissionError(exc.problems[0].message) from None
        raise _Unreadable(exc.problems[0].message.removeprefix("无法读取文件：")) from None


def _parse(raw: bytes) -> dict[str, dict[str, Any]]:
    """The database held in `raw`, or `_Unreadable` saying why there is none."""
    if not raw.strip():
        raise _Unreadable("文件为空")
    try:
        data = parse_json_strict(raw, "")
    except InputRejected as exc:
        raise _Unreadable(exc.problems[0].message) from None
    if not isinstance(data, dict) or not all(
        isinstance(table, dict) and all(isinstance(doc, dict) for doc in table.values())
        for table in data.values()
    ):
        raise _Unreadable("内容不是 TinyDB 数据库的结构")
    return data


def modified_at(path: Path) -> datetime | None:
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, UTC)
    except OSError:
        return None


def corrupt_name(path: Path) -> Path:
    stamp = now_utc().strftime("%Y%m%dT%H%M%SZ")
    candidate = path.with_name(f"{path.name}.corrupt-{stamp}")
    counter = 1
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.corrupt-{stamp}-{counter}")
        counter += 1
    return candidate


@dataclass(frozen=True)
class Recovery:
    """A main file that could not be used, so the backup's content was used instead."""

    reason: str
    # Where the damaged file was kept; None when a reader left it in place for the writer.
    damaged_copy: Path | None
    damaged_at: datetime | None


class AtomicJSONStorage(Storage):
    """TinyDB storage with atomic, durable writes and recovery from the last good copy.

    One writer per file, which must hold the folder's lock (see `folder_lock`): opening the
    storage as the writer deletes temporary files left by a killed writer, and only the writer
    repairs a damaged file. A reader (`writer=False`) changes nothing on disk.
    """

    def __init__(self, path: str | os.PathLike[str], *, writer: bool = True) -> None:
        self.path = Path(path)
        self.backup = self.path.with_name(self.path.name + ".bak")
        self.writer = writer
        self.recovered: Recovery | None = None
        if writer:
            remove_stale_temps(self.path.parent, self.path.name)

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            return _parse(_read_file(self.path))
        except FileNotFoundError:
            if not self.backup.exists():
                return None
            return self._recover("文件缺失")
        except _Unreadable as exc:
            return self._recover(str(exc.args[0]))
        except OSError as exc:
            raise StorageError(f"无法读取数据文件 {self.path}：{os_error_text(exc)}") from exc

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        if not self.writer:
            raise StorageError(f"数据文件 {self.path} 以只读方式打开，不能保存")
        # Serialise before touching any file: data that cannot be written must change nothing.
        payload = json.dumps(
            data, ensure_ascii=False, allow_nan=False, separators=(",", ":")
        ).encode("utf-8")
        try:
            atomic_write_bytes(self.path, payload, backup=self.backup)
        except OSError as exc:
            raise StorageError(f"无法保存数据文件 {self.path}：{os_error_text(exc)}") from exc

    def _recover(self, reason: str) -> dict[str, dict[str, Any]]:
        """Bring back the backup, keeping the broken main file aside; change nothing on failure."""
        try:
            payload = _read_file(self.backup)
            data = _parse(payload)
        except FileNotFoundError:
            backup_problem = "备份文件不存在"
        except _Unreadable as exc:
            backup_problem = f"备份文件也已损坏：{exc.args[0]}"
        except OSError as exc:
            backup_problem = f"备份文件无法读取：{os_error_text(exc)}"
        else:
            damaged_at = modified_at(self.path)
            if not self.writer:
                self.recovered = Recovery(reason, None, damaged_at)
                return data
            try:
                kept = None
                if self.path.exists():
                    kept = corrupt_name(self.path)
                    replace_file(self.path, kept)
                atomic_write_bytes(self.path, payload)
            except OSError as exc:
                raise StorageError(
                    f"数据文件 {self.path} 已损坏（{reason}），从备份恢复时出错：{os_error_text(exc)}"
                ) from exc
            self.recovered = Recovery(reason, kept, damaged_at)
            return data
        raise CorruptFileError(
            self.path,
            f"数据文件 {self.path} 已损坏（{reason}），且无法从备份恢复（{backup_problem}）。"
            "文件均保持原样，请勿删除，并联系技术支持。",
        )
