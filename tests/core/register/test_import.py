"""Importing real signed files: registered, duplicates, conflicts, amendments, flags, dry run,
interrupted batches resumed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from assessor.core.register.db import quarantine_dir
from assessor.core.register.importer import ImportOptions, run_import
from assessor.core.register.rows import DimensionRow, ScoreRow
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.signing.keys import SigningKey
from tests.core.register.builders import amended, assessment, signed, table_dump


def _write(folder: Path, files: dict[str, bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, raw in files.items():
        (folder / name).write_bytes(raw)
    return folder


def _rows(register: Path, sql: str, params: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(register / "register.sqlite3")
    try:
        return [tuple(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def test_signed_files_are_registered_with_their_columns(
    tmp_path: Path, rubric: LoadedRubric, signer: SigningKey, options: ImportOptions
) -> None:
    records = [assessment(rubric, n) for n in range(3)]
    raws = [signed(rubric, r, signer) for r in records]
    inbox = _write(tmp_path / "inbox", {f"a{n}.json": raw for n, raw in enumerate(raws)})
    (inbox / "a0.pdf").write_bytes(b"%PDF-1.7 the report travels with the JSON")

    summary = run_import(tmp_path / "reg", [inbox], options)

    assert summary.to_json() | {"batch": 0} == {
        "batch": 0, "complete": True, "resumed": False, "dry_run": False, "inputs": 3,
        "registered": 3, "amendments": 0, "duplicates": 0, "conflicts": 0,
        "quarantined": {}, "quarantined_total": 0, "skipped": 1,
        "skipped_reasons": {"not_input": 1}, "flags": {},
    }  # fmt: skip
    data = json.loads(raws[1])
    (row,) = _rows(
        tmp_path / "reg",
        "SELECT assessment_id, version, centre_uscc, centre_name, division_code, total, grade, "
        "signer_name, signer_id, current, visit_date, cycle, assessor_ids FROM documents "
        "WHERE assessment_id = ?",
        (records[1].id,),
    )
    assert row == (
        records[1].id, 1, data["centre"]["uscc"], "第1托育中心", "350102",
        str(Decimal(str(data["result"]["total"]))), data["result"]["grade"],
        "张三", "T-001", 1, "2026-05-04", "2026", '["T-001"]',
    )  # fmt: skip
    scores = _rows(
        tmp_path / "reg",
        "SELECT indicator_id, score FROM scores s JOIN documents d ON d.sha256 = s.document_sha256"
        " WHERE d.assessment_id = ? ORDER BY indicator_id",
        (records[1].id,),
    )
    expected = sorted((s["indicator"], str(Decimal(str(s["score"])))) for s in data["scores"])
    assert scores == expected
    (stored,) = _rows(
        tmp_path / "reg",
        "SELECT content FROM files f JOIN documents d ON d.sha256 = f.sha256 "
        "WHERE d.assessment_id = ?",
        (records[1].id,),
    )
    assert stored[0] == raws[1]


def test_rerun_changes_nothing_and_counts_duplicates(
    tmp_path: Path, rubric: LoadedRubric, signer: SigningKey, options: ImportOptions
) -> None:
    inbox = _write(
        tmp_path / "inbox",
        {f"a{n}.json": signed(rubric, assessment(rubric, n), signer) for n in range(3)},
    )
    run_import(tmp_path / "reg", [inbox], options)
    before = table_dump(tmp_path / "reg")
    again = run_import(tmp_path / "reg", [inbox], options)
    assert (again.inputs, again.duplicates, again.registered) == (3, 3, 0)
    after = table_dump(tmp_path / "reg")
    assert after["documents"] == before["documents"]
    assert after["files"] == before["files"]
    assert after["scores"] == before["scores"]


def test_same_id_and_version_with_other_bytes_is_a_conflict_and_the_first_stays_current(
    tmp_path: Path, rubric: LoadedRubric, signer: SigningKey, options: ImportOptions
) -> None:
    record = assessment(rubric, 7)
    first, second = signed(rubric, record, signer), signed(rubric, record, signer)
    assert first != second  # ECDSA signatures differ every time
    run_import(tmp_path / "reg", [_write(tmp_path / "one", {"x.json": first})], options)
    summary = run_import(tmp_path / "reg", [_write(tmp_path / "two", {"y.json": second})], options)
    assert (summary.inputs, summary.conflicts) == (1, 1)
    rows = _rows(tmp_path / "reg", "SELECT current FROM documents ORDER BY rowid")
    assert rows == [(1,), (0,)]
    ((current, other),) = _rows(
        tmp_path / "reg", "SELECT current_sha256, other_sha256 FROM conflicts"
    )
    shas = [r[0] for r in _rows(tmp_path / "reg", "SELECT sha256 FROM documents ORDER BY rowid")]
    assert [current, other] == shas


def test_amendment_becomes_current_and_the_earlier_version_is_kept(
    tmp_path: Path, rubric: LoadedRubric, signer: SigningKey, options: ImportOptions
) -> None:
    v1 = assessment(rubric, 3)
    v1_raw = signed(rubric, v1, signer)
    _v2, v2_raw = amended(rubric, v1, v1_raw, signer)
    inbox = _write(tmp_path / "inbox", {"1.json": v1_raw, "2.json": v2_raw})
    summary = run_import(tmp_path / "reg", [inbox], options)
    assert (summary.registered, summary.amendments, summary.flags) == (1, 1, {})
    rows = _rows(tmp_path / "reg", "SELECT version, current FROM documents ORDER BY version")
    assert rows == [(1, 0), (2, 1)]


def test_missing_predecessor_is_flagged_until_it_arrives(
    tmp_path: Path, rubric: LoadedRubric, signer: SigningKey, options: ImportOptions
) -> None:
    v1 = assessment(rubric, 4)
    v1_raw = signed(rubric, v1, signer)
    _v2, v2_raw = amended(rubric, v1, v1_raw, signer)
    late = run_import(tmp_path / "reg", [_write(tmp_path / "a", {"2.json": v2_raw})], options)
    assert (late.amendments, late.flags) == (1, {"chain_gap": 1})
    run_import(tmp_path / "reg", [_write(tmp_path / "b", {"1.json": v1_raw})], options)
    assert _rows(tmp_path / "reg", "SELECT * FROM flags WHERE closed_at IS NULL") == []
    assert _rows(tmp_path / "reg", "SELECT kind, decision FROM flags") == [("chain_gap", "cleared")]
    rows = _rows(tmp_path / "reg", "SELECT version, current FROM documents ORDER BY version")
    assert rows == [(1, 0), (2, 1)]  # the late-coming older version does not take over


def test_same_centre_twice_in_a_cycle_is_flagged(
    tmp_path: Path,
    rubric: LoadedRubric,
    signer: SigningKey,
    second_signer: SigningKey,
    options: ImportOptions,
) -> None:
    files = {
        "a.json": signed(rubric, assessment(rubric, 1, centre=50, day=dt.date(2026, 3, 1)), signer),
        "b.json": signed(
            rubric, assessment(rubric, 2, centre=50, day=dt.date(2026, 9, 1)), second_signer
        ),
        "c.json": signed(rubric, assessment(rubric, 3, centre=50, day=dt.date(2027, 3, 1)), signer),
    }
    inbox = _write(tmp_path / "inbox", files)
    calendar = run_import(tmp_path / "reg", [inbox], options)
    assert calendar.flags == {"same_centre_in_cycle": 2}  # a and b, each pointing at the other
    cycles = _rows(tmp_path / "reg", "SELECT cycle FROM documents ORDER BY visit_date")
    assert cycles == [("2026",), ("2026",), ("2027",)]

    # A cycle starting on 1 July puts b and c together instead.
    july = dataclasses.replace(options, cycle_start=(7, 1))
    run_import(tmp_path / "reg2", [inbox], july)
    flagged = _rows(
        tmp_path / "reg2",
        "SELECT d.visit_date FROM flags f JOIN documents d"
        " ON d.assessment_id IN (f.assessment_id, f.other_assessment_id) ORDER BY 1",
    )
    assert flagged == [("2026-09-01",), ("2027-03-01",)]  # one item names both


def test_dry_run_writes_nothing(
    tmp_path: Path, rubric: LoadedRubric, signer: SigningKey, options: ImportOptions
) -> None:
    good = signed(rubric, assessment(rubric, 1), signer)
    inbox = _write(tmp_path / "inbox", {"good.json": good, "bad.json": b"{not json"})
    dry = dataclasses.replace(options, dry_run=True)

    fresh = run_import(tmp_path / "new-reg", [inbox], dry)
    assert (fresh.inputs, fresh.registered, fresh.quarantined) == (2, 1, {"not_json": 1})
    assert not (tmp_path / "new-reg").exists()

    run_import(tmp_path / "reg", [_write(tmp_path / "first", {"good.json": good})], options)
    before = table_dump(tmp_path / "reg", with_batches=True)
    files_before = sorted(p.name for p in (tmp_path / "reg").rglob("*") if p.is_file())
    again = run_import(tmp_path / "reg", [inbox], dry)
    assert (again.duplicates, again.quarantined) == (1, {"not_json": 1})
    assert table_dump(tmp_path / "reg", with_batches=True) == before
    assert not (tmp_path / "reg" / "quarantine").exists()
    files_after = sorted(p.name for p in (tmp_path / "reg").rglob("*") if p.is_file())
    assert [f for f in files_after if not f.endswith(("-wal", "-shm"))] == [
        f for f in files_before if not f.endswith(("-wal", "-shm"))
    ]


def test_cancelled_batch_is_completed_by_the_rerun_to_the_same_register(
    tmp_path: Path, rubric: LoadedRubric, signer: SigningKey, options: ImportOptions
) -> None:
    raws = {f"{n:02d}.json": signed(rubric, assessment(rubric, n), signer) for n in range(5)}
    raws["zz-bad.json"] = b"[]"
    inbox = _write(tmp_path / "inbox", raws)
    small = dataclasses.replace(options, chunk_size=2)

    whole = run_import(tmp_path / "whole", [inbox], small)

    seen: list[int] = []
    cut = run_import(
        tmp_path / "cut", [inbox], small, progress=lambda s: seen.append(s.inputs),
        cancelled=lambda: len(seen) >= 1,
    )  # fmt: skip
    assert (cut.complete, cut.inputs) == (False, 2)
    finished = run_import(tmp_path / "cut", [inbox], small)
    assert finished.resumed and finished.complete
    assert finished.to_json() | {"resumed": False} == whole.to_json()
    assert table_dump(tmp_path / "cut", with_batches=True) == table_dump(
        tmp_path / "whole", with_batches=True
    )


def test_quarantined_files_are_copied_with_their_reason(
    tmp_path: Path, options: ImportOptions
) -> None:
    inbox = _write(tmp_path / "inbox", {"dup.json": b'{"a": 1, "a": 2}'})
    summary = run_import(tmp_path / "reg", [inbox], options)
    assert summary.quarantined == {"duplicate_key": 1}
    folder = quarantine_dir(tmp_path / "reg")
    name = hashlib.sha256(b'{"a": 1, "a": 2}').hexdigest()[:24] + "-dup.json"
    assert (folder / name).read_bytes() == b'{"a": 1, "a": 2}'
    reason = (folder / (name + ".reason.txt")).read_text(encoding="utf-8")
    assert "原因代码：duplicate_key" in reason and "出现了不止一次" in reason
    assert str(inbox / "dup.json") in reason
    ((stored, code),) = _rows(tmp_path / "reg", "SELECT stored_copy, reason_code FROM quarantine")
    assert (stored, code) == (f"quarantine/{name}", "duplicate_key")


def test_an_unfinished_batch_says_so_in_the_log(
    tmp_path: Path, rubric: LoadedRubric, signer: SigningKey, options: ImportOptions
) -> None:
    inbox = _write(tmp_path / "inbox", {"a.json": signed(rubric, assessment(rubric, 1), signer)})
    run_import(tmp_path / "reg", [inbox], options, cancelled=lambda: True)
    ((finished, counts),) = _rows(tmp_path / "reg", "SELECT finished_at, counts FROM batches")
    assert finished is None and counts is None


@pytest.mark.parametrize("workers", [2])
def test_worker_processes_give_the_same_register(
    tmp_path: Path,
    rubric: LoadedRubric,
    signer: SigningKey,
    options: ImportOptions,
    workers: int,
) -> None:
    raws = {f"{n:02d}.json": signed(rubric, assessment(rubric, n), signer) for n in range(6)}
    raws["bad.json"] = b"\xff\xfe"
    inbox = _write(tmp_path / "inbox", raws)
    serial = run_import(tmp_path / "one", [inbox], dataclasses.replace(options, chunk_size=4))
    parallel = run_import(
        tmp_path / "two",
        [inbox],
        dataclasses.replace(options, chunk_size=4, workers=workers, parallel_from=1),
    )
    assert parallel.to_json() == serial.to_json()
    assert table_dump(tmp_path / "two") == table_dump(tmp_path / "one")


def test_a_failed_write_keeps_what_was_committed_and_the_rerun_completes(
    tmp_path: Path, rubric: LoadedRubric, signer: SigningKey, options: ImportOptions
) -> None:
    from assessor.core.problems import UserError

    register = tmp_path / "reg"
    first = _write(tmp_path / "first", {"a.json": signed(rubric, assessment(rubric, 1), signer)})
    run_import(register, [first], options)
    before = table_dump(register)
    (register / "quarantine").write_bytes(b"a file where the quarantine folder should be")
    second = _write(
        tmp_path / "second",
        {"bad.json": b"{", "b.json": signed(rubric, assessment(rubric, 2), signer)},
    )

    with pytest.raises(UserError, match="无法写入隔离区"):
        run_import(register, [second], options)
    after = table_dump(register)
    assert after["documents"] == before["documents"] and after["files"] == before["files"]

    (register / "quarantine").unlink()
    summary = run_import(register, [second], options)
    assert summary.resumed and (summary.inputs, summary.registered) == (2, 1)


def test_two_imports_of_the_same_inputs_at_once_make_one_batch(
    tmp_path: Path, rubric: LoadedRubric, signer: SigningKey, options: ImportOptions
) -> None:
    import threading

    raws = {f"{n:02d}.json": signed(rubric, assessment(rubric, n), signer) for n in range(6)}
    raws["bad.json"] = b"{"
    inbox = _write(tmp_path / "inbox", raws)
    small = dataclasses.replace(options, chunk_size=2)
    alone = run_import(tmp_path / "alone", [inbox], small)

    results: list[object] = []

    def run() -> None:
        try:
            results.append(run_import(tmp_path / "together", [inbox], small))
        except Exception as exc:  # reported below, with the other thread's outcome
            results.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert all(getattr(r, "complete", False) for r in results), results
    assert table_dump(tmp_path / "together", with_batches=True) == table_dump(
        tmp_path / "alone", with_batches=True
    )
    assert alone.inputs == 7


def test_workers_that_die_leave_the_import_to_finish_in_process(
    tmp_path: Path,
    rubric: LoadedRubric,
    signer: SigningKey,
    options: ImportOptions,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from concurrent.futures.process import BrokenProcessPool

    from assessor.core.register import importer

    class DyingPool:
        """What a frozen app without freeze_support, or a worker killed for memory, gives."""

        def __init__(self, *args: object, **kwargs: object) -> None:
            pass

        def map(self, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
            raise BrokenProcessPool("a worker died")
            yield

        def shutdown(self, **kwargs: object) -> None:
            pass

    raws = {f"{n:02d}.json": signed(rubric, assessment(rubric, n), signer) for n in range(4)}
    inbox = _write(tmp_path / "inbox", raws)
    small = dataclasses.replace(options, chunk_size=2, workers=2, parallel_from=1)
    serial = run_import(tmp_path / "one", [inbox], dataclasses.replace(small, workers=1))
    monkeypatch.setattr(importer, "ProcessPoolExecutor", DyingPool)
    survived = run_import(tmp_path / "two", [inbox], small)
    assert survived.to_json() == serial.to_json()
    assert table_dump(tmp_path / "two") == table_dump(tmp_path / "one")


def test_the_register_rebuilds_from_its_own_stored_files(
    tmp_path: Path, rubric: LoadedRubric, signer: SigningKey, options: ImportOptions
) -> None:
    v1 = assessment(rubric, 1)
    v1_raw = signed(rubric, v1, signer)
    files = {"1.json": v1_raw, "2.json": amended(rubric, v1, v1_raw, signer)[1]}
    files["3.json"] = signed(rubric, assessment(rubric, 3), signer)
    run_import(tmp_path / "reg", [_write(tmp_path / "inbox", files)], options)

    out = tmp_path / "out"
    out.mkdir()
    for sha, content in _rows(tmp_path / "reg", "SELECT sha256, content FROM files"):
        (out / f"{sha}.json").write_bytes(content)
    rebuilt = run_import(tmp_path / "rebuilt", [out], options)
    assert rebuilt.registered + rebuilt.amendments == 3

    def documents(register: Path) -> list[tuple]:
        return _rows(register, "SELECT * FROM documents ORDER BY sha256")

    assert documents(tmp_path / "rebuilt") == documents(tmp_path / "reg")


def test_score_and_dimension_rows_are_what_their_models_define(
    tmp_path: Path, rubric: LoadedRubric, signer: SigningKey, options: ImportOptions
) -> None:
    """The importer writes these rows as plain values; each one read back must validate as
    its model and write back the same values."""
    inbox = _write(tmp_path / "inbox", {"a.json": signed(rubric, assessment(rubric, 7), signer)})
    run_import(tmp_path / "reg", [inbox], options)
    conn = sqlite3.connect(tmp_path / "reg" / "register.sqlite3")
    conn.row_factory = sqlite3.Row
    try:
        for model in (ScoreRow, DimensionRow):
            rows = [dict(r) for r in conn.execute(f"SELECT * FROM {model.table}")]
            assert rows
            for row in rows:
                assert set(row) == set(model.columns())
                assert model.from_db(row).to_db() == row
    finally:
        conn.close()
