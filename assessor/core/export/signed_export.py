"""Finalised assessment → signed JSON + signed PDF, written where the assessor chooses.

The same function serves the GUI (with a progress callback) and `assessor export`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path

from assessor.core.assessment.model import Assessment, Status
from assessor.core.audit import AuditEntry
from assessor.core.clock import now_utc
from assessor.core.document.build import build_document
from assessor.core.document.cosign import cosign_document, missing_signatures, signer_ids
from assessor.core.document.model import AssessmentDocument, parse_assessment
from assessor.core.document.signed import document_bytes, sign_document
from assessor.core.export.evidence_package import PACKAGE_SUFFIX, write_evidence_package
from assessor.core.file_names import safe_file_name
from assessor.core.problems import UserError, os_error_text
from assessor.core.report.evidence import EvidenceFiles
from assessor.core.report.render import render_report
from assessor.core.rubric.registry import installed_rubric_paths, rubric_for
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.signing.keys import SigningKey
from assessor.core.signing.pdf_signature import cosign_pdf, sign_pdf
from assessor.core.storage.atomic import atomic_write_bytes
from assessor.core.storage.store import Signing, Store, current_signing

Progress = Callable[[int, str], None]


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
    evidence_path: Path | None = None  # the evidence package, when there is evidence


def _no_progress(_percent: int, _step: str) -> None:
    return None


def sign_json(
    rubric: LoadedRubric,
    assessment: Assessment,
    audit: list[AuditEntry],
    signer: SigningKey,
    signed_at: datetime | None = None,
) -> AssessmentDocument:
    """The signed document of a final assessment."""
    if assessment.status is not Status.final:
        raise UserError("只有已定稿的评估才能签名导出，请先定稿")
    signed_at = signed_at or now_utc()
    problem = signer.info.problem_at(signed_at)
    if problem:
        raise UserError(problem)
    training = assessment.training or signer.info.training
    document = build_document(rubric, assessment, audit, training=training)
    if document.team is not None:  # a team's document: only its keyed members sign it
        return cosign_document(document, signer, signed_at)
    return sign_document(document, signer, signed_at)


def sign_files(
    rubric: LoadedRubric,
    assessment: Assessment,
    audit: list[AuditEntry],
    signer: SigningKey,
    *,
    signature_image: bytes | None = None,
    evidence: EvidenceFiles | None = None,
    progress: Progress = _no_progress,
    signed_at: datetime | None = None,
) -> SignedFiles:
    """The signed JSON and signed PDF of a final assessment, signed at one moment (`signed_at`,
    now when not given); with `evidence` (where the attached files are) the PDF has an
    appendix of them."""
    signed_at = signed_at or now_utc()
    progress(15, "计算得分并签名 JSON 文件")
    signed = sign_json(rubric, assessment, audit, signer, signed_at)
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
        evidence=evidence,
    )
    progress(80, "签名 PDF 报告")
    pdf_bytes = sign_pdf(
        report.pdf,
        signer,
        field_box=report.signature_box,
        page=report.signature_page,
        assessment_id=assessment.id,
        version=assessment.version,
        signed_at=signed_at,
        signature_image=signature_image,
        training=signed.training,
        cosign_boxes=report.cosign_boxes,
    )
    return SignedFiles(signed, document_bytes(signed), pdf_bytes)


def cosign_files(files: SignedFiles, signer: SigningKey, signed_at: datetime) -> SignedFiles:
    """The same files with one more team member's signature: one more SignerInfo in the JSON,
    one more incremental signature on the PDF (when there is one)."""
    document = cosign_document(files.document, signer, signed_at)
    pdf_bytes = cosign_pdf(files.pdf_bytes, signer, signed_at) if files.pdf_bytes else b""
    return SignedFiles(document, document_bytes(document), pdf_bytes)


def _signed_by(document: AssessmentDocument) -> list[str]:
    return signer_ids(document.signature)


def kept_files(signing: Signing) -> SignedFiles:
    """The files of an earlier signing, as they were written then."""
    try:
        json_bytes = signing.json_path.read_bytes()
        pdf_bytes = signing.pdf_path.read_bytes() if signing.pdf_path.is_file() else b""
    except OSError as exc:
        raise UserError(f"无法读取已保存的签名文件 {signing.folder}：{os_error_text(exc)}") from exc
    document = parse_assessment(json_bytes, str(signing.json_path))
    if not isinstance(document, AssessmentDocument):
        raise UserError(f"已保存的签名文件 {signing.json_path} 不是评估文件")
    return SignedFiles(document, json_bytes, pdf_bytes)


def reusable_signing(store: Store, key: str, signer_is_training: bool) -> Signing | None:
    """The kept signing an export should write again (or add a signature to) instead of
    signing anew, if any: an official signing always; a training signing unless a real key
    now signs."""
    signing = current_signing(store.signings(key))
    if signing is None or (signing.training and not signer_is_training):
        return None
    return signing


def _kept_for(store: Store, key: str, kept: Signing, signer: SigningKey) -> SignedFiles:
    """The kept files when `signer` signed them; else the files with `signer` added as a
    team member's signature; else a refusal that says why (never another key's files)."""
    files = kept_files(kept)
    if signer.info.assessor_id in _signed_by(files.document):
        return files
    if missing_signatures(files.document) == 0:
        names = "、".join(
            c.signer.name for c in getattr(files.document.signature, "cosigners", [])
        ) or (files.document.signature.signer.name if files.document.signature else "")
        raise UserError(
            f"该版本已由{names}签名，签名已齐全；每个版本只签名一次，不能改用"
            f"{signer.info.name}（{signer.info.assessor_id}）的密钥。已签名的文件保存在 "
            f"{kept.folder}；如需更正，请新建修订版本"
        )
    signed_at = now_utc()
    added = cosign_files(files, signer, signed_at)
    store.record_cosigning(
        key, added.json_bytes, added.pdf_bytes, signed_at=signed_at, by=signer.info.assessor_id
    )
    return added


def sign_assessment(
    store: Store,
    key: str,
    signer: SigningKey,
    *,
    signature_image: bytes | None = None,
    rubric: LoadedRubric | None = None,
    progress: Progress = _no_progress,
) -> SignedFiles:
    """The signed files of a stored final record: the kept ones when it is already signed
    (see `reusable_signing`), else a new signing, recorded in the record and its audit chain."""
    progress(5, "读取评估记录")
    kept = reusable_signing(store, key, signer.info.training)
    if kept is not None:
        progress(90, "该版本已签名，写出已保存的签名文件")
        return _kept_for(store, key, kept, signer)
    assessment, audit = store.load_with_audit(key)
    rubric = rubric or rubric_for(assessment.rubric, installed_rubric_paths(store.root))
    signed_at = now_utc()
    files = sign_files(
        rubric,
        assessment,
        audit,
        signer,
        signature_image=signature_image,
        evidence=partial(store.evidence_path, key),
        progress=progress,
        signed_at=signed_at,
    )
    progress(92, "保存签名文件")
    store.record_signing(
        key, files.json_bytes, files.pdf_bytes, training=signer.info.training, signed_at=signed_at
    )
    return files


def export_names(document: AssessmentDocument, folder: Path | None = None) -> tuple[str, str]:
    """Names an assessor recognises (centre, visit date, version), unique by assessment id.

    A long centre name is shortened so that every file of the export (the JSON, the PDF, the
    evidence package, their temporary files) fits the file systems' limits inside `folder`.
    """
    when = document.visit.date.isoformat() if document.visit.date else "未填日期"
    training = "-培训样例" if document.training else ""
    rest = f"-{when}-{document.id[:8]}-v{document.version}{training}"
    # The evidence package's name is the longest one derived from the stem.
    longest = safe_file_name(
        document.centre.name, f"{rest}{PACKAGE_SUFFIX}", fallback="未命名机构", folder=folder
    )
    stem = longest.removesuffix(PACKAGE_SUFFIX)
    return f"{stem}.json", f"{stem}.pdf"


def write_signed(
    files: SignedFiles, out_dir: Path, evidence: EvidenceFiles | None = None
) -> ExportedFiles:
    """Write the JSON, and the PDF when there is one, each atomically; with `evidence`
    (where the attached files are), the evidence package beside them."""
    json_name, pdf_name = export_names(files.document, out_dir)
    pdf_path = out_dir / pdf_name if files.pdf_bytes else None
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        if pdf_path:
            atomic_write_bytes(pdf_path, files.pdf_bytes)
        atomic_write_bytes(out_dir / json_name, files.json_bytes)
    except OSError as exc:
        raise UserError(f"无法写入导出文件夹 {out_dir}：{os_error_text(exc)}") from exc
    package = (
        write_evidence_package(files.document, out_dir / json_name, files.json_bytes, evidence)
        if evidence is not None
        else None
    )
    return ExportedFiles(out_dir / json_name, pdf_path, files.document, package)


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
    progress(95, "写入文件与证据包")
    exported = write_signed(files, out_dir, partial(store.evidence_path, key))
    progress(100, "完成")
    return exported
