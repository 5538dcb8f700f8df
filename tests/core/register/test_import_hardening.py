"""Issue 18, item 4 and 5: an official file outranks a training file of the same assessment
whatever the order; workers die with a killed importer; quarantine copies are kept once per
distinct content; symlinks are counted as skipped with a reason."""

from __future__ import annotations

import dataclasses
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assessor.core.register.check import trust_pems
from assessor.core.register.importer import ImportOptions, run_import
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.signing.keys import SigningKey, training_signer
from assessor.core.signing.training import training_ca
from tests.core.register.builders import assessment, signed, table_dump


def _rows(register: Path, sql: str, params: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(register / "register.sqlite3")
    try:
        return [tuple(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def _file(folder: Path, name: str, raw: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(raw)
    return folder / name


@pytest.mark.parametrize("training_first", [True, False], ids=["training-first", "official-first"])
def test_an_official_file_outranks_a_training_file_in_either_order(
    tmp_path: Path,
    rubric: LoadedRubric,
    signer: SigningKey,
    options: ImportOptions,
    training_first: bool,
) -> None:
    record = assessment(rubric, 11)
    official = signed(rubric, record, signer)
    practice = signed(rubric, record.model_copy(update={"training": True}), training_signer())
    both = dataclasses.replace(
        options,
        allow_training=True,
        trust_pems=options.trust_pems + trust_pems([training_ca()]),
    )
    first, second = (practice, official) if training_first else (official, practice)
    register = tmp_path / "reg"
    run_import(register, [_file(tmp_path / "a", "x.json", first)], both)
    run_import(register, [_file(tmp_path / "b", "y.json", second)], both)

    rows = _rows(register, "SELECT training, current FROM documents ORDER BY training")
    assert rows == [(0, 1), (1, 0)]  # the official one counts, the training one is kept
    ((current, other),) = _rows(register, "SELECT current_sha256, other_sha256 FROM conflicts")
    (official_sha,) = _rows(register, "SELECT sha256 FROM documents WHERE training = 0")[0]
    (training_sha,) = _rows(register, "SELECT sha256 FROM documents WHERE training = 1")[0]
    assert (current, other) == (official_sha, training_sha)
    # Open items are about the official file only (the conflict, for a person to close).
    open_items = _rows(register, "SELECT kind, document_sha256 FROM flags WHERE closed_at IS NULL")
    assert open_items == [("conflict", official_sha)]


def test_a_rerun_keeps_one_quarantine_copy_per_distinct_bad_file(
    tmp_path: Path, options: ImportOptions
) -> None:
    inbox = tmp_path / "inbox"
    _file(inbox, "a.json", b'{"a": 1, "a": 2}')
    _file(inbox, "b.json", b"not json")
    _file(inbox / "sub", "same-as-a.json", b'{"a": 1, "a": 2}')  # the same content again
    register = tmp_path / "reg"
    for _ in range(3):
        summary = run_import(register, [inbox], options)
        assert summary.quarantined_total == 3
    copies = [p for p in (register / "quarantine").iterdir() if not p.name.endswith(".reason.txt")]
    assert len(copies) == 2
    assert sorted(p.read_bytes() for p in copies) == sorted([b'{"a": 1, "a": 2}', b"not json"])
    reasons = list((register / "quarantine").glob("*.reason.txt"))
    assert len(reasons) == 2
    # Every batch's quarantine rows point at the one copy.
    stored = _rows(register, "SELECT DISTINCT stored_copy FROM quarantine")
    assert len(stored) == 2


def test_symlinks_in_a_folder_are_counted_as_skipped_with_a_reason(
    tmp_path: Path, rubric: LoadedRubric, signer: SigningKey, options: ImportOptions
) -> None:
    outside = tmp_path / "outside"
    _file(outside, "x.json", signed(rubric, assessment(rubric, 1), signer))
    inbox = tmp_path / "inbox"
    _file(inbox, "report.pdf", b"%PDF-1.7")
    (inbox / "linked-folder").symlink_to(outside)
    (inbox / "linked.json").symlink_to(outside / "x.json")
    summary = run_import(tmp_path / "reg", [inbox], options)
    assert (summary.inputs, summary.skipped) == (0, 3)
    assert summary.skipped_reasons == {"not_input": 1, "symlink": 2}


_IMPORTER = """
import multiprocessing, os, sys, time
from pathlib import Path
from assessor.core.register.check import trust_pems
from assessor.core.register.importer import ImportOptions, run_import
from assessor.core.signing.verification import load_trust_roots

def main():
    inbox, register, ca, rubric, out = map(Path, sys.argv[1:6])
    options = ImportOptions(
        trust_pems=trust_pems(load_trust_roots([ca])), rubric_paths=(str(rubric),),
        workers=2, chunk_size=2, parallel_from=2,
    )

    def progress(_summary):
        # Workers are running: tell the test who they are, then hang until killed.
        pids = [p.pid for p in multiprocessing.active_children()]
        from multiprocessing import resource_tracker
        tracker = resource_tracker._resource_tracker._pid  # the helper process it started
        pids += [tracker] if tracker else []
        out.write_text(" ".join(map(str, pids)))
        time.sleep(600)

    run_import(register, [inbox], options, progress=progress)

if __name__ == "__main__":
    main()
"""


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its reaper is not)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    state = next(line for line in status.splitlines() if line.startswith("State:"))
    return "Z" not in state.split()[1]


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads process states from /proc")
def test_workers_exit_when_the_importer_is_killed(
    tmp_path: Path,
    rubric: LoadedRubric,
    rubric_path: Path,
    signer: SigningKey,
    commission,
) -> None:
    inbox = tmp_path / "inbox"
    for n in range(6):
        _file(inbox, f"{n}.json", signed(rubric, assessment(rubric, n), signer))
    script = _file(tmp_path, "importer.py", _IMPORTER.encode())
    out = tmp_path / "workers.txt"
    child = subprocess.Popen(
        [sys.executable, str(script), str(inbox), str(tmp_path / "reg"), str(commission.ca_cert),
         str(rubric_path), str(out)],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])},
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while not (out.exists() and out.read_text()) and time.monotonic() < deadline:
            assert child.poll() is None, "the importer ended before its workers started"
            time.sleep(0.1)
        workers = [int(p) for p in out.read_text().split()]  # and the resource tracker
        assert len(workers) >= 2 and all(_alive(p) for p in workers)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        deadline = time.monotonic() + 5
        while any(_alive(p) for p in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(p) for p in workers), "workers outlived the killed importer"
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


def test_quarantine_copies_do_not_change_a_resumed_batch(
    tmp_path: Path, options: ImportOptions
) -> None:
    inbox = tmp_path / "inbox"
    for n in range(5):
        _file(inbox, f"{n}.json", f"bad {n}".encode())
    small = dataclasses.replace(options, chunk_size=2)
    seen: list[int] = []
    run_import(
        tmp_path / "cut", [inbox], small, progress=lambda s: seen.append(s.inputs),
        cancelled=lambda: bool(seen),
    )  # fmt: skip
    run_import(tmp_path / "cut", [inbox], small)
    run_import(tmp_path / "whole", [inbox], small)
    assert (
        table_dump(tmp_path / "cut")["quarantine"] == table_dump(tmp_path / "whole")["quarantine"]
    )


def test_items_on_a_superseded_version_close_themselves(
    tmp_path: Path, rubric: LoadedRubric, signer: SigningKey, options: ImportOptions
) -> None:
    from tests.core.register.builders import amended

    a1 = assessment(rubric, 1, centre=40)
    a1_raw = signed(rubric, a1, signer)
    b_raw = signed(rubric, assessment(rubric, 2, centre=40), signer)
    register = tmp_path / "reg"
    first = run_import(register, [_file(tmp_path / "one", "a.json", a1_raw),
                                  _file(tmp_path / "one", "b.json", b_raw)], options)  # fmt: skip
    assert first.flags == {"same_centre_in_cycle": 2}
    _, a2_raw = amended(rubric, a1, a1_raw, signer)
    second = run_import(register, [_file(tmp_path / "two", "a2.json", a2_raw)], options)
    assert second.flags == {"same_centre_in_cycle": 2}  # the new version and b
    rows = _rows(
        register,
        "SELECT d.version, f.closed_at IS NULL, f.decision, f.closed_by, f.comment FROM flags f"
        " JOIN documents d ON d.sha256 IN (f.document_sha256, f.other) AND d.assessment_id = ?"
        " ORDER BY d.version",
        (a1.id,),
    )
    assert rows == [(1, 0, "superseded", "登记库", "已被第 2 版取代"), (2, 1, None, None, "")]
