"""Real signed assessment files for the register tests: a commission CA and assessor keys made
with `assessor keys`, assessments signed through the export pipeline (`sign_json`)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.serialization import Encoding

from assessor.cli.main import run_cli
from assessor.core.amendment import next_version
from assessor.core.assessment.model import (
    Assessment,
    AssessorRef,
    CareType,
    Centre,
    Operator,
    Status,
    Visit,
)
from assessor.core.assessment.uscc import check_character
from assessor.core.clock import BEIJING, now_utc
from assessor.core.document.new import new_assessment
from assessor.core.document.signed import document_bytes
from assessor.core.export.signed_export import sign_json
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.signing.keys import SigningKey, load_signer

CA_PASSPHRASE = "commission-ca-口令-1"
KEY_PASSPHRASE = "assessor-key-口令-2"


def secret(path: Path, text: str) -> Path:
    path.write_text(text + "\n", encoding="utf-8")
    return path


@dataclass(frozen=True)
class Commission:
    """A CA folder made by `keys init-ca` and assessor keys made by `keys issue`."""

    root: Path
    ca_dir: Path
    ca_cert: Path
    ca_passphrase: Path
    key_passphrase: Path

    def issue(self, name: str, assessor_id: str, file: str) -> Path:
        out = self.root / file
        args = [
            "keys", "issue", "--ca", str(self.ca_dir), "--name", name,
            "--assessor-id", assessor_id, "--out", str(out),
            "--passphrase-file", str(self.key_passphrase),
            "--ca-passphrase-file", str(self.ca_passphrase),
        ]  # fmt: skip
        assert run_cli(args) == 0
        return out


def make_commission(root: Path, name: str = "测试市卫生健康委员会") -> Commission:
    root.mkdir(parents=True, exist_ok=True)
    ca_pass = secret(root / "ca-pass.txt", CA_PASSPHRASE)
    key_pass = secret(root / "key-pass.txt", KEY_PASSPHRASE)
    ca_dir = root / "ca"
    args = ["keys", "init-ca", "--out", str(ca_dir), "--name", name]
    assert run_cli([*args, "--passphrase-file", str(ca_pass)]) == 0
    return Commission(root, ca_dir, ca_dir / "ca-cert.pem", ca_pass, key_pass)


def uscc(n: int, division: str = "350102") -> str:
    body = f"52{division}MJ{n:07d}"
    return body + check_character(body)


def assessment(
    rubric: LoadedRubric,
    n: int,
    *,
    centre: int | None = None,
    day: dt.date = dt.date(2026, 5, 4),
    division: str = "350102",
    assessor_id: str = "T-001",
) -> Assessment:
    """A final assessment of centre `centre` (default: its own centre n); scores vary with n."""
    centre_no = n if centre is None else centre
    draft = new_assessment(rubric)
    scores = [
        entry.model_copy(update={"score": ind.levels[(n + k) % len(ind.levels)].points})
        for k, (entry, ind) in enumerate(zip(draft.scores, rubric.indicators, strict=True))
    ]
    return draft.model_copy(
        update={
            "scores": scores,
            "status": Status.final,
            "finalised_at": now_utc(),
            "centre": Centre(
                name=f"第{centre_no}托育中心",
                uscc=uscc(centre_no, division),
                address=f"某市某区某路 {centre_no} 号",
                division_code=division,
                operator=Operator.public,
                care_types=[CareType.full_day],
                places=60,
            ),
            "visit": Visit(date=day, assessors=[AssessorRef(name="张三", assessor_id=assessor_id)]),
        }
    )


def signed(
    rubric: LoadedRubric,
    record: Assessment,
    signer: SigningKey,
    signed_at: dt.datetime | None = None,
) -> bytes:
    """The bytes of the signed JSON file the export writes."""
    return document_bytes(sign_json(rubric, record, [], signer, signed_at))


def amended(
    rubric: LoadedRubric, previous: Assessment, previous_bytes: bytes, signer: SigningKey
) -> tuple[Assessment, bytes]:
    """Version n+1 of `previous` with its first indicator set to full points, signed."""
    draft = next_version(previous, previous_bytes, "复核后更正评分", now_utc())
    first = rubric.indicators[0]
    scores = [draft.scores[0].model_copy(update={"score": first.max}), *draft.scores[1:]]
    final = draft.model_copy(
        update={"scores": scores, "status": Status.final, "finalised_at": now_utc()}
    )
    return final, signed(rubric, final, signer)


def table_dump(register: Path, *, with_batches: bool = False) -> dict[str, Any]:
    """Every row of the register's content tables, in a stable order (batch times left out)."""
    conn = sqlite3.connect(register / "register.sqlite3")
    try:
        tables = {
            "files": "SELECT sha256, size, content FROM files ORDER BY sha256",
            "documents": "SELECT * FROM documents ORDER BY sha256",
            "dimensions": "SELECT * FROM dimensions ORDER BY 1, 2",
            "scores": "SELECT * FROM scores ORDER BY 1, 2",
            "conflicts": "SELECT * FROM conflicts ORDER BY other_sha256",
            "flags": "SELECT kind, assessment_id, document_sha256, other, other_assessment_id,"
            " detail, batch_id, closed_at IS NULL, decision FROM flags ORDER BY 3, 1, 4",
            "quarantine": "SELECT batch_id, seq, original_path, stored_copy, reason_code "
            "FROM quarantine ORDER BY 1, 2",
            "batch_inputs": "SELECT * FROM batch_inputs ORDER BY 1, 2",
            "revocations": "SELECT * FROM revocations ORDER BY 1, 2",
        }
        if with_batches:
            tables["batches"] = "SELECT id, who, inputs, fingerprint, counts FROM batches"
        return {name: conn.execute(sql).fetchall() for name, sql in tables.items()}
    finally:
        conn.close()


def revoked_key_file(
    tmp_path: Path, commission: Commission, rubric: LoadedRubric, n: int
) -> tuple[bytes, Path]:
    """A file signed by a key revoked a minute later, and the CRL that says so."""
    lost = load_signer(
        commission.issue("赵六", "T-066", f"lost-{tmp_path.name}.p12"), KEY_PASSPHRASE
    )
    raw = signed(rubric, assessment(rubric, n), lost)
    signed_at = json.loads(raw)["signature"]["signed_at"]
    moment = dt.datetime.fromisoformat(signed_at.replace("Z", "+00:00")) + dt.timedelta(minutes=1)
    cert = tmp_path / "lost.pem"
    cert.write_bytes(lost.certificate.public_bytes(Encoding.PEM))
    at = moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")
    revoke = ["keys", "revoke", "--ca", str(commission.ca_dir), "--cert", str(cert)]
    assert run_cli([*revoke, "--reason", "key_compromise", "--at", at]) == 0
    crl = tmp_path / "crl.pem"
    ca_pass = ["--ca-passphrase-file", str(commission.ca_passphrase)]
    assert run_cli(["keys", "crl", "--ca", str(commission.ca_dir), "-o", str(crl), *ca_pass]) == 0
    return raw, crl
