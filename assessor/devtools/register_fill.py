"""A register filled with generated rows, straight into SQLite, for benchmarks and screenshots.

Rows are plausible (the bundled rubric's indicators, grades by its rule, 福州 districts, some
centres assessed twice, some superseded versions) but come from no signed file: the `files`
rows are empty. Import tests use real signed files instead.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sqlite3
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

from assessor.core.assessment.model import CareType, Operator
from assessor.core.clock import now_utc
from assessor.core.register.db import connect, transaction
from assessor.core.register.rows import (
    DimensionRow,
    DocumentRow,
    FileRow,
    ReviewRow,
    ReviewState,
    ScoreRow,
)
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.scoring.grade import band_for
from assessor.devtools.samples import DISTRICTS, sample_person

CHUNK = 2_000
REASSESSED = 0.05
SUPERSEDED = 0.05
CONFIRMED = 0.6


def _insert_sql(model: type, columns: list[str]) -> str:
    return (
        f"INSERT INTO {model.table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    )


def _text(value: float) -> str:
    return str(Decimal(str(value)).normalize()) if value % 1 else str(int(value))


def _document(
    rng: random.Random, rubric: LoadedRubric, n: int, batch: int, centres: list[tuple]
) -> tuple[dict, list[tuple], list[tuple]]:
    sha = f"{n:064x}"
    if centres and rng.random() < REASSESSED:
        uscc, name, address, district, operator = rng.choice(centres)
    else:
        district = rng.choice(sorted(DISTRICTS))
        operator = rng.choice(list(Operator)).value
        uscc = f"{n:018d}"
        name = f"样例托育中心{n}"
        address = f"福建省福州市{DISTRICTS[district]}测试路{n % 400}号"
        centres.append((uscc, name, address, district, operator))
    quality = rng.uniform(0.55, 0.97)
    scores: list[tuple] = []
    dims: list[tuple] = []
    fired: list[str] = []
    total = Decimal(0)
    for dim in rubric.rubric.dimensions:
        dim_total = Decimal(0)
        for item in dim.items:
            for ind in item.indicators:
                level = (
                    ind.levels[0]
                    if rng.random() < (0.99 if ind.basic else quality)
                    else rng.choice(ind.levels[1:])
                )
                points = Decimal(_text(level.points))
                dim_total += points
                if ind.basic is not None and points < Decimal(_text(ind.max)):
                    fired.append(ind.id)
                scores.append((sha, ind.id, dim.id, str(points), _text(ind.max), 0))
        dims.append((sha, dim.id, dim.name, str(dim_total), _text(dim.max)))
        total += dim_total
    rule = rubric.rubric.grade_rule
    grade = band_for(rule, float(total)).grade
    if fired and grade < rule.veto_grade:
        grade = rule.veto_grade
    assessors = [f"FZ{rng.randint(1, 60):04d}", f"FZ{rng.randint(61, 120):04d}"]
    visit = dt.date(2024, 1, 2) + dt.timedelta(days=rng.randint(0, 1000))
    doc = {
        "sha256": sha,
        "assessment_id": f"{n:032x}",
        "version": 1,
        "supersedes_sha256": None,
        "centre_uscc": uscc,
        "centre_name": name,
        "centre_address": address,
        "division_code": district,
        "operator": operator,
        "care_types": json.dumps(
            [CareType.full_day.value] + ([CareType.half_day.value] if n % 2 else [])
        ),
        "centre_kind": "institution",
        "places": rng.randint(20, 150),
        "visit_date": visit.isoformat(),
        "cycle": str(visit.year),
        "assessor_ids": json.dumps(assessors),
        "assessor_names": json.dumps([sample_person(rng) for _ in assessors], ensure_ascii=False),
        "total": str(total),
        "max_total": _text(rubric.rubric.total),
        "grade": grade,
        "vetoes_fired": json.dumps(fired),
        "rubric_sha256": rubric.sha256,
        "rubric_code": rubric.rubric.code,
        "signer_name": "样例",
        "signer_id": assessors[0],
        "cert_serial": str(n),
        "cert_issuer": "CN=样例",
        "signed_at": f"{visit.isoformat()}T10:00:00Z",
        "training": 1,
        "batch_id": batch,
        "current": 0 if rng.random() < SUPERSEDED else 1,
    }
    return doc, dims, scores


def generated_documents(
    rubric: LoadedRubric, count: int, seed: int, batch: int
) -> Iterator[tuple[dict, list[tuple], list[tuple]]]:
    rng = random.Random(seed)
    centres: list[tuple] = []
    for n in range(1, count + 1):
        yield _document(rng, rubric, n, batch, centres)


def fill_register(register: Path, rubric: LoadedRubric, count: int, seed: int = 7) -> None:
    """`count` generated current-or-superseded documents with their dimensions and scores."""
    conn = connect(register, create=True)
    try:
        conn.execute("PRAGMA synchronous = OFF")  # generated data: speed over durability
        with transaction(conn):
            batch = conn.execute(
                "INSERT INTO batches (started_at, finished_at, who, inputs, fingerprint, options)"
                " VALUES (?, ?, 'fill', '[]', ?, '{}')",
                (now_utc().isoformat(), now_utc().isoformat(), "0" * 64),
            ).lastrowid
        doc_columns = DocumentRow.columns()
        rows = generated_documents(rubric, count, seed, int(batch or 0))
        while True:
            chunk = [r for _, r in zip(range(CHUNK), rows, strict=False)]
            if not chunk:
                break
            with transaction(conn):
                _write_chunk(conn, chunk, doc_columns, seed)
    finally:
        conn.close()


def _write_chunk(conn: sqlite3.Connection, chunk: list, doc_columns: list[str], seed: int) -> None:
    conn.executemany(
        _insert_sql(FileRow, ["sha256", "size", "content"]),
        [(doc["sha256"], 0, b"") for doc, _, _ in chunk],
    )
    conn.executemany(
        _insert_sql(DocumentRow, doc_columns),
        [[doc[c] for c in doc_columns] for doc, _, _ in chunk],
    )
    conn.executemany(
        _insert_sql(DimensionRow, DimensionRow.columns()), [d for _, dims, _ in chunk for d in dims]
    )
    conn.executemany(
        _insert_sql(ScoreRow, ScoreRow.columns()), [s for _, _, scores in chunk for s in scores]
    )
    stamp = now_utc().isoformat()
    conn.executemany(
        _insert_sql(ReviewRow, ReviewRow.columns()),
        [
            (doc["assessment_id"], ReviewState.confirmed.value, "", stamp, "fill")
            for doc, _, _ in chunk
            if int(doc["sha256"], 16) * 7919 % 100 < CONFIRMED * 100
        ],
    )
