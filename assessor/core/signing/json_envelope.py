"""A detached CMS signature over canonical bytes: the envelope of the JSON export.

This layer signs and checks bytes; it knows nothing of what they mean. The document layer above
(`assessor.core.document`) decides which bytes are signed (the RFC 8785 form of the document
without its `signature` member) and checks the document itself.

The envelope (`SignatureBlock`) is a detached CMS SignedData (pyHanko) with a signingTime
attribute, plus what a reader needs without parsing the CMS: signer name and id, signing time,
whether the key is the built-in training key, and the PEM certificate chain. None of those
fields is covered by the CMS signature, so checking recomputes every one of them from the CMS
and requires it to be identical; the CMS itself must be exactly the structure `assemble_cms`
builds, so its unsigned parts (certificate set, algorithm parameters) cannot vary either.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.utils import CryptographyDeprecationWarning
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from assessor.core.canonical import canonical_json
from assessor.core.signing.cms_validation import validate_detached
from assessor.core.signing.keys import SigningKey
from assessor.core.signing.training import fingerprint, is_training_certificate
from assessor.core.signing.verification import (
    BROKEN_SIGNATURE,
    DIGEST,
    Reason,
    assemble_cms,
    identity,
    in_assembled_layout,
    outside_path,
    trust_reason,
)

if TYPE_CHECKING:
    from datetime import datetime

    from asn1crypto import cms

TAMPERED = "文件内容被改动：签名与内容不符"
ALTERED_BLOCK = "签名信息（签名人、签名时间、培训标记或证书链）与签名不符，已被改动"


class Signer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    assessor_id: str


class SignatureBlock(BaseModel):
    """Detached CMS over the RFC 8785 bytes of the document with `signature` removed."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["cms-detached/rfc8785"] = "cms-detached/rfc8785"
    signed_at: AwareDatetime
    signer: Signer
    training: bool = Field(description="由内置培训密钥签名：培训/样例，不作为正式评估结果")
    cms: str = Field(description="Base64 DER CMS SignedData（分离式）")
    chain: list[str] = Field(description="PEM 证书链，签名者证书在前")


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


def sign_payload(payload: bytes, signer: SigningKey, signed_at: datetime) -> SignatureBlock:
    """The envelope of `payload`, signed at `signed_at` (aware; the caller's one signing time)."""
    from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes

    content_info = asyncio.run(
        signer.signer.async_sign_general_data(
            payload,
            DIGEST,
            detached=True,
            signed_attr_settings=PdfCMSSignedAttributes(signing_time=signed_at),
        )
    )
    der = assemble_cms(signer.chain, content_info["content"]["signer_infos"][0])
    return _block(signer.chain, signed_at, base64.b64encode(der).decode("ascii"))


@dataclass(frozen=True)
class EnvelopeCheck:
    """What checking an envelope found; `reasons` is empty exactly when it holds."""

    reasons: tuple[Reason, ...]
    signer: str = ""
    assessor_id: str = ""
    fingerprint: str = ""
    signed_at: datetime | None = None
    training_key: bool = False
    trusted: bool = False
    chain: tuple[x509.Certificate, ...] = ()


def certificate(pem: str) -> x509.Certificate:
    """A PEM certificate of a signature block (parsed once per distinct certificate)."""
    return _certificate(pem)


@lru_cache(maxsize=256)
def _certificate(pem: str) -> x509.Certificate:
    """A PEM certificate parsed once: an import meets the same few dozen chains in every file."""
    with warnings.catch_warnings():
        # A damaged certificate may only draw a deprecation warning; it is rejected later.
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        return x509.load_pem_x509_certificate(pem.encode("ascii"))


def _decode_cms(
    block: SignatureBlock,
) -> tuple[list[x509.Certificate], cms.SignedData, cms.SignerInfo]:
    """The chain and the CMS pieces, or ValueError when either is not exactly as written."""
    from asn1crypto import cms

    try:
        der = base64.b64decode(block.cms, validate=True)
        chain = [_certificate(p) for p in block.chain]
    except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
        raise ValueError("encoding") from exc
    if not chain or base64.b64encode(der).decode("ascii") != block.cms:
        raise ValueError("encoding")
    content_info = cms.ContentInfo.load(der, strict=True)
    signed_data = content_info["content"]
    signer_infos = signed_data["signer_infos"]
    if content_info["content_type"].native != "signed_data" or len(signer_infos) != 1:
        raise ValueError("layout")
    if not in_assembled_layout(der, chain, signer_infos[0]):
        raise ValueError("layout")
    return chain, signed_data, signer_infos[0]


# asn1crypto reports malformed DER as ValueError, TypeError, KeyError or IndexError (it parses
# lazily, so they surface wherever a field is first read); nothing else is expected here.
MALFORMED = (ValueError, TypeError, KeyError, IndexError, OverflowError)


def check_envelope(
    payload: bytes,
    block: SignatureBlock,
    written: object,
    trust_roots: Sequence[x509.Certificate],
    *,
    written_canonical: bytes | None = None,
) -> EnvelopeCheck:
    """Check `block` over `payload`; `written` is the block as the file holds it (parsed JSON),
    `written_canonical` its RFC 8785 bytes when the caller has them already.

    Never raises for bad input: a damaged envelope is a reason. The certificate chain is judged
    at the signing time the signer reported (offline there is no timestamp authority).
    """
    try:
        chain, signed_data, signer_info = _decode_cms(block)
    except MALFORMED:
        return EnvelopeCheck((Reason("signature_broken", BROKEN_SIGNATURE),))
    found = check_signer(payload, chain, signed_data, signer_info, trust_roots)
    if found.signed_at is None:
        return found
    expected = _block(chain, found.signed_at, block.cms).model_dump(mode="json")
    if written_canonical is None:
        written_canonical = canonical_json(written)
    if canonical_json(expected) != written_canonical:
        reason = Reason("signature_info_altered", ALTERED_BLOCK)
        return replace(found, reasons=(*found.reasons, reason))
    return found


def check_signer(
    payload: bytes,
    chain: Sequence[x509.Certificate],
    signed_data: cms.SignedData,
    signer_info: cms.SignerInfo,
    trust_roots: Sequence[x509.Certificate],
) -> EnvelopeCheck:
    """Check one signer of a detached CMS over `payload`: `signed_data` holds exactly this
    `signer_info` and the signer's `chain` (signer first), in the layout `assemble_cms` writes.
    `signed_at` stays None when the signing time cannot be read."""
    from pyhanko.sign.validation.generic_cms import extract_self_reported_ts

    name, assessor_id = identity(chain[0])
    found = {
        "signer": name,
        "assessor_id": assessor_id,
        "fingerprint": fingerprint(chain[0]),
        "training_key": is_training_certificate(chain[0]),
        "chain": tuple(chain),
    }
    try:
        signed_at = extract_self_reported_ts(signer_info)
    except MALFORMED:
        return EnvelopeCheck((Reason("signature_broken", BROKEN_SIGNATURE),), **found)
    if signed_at is None:
        return EnvelopeCheck((Reason("signature_broken", "签名中没有签名时间"),), **found)
    signed_at = signed_at.astimezone(UTC)
    try:
        status = validate_detached(payload, signed_data, signer_info, trust_roots, signed_at)
    except MALFORMED:
        return EnvelopeCheck((Reason("signature_broken", BROKEN_SIGNATURE),), **found)

    reasons: list[Reason] = []
    if not (status.intact and status.valid):
        reasons.append(Reason("tampered", TAMPERED))
    elif untrusted := trust_reason(status, chain, signed_at):
        reasons.append(untrusted)
    elif outside_path(status, chain):
        reasons.append(Reason("signature_broken", BROKEN_SIGNATURE))
    return EnvelopeCheck(tuple(reasons), signed_at=signed_at, trusted=status.trusted, **found)
