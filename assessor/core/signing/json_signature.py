"""Signing and verifying the exported JSON document.

What is signed: the RFC 8785 (canonical JSON) bytes of the document with the `signature` key
removed, by a detached CMS SignedData (pyHanko) with a signingTime attribute.

What is written: `document_bytes`, the RFC 8785 bytes of the whole document, signature included,
and nothing else. The file is therefore its own canonical form, and every byte of it is pinned:

- bytes outside the signature block are covered by the CMS signature (after checking that the
  file is exactly the canonical form of what it parses to, so whitespace or escapes cannot vary);
- the signature block is not covered by the CMS signature, so verification recomputes every field
  of it from the CMS (signer name and id from the certificate, signing time from the signed
  attribute, training from the certificate chain, chain as PEM) and requires it to be identical;
- the CMS itself must be exactly the structure this module assembles from the chain and the
  signer info, so its unsigned parts (certificate set, algorithm parameters) cannot vary either.

Flipping any byte of a signed file therefore breaks its JSON, its schema or its signature.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import warnings
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import rfc8785
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.utils import CryptographyDeprecationWarning
from pydantic import ValidationError

from assessor.core.assessment.model import Status
from assessor.core.canonical import canonical_bytes
from assessor.core.clock import now_utc
from assessor.core.document.model import (
    MAX_DOCUMENT_BYTES,
    AssessmentDocument,
    SignatureBlock,
    Signer,
)
from assessor.core.problems import UserError, problems_from_validation
from assessor.core.signing.keys import SigningKey
from assessor.core.signing.training import fingerprint, is_training_certificate
from assessor.core.signing.verification import (
    BROKEN_SIGNATURE,
    DIGEST,
    TRAINING_DOCUMENT,
    TRAINING_REFUSED,
    Verification,
    assemble_cms,
    identity,
    outside_path,
    trust_problem,
    validation_context,
)

if TYPE_CHECKING:
    from asn1crypto import cms

TAMPERED = "文件内容被改动：签名与内容不符"
NOT_CANONICAL = "文件内容被改动（非规范化格式）：签名文件必须与导出时逐字节一致"


def document_bytes(document: AssessmentDocument) -> bytes:
    """The bytes of the .json file: RFC 8785 canonical JSON of the whole document."""
    return canonical_bytes(document)


def _payload(data: dict[str, Any]) -> bytes:
    """The signed bytes: canonical JSON of the document data without its `signature` key."""
    return rfc8785.dumps({k: v for k, v in data.items() if k != "signature"})


def _pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(Encoding.PEM).decode("ascii")


def _block(chain: Sequence[x509.Certificate], signed_at: datetime, cms: str) -> SignatureBlock:
    name, assessor_id = identity(chain[0])
    return SignatureBlock(
        signed_at=signed_at,
        signer=Signer(name=name, assessor_id=assessor_id),
        training=is_training_certificate(chain[0]),
        cms=cms,
        chain=[_pem(c) for c in chain],
    )


def sign_document(document: AssessmentDocument, signer: SigningKey) -> AssessmentDocument:
    """The document with its `signature` block set; write it with `document_bytes`.

    Only a final assessment can be signed. Signing with the training key marks the document
    itself as training too.
    """
    from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes

    if document.status is not Status.final:
        raise UserError("只能签署已定稿的评估")
    signed_at = now_utc()
    problem = signer.info.problem_at(signed_at)
    if problem:
        raise UserError(problem)
    unsigned = document.model_copy(
        update={"signature": None, "training": document.training or signer.info.training}
    )
    payload = _payload(unsigned.model_dump(mode="json"))
    content_info = asyncio.run(
        signer.signer.async_sign_general_data(
            payload,
            DIGEST,
            detached=True,
            signed_attr_settings=PdfCMSSignedAttributes(signing_time=signed_at),
        )
    )
    der = assemble_cms(signer.chain, content_info["content"]["signer_infos"][0])
    block = _block(signer.chain, signed_at, base64.b64encode(der).decode("ascii"))
    return unsigned.model_copy(update={"signature": block})


# ---- verification --------------------------------------------------------------------------


def _parse(raw: bytes) -> tuple[dict[str, Any] | None, str | None]:
    if len(raw) > MAX_DOCUMENT_BYTES:
        return None, "文件过大，不是评估文件"
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        return None, f"不是合法的 JSON：{exc}"
    if not isinstance(data, dict):
        return None, "顶层应为 JSON 对象"
    return data, None


def _is_canonical(raw: bytes, data: dict[str, Any]) -> bool:
    try:
        return rfc8785.dumps(data) == raw
    except rfc8785.CanonicalizationError:
        return False


def _decode_cms(
    block: SignatureBlock,
) -> tuple[list[x509.Certificate], cms.SignedData, cms.SignerInfo]:
    """The chain and the CMS pieces, or ValueError when either is not exactly as written."""
    from asn1crypto import cms

    try:
        der = base64.b64decode(block.cms, validate=True)
        with warnings.catch_warnings():
            # A damaged certificate may only draw a deprecation warning; it is rejected below.
            warnings.simplefilter("ignore", CryptographyDeprecationWarning)
            chain = [x509.load_pem_x509_certificate(p.encode("ascii")) for p in block.chain]
    except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
        raise ValueError("encoding") from exc
    if not chain or base64.b64encode(der).decode("ascii") != block.cms:
        raise ValueError("encoding")
    content_info = cms.ContentInfo.load(der, strict=True)
    signed_data = content_info["content"]
    signer_infos = signed_data["signer_infos"]
    if content_info["content_type"].native != "signed_data" or len(signer_infos) != 1:
        raise ValueError("layout")
    if assemble_cms(chain, signer_infos[0]) != der:
        raise ValueError("layout")
    return chain, signed_data, signer_infos[0]


def _recorded_result_problems(
    document: AssessmentDocument, rubrics: Iterable[str | Path]
) -> list[str]:
    from assessor.core.rubric.registry import rubric_for
    from assessor.core.scoring.engine import compute_result, score_problems

    try:
        rubric = rubric_for(document.rubric, rubrics)
    except UserError as exc:
        return [str(exc)]
    problems = [f"{p.path}：{p.message}" for p in score_problems(rubric, document)]
    if problems:
        return problems
    recomputed = compute_result(rubric, document)
    if canonical_bytes(recomputed) != canonical_bytes(document.result):
        stored = document.result
        return [
            "文件中记录的评估结果与按各指标得分重新计算的结果不一致"
            f"（记录：总分 {stored.total:g}、等级 {stored.grade}；"
            f"重新计算：总分 {recomputed.total:g}、等级 {recomputed.grade}）"
        ]
    return []


def verify_json(
    raw: bytes,
    trust_roots: Sequence[x509.Certificate],
    allow_training: bool,
    *,
    rubrics: Iterable[str | Path] = (),
) -> Verification:
    """Verify a signed JSON file; never raises for bad input, every finding is a problem.

    Checks, in order: JSON, schema, signature present (these stop verification when they fail),
    canonical bytes, CMS layout (stops), signature over the content, certificate chain to a trust
    root at the signing time, signature block equal to what the CMS implies, training policy,
    final status, rubric known, stored result equal to the result recomputed from the scores.
    """
    from pyhanko.sign.validation.generic_cms import (
        async_validate_detached_cms,
        extract_self_reported_ts,
    )

    data, problem = _parse(raw)
    if data is None:
        return Verification("json", (problem or "",))
    ident: dict[str, Any] = {
        "assessment_id": data["id"] if isinstance(data.get("id"), str) else "",
        "version": data["version"] if type(data.get("version")) is int else None,
    }
    try:
        document = AssessmentDocument.model_validate(data)
    except ValidationError as exc:
        schema = [f"{p.path}：{p.message}" for p in problems_from_validation("", exc)]
        return Verification("json", ("不符合评估文件格式：", *schema), **ident)
    if document.signature is None:
        return Verification("json", ("文件未签名",), **ident)
    problems = [] if _is_canonical(raw, data) else [NOT_CANONICAL]
    try:
        chain, signed_data, signer_info = _decode_cms(document.signature)
    except Exception:  # any failure to parse untrusted DER means the same
        return Verification("json", (*problems, BROKEN_SIGNATURE), **ident)

    name, assessor_id = identity(chain[0])
    training = is_training_certificate(chain[0])
    found: dict[str, Any] = {
        "signer": name,
        "assessor_id": assessor_id,
        "fingerprint": fingerprint(chain[0]),
        "training": training or document.training,
        **ident,
    }
    try:
        signed_at = extract_self_reported_ts(signer_info)
        if signed_at is None:
            return Verification("json", (*problems, "签名中没有签名时间"), **found)
        signed_at = signed_at.astimezone(UTC)
        status = asyncio.run(
            async_validate_detached_cms(
                _payload(data),
                signed_data,
                signer_validation_context=validation_context(trust_roots, signed_at),
            )
        )
    except Exception:  # malformed signed attributes surface as many types
        return Verification("json", (*problems, BROKEN_SIGNATURE), **found)
    found["signed_at"] = signed_at

    if not (status.intact and status.valid):
        problems.append(TAMPERED)
    elif untrusted := trust_problem(status, chain, signed_at):
        problems.append(untrusted)
    elif outside_path(status, chain):
        problems.append(BROKEN_SIGNATURE)
    expected = _block(chain, signed_at, document.signature.cms).model_dump(mode="json")
    if rfc8785.dumps(expected) != rfc8785.dumps(data["signature"]):
        problems.append("签名信息（签名人、签名时间、培训标记或证书链）与签名不符，已被改动")
    if training and not document.training:
        problems.append("培训密钥签名的文件必须标记为培训/样例，该标记已被改动")
    if not allow_training and found["training"]:
        problems.append(TRAINING_REFUSED if training else TRAINING_DOCUMENT)
    if document.status is not Status.final:
        problems.append("评估尚未定稿，签名文件必须是已定稿的评估")
    problems.extend(_recorded_result_problems(document, rubrics))
    return Verification("json", tuple(problems), trusted=status.trusted, **found)
