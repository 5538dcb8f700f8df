"""The journal beside a record: replay, torn lines, compaction, and records without one.

Expectations come from what the tests themselves saved (their own audit entries and
assessment), or from the record file's documented format rebuilt here by hand, never from the
store's replay.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from assessor.core.assessment.model import Assessment, Status
from assessor.core.audit import GENESIS, AuditEntry, append
from assessor.core.storage.store import Store, StoreError, record_key

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
MakeAssessment = Callable[..., Assessment]


def _folder(store: Store, assessment: Assessment) -> Path:
    return store.root / "assessments" / record_key(assessment)


def _note(store: Store, assessment: Assessment, chain: list[AuditEntry], note: str) -> None:
    score = assessment.scores[0]
    entry = append(chain, "note", score.indicator, old=score.note, new=note)
    score.note = note
    store.save(assessment, entry)
    chain.append(entry)


@pytest.fixture
def three(
    store: Store, make_assessment: MakeAssessment
) -> tuple[Assessment, list[AuditEntry], Path]:
    """A record with three saved notes, all of them in its journal."""
    assessment = make_assessment(centre="丁托育")
    store.create(assessment)
    chain: list[AuditEntry] = []
    for note in ("一", "二", "三"):
        _note(store, assessment, chain, note)
    return assessment, chain, _folder(store, assessment)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _tables(folder: Path) -> dict[str, dict[str, dict]]:
    return json.loads((folder / "record.json").read_text(encoding="utf-8"))


# ---- what a save writes -----------------------------------------------------------------


def test_each_save_appends_one_hashed_line_holding_its_audit_entry(
    store: Store, three: tuple[Assessment, list[AuditEntry], Path]
) -> None:
    assessment, chain, folder = three
    lines = (folder / "journal.jsonl").read_bytes().split(b"\n")
    assert lines[-1] == b"" and len(lines) == 4  # three lines, each ended by a newline
    for raw, entry in zip(lines[:3], chain, strict=True):
        digest, body = raw.split(b" ", 1)
        assert hashlib.sha256(body).hexdigest().encode() == digest
        line = json.loads(body)
        assert AuditEntry.model_validate(line["entry"]) == entry
        assert line["seal"]["audit_head"] == entry.hash
    assert json.loads(lines[2].split(b" ", 1)[1])["assessment"]["scores"][0]["note"] == "三"
    # The record file is still as created: an autosave does not rewrite it.
    assert _tables(folder)["audit"] == {}
    assert Store(store.root).load_with_audit(record_key(assessment)) == (assessment, chain)


# ---- torn and damaged lines -------------------------------------------------------------


def _tear_last_line(journal: Path, how: str) -> None:
    data = journal.read_bytes()
    start = data.rstrip(b"\n").rfind(b"\n") + 1
    match how:
        case "no-newline":
            journal.write_bytes(data[:-1])
        case "half":
            journal.write_bytes(data[: start + (len(data) - start) // 2])
        case "hash-only":
            journal.write_bytes(data[: start + 64])
        case "bit-flip":  # whole line, newline included, but not what was hashed
            at = start + 100
            journal.write_bytes(data[:at] + bytes([data[at] ^ 1]) + data[at + 1 :])


@pytest.mark.parametrize("how", ["no-newline", "half", "hash-only", "bit-flip"])
def test_a_torn_last_line_is_dropped_with_a_notice_and_a_copy(
    store: Store, three: tuple[Assessment, list[AuditEntry], Path], how: str
) -> None:
    assessment, chain, folder = three
    key = record_key(assessment)
    journal = folder / "journal.jsonl"
    intact = journal.read_bytes()
    _tear_last_line(journal, how)
    torn = journal.read_bytes()

    # A reader (`assessor list`) shows the two intact saves and changes nothing.
    before = _snapshot(folder)
    reader = Store(store.root, read_only=True)
    assert reader.load(key).scores[0].note == "二"
    assert _snapshot(folder) == before

    writer = Store(store.root)
    loaded, audit = writer.load_with_audit(key)
    assert loaded.scores[0].note == "二" and audit == chain[:2]
    (kept,) = folder.glob("journal.jsonl.corrupt-*")
    assert kept.read_bytes() == torn
    assert journal.read_bytes() == intact[: intact.rstrip(b"\n").rfind(b"\n") + 1]
    notice = writer.list()[0].recovery or ""
    assert "日志文件 journal.jsonl 的最后一行" in notice and "第 2 条审计记录" in notice
    assert kept.name in notice

    # Saving goes on from there, and the repaired record opens clean.
    assessment, chain = loaded, chain[:2]
    _note(writer, assessment, chain, "三again")
    assert Store(store.root).load_with_audit(key) == (assessment, chain)


def test_zeros_a_power_cut_left_after_the_last_line_lose_nothing(
    store: Store, three: tuple[Assessment, list[AuditEntry], Path]
) -> None:
    assessment, chain, folder = three
    with open(folder / "journal.jsonl", "ab") as handle:
        handle.write(b"\0" * 4096)
    loaded, audit = Store(store.root).load_with_audit(record_key(assessment))
    assert loaded == assessment and audit == chain
    assert len(list(folder.glob("journal.jsonl.corrupt-*"))) == 1


def test_a_damaged_line_before_the_last_is_refused_and_left_as_is(
    store: Store, three: tuple[Assessment, list[AuditEntry], Path]
) -> None:
    assessment, _, folder = three
    journal = folder / "journal.jsonl"
    data = journal.read_bytes()
    journal.write_bytes(data.replace("二".encode(), "贰".encode(), 1))
    before = _snapshot(folder)
    for opened in (Store(store.root), Store(store.root, read_only=True)):
        with pytest.raises(StoreError, match="第 2 行已损坏或被改动"):
            opened.load(record_key(assessment))
    (summary,) = Store(store.root).list()
    assert summary.broken and "journal.jsonl" in (summary.problem or "")
    assert _snapshot(folder) == before


def test_a_journal_that_does_not_continue_the_record_is_refused(
    store: Store, three: tuple[Assessment, list[AuditEntry], Path]
) -> None:
    assessment, _, folder = three
    journal = folder / "journal.jsonl"
    first_line_dropped = journal.read_bytes().split(b"\n", 1)[1]
    journal.write_bytes(first_line_dropped)
    with pytest.raises(StoreError, match="不衔接"):
        Store(store.root).load(record_key(assessment))


# ---- compaction -------------------------------------------------------------------------


def test_compaction_writes_what_the_replay_showed(
    store: Store, three: tuple[Assessment, list[AuditEntry], Path]
) -> None:
    assessment, chain, folder = three
    key = record_key(assessment)
    store.compact(key)

    tables = _tables(folder)
    assert tables["assessment"]["1"] == assessment.model_dump(mode="json")
    assert tables["audit"] == {str(e.seq): e.model_dump(mode="json") for e in chain}
    assert tables["seal"]["1"]["audit_head"] == chain[-1].hash
    assert tables["seal"]["1"]["audit_length"] == 3
    assert not (folder / "journal.jsonl").exists()
    assert (folder / "journal.jsonl.prev").is_file()
    assert Store(store.root).load_with_audit(key) == (assessment, chain)

    _note(store, assessment, chain, "四")
    assert Store(store.root).load_with_audit(key) == (assessment, chain)


def test_a_growing_journal_is_compacted_by_itself(
    tmp_path: Path, make_assessment: MakeAssessment
) -> None:
    store = Store(tmp_path / "data", journal_limit=3 * 1024)
    assessment = make_assessment()
    store.create(assessment)
    chain: list[AuditEntry] = []
    for n in range(30):
        _note(store, assessment, chain, f"第 {n} 次")
    folder = _folder(store, assessment)
    compacted = len(_tables(folder)["audit"])
    journal = folder / "journal.jsonl"
    in_journal = journal.read_bytes().count(b"\n") if journal.exists() else 0
    assert compacted > 0 and (folder / "journal.jsonl.prev").is_file()
    assert compacted + in_journal == 30
    assert not journal.exists() or journal.stat().st_size <= 3 * 1024
    assert Store(tmp_path / "data").load_with_audit(record_key(assessment)) == (assessment, chain)


def test_a_compaction_cut_short_before_the_journal_was_set_aside_replays_nothing_twice(
    store: Store, three: tuple[Assessment, list[AuditEntry], Path]
) -> None:
    assessment, chain, folder = three
    journal = (folder / "journal.jsonl").read_bytes()
    store.compact(record_key(assessment))
    # The crash came after the record file was rewritten, before the journal was set aside.
    (folder / "journal.jsonl.prev").unlink()
    (folder / "journal.jsonl").write_bytes(journal)
    assert Store(store.root).load_with_audit(record_key(assessment)) == (assessment, chain)


def test_finalising_compacts(
    store: Store, three: tuple[Assessment, list[AuditEntry], Path]
) -> None:
    assessment, chain, folder = three
    final = assessment.model_copy(update={"status": Status.final})
    entry = append(chain, "finalise", old="draft", new="final")
    store.save(final, entry)
    assert len(_tables(folder)["audit"]) == 4
    assert not (folder / "journal.jsonl").exists()


# ---- records written before journals existed --------------------------------------------


def _sealed_by_hand(assessment_doc: dict, audit: dict[str, dict]) -> dict:
    """The seal as the record format documents it, computed here without the store."""
    content = json.dumps(assessment_doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return {
        "assessment_sha256": hashlib.sha256(content.encode("utf-8")).hexdigest(),
        "audit_head": audit[str(len(audit))]["hash"] if audit else GENESIS,
        "audit_length": len(audit),
    }


def test_a_record_without_a_journal_loads_unchanged_and_takes_new_saves(
    tmp_path: Path, make_assessment: MakeAssessment
) -> None:
    assessment = make_assessment(centre="旧版本托育")
    chain: list[AuditEntry] = []
    for value in (1.0, 2.0):
        chain.append(append(chain, "score", "ind-1", old=None, new=value))
    assessment.scores[0].score = 2.0
    doc = assessment.model_dump(mode="json")
    audit = {str(e.seq): e.model_dump(mode="json") for e in chain}
    folder = tmp_path / "data" / "assessments" / record_key(assessment)
    folder.mkdir(parents=True)
    tables = {"assessment": {"1": doc}, "audit": audit, "seal": {"1": _sealed_by_hand(doc, audit)}}
    (folder / "record.json").write_text(json.dumps(tables, ensure_ascii=False), encoding="utf-8")
    original = (folder / "record.json").read_bytes()

    store = Store(tmp_path / "data")
    assert store.load_with_audit(record_key(assessment)) == (assessment, chain)
    assert [s.centre_name for s in store.list()] == ["旧版本托育"]
    assert (folder / "record.json").read_bytes() == original

    _note(store, assessment, chain, "新的说明")
    assert (folder / "record.json").read_bytes() == original
    assert Store(tmp_path / "data").load_with_audit(record_key(assessment)) == (assessment, chain)


# ---- killed in the middle of an append --------------------------------------------------


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")
@pytest.mark.parametrize(("mode", "survives"), [("before-fsync", "3"), ("half-written", "2")])
def test_a_writer_killed_mid_append_leaves_a_record_that_opens(
    tmp_path: Path, make_assessment: MakeAssessment, mode: str, survives: str
) -> None:
    root = tmp_path / "data"
    assessment = make_assessment()
    Store(root).create(assessment)
    gc.collect()  # this process lets go of the folder
    key = record_key(assessment)
    child = subprocess.Popen(
        [sys.executable, str(HERE / "journal_child.py"), str(root), key, mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        cwd=REPO,
    )
    try:
        assert child.stdout is not None
        said = [child.stdout.readline().decode().strip() for _ in range(3)]
        assert said == ["ack 1", "ack 2", "stuck"], child.stderr.read() if child.stderr else ""
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=20)

    # The unacknowledged third save may be there (whole line) or not (torn); "2" never goes.
    loaded, chain = Store(root).load_with_audit(key)
    assert loaded.scores[0].note == survives
    assert [e.new for e in chain] == ["1", "2", "3"][: int(survives)]
    folder = root / "assessments" / key
    assert bool(list(folder.glob("journal.jsonl.corrupt-*"))) == (mode == "half-written")
