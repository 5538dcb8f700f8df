"""One writing process per data folder; readers change nothing; recovery is never silent."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from assessor.cli.main import run_cli
from assessor.core.assessment.model import Assessment
from assessor.core.audit import AuditEntry, append
from assessor.core.logs import log_path
from assessor.core.storage import atomic
from assessor.core.storage.folder_lock import FolderInUse
from assessor.core.storage.store import Store, StoreError, record_key
from tests.other_process import folder_held_elsewhere

MakeAssessment = Callable[..., Assessment]


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _saved(store: Store, assessment: Assessment, notes: list[str]) -> list[AuditEntry]:
    store.create(assessment)
    chain: list[AuditEntry] = []
    score = assessment.scores[0]
    for note in notes:
        entry = append(chain, "note", score.indicator, old=score.note, new=note)
        score.note = note
        store.save(assessment, entry)
        chain.append(entry)
    return chain


def test_a_second_process_cannot_write_but_can_read(
    tmp_path: Path, make_assessment: MakeAssessment
) -> None:
    root = tmp_path / "data"
    assessment = make_assessment()
    _saved(Store(root), assessment, ["一"])
    before = _digest(root)
    with folder_held_elsewhere(root):
        with pytest.raises(FolderInUse, match="正在被另一个评估程序使用"):
            Store(root)
        reader = Store(root, read_only=True)
        assert [s.key for s in reader.list()] == [record_key(assessment)]
        assert reader.load(record_key(assessment)).scores[0].note == "一"
        with pytest.raises(StoreError, match="只读"):
            reader.save(assessment, None)
        with pytest.raises(StoreError, match="只读"):
            reader.delete(record_key(assessment))
    assert _digest(root) == before
    Store(root)  # the other process has gone, and its lock with it


def test_cli_writers_are_refused_and_list_works_while_the_app_is_open(
    tmp_path: Path, make_assessment: MakeAssessment, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "data"
    assessment = make_assessment(centre="甲托育")
    _saved(Store(root), assessment, [])
    key = record_key(assessment)
    with folder_held_elsewhere(root):
        assert run_cli(["list", "--data-dir", str(root)]) == 0
        assert "甲托育" in capsys.readouterr().out
        assert run_cli(["amend", key, "--reason", "更正", "--data-dir", str(root)]) == 1
        assert "正在被另一个评估程序使用" in capsys.readouterr().err


def test_a_reader_never_cleans_up_a_writers_files(
    store: Store, make_assessment: MakeAssessment
) -> None:
    assessment = make_assessment()
    _saved(store, assessment, ["一"])
    key = record_key(assessment)
    in_flight = store.root / "assessments" / key / ".record.json.0123.tmp"
    in_flight.write_text("{", encoding="utf-8")
    staging = store.root / "assessments" / f".new-{key}-0123"
    staging.mkdir()
    before = _digest(store.root)

    Store(store.root, read_only=True).list()
    Store(store.root, read_only=True).load(key)

    assert _digest(store.root) == before


def test_a_reader_of_a_folder_that_does_not_exist_lists_nothing_and_creates_nothing(
    tmp_path: Path,
) -> None:
    assert Store(tmp_path / "none", read_only=True).list() == []
    assert not (tmp_path / "none").exists()


def test_recovery_from_backup_says_what_may_be_lost(
    store: Store, make_assessment: MakeAssessment, capsys: pytest.CaptureFixture[str]
) -> None:
    assessment = make_assessment(centre="乙托育")
    chain = _saved(store, assessment, ["一", "二", "三"])
    key = record_key(assessment)
    record = store.root / "assessments" / key / "record.json"
    record.write_bytes(record.read_bytes()[:100])  # the last save's file, damaged

    # A reader shows the notice but repairs nothing.
    before = _digest(store.root)
    (summary,) = Store(store.root, read_only=True).list()
    assert summary.recovery and "尚未处理" in summary.recovery
    assert _digest(store.root) == before

    # The writer restores the backup, on which the journal replays every save since; it
    # keeps the damaged file and a notice, and logs it.
    loaded, audit = Store(store.root).load_with_audit(key)
    assert loaded.scores[0].note == "三" and audit == chain
    (damaged,) = record.parent.glob("record.json.corrupt-*")
    assert damaged.stat().st_size == 100
    notice = store.list()[0].recovery
    assert notice is not None
    assert f"评估记录「乙托育」（{key}）的数据文件已损坏" in notice
    assert "已从备份恢复到第 3 条审计记录（" in notice and "可能已丢失" in notice
    assert damaged.name in notice
    assert notice in log_path().read_text(encoding="utf-8")

    assert run_cli(["list", "--data-dir", str(store.root)]) == 0
    assert f"注意：{notice}" in capsys.readouterr().out
    store.dismiss_recovery_notice(key)
    assert store.list()[0].recovery is None


def test_every_new_folder_is_made_durable_in_its_parent(
    tmp_path: Path, make_assessment: MakeAssessment, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[Path] = []
    real = atomic.fsync_dir
    monkeypatch.setattr(atomic, "fsync_dir", lambda folder: (synced.append(folder), real(folder)))
    root = tmp_path / "new" / "data"
    store = Store(root)
    assert {tmp_path, tmp_path / "new", root} <= set(synced)  # root, assessments/, bin/

    assessment = make_assessment()
    store.create(assessment)
    record = root / "assessments" / record_key(assessment)
    source = tmp_path / "photo.jpg"
    source.write_bytes(b"jpeg")
    synced.clear()
    store.add_evidence(record_key(assessment), source)
    assert record in synced  # evidence/ is an entry of the record folder
