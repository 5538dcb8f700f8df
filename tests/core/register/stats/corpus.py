"""A small register made the real way: a commission CA and an assessor key, sample assessments
signed through the export pipeline, written as files and imported by `register import`.

The corpus is shaped so every statistic has something to show: two years of visits, centres
assessed twice (same 统一社会信用代码, different assessments), amendments (version 2 current),
four assessors in rotating pairs, and groups both above and below the sample-size threshold.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assessor.core.assessment.model import AssessorRef, Visit
from assessor.core.document.signed import document_bytes
from assessor.core.export.signed_export import SignedFiles, sign_json, write_signed
from assessor.core.register.check import trust_pems
from assessor.core.register.importer import ImportOptions, run_import
from assessor.core.rubric.registry import default_rubric
from assessor.core.signing.keys import load_signer
from assessor.devtools.demo import amended_version, simulated_visit
from assessor.devtools.samples import sample_assessment
from tests.core.signing.pki import KEY_PASSPHRASE, make_pki

ASSESSORS = [("王芳", "A-01"), ("李强", "A-02"), ("陈静", "A-03"), ("刘伟", "A-04")]
COUNT = 30
REASSESSED = (13, 17, 21, 25)  # these reuse the centre of the assessment 10 places before them
AMENDED = (2, 9, 20)


@dataclass(frozen=True)
class Corpus:
    files: Path  # folder of signed JSON files
    register: Path
    ca_cert: Path
    rubric_file: Path


def _visit(n: int) -> Visit:
    first, second = ASSESSORS[n % 4], ASSESSORS[(n + 1 + n // 4) % 4]
    if first == second:
        second = ASSESSORS[(n + 2) % 4]
    year = 2025 if n % 3 == 0 else 2026
    return Visit(
        date=dt.date(year, 1 + n % 12, 1 + n % 27),
        assessors=[AssessorRef(name=a[0], assessor_id=a[1]) for a in (first, second)],
    )


def build_files(root: Path) -> tuple[Path, Path]:
    """Signed files in `root/files`; returns that folder and the CA certificate."""
    pki = make_pki(root / "pki")
    signer = load_signer(pki.key_path, KEY_PASSPHRASE)
    rubric = default_rubric()
    out = root / "files"
    rng = random.Random(5)
    made = []
    for n in range(COUNT):
        draft = sample_assessment(rubric, 100 + n, training=False)
        update: dict[str, Any] = {"visit": _visit(n)}
        if n in REASSESSED:
            update["centre"] = made[n - 10].centre
        draft = draft.model_copy(update=update)
        final, chain = simulated_visit(draft, dt.datetime(2026, 1, 1, 1, 0, tzinfo=dt.UTC))
        signed = sign_json(rubric, final, chain, signer)
        data = document_bytes(signed)
        write_signed(SignedFiles(signed, data, b""), out)
        made.append(final)
        if n in AMENDED:
            amended, amend_chain = amended_version(rubric, final, data, rng)
            again = sign_json(rubric, amended, amend_chain, signer)
            write_signed(SignedFiles(again, document_bytes(again), b""), out)
    return out, pki.ca_cert_path


def import_files(register: Path, files: Path, ca_cert: Path) -> None:
    from assessor.core.register.db import connect
    from assessor.core.register.settings import set_min_team_size
    from assessor.core.signing.verification import load_trust_roots

    # The corpus is one-person visits made before teams, built once per session (before the
    # per-test default of tests/conftest.py applies): this commission accepts them.
    conn = connect(register, create=True)
    set_min_team_size(conn, 1, "测试")
    conn.close()
    options = ImportOptions(trust_pems=trust_pems(load_trust_roots([ca_cert])), who="测试")
    summary = run_import(register, [files], options)
    assert summary.quarantined_total == 0, summary.to_json()


def documents(files: Path) -> list[dict[str, Any]]:
    """Every signed file as plain JSON, read without the app's models."""
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(files.glob("*.json"))]


def current_documents(files: Path) -> list[dict[str, Any]]:
    """The newest version of each assessment."""
    newest: dict[str, dict[str, Any]] = {}
    for doc in documents(files):
        if doc["id"] not in newest or doc["version"] > newest[doc["id"]]["version"]:
            newest[doc["id"]] = doc
    return list(newest.values())


def indicator_maxima(rubric_file: Path) -> dict[str, tuple[str, str]]:
    """Indicator id → (maximum points as written in the rubric file, dimension id)."""
    data = json.loads(rubric_file.read_text(encoding="utf-8"))
    return {
        ind["id"]: (str(ind["max"]), dim["id"])
        for dim in data["dimensions"]
        for item in dim["items"]
        for ind in item["indicators"]
    }
