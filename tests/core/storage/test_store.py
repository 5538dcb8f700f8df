from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from assessor.core.assessment.model import Assessment, Status
from assessor.core.audit import AuditEntry, append, verify_chain
from assessor.core.storage.atomic import AtomicJSONStorage
from assessor.core.storage.store import RecordSummary, Store, StoreError, record_key

MakeAssessment = Callable[..., Assessment]


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _score(store: Store, assessment: Assessment, chain: list[AuditEntry], value: float) -> None:
    """One autosave as the GUI does it: change, append to the chain, save both."""
    score = assessment.scores[0]
    entry = append(chain, "score", score.indicator, old=score.score, new=value)
    score.score = value
    store.save(assessment, entry)
    chain.append(entry)


def _record_file(store: Store, assessment: Assessment) -> Path:
    return store.root / "assessments" / record_key(assessment) / "record.json"


@pytest.fixture
def saved(store: Store, make_assessment: MakeAssessment) -> tuple[Assessment, list[AuditEntry]]:
    assessment = make_assessment()
    store.create(assessment)
    chain: list[AuditEntry] = []
    for value in (1, 2, 3):
        _score(store, assessment, chain, value)
    return assessment, chain


def test_create_then_load_round_trips(store: Store, make_assessment: MakeAssessment) -> None:
    assessment = make_assessment()
    store.create(assessment)
    key = record_key(assessment)
    assert key == f"{assessment.id}-v1"
    assert store.load(key) == assessment
    assert store.audit(key) == []
    assert (store.root / "assessments" / key / "record.json").is_file()


def test_create_refuses_existing_and_non_draft(
    store: Store, make_assessment: MakeAssessment
) -> None:
    assessment = make_assessment()
    store.create(assessment)
    with pytest.raises(StoreError, match="已存在"):
        store.create(assessment)
    final = make_assessment()
    final.status = Status.final
    with pytest.raises(StoreError, match="草稿"):
        store.create(final)
    assert [s.key for s in store.list()] == [record_key(assessment)]


def test_save_stores_assessment_and_chain_together(
    store: Store, saved: tuple[Assessment, list[AuditEntry]], monkeypatch: pytest.MonkeyPatch
) -> None:
    assessment, chain = saved
    key = record_key(assessment)
    loaded, audit = store.load_with_audit(key)
    assert loaded == assessment and loaded.scores[0].score == 3
    assert audit == chain and verify_chain(audit) == []
    assert set(json.loads(_record_file(store, assessment).read_text("utf-8"))) == {
        "assessment",
        "audit",
        "seal",
    }

    # An autosave appends one line to the journal and leaves the record file alone.
    writes: list[object] = []
    original = AtomicJSONStorage.write
    monkeypatch.setattr(
        AtomicJSONStorage, "write", lambda self, data: (writes.append(data), original(self, data))
    )
    journal = _record_file(store, assessment).with_name("journal.jsonl")
    lines = journal.read_bytes().count(b"\n")
    _score(store, assessment, chain, 4)
    assert writes == [] and journal.read_bytes().count(b"\n") == lines + 1


def test_save_updates_updated_at(store: Store, make_assessment: MakeAssessment) -> None:
    assessment = make_assessment()
    store.create(assessment)
    assessment.updated_at = assessment.created_at.replace(year=2000)
    store.save(assessment, None)
    assert assessment.updated_at.year > 2000
    assert store.load(record_key(assessment)).updated_at == assessment.updated_at


def test_save_refuses_an_entry_that_does_not_continue_the_chain(
    store: Store, saved: tuple[Assessment, list[AuditEntry]]
) -> None:
    assessment, chain = saved
    before = _snapshot(store.root)
    stale = append(chain[:1], "note", "ind-1", old="", new="另一窗口的修改")
    with pytest.raises(StoreError, match="不衔接"):
        store.save(assessment, stale)
    forged = append(chain, "note", "ind-1", new="x").model_copy(update={"new": "y"})
    with pytest.raises(StoreError, match="哈希"):
        store.save(assessment, forged)
    assert _snapshot(store.root) == before


def test_save_notices_a_change_made_by_another_store(
    store: Store, saved: tuple[Assessment, list[AuditEntry]]
) -> None:
    assessment, chain = saved
    key = record_key(assessment)
    other = Store(store.root)
    theirs, their_chain = other.load_with_audit(key)
    _score(other, theirs, their_chain, 0)
    with pytest.raises(StoreError, match="不衔接"):
        _score(store, assessment, chain, 1)
    assert store.load(key).scores[0].score == 0


def test_save_refuses_unknown_record(store: Store, make_assessment: MakeAssessment) -> None:
    with pytest.raises(StoreError, match="不存在"):
        store.save(make_assessment(), None)


def test_final_record_is_frozen(store: Store, saved: tuple[Assessment, list[AuditEntry]]) -> None:
    assessment, chain = saved
    key = record_key(assessment)
    assessment.status = Status.final
    with pytest.raises(StoreError, match="定稿"):
        store.save(assessment, None)
    entry = append(chain, "finalise", old="draft", new="final")
    store.save(assessment, entry)
    chain.append(entry)
    assert store.load(key).status is Status.final

    before = _snapshot(store.root)
    with pytest.raises(StoreError, match="已定稿"):
        _score(store, assessment, chain, 0)
    with pytest.raises(StoreError, match="已定稿"):
        store.save(assessment, append(chain, "finalise"))
    with pytest.raises(StoreError, match="已定稿"):
        store.add_evidence(key, _record_file(store, assessment), "")
    assert _snapshot(store.root) == before


def test_list_reports_a_broken_record_without_failing(
    store: Store, make_assessment: MakeAssessment
) -> None:
    older, newer, broken = (make_assessment(centre=n) for n in ("甲托育", "乙托育", "丙托育"))
    older.updated_at -= timedelta(days=1)
    for assessment in (older, newer, broken):
        store.create(assessment)
    record = _record_file(store, broken)
    record.write_text("{garbage", encoding="utf-8")
    record.with_name("record.json.bak").write_text("{garbage", encoding="utf-8")

    summaries = store.list()

    assert [s.centre_name for s in summaries] == ["乙托育", "甲托育", ""]
    assert summaries[0] == RecordSummary(
        key=record_key(newer),
        id=newer.id,
        version=1,
        status=Status.draft,
        centre_name="乙托育",
        visit_date=None,
        updated_at=newer.updated_at,
        training=False,
    )
    assert summaries[2].broken and summaries[2].key == record_key(broken)
    assert str(record) in (summaries[2].problem or "")
    assert record.read_text(encoding="utf-8") == "{garbage"


def test_broken_record_file_recovers_previous_save(
    store: Store, saved: tuple[Assessment, list[AuditEntry]]
) -> None:
    assessment, chain = saved
    store.compact(record_key(assessment))  # the record file holds all three saves
    _score(store, assessment, chain, 4)  # ... and the journal the fourth
    record = _record_file(store, assessment)
    record.write_bytes(record.read_bytes()[:100])

    loaded, audit = store.load_with_audit(record_key(assessment))

    # The backup is one compaction old; the previous journal and the journal bring the rest.
    assert loaded.scores[0].score == 4 and audit == chain
    assert len(list(record.parent.glob("record.json.corrupt-*"))) == 1


def test_unrecoverable_record_names_the_file_and_changes_nothing(
    store: Store, saved: tuple[Assessment, list[AuditEntry]]
) -> None:
    assessment, _ = saved
    record = _record_file(store, assessment)
    record.write_bytes(b"")
    record.with_name("record.json.bak").write_bytes(b"\x00\x01")
    before = _snapshot(store.root)
    for operation in (store.load, store.audit):
        with pytest.raises(StoreError, match="已损坏") as caught:
            operation(record_key(assessment))
        assert str(record) in str(caught.value)
    assert _snapshot(store.root) == before


@pytest.mark.parametrize("where", ["score", "audit-middle", "audit-truncated", "invalid-field"])
def test_tampered_record_is_refused_and_left_as_is(
    store: Store, saved: tuple[Assessment, list[AuditEntry]], where: str
) -> None:
    assessment, chain = saved
    store.compact(record_key(assessment))  # every save in the record file, none in a journal
    record = _record_file(store, assessment)
    data = json.loads(record.read_text(encoding="utf-8"))
    match where:
        case "score":
            data["assessment"]["1"]["scores"][0]["score"] = 5
        case "audit-middle":
            data["audit"]["2"]["new"] = 5
        case "audit-truncated":
            del data["audit"]["3"]
        case "invalid-field":
            data["assessment"]["1"]["centre"]["places"] = -1
    record.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    before = _snapshot(store.root)

    with pytest.raises(StoreError, match="已损坏或被改动") as caught:
        store.load(record_key(assessment))
    assert str(record) in str(caught.value)
    # A save must not re-seal a tampered file as if it were genuine.
    with pytest.raises(StoreError, match="已损坏或被改动"):
        _score(store, assessment, chain, 1)
    assert _snapshot(store.root) == before


def test_evidence_is_copied_with_its_hash(
    store: Store, saved: tuple[Assessment, list[AuditEntry]], tmp_path: Path
) -> None:
    assessment, chain = saved
    key = record_key(assessment)
    photo = tmp_path / "午睡室 照片.JPG"
    photo.write_bytes(b"\xff\xd8 not really a jpeg " * 1000)

    evidence = store.add_evidence(key, photo, "午睡室")

    copied = store.evidence_path(key, evidence)
    assert copied.parent == store.root / "assessments" / key / "evidence"
    assert evidence.file == f"evidence/{copied.name}" and copied.name.endswith("午睡室_照片.jpg")
    assert copied.read_bytes() == photo.read_bytes()
    assert evidence.sha256 == hashlib.sha256(photo.read_bytes()).hexdigest()
    assert evidence.caption == "午睡室"
    assert store.add_evidence(key, photo, "").file != evidence.file

    entry = append(chain, "evidence", "ind-1", new=evidence.model_dump(mode="json"))
    assessment.scores[0].evidence.append(evidence)
    store.save(assessment, entry)
    assert store.load(key).scores[0].evidence == [evidence]


def test_evidence_errors(store: Store, saved: tuple[Assessment, list[AuditEntry]]) -> None:
    assessment, _ = saved
    key = record_key(assessment)
    with pytest.raises(StoreError, match="找不到证据文件"):
        store.add_evidence(key, store.root / "missing.jpg", "")
    outside = store.add_evidence(key, _record_file(store, assessment), "").model_copy(
        update={"file": "../../other/record.json"}
    )
    with pytest.raises(StoreError, match="证据文件夹"):
        store.evidence_path(key, outside)


def test_delete_restore_purge(
    store: Store, saved: tuple[Assessment, list[AuditEntry]], tmp_path: Path
) -> None:
    assessment, _ = saved
    key = record_key(assessment)
    photo = tmp_path / "p.png"
    photo.write_bytes(b"png")
    store.add_evidence(key, photo, "")
    contents = _snapshot(store.root / "assessments" / key)

    store.delete(key)
    assert store.list() == []
    [entry] = store.bin_list()
    assert entry.key == key and entry.summary.centre_name == "阳光托育中心"
    assert entry.deleted_at is not None
    note = json.loads((store.root / "bin" / key / "deleted.json").read_text("utf-8"))
    assert note["key"] == key
    with pytest.raises(StoreError, match="不存在"):
        store.load(key)
    with pytest.raises(StoreError, match="回收站中已有"):
        store.create(assessment)

    store.restore(key)
    assert store.bin_list() == []
    assert _snapshot(store.root / "assessments" / key) == contents
    assert store.load(key) == assessment

    store.delete(key)
    store.purge(key)
    assert store.bin_list() == [] and store.list() == []
    assert list((store.root / "bin").iterdir()) == []


def test_restore_refuses_to_overwrite(
    store: Store, saved: tuple[Assessment, list[AuditEntry]]
) -> None:
    assessment, _ = saved
    key = record_key(assessment)
    store.delete(key)
    shutil.copytree(store.root / "bin" / key, store.root / "assessments" / key)
    before = _snapshot(store.root)
    with pytest.raises(StoreError, match="已存在评估记录"):
        store.restore(key)
    assert _snapshot(store.root) == before


def test_bin_operations_on_missing_keys(store: Store, make_assessment: MakeAssessment) -> None:
    key = record_key(make_assessment())
    for operation, message in (
        (store.delete, "不存在"),
        (store.restore, "回收站中没有"),
        (store.purge, "回收站中没有"),
    ):
        with pytest.raises(StoreError, match=message):
            operation(key)
    with pytest.raises(StoreError, match="格式不正确"):
        store.delete("../../etc")


def test_leftovers_of_interrupted_operations_are_cleaned(
    store: Store, saved: tuple[Assessment, list[AuditEntry]]
) -> None:
    assessment, _ = saved
    key = record_key(assessment)
    staging = store.root / "assessments" / f".new-{key}-0123"
    staging.mkdir()
    (staging / "record.json").write_text("{", encoding="utf-8")
    purging = store.root / "bin" / f".purge-{key}-0123"
    purging.mkdir()
    stale_temp = _record_file(store, assessment).with_name(".record.json.0123.tmp")
    stale_temp.write_text("{", encoding="utf-8")

    reopened = Store(store.root)

    assert not staging.exists() and not purging.exists()
    assert [s.key for s in reopened.list()] == [key]
    reopened.load(key)  # opening a record clears what a crashed writer of it left
    assert not stale_temp.exists()
