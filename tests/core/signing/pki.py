"""Builders for signing tests (shared by tests/core/signing and the CLI tests): a commission CA,
an unrelated CA, assessor keys (one expired), a small rubric file, finalised documents and a
small PDF standing in for the report."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from cryptography import x509
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from assessor.core.assessment.model import AssessorRef, Centre, Status, Visit
from assessor.core.clock import now_utc
from assessor.core.document.model import AssessmentDocument
from assessor.core.document.new import new_assessment
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.scoring.checks import run_checks
from assessor.core.scoring.engine import ENGINE, compute_result
from assessor.core.signing.keys import CA_CERT_FILE, init_ca, issue_assessor, load_ca
from tests.factories import small_rubric_data

CA_PASSPHRASE = "commission-ca-secret"
KEY_PASSPHRASE = "assessor-secret-口令"
SIGNATURE_BOX = (300.0, 100.0, 540.0, 200.0)


@dataclass(frozen=True)
class Pki:
    ca_dir: Path
    ca_cert: x509.Certificate
    ca_cert_path: Path
    other_ca_cert: x509.Certificate
    other_ca_cert_path: Path
    key_path: Path
    expired_key_path: Path


def make_pki(root: Path) -> Pki:
    ca_cert = init_ca(root / "ca", "测试市卫生健康委员会", CA_PASSPHRASE)
    other_cert = init_ca(root / "other", "别的市卫生健康委员会", CA_PASSPHRASE)
    ca = load_ca(root / "ca", CA_PASSPHRASE)
    issue_assessor(
        ca, root / "zhang.p12", name="张三", assessor_id="T-001", passphrase=KEY_PASSPHRASE
    )
    # Valid for 30 days, ending more than a year ago.
    issue_assessor(
        ca,
        root / "expired.p12",
        name="李四",
        assessor_id="T-002",
        passphrase=KEY_PASSPHRASE,
        days=30,
        valid_from=now_utc() - timedelta(days=400),
    )
    return Pki(
        ca_dir=root / "ca",
        ca_cert=ca_cert,
        ca_cert_path=root / "ca" / CA_CERT_FILE,
        other_ca_cert=other_cert,
        other_ca_cert_path=root / "other" / CA_CERT_FILE,
        key_path=root / "zhang.p12",
        expired_key_path=root / "expired.p12",
    )


def write_rubric(path: Path) -> Path:
    path.write_text(json.dumps(small_rubric_data(), ensure_ascii=False), encoding="utf-8")
    return path


def make_document(rubric: LoadedRubric, *, training: bool = False) -> AssessmentDocument:
    """A finalised, fully scored document, as the exporter hands it to signing."""
    draft = new_assessment(rubric, training=training)
    scores = [
        entry.model_copy(update={"score": ind.levels[n % 2].points, "note": f"记录 {n}"})
        for n, (entry, ind) in enumerate(zip(draft.scores, rubric.indicators, strict=True))
    ]
    final = draft.model_copy(
        update={
            "scores": scores,
            "status": Status.final,
            "finalised_at": now_utc(),
            "centre": Centre(name="阳光托育中心", address="某市某区某路 1 号"),
            "visit": Visit(assessors=[AssessorRef(name="张三", assessor_id="T-001")]),
        }
    )
    return AssessmentDocument(
        **dict(final),
        engine=ENGINE,
        result=compute_result(rubric, final),
        findings=run_checks(rubric, final.centre),
        audit_head="0" * 64,
        audit_length=0,
    )


def make_report_pdf() -> bytes:
    """A small two-page PDF standing in for the report."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    for page in ("Assessment report", "Signature page"):
        pdf.drawString(72, 770, page)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()
