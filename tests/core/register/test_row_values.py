"""Rows an import writes as plain tuples are exactly what the row models would write, and read
back through the models unchanged."""

from __future__ import annotations

import datetime as dt
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

from assessor.core.register.check import Candidate, CheckContext, check
from assessor.core.register.importer import ImportOptions, run_import
from assessor.core.register.row_values import DOCUMENT_FIELDS, column_value, document_values
from assessor.core.register.rows import (
    BatchInputRow,
    DimensionRow,
    DocumentRow,
    FileRow,
    Row,
    ScoreRow,
    SignerRow,
)
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.signing.keys import SigningKey
from tests.core.register.builders import amended, assessment, signed


def _model_values(model: type[Row], data: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(model.model_validate(data).to_db().values())


def test_worker_tuples_equal_the_models_values(
    rubric: LoadedRubric, signer: SigningKey, options: ImportOptions
) -> None:
    context = CheckContext(options.trust_pems, False, options.rubric_paths)
    for n in range(3):
        found = check(signed(rubric, assessment(rubric, n), signer), context)
        assert isinstance(found, Candidate)
        whole = {**found.document, "batch_id": 7, "current": n == 1}
        assert (*found.document_values, 7, n == 1) == _model_values(DocumentRow, whole)
        for model, rows in ((DimensionRow, found.dimensions), (ScoreRow, found.scores)):
            assert rows
            for row in rows:
                assert row == _model_values(model, dict(zip(model.columns(), row, strict=True)))


def test_column_values_of_every_kind() -> None:
    """What `to_db` writes for each column kind, including moments in another zone and with
    microseconds, Chinese in lists, and decimals."""
    moment = dt.datetime(2026, 5, 4, 8, 0, 1, 250000, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    document = {
        name: value
        for name, value in zip(
            DOCUMENT_FIELDS,
            [
                "a" * 64,
                "评估-1",
                3,
                None,
                "",
                "第1托育中心",
                "某路",
                "350102",
                None,
                ["全日托", "半日托"],
                "kind",
                60,
                dt.date(2026, 5, 4),
                "2026",
                [],
                ["张三"],
                Decimal("857.5"),
                Decimal("1000"),
                "B",
                ["1.1.1"],
                "b" * 64,
                "WS/T 821",
                "张三",
                "T-001",
                "123",
                "CN=CA",
                moment,
                True,
            ],
            strict=True,
        )
    }
    whole = {**document, "batch_id": 1, "current": True}
    assert (*document_values(document), 1, True) == _model_values(DocumentRow, whole)
    assert column_value(moment) == "2026-05-04T00:00:01.250000Z"


def _stored(register: Path, table: str) -> list[dict[str, Any]]:
    conn = sqlite3.connect(register / "register.sqlite3")
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(f"SELECT * FROM {table}")]
    finally:
        conn.close()


def test_what_an_import_stores_round_trips_through_the_row_models(
    tmp_path: Path, rubric: LoadedRubric, signer: SigningKey, options: ImportOptions
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    first = assessment(rubric, 1)
    first_bytes = signed(rubric, first, signer)
    (inbox / "a.json").write_bytes(first_bytes)
    (inbox / "b.json").write_bytes(amended(rubric, first, first_bytes, signer)[1])
    (inbox / "c.json").write_bytes(b'{"not": "signed"}')
    register = tmp_path / "register"
    run_import(register, [inbox], options)
    counts = {}
    for model in (FileRow, DocumentRow, DimensionRow, ScoreRow, BatchInputRow, SignerRow):
        rows = _stored(register, model.table)
        counts[model.table] = len(rows)
        for row in rows:
            assert model.from_db(row).to_db() == row, model.table
    assert counts["documents"] == 2 and counts["batch_inputs"] == 3 and counts["signers"] == 2
    assert counts["scores"] == 2 * len(rubric.indicators)
