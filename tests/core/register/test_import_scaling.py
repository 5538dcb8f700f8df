"""An import's work per file does not grow with the register.

Counted in SQLite virtual-machine steps (a progress handler on the import's own connection, which
SQLite calls as its loops step from row to row), so the test is exact and does not depend on the machine's speed. A query that walks every current
document or every open item for each input (a plan through the index on `current` or on
`closed_at`, which hold nearly every row) makes a register of thousands cost hundreds of times
a new one's; through the right index both cost the same.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from assessor.core.register import db
from assessor.core.register.importer import ImportOptions, run_import
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.signing.keys import SigningKey
from tests.core.register.builders import amended, assessment, signed

FILLER = 3000


@pytest.fixture
def step_counter(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Counts the VM steps of every connection `db.connect` opens."""
    counted = [0]
    connect = db.connect

    def counting(register: Path, *, create: bool = False) -> sqlite3.Connection:
        conn = connect(register, create=create)

        def tick() -> int:
            counted[0] += 1
            return 0

        conn.set_progress_handler(tick, 1)
        return conn

    monkeypatch.setattr(db, "connect", counting)
    yield counted


def _fill(register: Path, count: int) -> None:
    """`count` more current documents of other centres in the same cycle, each with an open
    item, copied from the register's first document under new keys."""
    conn = sqlite3.connect(db.db_path(register))
    try:
        with conn:
            conn.execute(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)"
                " INSERT INTO files SELECT printf('f%063d', i), 1, x'00' FROM n",
                (count,),
            )
            columns = [r[1] for r in conn.execute("PRAGMA table_info(documents)")]
            renamed = {
                "sha256": "printf('f%063d', n.i)",
                "assessment_id": "printf('filler-%d', n.i)",
                "centre_uscc": "printf('F%017d', n.i)",
                "supersedes_sha256": "NULL",
                "current": "1",
            }
            picked = ", ".join(renamed.get(c, f"d.{c}") for c in columns)
            conn.execute(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)"
                f" INSERT INTO documents SELECT {picked}"
                " FROM n, (SELECT * FROM documents ORDER BY rowid LIMIT 1) d",
                (count,),
            )
            conn.execute(
                "INSERT INTO flags (kind, assessment_id, document_sha256, other, detail,"
                " batch_id, opened_at, comment) SELECT 'team_too_small', assessment_id, sha256,"
                " '2', '填充', batch_id, '2026-01-01T00:00:00Z', '' FROM documents"
                " WHERE assessment_id LIKE 'filler-%'"
            )
    finally:
        conn.close()


def _steps(counted: list[int], work: Callable[[], object]) -> int:
    before = counted[0]
    work()
    return counted[0] - before


def test_the_work_per_file_is_the_same_in_a_new_and_in_a_large_register(
    tmp_path: Path,
    rubric: LoadedRubric,
    signer: SigningKey,
    options: ImportOptions,
    step_counter: list[int],
) -> None:
    # Every query the import makes per file: new assessments, an amendment that supersedes a
    # current version (closing its items), a same-centre pair.
    seed = {"seed.json": signed(rubric, assessment(rubric, 1), signer)}
    first = assessment(rubric, 2)
    first_raw = signed(rubric, first, signer)
    _v2, second_raw = amended(rubric, first, first_raw, signer)
    batch_one = {
        "a.json": first_raw,
        "b.json": signed(rubric, assessment(rubric, 3, centre=90), signer),
        "c.json": signed(rubric, assessment(rubric, 4), signer),
    }
    batch_two = {
        "d.json": second_raw,
        "e.json": signed(rubric, assessment(rubric, 5, centre=90), signer),
        "f.json": signed(rubric, assessment(rubric, 6), signer),
    }

    def import_into(register: Path) -> int:
        for name, files in (("seed", seed), ("one", batch_one)):
            folder = tmp_path / f"{register.name}-{name}"
            folder.mkdir()
            for file, raw in files.items():
                (folder / file).write_bytes(raw)
            run_import(register, [folder], options)
            if name == "seed" and register.name == "large":
                _fill(register, FILLER)
        folder = tmp_path / f"{register.name}-two"
        folder.mkdir()
        for file, raw in batch_two.items():
            (folder / file).write_bytes(raw)
        return _steps(step_counter, lambda: run_import(register, [folder], options))

    small = import_into(tmp_path / "small")
    large = import_into(tmp_path / "large")
    assert large < small * 1.5, f"{large} VM steps into {FILLER} documents, {small} into a few"
