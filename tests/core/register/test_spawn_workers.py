"""The register's worker pool under the spawn start method, the only one Windows and macOS
have: workers start as fresh interpreters, so everything they are given must pickle and
everything they run must be importable. A pool that fails falls back to checking in-process
without a word to the person, so this test looks at the processes themselves."""

from __future__ import annotations

import dataclasses
import logging
import multiprocessing.context
from pathlib import Path

import pytest

from assessor.core.register.importer import ImportOptions, run_import
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.signing.keys import SigningKey
from tests.core.register.builders import assessment, signed, table_dump


def test_an_import_checks_its_files_in_spawned_worker_processes(
    tmp_path: Path,
    rubric: LoadedRubric,
    signer: SigningKey,
    options: ImportOptions,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    started: list[int | None] = []
    start = multiprocessing.context.SpawnProcess.start

    def counted(process: multiprocessing.context.SpawnProcess) -> None:
        start(process)
        started.append(process.pid)

    monkeypatch.setattr(multiprocessing.context.SpawnProcess, "start", counted)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for n in range(5):
        (inbox / f"{n:02d}.json").write_bytes(signed(rubric, assessment(rubric, n), signer))
    (inbox / "bad.json").write_bytes(b"{")

    with caplog.at_level(logging.WARNING, logger="assessor.core.register.importer"):
        parallel = run_import(
            tmp_path / "two",
            [inbox],
            dataclasses.replace(options, chunk_size=3, workers=2, parallel_from=1),
        )
    assert started and all(pid for pid in started)
    assert not [r for r in caplog.records if "worker processes failed" in r.getMessage()]
    serial = run_import(tmp_path / "one", [inbox], options)
    assert (parallel.inputs, parallel.registered) == (6, 5)
    assert parallel.to_json() == serial.to_json()
    assert table_dump(tmp_path / "two") == table_dump(tmp_path / "one")
