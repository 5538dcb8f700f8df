"""Verifying a signed JSON document: the envelope, then the document by the rules it names.

Checks, in order: JSON, schema, signature present (these stop verification when they fail),
canonical bytes, the signature envelope (CMS over the signed bytes, certificate chain to a trust
root at the signing time, signature block equal to what the CMS implies), training policy,
final status, rubric known, scores allowed by the rubric, and the stored result's normative
fields equal to the result the named scoring engine recomputes from the scores.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from pydantic import ValidationError
from rfc8785 import CanonicalizationError

from assessor.core.assessment.model import Status
from assessor.core.canonical import NOT_CANONICAL_DATA, canonical_json
from assessor.core.document.cosign import check_signatures, team_reasons
from assessor.core.document.model import MAX_DOCUMENT_BYTES, AssessmentDocument
from assessor.core.document.normative import ENGINES, differences
from assessor.core.document.signed import cut_signature, signed_payload
from assessor.core.problems import UserError, problems_from_validation
from assessor.core.safe_input import InputRejected, parse_json_object
from assessor.core.signing.cosign import CoSignatureBlock
from assessor.core.signing.json_envelope import check_envelope
from assessor.core.signing.verification import (
    TRAINING_DOCUMENT,
    TRAINING_REFUSED,
    Reason,
    SignedBy,
    Verification,
)

NOT_CANONICAL = "文件内容被改动（非规范化格式）：签名文件必须与导出时逐字节一致"
NO_CANONICAL_FORM = NOT_CANONICAL_DATA


def _parse(raw: bytes) -> tuple[dict[str, Any] | None, Reason | None]:
    if len(raw) > MAX_DOCUMENT_BYTES:
        return None, Reason("too_large", "文件过大，不是评估文件")
    try:
        return parse_json_object(raw, ""), None
    except InputRejected as exc:  # its codes: not_json, not_utf8, duplicate_key, too_deep, …
        return None, Reason(exc.code, exc.problems[0].message)


def _canonical(data: dict[str, Any]) -> bytes | None:
    try:
        return canonical_json(data)
    except CanonicalizationError:
        return None


def result_reasons(
    document: AssessmentDocument, rubrics: Iterable[str | Path] = ()
) -> list[Reason]:
    """Rubric known, scores allowed, stored result equal to the recomputed one (normative
    fields, by the engine the document names)."""
    from assessor.core.rubric.registry import rubric_for
    from assessor.core.scoring.engine import score_problems

    compute = ENGINES.get(document.engine)
    if compute is None:
        return [
            Reason(
                "unknown_engine",
                f"文件使用计分引擎 {document.engine}，本程序只认识 "
                f"{'、'.join(sorted(ENGINES))}：请使用更新版本的程序验证",
            )
        ]
    try:
        rubric = rubric_for(document.rubric, rubrics)
    except UserError as exc:
        return [Reason("rubric_unknown", str(exc))]
    problems = score_problems(rubric, document)
    if problems:
        return [Reason("score_invalid", f"{p.path}：{p.message}") for p in problems]
    recomputed = compute(rubric, document)
    changed = differences(document.result, recomputed)
    if changed:
        stored = document.result
        return [
            Reason(
                "result_mismatch",
                f"文件中记录的评估结果与按各指标得分重新计算的结果不一致（{'、'.join(changed)}不同；"
                f"记录：总分 {stored.total:g}、等级 {stored.grade}；"
                f"重新计算：总分 {recomputed.total:g}、等级 {recomputed.grade}）",
            )
        ]
    return []


@dataclass(frozen=True)
class JsonCheck:
    """What verifying a file found, with the file as parsed and validated on the way (None
    where verification stopped before), so a caller needs not parse it again."""

    verification: Verification
    data: dict[str, Any] | None = None
    document: AssessmentDocument | None = None


def verify_json(
    raw: bytes,
    trust_roots: Sequence[x509.Certificate],
    allow_training: bool,
    *,
    rubrics: Iterable[str | Path] = (),
) -> Verification:
    """Verify a signed JSON file; never raises for bad input, every finding is a reason."""
    return check_json(raw, trust_roots, allow_training, rubrics=rubrics).verification


def check_json(
    raw: bytes,
    trust_roots: Sequence[x509.Certificate],
    allow_training: bool,
    *,
    rubrics: Iterable[str | Path] = (),
) -> JsonCheck:
    """`verify_json`, keeping the parsed data and the validated document."""
    data, failure = _parse(raw)
    if data is None:
        return JsonCheck(Verification("json", (failure,) if failure else ()))
    ident: dict[str, Any] = {
        "assessment_id": data["id"] if isinstance(data.get("id"), str) else "",
        "version": data["version"] if type(data.get("version")) is int else None,
    }
    try:
        document = AssessmentDocument.model_validate(data)
    except ValidationError as exc:
        schema = [
            Reason("schema", f"{p.path}：{p.message}") for p in problems_from_validation("", exc)
        ]
        found = Verification("json", (Reason("schema", "不符合评估文件格式："), *schema), **ident)
        return JsonCheck(found, data)
    if document.signature is None:
        return JsonCheck(
            Verification("json", (Reason("unsigned", "文件未签名"),), **ident), data, document
        )
    return JsonCheck(
        _verify_signed(raw, data, document, trust_roots, allow_training, rubrics, ident),
        data,
        document,
    )


def _verify_signed(
    raw: bytes,
    data: dict[str, Any],
    document: AssessmentDocument,
    trust_roots: Sequence[x509.Certificate],
    allow_training: bool,
    rubrics: Iterable[str | Path],
    ident: dict[str, Any],
) -> Verification:
    assert document.signature is not None
    canonical = _canonical(data)
    if canonical is None:  # no canonical form, so no signed bytes to check the signature over
        return Verification("json", (Reason("not_canonical", NO_CANONICAL_FORM),), **ident)
    if canonical == raw:  # the file's own bytes give the payload and the block's bytes
        reasons, (payload, block) = [], cut_signature(raw, data)
    else:
        reasons, payload, block = (
            [Reason("not_canonical", NOT_CANONICAL)],
            signed_payload(data),
            None,
        )
    # A co-signed block is checked signer by signer, each with the single-signer check.
    if isinstance(document.signature, CoSignatureBlock):
        envelope, signers = check_signatures(payload, document, data["signature"], trust_roots)
    else:
        envelope = check_envelope(
            payload, document.signature, data["signature"], trust_roots, written_canonical=block
        )
        signers = (
            SignedBy(
                envelope.signer,
                envelope.assessor_id,
                envelope.fingerprint,
                envelope.signed_at,
                not envelope.reasons,
            ),
        )
    reasons.extend(envelope.reasons)
    found: dict[str, Any] = {
        "signer": envelope.signer,
        "assessor_id": envelope.assessor_id,
        "fingerprint": envelope.fingerprint,
        "signed_at": envelope.signed_at,
        "training": envelope.training_key or document.training,
        "trusted": envelope.trusted,
        "signers": signers,
        "signatures_expected": document.signatures_expected,
        **ident,
    }
    if envelope.signed_at is None:  # the envelope could not be read at all
        return Verification("json", tuple(reasons), **found)
    if envelope.training_key and not document.training:
        reasons.append(
            Reason(
                "signature_info_altered", "培训密钥签名的文件必须标记为培训/样例，该标记已被改动"
            )
        )
    if not allow_training and found["training"]:
        message = TRAINING_REFUSED if envelope.training_key else TRAINING_DOCUMENT
        reasons.append(Reason("training", message))
    if document.status is not Status.final:
        reasons.append(Reason("not_final", "评估尚未定稿，签名文件必须是已定稿的评估"))
    reasons.extend(team_reasons(document, signers))
    reasons.extend(result_reasons(document, rubrics))
    return Verification("json", tuple(reasons), **found)
