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
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from assessor.core.problems import UserError

_TMP_SUFFIX = ".tmp"


class StorageError(UserError):
    """A storage failure the user must be told about; the message is in Chinese."""


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


def _temp_name(path: Path) -> Path:
    # Dot-prefixed and unique, so listings skip it and a crashed writer's leftovers are
    # recognisable by name alone.
    return path.with_name(f".{path.name}.{uuid.uuid4().hex}{_TMP_SUFFIX}")


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
            _keep_backup(path, backup)
        os.replace(temp, path)
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
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    fsync_dir(target.parent)
    return digest.hexdigest()


def _keep_backup(path: Path, backup: Path) -> None:
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
        os.replace(temp, backup)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _parse(raw: bytes) -> dict[str, dict[str, Any]]:
    """The database held in `raw`, or `_Unreadable` saying why there is none."""
    if not raw.strip():
        raise _Unreadable("文件为空")
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise _Unreadable("文件不是 UTF-8 编码") from None
    except json.JSONDecodeError as exc:
        raise _Unreadable(f"不是完整的 JSON（第 {exc.lineno} 行第 {exc.colno} 列）") from None
    if not isinstance(data, dict) or not all(
        isinstance(table, dict) and all(isinstance(doc, dict) for doc in table.values())
        for table in data.values()
    ):
        raise _Unreadable("内容不是 TinyDB 数据库的结构")
    return data


def _corrupt_name(path: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    candidate = path.with_name(f"{path.name}.corrupt-{stamp}")
    counter = 1
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.corrupt-{stamp}-{counter}")
        counter += 1
    return candidate


class AtomicJSONStorage(Storage):
    """TinyDB storage with atomic, durable writes and recovery from the last good copy.

    One writer per file: opening the storage deletes temporary files left by a killed writer.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.backup = self.path.with_name(self.path.name + ".bak")
        remove_stale_temps(self.path.parent, self.path.name)

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            return _parse(self.path.read_bytes())
        except FileNotFoundError:
            if not self.backup.exists():
                return None
            return self._recover("文件缺失")
        except _Unreadable as exc:
            return self._recover(str(exc.args[0]))
        except OSError as exc:
            raise StorageError(f"无法读取数据文件 {self.path}：{exc.strerror or exc}") from exc

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        # Serialise before touching any file: data that cannot be written must change nothing.
        payload = json.dumps(
            data, ensure_ascii=False, allow_nan=False, separators=(",", ":")
        ).encode("utf-8")
        try:
            atomic_write_bytes(self.path, payload, backup=self.backup)
        except OSError as exc:
            raise StorageError(f"无法保存数据文件 {self.path}：{exc.strerror or exc}") from exc

    def _recover(self, reason: str) -> dict[str, dict[str, Any]]:
        """Bring back the backup, keeping the broken main file aside; change nothing on failure."""
        try:
            payload = self.backup.read_bytes()
            data = _parse(payload)
        except FileNotFoundError:
            backup_problem = "备份文件不存在"
        except _Unreadable as exc:
            backup_problem = f"备份文件也已损坏：{exc.args[0]}"
        except OSError as exc:
            backup_problem = f"备份文件无法读取：{exc.strerror or exc}"
        else:
            try:
                if self.path.exists():
                    os.replace(self.path, _corrupt_name(self.path))
                atomic_write_bytes(self.path, payload)
            except OSError as exc:
                raise StorageError(
                    f"数据文件 {self.path} 已损坏（{reason}），从备份恢复时出错：{exc.strerror or exc}"
                ) from exc
            return data
        raise CorruptFileError(
            self.path,
            f"数据文件 {self.path} 已损坏（{reason}），且无法从备份恢复（{backup_problem}）。"
            "文件均保持原样，请勿删除，并联系技术支持。",
        )
