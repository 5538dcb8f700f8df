"""Co-signing a document: every team member with a key signs the same payload, in turn on the
leader's laptop or later by file, and verification knows how many signatures to expect.

A document that expects one signature keeps the single-signer block of earlier releases; one
that expects more carries a co-signed block from its first signature on.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from cryptography import x509

from assessor.core.assessment.model import Status
from assessor.core.clock import now_utc
from assessor.core.document.model import AssessmentDocument
from assessor.core.document.signed import signed_payload
from assessor.core.problems import UserError
from assessor.core.signing.cosign import CoSignatureBlock, check_cosigned, cosign_payload
from assessor.core.signing.json_envelope import EnvelopeCheck, SignatureBlock
from assessor.core.signing.keys import SigningKey
from assessor.core.signing.verification import Reason, SignedBy

INCOMPLETE_CODE = "signatures_incomplete"


def incomplete_text(missing: int) -> str:
    return f"尚缺 {missing} 名评估组成员签名"


def signer_ids(block: SignatureBlock | None) -> list[str]:
    """The assessor ids of a block's signers, in signature order."""
    if block is None:
        return []
    if isinstance(block, CoSignatureBlock):
        return [c.signer.assessor_id for c in block.cosigners]
    return [block.signer.assessor_id]


def missing_signatures(document: AssessmentDocument) -> int:
    return max(0, document.signatures_expected - len(signer_ids(document.signature)))


def cosign_document(
    document: AssessmentDocument, signer: SigningKey, signed_at: datetime | None = None
) -> AssessmentDocument:
    """The document with one more team member's signature over the same payload."""
    if document.status is not Status.final:
        raise UserError("只能签署已定稿的评估")
    signed_at = signed_at or now_utc()
    if problem := signer.info.problem_at(signed_at):
        raise UserError(problem)
    if signer.info.training != document.training and document.signature is not None:
        raise UserError("培训密钥与正式密钥不能共同签署同一份文件")
    team = document.team
    if team is not None and not signer.info.training:
        keyed = {m.assessor_id for m in team.signers}
        if signer.info.assessor_id not in keyed:
            raise UserError(
                f"{signer.info.name}（评估员编号 {signer.info.assessor_id}）不是本评估组中"
                "持有密钥的成员，不能共同签署"
            )
    if signer.info.assessor_id in signer_ids(document.signature):
        raise UserError(f"{signer.info.name}已经签署过这份文件")
    if document.signature is not None and missing_signatures(document) == 0:
        raise UserError("这份文件的评估组成员签名已齐全，不需要再签")
    unsigned = document.model_copy(
        update={"signature": None, "training": document.training or signer.info.training}
    )
    payload = signed_payload(unsigned.model_dump(mode="json"))
    try:
        block = cosign_payload(payload, document.signature, signer, signed_at)
    except ValueError:
        raise UserError("文件已有的签名已损坏，不能在其上共同签署") from None
    return unsigned.model_copy(update={"signature": block})


def check_signatures(
    payload: bytes,
    document: AssessmentDocument,
    written: Any,
    trust_roots: Sequence[x509.Certificate],
) -> tuple[EnvelopeCheck, tuple[SignedBy, ...]]:
    """Check a co-signed block signer by signer: one envelope check that holds when every
    signer's holds (it names the first signer), and every signer as found."""
    block = document.signature
    assert isinstance(block, CoSignatureBlock)
    found = check_cosigned(payload, block, written, trust_roots)
    reasons = list(found.reasons)
    for check in found.signers:
        reasons.extend(Reason(r.code, f"{check.signer}的签名：{r.message}") for r in check.reasons)
    signers = tuple(
        SignedBy(c.signer, c.assessor_id, c.fingerprint, c.signed_at, not c.reasons)
        for c in found.signers
    )
    if not found.signers:
        return EnvelopeCheck(tuple(reasons)), signers
    first = found.signers[0]
    envelope = EnvelopeCheck(
        tuple(reasons),
        signer=first.signer,
        assessor_id=first.assessor_id,
        fingerprint=first.fingerprint,
        signed_at=first.signed_at,
        training_key=any(c.training_key for c in found.signers),
        trusted=all(c.trusted for c in found.signers),
        chain=first.chain,
    )
    return envelope, signers


def team_reasons(document: AssessmentDocument, signers: Sequence[SignedBy]) -> list[Reason]:
    """Signers against the team: every signer a keyed member, and none missing."""
    reasons: list[Reason] = []
    team = document.team
    if team is not None and not document.training:
        keyed = {m.assessor_id for m in team.signers}
        for s in signers:
            if s.assessor_id not in keyed:
                reasons.append(
                    Reason("signer_not_member", f"签名人{s.name}（{s.assessor_id}）不是评估组成员")
                )
    count = len(signers)
    if count > document.signatures_expected:
        reasons.append(
            Reason(
                "signature_broken",
                f"签名数（{count}）多于文件应有的评估员签名数（{document.signatures_expected}）",
            )
        )
    elif count < document.signatures_expected:
        missing = document.signatures_expected - count
        reasons.append(Reason(INCOMPLETE_CODE, incomplete_text(missing)))
    return reasons
