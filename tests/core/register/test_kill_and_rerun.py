"""SIGKILL an import at several points, rerun it: the register is the one an uninterrupted
import makes (same rows, same statistics)."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assessor.core.rubric.validate import LoadedRubric
from assessor.core.signing.keys import SigningKey
from tests.core.register.builders import Commission, amended, assessment, signed, table_dump

CHUNK = 4
KILL_AFTER_LOGGED = (0, 5, 13, 27)
"""Kill once the batch log holds this many inputs (0: as soon as the batch exists)."""


@pytest.fixture(scope="module")
def inbox(
    tmp_path_factory: pytest.TempPathFactory,
    rubric: LoadedRubric,
    signer: SigningKey,
    second_signer: SigningKey,
) -> Path:
    """Registered files, an amendment, a conflict, one centre twice, duplicates, bad files."""
    folder = tmp_path_factory.mktemp("kill-inbox")
    files: dict[str, bytes] = {}
    for n in range(24):
        record = assessment(rubric, n, centre=n % 20, day=dt.date(2026, 1 + n % 12, 3))
        files[f"{n:02d}.json"] = signed(rubric, record, signer if n % 2 else second_signer)
    v1 = assessment(rubric, 40)
    v1_raw = signed(rubric, v1, signer)
    files["40-v1.json"] = v1_raw
    files["40-v2.json"] = amended(rubric, v1, v1_raw, signer)[1]
    files["40-v1-again.json"] = signed(rubric, v1, signer)  # conflict
    files["copy-of-03.json"] = files["03.json"]  # duplicate
    for n in range(5):
        files[f"bad-{n}.json"] = b'{"broken": ' + bytes([48 + n])
    for name, raw in files.items():
        (folder / name).write_bytes(raw)
    return folder


def _command(register: Path, inbox: Path, commission: Commission, rubric_path: Path) -> list[str]:
    return [
        sys.executable, "-m", "assessor", "register", "import", str(inbox), "--db", str(register),
        "--trust", str(commission.ca_cert), "--rubric", str(rubric_path), "--who", "tester",
        "--workers", "1", "--chunk-size", str(CHUNK), "--json",
    ]  # fmt: skip


def _logged(register: Path) -> int | None:
    try:
        conn = sqlite3.connect(f"file:{register / 'register.sqlite3'}?mode=ro", uri=True)
        try:
            return conn.execute("SELECT COUNT(*) FROM batch_inputs").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return None  # not created yet, or mid-migration


def _run_and_kill(command: list[str], register: Path, after: int) -> bool:
    """Start the import and SIGKILL it once `after` inputs are logged; False if it finished."""
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 120
        while process.poll() is None and time.monotonic() < deadline:
            logged = _logged(register)
            if logged is not None and logged >= after:
                os.kill(process.pid, signal.SIGKILL)
                process.wait()
                return True
            time.sleep(0.005)
        return False
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def _statistics(register: Path) -> list[tuple]:
    conn = sqlite3.connect(register / "register.sqlite3")
    try:
        return conn.execute(
            "SELECT grade, COUNT(*), GROUP_CONCAT(total, ',') FROM "
            "(SELECT grade, total FROM current_documents ORDER BY sha256) GROUP BY grade"
        ).fetchall()
    finally:
        conn.close()


def test_killed_import_reruns_to_the_same_register(
    tmp_path: Path, inbox: Path, commission: Commission, rubric_path: Path
) -> None:
    whole = tmp_path / "whole"
    subprocess.run(_command(whole, inbox, commission, rubric_path), check=True, capture_output=True)

    killed = tmp_path / "killed"
    command = _command(killed, inbox, commission, rubric_path)
    kills = 0
    for after in KILL_AFTER_LOGGED:
        kills += _run_and_kill(command, killed, after)
    assert kills >= 3, "the import finished before it could be killed"
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    assert '"complete": true' in done.stdout

    assert table_dump(killed, with_batches=True) == table_dump(whole, with_batches=True)
    assert _statistics(killed) == _statistics(whole)
    conn = sqlite3.connect(killed / "register.sqlite3")
    assert conn.execute("SELECT COUNT(*) FROM batches").fetchone()[0] == 1
    conn.close()
