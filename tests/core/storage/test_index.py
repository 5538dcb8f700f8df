"""The home-list index: written with every save, trusted only while its stamps match."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from assessor.core.document.signed import document_bytes
from assessor.core.export.signed_export import sign_json
from assessor.core.overviews import record_overviews
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.session import EditingSession
from assessor.core.signing.keys import training_signer
from assessor.core.storage.index import INDEX_FILE
from assessor.core.storage.store import Store
from tests.core.test_session import complete_profile, score_everything


def index_data(store: Store) -> dict:
    return json.loads((store.root / INDEX_FILE).read_text(encoding="utf-8"))


def entry(store: Store, key: str, place: str = "assessments") -> dict:
    return next(e for e in index_data(store)["entries"] if e["key"] == key and e["place"] == place)


def test_every_save_updates_the_index_and_the_list_reads_it(
    store: Store, small_rubric: LoadedRubric
) -> None:
    session = EditingSession.create(store, small_rubric)
    session.update_centre(name="甲托育", address="北京市朝阳区幸福路 1 号")
    # An autosave updates the entry in memory; the file follows when the list is read.
    assert not (store.root / INDEX_FILE).exists()
    read: list[str] = []
    real_read = store._read
    store._read = lambda path, key: read.append(key) or real_read(path, key)  # type: ignore[method-assign]
    [summary] = store.list()
    assert summary.centre_name == "甲托育" and read == [], "listed without reading the record"
    assert entry(store, session.key)["address"] == "北京市朝阳区幸福路 1 号"

    # While its stamp matches, the entry is what the list shows: the record is not read.
    data = index_data(store)
    data["entries"][0]["centre_name"] = "只在索引中"
    (store.root / INDEX_FILE).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert [s.centre_name for s in Store(store.root).list()] == ["只在索引中"]


def test_a_record_changed_behind_the_stores_back_is_read_again(
    store: Store, small_rubric: LoadedRubric
) -> None:
    session = EditingSession.create(store, small_rubric)
    session.update_centre(name="甲托育")
    assert [s.centre_name for s in store.list()] == ["甲托育"]
    # Another store (another process) writes the record; this store's index is now stale.
    other = EditingSession.open(Store(store.root), session.key, [small_rubric])
    other.update_centre(name="乙托育")
    assert [s.centre_name for s in store.list()] == ["乙托育"]


def test_a_missing_or_damaged_index_is_rebuilt_from_the_records(
    store: Store, small_rubric: LoadedRubric
) -> None:
    for name in ("甲托育", "乙托育"):
        EditingSession.create(store, small_rubric).update_centre(name=name)
    expected = store.list()
    (store.root / INDEX_FILE).unlink()
    assert Store(store.root).list() == expected
    (store.root / INDEX_FILE).write_text("{not json", encoding="utf-8")
    assert Store(store.root).list() == expected
    assert len(index_data(store)["entries"]) == 2


def test_a_record_folder_removed_by_hand_leaves_the_list(
    store: Store, small_rubric: LoadedRubric
) -> None:
    gone = EditingSession.create(store, small_rubric)
    kept = EditingSession.create(store, small_rubric)
    assert len(store.list()) == 2
    shutil.rmtree(store.root / "assessments" / gone.key)
    assert [s.key for s in Store(store.root).list()] == [kept.key]
    assert [e["key"] for e in index_data(store)["entries"]] == [kept.key]


def test_delete_restore_and_purge_move_the_entry(store: Store, small_rubric: LoadedRubric) -> None:
    session = EditingSession.create(store, small_rubric)
    session.update_centre(name="甲托育")
    store.delete(session.key)
    assert [e.summary.centre_name for e in store.bin_list()] == ["甲托育"]
    assert entry(store, session.key, "bin")["centre_name"] == "甲托育"
    assert "deleted_at" in entry(store, session.key, "bin")
    assert store.list() == [] and [e.summary.centre_name for e in store.bin_list()] == ["甲托育"]
    store.restore(session.key)
    assert [s.centre_name for s in store.list()] == ["甲托育"] and store.bin_list() == []
    store.delete(session.key)
    store.purge(session.key)
    assert store.bin_list() == []
    assert index_data(store).get("entries", []) == []


def test_progress_and_grade_are_computed_once_then_remembered(
    store: Store, small_rubric: LoadedRubric
) -> None:
    session = EditingSession.create(store, small_rubric)
    session.set_score("4.1.1", 6)
    [first] = record_overviews(store, [small_rubric])
    assert first.started and not first.complete and first.percent == 20
    remembered = entry(store, session.key)["overview"]
    assert remembered["scored"] == 1 and remembered["grade"] == first.grade
    session.set_score("4.1.2", 4)
    store.list()
    assert "overview" not in entry(store, session.key), "a save makes the old overview stale"
    [second] = record_overviews(store, [small_rubric])
    assert second.percent == 40


def test_signing_state_tells_training_signatures_apart(
    store: Store, small_rubric: LoadedRubric
) -> None:
    session = EditingSession.create(store, small_rubric)
    complete_profile(session)
    score_everything(session)
    session.finalise()
    assert not store.signing_state(session.key).signed
    assessment, audit = store.load_with_audit(session.key)
    signed = sign_json(small_rubric, assessment, audit, training_signer())
    assert signed.signature is not None
    store.record_signing(
        session.key,
        document_bytes(signed),
        b"",
        training=True,
        signed_at=signed.signature.signed_at,
    )
    state = store.signing_state(session.key)
    assert state.signed and state.training
    [listed] = store.list()
    assert listed.signed and listed.training_signed, "the index entry was updated with it"
    [summary] = Store(Path(store.root)).list()
    assert summary.signed and summary.training_signed


def test_entries_read_back_as_written_and_as_earlier_versions_wrote_them(tmp_path: Path) -> None:
    """The index is read without pydantic (start-up); it reads the file pydantic wrote, and an
    entry of the wrong shape makes the whole index be rebuilt rather than half-trusted."""
    from datetime import UTC, date, datetime

    from assessor.core.assessment.status import Status
    from assessor.core.storage.index import (
        IndexEntry,
        Overview,
        Place,
        RecordIndex,
        read_entries,
    )

    path = tmp_path / INDEX_FILE
    entries = [
        IndexEntry(
            key="a" * 32 + "-v1",
            place=Place.records,
            stamp=(1, 2, 3, 0, 0, 0),
            status=Status.final,
            centre_name="甲托育中心",
            uscc="91110105MA01ABCD2X",
            address="北京",
            visit_date=date(2026, 3, 1),
            updated_at=datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=UTC),
            training=True,
            signed=True,
            training_signed=True,
            recovery="恢复说明",
            overview=Overview(scored=3, total=10, percent=30, grade="B", grade_label="良好"),
        ),
        IndexEntry(
            key="b" * 32 + "-v2",
            place=Place.bin,
            stamp=(4, 5, 6, 7, 8, 9),
            deleted_at=datetime(2026, 3, 2, tzinfo=UTC),
            problem="已损坏",
            overview=Overview(scored=0, total=10, percent=0),
        ),
    ]
    index = RecordIndex(path)
    index.put(*entries)
    index.flush()
    assert read_entries(path) == entries

    written_by_pydantic = {
        "entries": [
            {
                "key": "c" * 32 + "-v1",
                "place": "assessments",
                "stamp": [1, 2, 3, 0, 0, 0],
                "status": "draft",
                "updated_at": "2026-03-01T08:30:15.123456Z",
                "visit_date": "2026-03-01",
                "overview": {"scored": 1, "total": 2, "percent": 50},
            }
        ]
    }
    path.write_text(json.dumps(written_by_pydantic), encoding="utf-8")
    [old] = read_entries(path)
    assert old.status is Status.draft and old.visit_date == date(2026, 3, 1)
    assert old.updated_at == datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=UTC)
    assert old.overview == Overview(scored=1, total=2, percent=50)

    good = written_by_pydantic["entries"][0]
    for broken in (
        {**good, "stamp": [1, 2, 3, 0, 0]},
        {**good, "stamp": [1, 2, 3, 0, 0, True]},
        {**good, "stamp": [1, 2, 3, 0]},  # before journals: the record file alone
        {**good, "status": "lost"},
        {**good, "updated_at": "2026-03-01T08:30:15"},  # no time zone
        {**good, "signed": 1},
        {**good, "unknown": 1},
        {**good, "overview": {"scored": 1, "total": 2}},
        {key: value for key, value in good.items() if key != "key"},
    ):
        path.write_text(json.dumps({"entries": [good, broken]}), encoding="utf-8")
        assert read_entries(path) == [], broken
    path.write_text(json.dumps({"format": 99, "entries": [good]}), encoding="utf-8")
    assert read_entries(path) == []
