"""Signing a document: which bytes are signed and which are written.

Signed: the RFC 8785 (canonical JSON) bytes of the document without its `signature` member.
Written: `document_bytes`, the RFC 8785 bytes of the whole document, signature included, and
nothing else, so the file is its own canonical form and every byte of it is pinned: bytes
outside the signature block by the CMS signature, the block by the envelope check.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from assessor.core.assessment.model import Status
from assessor.core.canonical import canonical_bytes, canonical_json
from assessor.core.clock import now_utc
from assessor.core.document.model import AssessmentDocument
from assessor.core.problems import UserError
from assessor.core.signing.json_envelope import sign_payload
from assessor.core.signing.keys import SigningKey


def document_bytes(document: AssessmentDocument) -> bytes:
    """The bytes of the .json file: RFC 8785 canonical JSON of the whole document."""
    return canonical_bytes(document)


def signed_payload(data: dict[str, Any]) -> bytes:
    """The signed bytes: canonical JSON of the document data without its `signature` key."""
    return canonical_json({k: v for k, v in data.items() if k != "signature"})


def payload_of_canonical(canonical: bytes, data: dict[str, Any]) -> bytes:
    """`signed_payload(data)`, cut out of `canonical` (= its RFC 8785 bytes)."""
    return cut_signature(canonical, data)[0]


def cut_signature(canonical: bytes, data: dict[str, Any]) -> tuple[bytes, bytes | None]:
    """`signed_payload(data)` and the canonical bytes of `data["signature"]` (None when there
    is none), cut out of `canonical` (= its RFC 8785 bytes) instead of serialising the whole
    document a second time.

    RFC 8785 writes an object as its members `"key":value` in key order joined by commas, so
    removing a member from the object removes exactly its text and one adjacent comma. The
    member's text is the signature block serialised on its own; when it is not found exactly
    once (it always is in a document this app wrote), the payload is serialised the slow way
    instead of guessing.
    """
    if "signature" not in data:
        return canonical, None
    block = canonical_json(data["signature"])
    member = b'"signature":' + block
    if canonical.count(member) != 1:
        return signed_payload(data), block
    start = canonical.index(member)
    end = start + len(member)
    if canonical[start - 1 : start] == b",":  # a later member: drop the comma before it
        return canonical[: start - 1] + canonical[end:], block
    if canonical[end : end + 1] == b",":  # the first member: drop the comma after it
        return canonical[:start] + canonical[end + 1 :], block
    return canonical[:start] + canonical[end:], block  # the only member


def sign_document(
    document: AssessmentDocument, signer: SigningKey, signed_at: datetime | None = None
) -> AssessmentDocument:
    """The document with its `signature` block set; write it with `document_bytes`.

    Only a final assessment can be signed. Signing with the training key marks the document
    itself as training too. `signed_at` is the export's one signing time (now when not given).
    """
    if document.status is not Status.final:
        raise UserError("只能签署已定稿的评估")
    signed_at = signed_at or now_utc()
    problem = signer.info.problem_at(signed_at)
    if problem:
        raise UserError(problem)
    unsigned = document.model_copy(
        update={"signature": None, "training": document.training or signer.info.training}
    )
    block = sign_payload(signed_payload(unsigned.model_dump(mode="json")), signer, signed_at)
    return unsigned.model_copy(update={"signature": block})
