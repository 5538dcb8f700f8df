"""Backup and restore of a real data folder, read back through the real store."""

from __future__ import annotations

import json
import shutil
import sqlite3
import struct
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from assessor.core.audit import append
from assessor.core.backup import MANIFEST, BackupError, create_backup, restore_backup
from assessor.core.export.signed_export import export_signed
from assessor.core.rubric.registry import default_rubric
from assessor.core.signing.keys import training_signer
from assessor.core.storage.folder_lock import FolderInUse
from assessor.core.storage.store import Store, record_key
from assessor.devtools.demo import simulated_visit
from assessor.devtools.samples import sample_assessment

RUBRIC = default_rubric()


def filled_data_folder(data: Path, tmp_path: Path) -> None:
    """Drafts, a signed final record, evidence, a record in the bin and an imported key."""
    store = Store(data)
    keys = []
    for seed in (1, 2, 3, 4):
        draft = sample_assessment(RUBRIC, seed, training=True)
        store.create(draft)
        keys.append(record_key(draft))
        if seed == 2:
            photo = tmp_path / "午睡室.jpg"
            photo.write_bytes(bytes(range(256)) * 40)
            evidence = store.add_evidence(keys[-1], photo, "午睡室通风")
            draft.scores[0] = draft.scores[0].model_copy(update={"evidence": [evidence]})
            store.save(draft, append([], "evidence", indicator=draft.scores[0].indicator))
        if seed == 3:
            final, _ = simulated_visit(draft, draft.created_at)
            store.save(final, append([], "finalise", old="draft", new="final"))
            export_signed(store, keys[-1], training_signer(), tmp_path / "out")
    store.delete(keys[3])
    (data / "keys").mkdir()
    (data / "keys" / "张评估.p12").write_bytes(b"\x30\x82 pkcs12 bytes")
    # What an interrupted write leaves behind is not data and must not travel.
    (data / "assessments" / keys[0] / ".record.json.0123.tmp").write_bytes(b"half")


def snapshot(data: Path) -> dict[str, Any]:
    """Everything the app can read from a data folder, through the store (as `assessor list`
    reads it: without taking the writer's lock or changing anything)."""
    store = Store(data, read_only=True)
    records = {}
    for summary in store.list():
        assessment, chain = store.load_with_audit(summary.key)
        evidence = {
            e.file: store.evidence_path(summary.key, e).read_bytes()
            for s in assessment.scores
            for e in s.evidence
        }
        records[summary.key] = (
            assessment.model_dump(mode="json"),
            [entry.model_dump(mode="json") for entry in chain],
            store.signed_json(summary.key),
            evidence,
            summary.signed,
        )
    return {
        "records": records,
        "bin": sorted(entry.key for entry in store.bin_list()),
        "keys": {p.name: p.read_bytes() for p in sorted((data / "keys").iterdir())},
    }


@pytest.fixture(scope="module")
def backed_up(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    tmp_path = tmp_path_factory.mktemp("backup")
    data = tmp_path / "data"
    filled_data_folder(data, tmp_path)
    before = snapshot(data)
    archive = tmp_path / "备份.zip"
    summary = create_backup(data, archive)
    assert summary.archive == archive and summary.files > 0
    return archive, before


def test_backup_then_wipe_then_restore_reproduces_every_assessment(
    backed_up: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    archive, before = backed_up
    assert len(before["records"]) == 3 and len(before["bin"]) == 1
    assert sum(1 for r in before["records"].values() if r[2] is not None) == 1
    assert any(r[3] for r in before["records"].values())

    data = tmp_path / "laptop" / "data"
    summary = restore_backup(archive, data)
    assert summary.folder == data and summary.previous is None
    assert "北京时间" in summary.created_at
    assert snapshot(data) == before
    assert not list(data.rglob(".*")), "temporary files travelled with the backup"
    assert [p.name for p in data.parent.iterdir()] == ["data"], "restore left its staging folder"


def test_restore_into_an_empty_folder_is_allowed(
    backed_up: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    archive, before = backed_up
    data = tmp_path / "data"
    data.mkdir()
    restore_backup(archive, data)
    assert snapshot(data) == before


def test_a_folder_with_data_is_refused_unless_replaced_and_then_kept_aside(
    backed_up: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    archive, before = backed_up
    data = tmp_path / "data"
    store = Store(data)
    store.create(sample_assessment(RUBRIC, 77, training=True))
    (data / "keys").mkdir()
    existing = snapshot(data)

    with pytest.raises(BackupError, match=r"已有数据.*--replace"):
        restore_backup(archive, data)
    assert snapshot(data) == existing

    summary = restore_backup(archive, data, replace=True)
    assert snapshot(data) == before
    assert summary.previous is not None and summary.previous.parent == tmp_path
    assert snapshot(summary.previous) == existing


def _rewritten(archive: Path, target: Path, change: dict[str, bytes | None]) -> Path:
    """A copy of `archive` with members replaced (bytes) or left out (None)."""
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(target, "w") as out:
        for info in source.infolist():
            if info.filename in change:
                if change[info.filename] is not None:
                    out.writestr(info.filename, change[info.filename])
            else:
                out.writestr(info, source.read(info.filename))
        for name, data in change.items():
            if name not in source.namelist() and data is not None:
                out.writestr(name, data)
    return target


def _a_record_member(archive: Path) -> str:
    with zipfile.ZipFile(archive) as zf:
        return next(n for n in zf.namelist() if n.endswith("/record.json"))


def _manifest_with(archive: Path, extra_path: str) -> bytes:
    with zipfile.ZipFile(archive) as zf:
        manifest = json.loads(zf.read(MANIFEST))
    manifest["files"].append({"path": extra_path, "size": 4, "sha256": "0" * 64})
    return json.dumps(manifest).encode()


def flip_stored_byte(archive: Path, target: Path) -> None:
    """Copy `archive` with one byte flipped inside a record file's compressed data (a flip in
    zip bookkeeping such as a timestamp changes no content and rightly restores)."""
    with zipfile.ZipFile(archive) as zf:
        info = zf.getinfo(_a_record_member(archive))
    data = bytearray(archive.read_bytes())
    name_len, extra_len = struct.unpack(
        "<HH", data[info.header_offset + 26 : info.header_offset + 30]
    )
    start = info.header_offset + 30 + name_len + extra_len
    data[start + info.compress_size // 2] ^= 0xFF
    target.write_bytes(bytes(data))


def _central_entry_changed(
    archive: Path, target: Path, offset: int, change: Callable[[int], int]
) -> None:
    """Copy `archive` with one 16-bit field of a record member's central directory entry
    changed (8: flags, 10: compression method), which is where zipfile reads them from."""
    name = _a_record_member(archive).encode()
    data = bytearray(archive.read_bytes())
    at = data.find(b"PK\x01\x02")
    while data[at + 46 : at + 46 + struct.unpack("<H", data[at + 28 : at + 30])[0]] != name:
        at = data.find(b"PK\x01\x02", at + 4)
    (value,) = struct.unpack("<H", data[at + offset : at + offset + 2])
    data[at + offset : at + offset + 2] = struct.pack("<H", change(value))
    target.write_bytes(bytes(data))


def _encrypted(archive: Path, target: Path) -> None:
    _central_entry_changed(archive, target, 8, lambda flags: flags | 0x1)


def _unknown_compression(archive: Path, target: Path) -> None:
    _central_entry_changed(archive, target, 10, lambda _: 99)


def _truncated(archive: Path, target: Path) -> None:
    target.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])


def _text(archive: Path, target: Path) -> None:
    target.write_text("这不是备份", encoding="utf-8")


def _edited_record(archive: Path, target: Path) -> None:
    _rewritten(archive, target, {_a_record_member(archive): b'{"assessment": {}}'})


def _missing_record(archive: Path, target: Path) -> None:
    _rewritten(archive, target, {_a_record_member(archive): None})


def _unlisted_file(archive: Path, target: Path) -> None:
    _rewritten(archive, target, {"assessments/x.json": b"{}"})


def _no_manifest(archive: Path, target: Path) -> None:
    _rewritten(archive, target, {MANIFEST: None})


def _path_escape(archive: Path, target: Path) -> None:
    _rewritten(archive, target, {"../evil": b"evil", MANIFEST: _manifest_with(archive, "../evil")})


CORRUPTIONS: dict[str, tuple[Callable[[Path, Path], None], str]] = {
    "flipped byte": (flip_stored_byte, "损坏"),
    "encrypted member": (_encrypted, "损坏"),
    "unknown compression": (_unknown_compression, "损坏"),
    "truncated": (_truncated, "不是有效的备份文件"),
    "not a zip": (_text, "不是有效的备份文件"),
    "edited record": (_edited_record, "校验值"),
    "missing file": (_missing_record, "缺少 1 个文件"),
    "unlisted file": (_unlisted_file, "清单未列出"),
    "no manifest": (_no_manifest, "没有清单"),
    "path escape": (_path_escape, "路径不安全"),
}


@pytest.mark.parametrize("kind", sorted(CORRUPTIONS))
def test_a_damaged_archive_is_refused_in_chinese_and_nothing_changes(
    backed_up: tuple[Path, dict[str, Any]], tmp_path: Path, kind: str
) -> None:
    archive, _ = backed_up
    damage, message = CORRUPTIONS[kind]
    broken = tmp_path / "broken.zip"
    damage(archive, broken)
    laptop = tmp_path / "laptop"
    data = laptop / "data"
    Store(data).create(sample_assessment(RUBRIC, 5, training=True))
    existing = snapshot_files(laptop)

    for target, replace in ((data, False), (data, True), (laptop / "new", False)):
        with pytest.raises(BackupError, match=message if target != data or replace else "已有数据"):
            restore_backup(broken, target, replace=replace)
        assert snapshot_files(laptop) == existing
        assert sorted(p.name for p in laptop.iterdir()) == ["data"]
    assert not (tmp_path / "evil").exists()


def snapshot_files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_backup_refuses_to_write_inside_the_data_folder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    Store(data)
    with pytest.raises(BackupError, match="不能放在数据文件夹之内"):
        create_backup(data, data / "backup.zip")
    assert not (data / "backup.zip").exists()


def test_backup_of_a_missing_folder_is_a_plain_error(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="数据文件夹不存在"):
        create_backup(tmp_path / "nowhere", tmp_path / "b.zip")
    assert not (tmp_path / "b.zip").exists()


def test_a_failed_backup_leaves_an_earlier_archive_untouched(
    backed_up: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    archive, _ = backed_up
    copy = shutil.copy(archive, tmp_path / "old.zip")
    with pytest.raises(BackupError):
        create_backup(tmp_path / "nowhere", copy)
    assert Path(copy).read_bytes() == archive.read_bytes()


def test_a_live_sqlite_database_travels_with_its_write_ahead_log(tmp_path: Path) -> None:
    folder = tmp_path / "register"
    folder.mkdir()
    live = sqlite3.connect(folder / "register.sqlite3", isolation_level=None)
    live.execute("PRAGMA journal_mode = WAL")
    live.execute("PRAGMA wal_autocheckpoint = 0")  # the commits stay in the -wal file
    live.execute("CREATE TABLE assessments (centre TEXT)")
    live.executemany("INSERT INTO assessments VALUES (?)", [("星星托育",), ("阳光宝贝",)])
    assert (folder / "register.sqlite3-wal").stat().st_size > 0

    create_backup(folder, tmp_path / "register.zip")
    live.close()
    with zipfile.ZipFile(tmp_path / "register.zip") as zf:
        assert sorted(zf.namelist()) == [MANIFEST, "register.sqlite3"]

    restore_backup(tmp_path / "register.zip", tmp_path / "restored")
    copy = sqlite3.connect(tmp_path / "restored" / "register.sqlite3")
    try:
        rows = copy.execute("SELECT centre FROM assessments ORDER BY centre").fetchall()
        assert rows == [("星星托育",), ("阳光宝贝",)]
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    finally:
        copy.close()


def test_an_archive_larger_than_the_free_disk_space_is_refused_before_unpacking(
    backed_up: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    archive, _ = backed_up
    with zipfile.ZipFile(archive) as zf:
        manifest = json.loads(zf.read(MANIFEST))
    # A manifest that claims more bytes than any disk has: a crafted archive must not fill it.
    manifest["files"][0]["size"] = 1 << 60
    bomb = tmp_path / "bomb.zip"
    _rewritten(archive, bomb, {MANIFEST: json.dumps(manifest).encode()})
    with pytest.raises(BackupError, match="磁盘空间不足"):
        restore_backup(bomb, tmp_path / "data")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bomb.zip"]


HOLD_FOLDER = """
import sys
from pathlib import Path
from assessor.core.storage.store import Store
store = Store(Path(sys.argv[1]))
print("ready", flush=True)
sys.stdin.read()
"""


def test_a_folder_another_process_writes_to_is_never_replaced(
    backed_up: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    archive, _ = backed_up
    data = tmp_path / "data"
    Store(data).create(sample_assessment(RUBRIC, 6, training=True))
    existing = snapshot_files(tmp_path)
    with subprocess.Popen(
        [sys.executable, "-c", HOLD_FOLDER, str(data)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    ) as app:
        assert app.stdout is not None and app.stdout.readline().strip() == "ready"
        try:
            with pytest.raises(FolderInUse):
                restore_backup(archive, data, replace=True)
        finally:
            app.communicate("", timeout=60)
    assert snapshot_files(tmp_path) == existing


def test_saves_still_in_the_journal_travel_with_the_record(tmp_path: Path) -> None:
    """An autosave lives in the record's journal until the next compaction: a backup taken
    before then must carry it."""
    data = tmp_path / "data"
    store = Store(data)
    draft = sample_assessment(RUBRIC, 5, training=True)
    store.create(draft)
    chain = []
    for note in ("第一次修改", "第二次修改"):
        entry = append(chain, "note", draft.scores[0].indicator, old=draft.scores[0].note, new=note)
        draft.scores[0].note = note
        store.save(draft, entry)
        chain.append(entry)
    key = record_key(draft)
    assert (data / "assessments" / key / "journal.jsonl").is_file()
    archive = tmp_path / "备份.zip"
    create_backup(data, archive)
    with zipfile.ZipFile(archive) as zf:
        assert f"assessments/{key}/journal.jsonl" in zf.namelist()

    restore_backup(archive, tmp_path / "restored")
    assert Store(tmp_path / "restored", read_only=True).load_with_audit(key) == (draft, chain)
