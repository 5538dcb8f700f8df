"""Commission documents (plans, plan packages) as signed JSON files.

The same envelope as an assessment file (`signing.json_envelope`): the file is the RFC 8785
form of the whole document; the signature covers the RFC 8785 form without its `signature`
member. Reading one checks, before anything in it is used: the bytes are exactly canonical,
the document has the expected format, the signature holds and chains to a trusted root, and it
was not made with the built-in training key.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from cryptography import x509
from pydantic import BaseModel, ValidationError

from assessor.core.canonical import NotCanonical, canonical_bytes
from assessor.core.clock import beijing_text
from assessor.core.problems import UserError, problems_from_validation
from assessor.core.safe_input import parse_json_object
from assessor.core.signing.json_envelope import (
    SignatureBlock,
    certificate,
    check_envelope,
    sign_payload,
)
from assessor.core.signing.keys import SigningKey
from assessor.core.signing.revocation import Revoked

Document = TypeVar("Document", bound=BaseModel)


def _payload(data: dict[str, Any]) -> bytes:
    return canonical_bytes({k: v for k, v in data.items() if k != "signature"})


def sign_document(document: Document, signer: SigningKey, signed_at: datetime) -> bytes:
    """The file's bytes: `document` with its `signature` member set by `signer`."""
    if signer.info.training:
        raise UserError("不能用内置培训密钥签署卫生健康委的文件：请指定卫生健康委的签名密钥")
    if problem := signer.info.problem_at(signed_at):
        raise UserError(problem)
    data = document.model_dump(mode="json", exclude={"signature"})
    block = sign_payload(_payload(data), signer, signed_at)
    return canonical_bytes(document.model_copy(update={"signature": block}))


def read_signed(
    raw: bytes,
    model: type[Document],
    trust_roots: Sequence[x509.Certificate],
    *,
    what: str,
    revoked: Sequence[Revoked] = (),
) -> Document:
    """The document in `raw`, or a UserError saying why it cannot be trusted.

    `revoked` (from the commission's CRLs) refuses a document signed after its signer's
    certificate was revoked; one signed before stays valid, as for assessment files."""
    data = parse_json_object(raw, what)
    try:
        document = model.model_validate(data)
    except ValidationError as exc:
        details = "；".join(str(p) for p in problems_from_validation(what, exc)[:5])
        raise UserError(f"{what}格式不正确：{details}") from None
    block: SignatureBlock | None = getattr(document, "signature", None)
    if block is None:
        raise UserError(f"{what}未签名，不能使用")
    try:
        canonical = canonical_bytes(data)
    except NotCanonical:
        raise UserError(f"{what}已被改动：内容不是本程序写出的形式") from None
    if canonical != raw:
        raise UserError(f"{what}已被改动：内容不是本程序写出的形式")
    check = check_envelope(_payload(data), block, data["signature"], trust_roots)
    if check.reasons:
        raise UserError(f"{what}签名无效：{'；'.join(r.message for r in check.reasons)}")
    if check.training_key:
        raise UserError(f"{what}由内置培训密钥签名，不是卫生健康委签发的文件")
    _refuse_if_revoked(block, revoked, what)
    return document


def _refuse_if_revoked(block: SignatureBlock, revoked: Sequence[Revoked], what: str) -> None:
    signer = certificate(block.chain[0])
    issuer, serial = signer.issuer.rfc4514_string(), str(signer.serial_number)
    for entry in revoked:
        if (entry.issuer, entry.serial) == (issuer, serial) and block.signed_at > entry.revoked_at:
            raise UserError(
                f"{what}的签名证书（{block.signer.name}，序列号 {serial}）已于 "
                f"{beijing_text(entry.revoked_at)} 吊销，签名时间 "
                f"{beijing_text(block.signed_at)} 晚于吊销时间，不能接受"
            )
