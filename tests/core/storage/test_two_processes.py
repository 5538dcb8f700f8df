"""Several processes on one data folder never cost an acknowledged save.

Two writer processes take turns on one record (each must wait for the folder lock) while two
processes run `assessor list` on the same folder the whole time. Without the lock, writers
interleaved between check and replace and lost saves, and listers deleted the writer's
in-flight temporary files (issue 8).
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assessor.core.storage.store import Store, record_key
from tests.core.storage.conftest import sample_assessment

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
SAVES_PER_WRITER = 500


def _start(script: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, str(HERE / script), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO,
    )


# Every save fsyncs twice; on a busy 2-core CI machine 1,000 saves take 30-90 s.
@pytest.mark.slow
def test_writers_and_listers_on_one_folder_lose_no_acknowledged_save(tmp_path: Path) -> None:
    root = tmp_path / "data"
    assessment = sample_assessment()
    Store(root).create(assessment)
    gc.collect()  # this process lets go of the folder
    key = record_key(assessment)
    stop = tmp_path / "stop"

    listers = [_start("folder_lister.py", str(root), str(stop)) for _ in range(2)]
    writers = [
        _start("folder_writer.py", str(root), key, name, str(SAVES_PER_WRITER)) for name in "AB"
    ]
    started = time.monotonic()
    try:
        outputs = [w.communicate(timeout=300) for w in writers]
    finally:
        stop.touch()
        listed = [lister.communicate(timeout=60) for lister in listers]
    elapsed = time.monotonic() - started

    acked: list[str] = []
    refusals = 0
    for writer, (out, err) in zip(writers, outputs, strict=True):
        assert writer.returncode == 0, err
        lines = out.splitlines()
        acked += [line.removeprefix("ack ") for line in lines if line.startswith("ack ")]
        refusals += int(lines[-1].removeprefix("done "))
    assert len(acked) == 2 * SAVES_PER_WRITER

    for lister, (out, err) in zip(listers, listed, strict=True):
        assert lister.returncode == 0, err
        runs, failed = int(out.split()[1]), int(out.split()[3])
        assert failed == 0, err
        assert runs > 0

    # Loading verifies the seal and every link of the audit chain.
    _, chain = Store(root).load_with_audit(key)
    on_disk = [entry.new for entry in chain]
    assert sorted(on_disk) == sorted(acked), "every acknowledged save, and nothing else"
    for name in "AB":  # each writer's saves in its own order
        own = [n for n in on_disk if isinstance(n, str) and n.startswith(f"{name}-")]
        assert own == [f"{name}-{n}" for n in range(SAVES_PER_WRITER)]
    print(
        f"\n{len(acked)} acknowledged saves, 0 lost; {refusals} lock refusals; "
        f"{sum(int(o.split()[1]) for o, _ in listed)} concurrent lists; {elapsed:.1f} s"
    )
