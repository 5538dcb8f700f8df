"""Finalised assessment → signed JSON + signed PDF, written where the assessor chooses.

The same function serves the GUI (with a progress callback) and `assessor export`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assessor.core.assessment.model import Assessment, Status
from assessor.core.audit import AuditEntry
from assessor.core.clock import now_utc
from assessor.core.document.build import build_document
from assessor.core.document.model import AssessmentDocument
from assessor.core.problems import UserError, os_error_text
from assessor.core.report.render import render_report
from assessor.core.rubric.registry import rubric_for
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.signing.json_signature import document_bytes, sign_document
from assessor.core.signing.keys import SigningKey
from assessor.core.signing.pdf_signature import sign_pdf
from assessor.core.storage.atomic import atomic_write_bytes
from assessor.core.storage.store import Store

Progress = Callable[[int, str], None]

_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


@dataclass(frozen=True)
class SignedFiles:
    document: AssessmentDocument
    json_bytes: bytes
    pdf_bytes: bytes  # empty when only the JSON was signed


@dataclass(frozen=True)
class ExportedFiles:
    json_path: Path
    pdf_path: Path | None
    document: AssessmentDocument


def _no_progress(_percent: int, _step: str) -> None:
    return None


def sign_json(
    rubric: LoadedRubric, assessment: Assessment, audit: list[AuditEntry], signer: SigningKey
) -> AssessmentDocument:
    """The signed document of a final assessment."""
    if assessment.status is not Status.final:
        raise UserError("只有已定稿的评估才能签名导出，请先定稿")
    problem = signer.info.problem_at(now_utc())
    if problem:
        raise UserError(problem)
    training = assessment.training or signer.info.training
    return sign_document(build_document(rubric, assessment, audit, training=training), signer)


def sign_files(
    rubric: LoadedRubric,
    assessment: Assessment,
    audit: list[AuditEntry],
    signer: SigningKey,
    *,
    signature_image: bytes | None = None,
    progress: Progress = _no_progress,
) -> SignedFiles:
    """The signed JSON and signed PDF of a final assessment."""
    progress(15, "计算得分并签名 JSON 文件")
    signed = sign_json(rubric, assessment, audit, signer)
    progress(40, "生成 PDF 报告")
    report = render_report(
        rubric,
        assessment,
        signed.result,
        signed.findings,
        signer_name=signer.info.name,
        signer_id=signer.info.assessor_id,
        signature_image=signature_image,
        training=signed.training,
        audit_head=signed.audit_head,
    )
    progress(80, "签名 PDF 报告")
    pdf_bytes = sign_pdf(
        report.pdf,
        signer,
        field_box=report.signature_box,
        page=report.signature_page,
        assessment_id=assessment.id,
        version=assessment.version,
        signature_image=signature_image,
        training=signed.training,
    )
    return SignedFiles(signed, document_bytes(signed), pdf_bytes)


def sign_assessment(
    store: Store,
    key: str,
    signer: SigningKey,
    *,
    signature_image: bytes | None = None,
    rubric: LoadedRubric | None = None,
    progress: Progress = _no_progress,
) -> SignedFiles:
    """Sign a stored final record and keep both files in the record's folder."""
    progress(5, "读取评估记录")
    assessment, audit = store.load_with_audit(key)
    rubric = rubric or rubric_for(assessment.rubric)
    files = sign_files(
        rubric, assessment, audit, signer, signature_image=signature_image, progress=progress
    )
    progress(92, "保存签名文件")
    store.keep_signed(key, files.json_bytes, files.pdf_bytes)
    return files


def export_names(document: AssessmentDocument) -> tuple[str, str]:
    """Names an assessor recognises (centre, visit date, version), unique by assessment id."""
    centre = _UNSAFE.sub("_", document.centre.name.strip()) or "未命名机构"
    when = document.visit.date.isoformat() if document.visit.date else "未填日期"
    training = "-培训样例" if document.training else ""
    stem = f"{centre}-{when}-{document.id[:8]}-v{document.version}{training}"
    return f"{stem}.json", f"{stem}.pdf"


def write_signed(files: SignedFiles, out_dir: Path) -> ExportedFiles:
    """Write the JSON, and the PDF when there is one, each atomically."""
    json_name, pdf_name = export_names(files.document)
    pdf_path = out_dir / pdf_name if files.pdf_bytes else None
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        if pdf_path:
            atomic_write_bytes(pdf_path, files.pdf_bytes)
        atomic_write_bytes(out_dir / json_name, files.json_bytes)
    except OSError as exc:
        raise UserError(f"无法写入导出文件夹 {out_dir}：{os_error_text(exc)}") from exc
    return ExportedFiles(out_dir / json_name, pdf_path, files.document)


def export_signed(
    store: Store,
    key: str,
    signer: SigningKey,
    out_dir: Path,
    *,
    signature_image: bytes | None = None,
    rubric: LoadedRubric | None = None,
    progress: Progress = _no_progress,
) -> ExportedFiles:
    files = sign_assessment(
        store, key, signer, signature_image=signature_image, rubric=rubric, progress=progress
    )
    exported = write_signed(files, out_dir)
    progress(100, "完成")
    return exported
