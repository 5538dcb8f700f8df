"""One archive of the whole data folder, and its checked restore onto another laptop.

The archive is a zip file holding every regular file of the data folder plus `MANIFEST.json`,
which lists each file's path, size and SHA-256. Restore accepts an archive only if every member
is listed, every listed file is there with its size and hash, and no path leads outside the
folder; it unpacks into a sibling temporary folder and renames that into place, so the data
folder is either untouched or completely restored. Names starting with a dot (temporary files
of interrupted writes, staging folders, locks) are never archived: they are not data. A
record's journals (saves not yet compacted into its record file) are ordinary files and travel
with it; the store replays them after a restore, and a compaction that ran while the archive was
written cannot make them disagree (a replay skips the lines a record file already holds). An SQLite
database (the commission register, when its folder is backed up) is archived as a consistent
snapshot taken through SQLite's backup API, without its -wal and -shm files, so committed
transactions still in the write-ahead log are in it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
import uuid
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO, Protocol

from assessor import __version__
from assessor.core.clock import beijing_text, now_utc
from assessor.core.problems import UserError, os_error_text
from assessor.core.storage.atomic import fsync_dir, replace_file
from assessor.core.storage.folder_lock import hold_folder
from assessor.core.zip_members import ZIP_MEMBER_ERRORS

MANIFEST = "MANIFEST.json"
FORMAT = "assessor-backup"
FORMAT_VERSION = 1
_CHUNK = 1 << 20
_SQLITE_MAGIC = b"SQLite format 3\x00"
_SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")
# A manifest is a few hundred bytes per file; anything far larger is not ours.
_MANIFEST_LIMIT = 64 << 20


class BackupError(UserError):
    """A backup or restore that was refused or failed; the message is in Chinese."""


@dataclass(frozen=True)
class BackupSummary:
    archive: Path
    files: int
    total_bytes: int


@dataclass(frozen=True)
class RestoreSummary:
    folder: Path
    files: int
    total_bytes: int
    created_at: str
    # Where the data folder that was replaced now lives (only with `replace=True`).
    previous: Path | None


# ---- backup ------------------------------------------------------------------------------


def _data_files(root: Path) -> list[tuple[str, Path]]:
    """Every regular data file under `root`, as (archive name, path), in a stable order."""
    found: list[tuple[str, Path]] = []
    for folder, subfolders, names in os.walk(root):
        # Pruned in place so os.walk never descends into staging or purge folders.
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        for name in sorted(names):
            path = Path(folder) / name
            if name.startswith(".") or path.is_symlink() or not path.is_file():
                continue
            if _is_sqlite_companion(path):
                continue  # part of the database's snapshot
            found.append((path.relative_to(root).as_posix(), path))
    return found


def _is_sqlite(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(len(_SQLITE_MAGIC)) == _SQLITE_MAGIC


def _is_sqlite_companion(path: Path) -> bool:
    for suffix in _SQLITE_COMPANIONS:
        database = path.with_name(path.name.removesuffix(suffix))
        if path.name.endswith(suffix) and database.is_file() and _is_sqlite(database):
            return True
    return False


def _sqlite_snapshot(database: Path, folder: Path) -> Path:
    """A consistent copy of a live database, write-ahead log included."""
    snapshot = folder / f"{uuid.uuid4().hex}.sqlite3"
    try:
        source = sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True)
        try:
            target = sqlite3.connect(snapshot)
            try:
                source.backup(target)
                # A restored database is one file: no write-ahead log to travel beside it.
                target.execute("PRAGMA journal_mode = DELETE")
            finally:
                target.close()
        finally:
            source.close()
    except sqlite3.Error as exc:
        raise BackupError(f"无法读取数据库 {database}：{exc}") from None
    return snapshot


def _copy_hashed(source: BinaryIO, target: _Writer, limit: int | None = None) -> tuple[str, int]:
    """Copy `source` to `target`; the SHA-256 and size of what was copied. With `limit`, stop
    one byte past it so an oversized member is noticed without reading all of it."""
    digest = hashlib.sha256()
    size = 0
    while chunk := source.read(_CHUNK if limit is None else min(_CHUNK, limit + 1 - size)):
        digest.update(chunk)
        target.write(chunk)
        size += len(chunk)
        if limit is not None and size > limit:
            break
    return digest.hexdigest(), size


class _Writer(Protocol):
    def write(self, data: bytes, /) -> int: ...


class _Discard:
    """A writer that keeps nothing: checking an archive only needs the hashes."""

    def write(self, data: bytes, /) -> int:
        return len(data)


def create_backup(data_dir: Path, archive: Path) -> BackupSummary:
    """Write one archive of `data_dir` to `archive` (replaced atomically if it exists)."""
    data_dir, archive = Path(data_dir).absolute(), Path(archive).absolute()
    if not data_dir.is_dir():
        raise BackupError(f"数据文件夹不存在：{data_dir}")
    if archive.resolve().is_relative_to(data_dir.resolve()):
        raise BackupError("备份文件不能放在数据文件夹之内，请另选位置（例如 U 盘或桌面）")
    if archive.is_dir():
        raise BackupError(f"{archive} 是一个文件夹，请给出备份文件的名称")
    temp = archive.with_name(f".{archive.name}.{uuid.uuid4().hex}.tmp")
    try:
        files, total = _write_archive(data_dir, temp)
        with open(temp, "rb+") as handle:
            os.fsync(handle.fileno())
        # Read back before it replaces anything: a backup that cannot be restored is worse
        # than none, because it is trusted.
        _check_archive(temp)
        replace_file(temp, archive)
        fsync_dir(archive.parent)
    except OSError as exc:
        raise BackupError(f"无法写入备份文件 {archive}：{os_error_text(exc)}") from None
    finally:
        temp.unlink(missing_ok=True)
    return BackupSummary(archive, files, total)


def _write_archive(data_dir: Path, target: Path) -> tuple[int, int]:
    entries: list[dict[str, Any]] = []
    with (
        zipfile.ZipFile(target, "x", zipfile.ZIP_DEFLATED, compresslevel=6) as zf,
        tempfile.TemporaryDirectory(prefix="assessor-backup-") as scratch,
    ):
        for name, path in _data_files(data_dir):
            source_path = _sqlite_snapshot(path, Path(scratch)) if _is_sqlite(path) else path
            with open(source_path, "rb") as source, zf.open(name, "w", force_zip64=True) as member:
                sha256, size = _copy_hashed(source, member)
            entries.append({"path": name, "size": size, "sha256": sha256})
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "app_version": __version__,
            "created_at": now_utc().isoformat(),
            "files": entries,
        }
        zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
    return len(entries), sum(e["size"] for e in entries)


# ---- checking ----------------------------------------------------------------------------


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return (
        bool(name)
        and "\\" not in name
        and not path.is_absolute()
        and ":" not in path.parts[0]
        and all(part not in ("", ".", "..") and not part.startswith(".") for part in path.parts)
    )


def _manifest(zf: zipfile.ZipFile) -> dict[str, Any]:
    try:
        info = zf.getinfo(MANIFEST)
    except KeyError:
        raise BackupError("备份文件中没有清单（MANIFEST.json），不是本程序生成的备份") from None
    if info.file_size > _MANIFEST_LIMIT:
        raise BackupError("备份文件的清单过大，不是本程序生成的备份")
    try:
        data = json.loads(zf.read(MANIFEST).decode("utf-8"))
    except (ValueError, RecursionError):
        raise BackupError("备份文件的清单无法读取（已损坏）") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BackupError("备份文件的清单格式不对，不是本程序生成的备份")
    if data.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"备份格式版本 {data.get('format_version')!r} 不受支持（本程序支持第 {FORMAT_VERSION} 版），"
            "请用较新版本的程序恢复"
        )
    files = data.get("files")
    if not isinstance(files, list) or not all(_valid_entry(e) for e in files):
        raise BackupError("备份文件的清单内容不完整（已损坏）")
    return data


def _valid_entry(entry: Any) -> bool:
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("path"), str)
        and isinstance(entry.get("size"), int)
        and entry["size"] >= 0
        and isinstance(entry.get("sha256"), str)
        and len(entry["sha256"]) == 64
    )


def _checked_entries(zf: zipfile.ZipFile) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The manifest and its file list, after checking that the archive holds exactly those
    files under safe names (contents are checked while they are read)."""
    manifest = _manifest(zf)
    entries: list[dict[str, Any]] = manifest["files"]
    listed = [e["path"] for e in entries]
    for name in listed:
        if not _safe_name(name):
            raise BackupError(f"备份文件中的路径不安全，拒绝恢复：{name!r}")
    if len(set(listed)) != len(listed):
        raise BackupError("备份文件的清单中有重复的文件")
    members = [i.filename for i in zf.infolist() if i.filename != MANIFEST]
    if len(set(members)) != len(members):
        raise BackupError("备份文件中有重名的文件，拒绝恢复")
    if missing := sorted(set(listed) - set(members)):
        raise BackupError(f"备份文件不完整，缺少 {len(missing)} 个文件，例如 {missing[0]}")
    if extra := sorted(set(members) - set(listed)):
        raise BackupError(f"备份文件中有清单未列出的文件，拒绝恢复：{extra[0]}")
    return manifest, entries


def _check_member(zf: zipfile.ZipFile, entry: dict[str, Any], target: _Writer) -> None:
    name = entry["path"]
    try:
        with zf.open(name) as member:
            sha256, size = _copy_hashed(member, target, limit=entry["size"])
    except ZIP_MEMBER_ERRORS:
        raise BackupError(f"备份文件已损坏，无法读取其中的 {name}") from None
    if size != entry["size"] or sha256 != entry["sha256"]:
        raise BackupError(f"备份文件已损坏：{name} 的内容与清单中的校验值（SHA-256）不符")


def _open_archive(archive: Path) -> zipfile.ZipFile:
    if not archive.is_file():
        raise BackupError(f"找不到备份文件：{archive}")
    try:
        return zipfile.ZipFile(archive)
    except zipfile.BadZipFile:
        raise BackupError(f"{archive} 不是有效的备份文件（不是 zip 格式或已损坏）") from None
    except OSError as exc:
        raise BackupError(f"无法读取备份文件 {archive}：{os_error_text(exc)}") from None


def _check_archive(archive: Path) -> None:
    with _open_archive(archive) as zf:
        _, entries = _checked_entries(zf)
        for entry in entries:
            _check_member(zf, entry, _Discard())


# ---- restore -----------------------------------------------------------------------------


def _is_empty_folder(path: Path) -> bool:
    return path.is_dir() and not any(path.iterdir())


def restore_backup(archive: Path, data_dir: Path, *, replace: bool = False) -> RestoreSummary:
    """Restore `archive` as `data_dir`.

    A non-empty `data_dir` is refused unless `replace`; then it is renamed aside (kept, never
    deleted) and its new name returned, and refused while another process writes to it
    (FolderInUse). On any failure `data_dir` is left as it was.
    """
    archive, data_dir = Path(archive).absolute(), Path(data_dir).absolute()
    if data_dir.exists() and not data_dir.is_dir():
        raise BackupError(f"{data_dir} 不是文件夹")
    occupied = data_dir.exists() and not _is_empty_folder(data_dir)
    if occupied and not replace:
        raise BackupError(
            f"数据文件夹 {data_dir} 中已有数据，未做任何改动。"
            "如确需用备份替换它，请加 --replace（原有数据会改名保留，不会删除）"
        )
    # The app or a command writing to the folder holds this lock: never swap a folder in use.
    lock = hold_folder(data_dir) if occupied else None
    staging = data_dir.with_name(f".{data_dir.name}.restore-{uuid.uuid4().hex}")
    try:
        data_dir.parent.mkdir(parents=True, exist_ok=True)
        with _open_archive(archive) as zf:
            manifest, entries = _checked_entries(zf)
            _check_room(data_dir.parent, sum(e["size"] for e in entries))
            _unpack(zf, entries, staging)
        previous = _swap_in(staging, data_dir, occupied)
        del lock  # held until the old folder is out of the way
    except OSError as exc:
        raise BackupError(f"恢复失败，数据文件夹未改动：{os_error_text(exc)}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return RestoreSummary(
        folder=data_dir,
        files=len(entries),
        total_bytes=sum(e["size"] for e in entries),
        created_at=_beijing(manifest.get("created_at")),
        previous=previous,
    )


def _check_room(parent: Path, needed: int) -> None:
    free = shutil.disk_usage(parent).free
    if needed > free:
        raise BackupError(
            f"磁盘空间不足：恢复需要 {needed / 1e6:.1f} MB，{parent} 所在磁盘只剩 {free / 1e6:.1f} MB"
        )


def _unpack(zf: zipfile.ZipFile, entries: list[dict[str, Any]], staging: Path) -> None:
    staging.mkdir()
    folders = {staging}
    for entry in entries:
        target = staging / entry["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        folders.update(p for p in target.parents if p.is_relative_to(staging))
        with open(target, "xb") as handle:
            _check_member(zf, entry, handle)
            handle.flush()
            os.fsync(handle.fileno())
    for folder in folders:
        fsync_dir(folder)


def _swap_in(staging: Path, data_dir: Path, occupied: bool) -> Path | None:
    """Rename the unpacked folder into place; the old folder, if any, is kept beside it."""
    previous = None
    if occupied:
        stamp = now_utc().strftime("%Y%m%d-%H%M%S")
        previous = data_dir.with_name(
            f"{data_dir.name}.before-restore-{stamp}-{uuid.uuid4().hex[:6]}"
        )
        os.rename(data_dir, previous)
    elif data_dir.exists():
        data_dir.rmdir()  # empty: nothing is lost
    try:
        os.rename(staging, data_dir)
    except OSError:
        if previous is not None:
            os.rename(previous, data_dir)
        raise
    fsync_dir(data_dir.parent)
    return previous


def _beijing(created_at: Any) -> str:
    try:
        moment = datetime.fromisoformat(created_at)
    except (TypeError, ValueError):
        return "未知"
    return beijing_text(moment) if moment.tzinfo else "未知"
