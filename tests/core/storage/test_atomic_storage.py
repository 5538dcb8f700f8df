from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from tinydb import TinyDB

from assessor.core.storage.atomic import AtomicJSONStorage, CorruptFileError, StorageError

STATE_1 = {"t": {"1": {"name": "第一版"}}}
STATE_2 = {"t": {"1": {"name": "第二版"}}}


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "db.json"


def _two_writes(path: Path) -> AtomicJSONStorage:
    storage = AtomicJSONStorage(path)
    storage.write(STATE_1)
    storage.write(STATE_2)
    return storage


def test_missing_file_reads_as_empty_database(path: Path) -> None:
    assert AtomicJSONStorage(path).read() is None
    assert not path.exists()


def test_write_keeps_previous_state_as_backup(path: Path) -> None:
    storage = _two_writes(path)
    assert storage.read() == STATE_2
    assert json.loads(path.with_name("db.json.bak").read_text(encoding="utf-8")) == STATE_1
    assert sorted(p.name for p in path.parent.iterdir()) == ["db.json", "db.json.bak"]


def test_chinese_is_stored_as_utf8_not_escapes(path: Path) -> None:
    _two_writes(path)
    assert "第二版".encode() in path.read_bytes()


def test_works_as_tinydb_storage(path: Path) -> None:
    db = TinyDB(path, storage=AtomicJSONStorage)
    db.table("t").insert({"name": "托育"})
    db.table("t").insert({"name": "评估"})
    reopened = TinyDB(path, storage=AtomicJSONStorage)
    assert [d["name"] for d in reopened.table("t").all()] == ["托育", "评估"]


def test_unserialisable_data_changes_nothing(path: Path) -> None:
    storage = _two_writes(path)
    before = _files(path.parent)
    with pytest.raises(ValueError):
        storage.write({"t": {"1": {"x": float("nan")}}})
    assert _files(path.parent) == before


@pytest.mark.parametrize(
    "damage",
    [b"", b"   \n", b'{"t": {"1": {"name": "\xe7\xac', b"\xff\xfe garbage", b"[1, 2, 3]"],
    ids=["empty", "blank", "truncated", "not-utf8", "wrong-shape"],
)
def test_broken_main_file_is_recovered_from_backup(path: Path, damage: bytes) -> None:
    _two_writes(path)
    path.write_bytes(damage)

    assert AtomicJSONStorage(path).read() == STATE_1

    corrupt = list(path.parent.glob("db.json.corrupt-*"))
    assert len(corrupt) == 1 and corrupt[0].read_bytes() == damage
    # The main file is whole again, so the next reader needs no recovery.
    assert json.loads(path.read_text(encoding="utf-8")) == STATE_1


def test_missing_main_file_is_recovered_from_backup(path: Path) -> None:
    _two_writes(path)
    path.unlink()
    assert AtomicJSONStorage(path).read() == STATE_1
    assert path.exists()


def test_write_after_recovery_keeps_recovered_state_as_backup(path: Path) -> None:
    _two_writes(path)
    path.write_bytes(b"{")
    storage = AtomicJSONStorage(path)
    assert storage.read() == STATE_1
    storage.write(STATE_2)
    assert storage.read() == STATE_2
    assert json.loads(storage.backup.read_text(encoding="utf-8")) == STATE_1


@pytest.mark.parametrize("backup", [b"{broken", None], ids=["backup-broken", "no-backup"])
def test_unrecoverable_file_raises_and_touches_nothing(path: Path, backup: bytes | None) -> None:
    _two_writes(path)
    path.write_bytes(b'{"t": {"1": ')
    if backup is None:
        path.with_name("db.json.bak").unlink()
    else:
        path.with_name("db.json.bak").write_bytes(backup)
    before = _files(path.parent)

    with pytest.raises(CorruptFileError, match="已损坏") as caught:
        AtomicJSONStorage(path).read()

    assert str(path) in str(caught.value)
    assert caught.value.path == path
    assert _files(path.parent) == before


def test_stale_temp_files_are_removed_and_ignored(path: Path) -> None:
    _two_writes(path)
    stale = [path.with_name(".db.json.0123abcd.tmp"), path.with_name(".db.json.feed.tmp")]
    for temp in stale:
        temp.write_bytes('{"t": {"1": {"name": "半截'.encode())
    other = path.with_name(".other.json.0123.tmp")
    other.write_bytes(b"")

    storage = AtomicJSONStorage(path)

    assert storage.read() == STATE_2
    assert not any(temp.exists() for temp in stale)
    assert other.exists()


def test_failed_write_leaves_old_state_and_no_temp(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    storage = _two_writes(path)

    def no_space(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", no_space)
    with pytest.raises(StorageError, match=r"无法保存数据文件.*磁盘空间不足"):
        storage.write({"t": {}})
    monkeypatch.undo()

    assert storage.read() == STATE_2
    assert sorted(p.name for p in path.parent.iterdir()) == ["db.json", "db.json.bak"]


def test_backup_is_copied_where_hard_links_are_unsupported(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(*_args: object) -> None:
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    storage = _two_writes(path)
    assert storage.read() == STATE_2
    assert json.loads(storage.backup.read_text(encoding="utf-8")) == STATE_1
    assert sorted(p.name for p in path.parent.iterdir()) == ["db.json", "db.json.bak"]
