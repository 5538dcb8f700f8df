"""Co-signing: one detached CMS SignedData with one SignerInfo per team member, all over the
same payload.

Each member's SignerInfo is made by pyHanko's signer exactly as a single signature is
(`sign_payload`); asn1crypto merges the SignerInfos and certificates into one SignedData. Its
layout is fixed, so the parts of a CMS that no signature covers cannot vary: the certificate
set is every signer's chain without repeats and the SignerInfos are each normalised as
`assemble_cms` writes them, both SETs in DER order. Checking rebuilds that layout from the
parsed pieces and requires the same bytes (so a reordered SignerInfo cannot pass), then checks
every SignerInfo on its own with the single-signer check (`check_signer`); the block lists the
signers in signing-time order (ties by certificate fingerprint), so it must list them all.

The block (`CoSignatureBlock`) extends the single-signer block: its `signer`, `signed_at`,
`training` and `chain` are the first signer's, so a reader of the one-signer format still finds
a signer, and `cosigners` lists every signer in CMS order. Like the single block, none of it is
covered by the signatures; checking recomputes all of it from the CMS.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from assessor.core.canonical import canonical_json
from assessor.core.signing.json_envelope import (
    ALTERED_BLOCK,
    MALFORMED,
    EnvelopeCheck,
    SignatureBlock,
    Signer,
    check_signer,
    sign_payload,
)
from assessor.core.signing.training import fingerprint, is_training_certificate
from assessor.core.signing.verification import (
    BROKEN_SIGNATURE,
    Reason,
    assemble_cms,
    from_asn1,
    identity,
    ordered_chain,
    to_asn1,
)

if TYPE_CHECKING:
    from asn1crypto import cms

    from assessor.core.signing.keys import SigningKey

COSIGNED_FORMAT = "cms-detached-cosigned/rfc8785"


class CoSigner(BaseModel):
    model_config = ConfigDict(extra="forbid")

    signer: Signer
    signed_at: AwareDatetime
    training: bool
    fingerprint: str = Field(pattern=r"^[0-9a-f]{64}$", description="签名证书 SHA-256 指纹")


class CoSignatureBlock(SignatureBlock):
    """Several signers over the same bytes: one CMS SignedData, one SignerInfo each."""

    format: Literal["cms-detached-cosigned/rfc8785"] = COSIGNED_FORMAT  # type: ignore[assignment]
    cosigners: list[CoSigner] = Field(
        min_length=1, description="全部签名人，按签名时间（同一时间按证书指纹）排列"
    )
    certificates: list[str] = Field(description="全部签名人的 PEM 证书链，按签名人顺序、去重")


@dataclass(frozen=True)
class _Piece:
    """One signer of a co-signed CMS: its certificate chain and its (normalised) SignerInfo."""

    chain: tuple[x509.Certificate, ...]
    signer_info: cms.SignerInfo
    signed_at: datetime

    @property
    def order(self) -> tuple[datetime, str]:
        return self.signed_at, fingerprint(self.chain[0])


def _pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(Encoding.PEM).decode("ascii")


def _single(chain: Sequence[x509.Certificate], signer_info: cms.SignerInfo) -> cms.SignedData:
    """The one-signer SignedData of `signer_info` in the layout `assemble_cms` writes."""
    from asn1crypto import cms

    return cms.ContentInfo.load(assemble_cms(chain, signer_info))["content"]


def _assemble(pieces: Sequence[_Piece]) -> bytes:
    from asn1crypto import algos, cms

    pieces = sorted(pieces, key=lambda p: p.order)
    certificates: list[x509.Certificate] = []
    for piece in pieces:
        certificates.extend(c for c in piece.chain if c not in certificates)
    signed_data = cms.SignedData(
        {
            "version": "v1",
            "digest_algorithms": [algos.DigestAlgorithm({"algorithm": "sha256"})],
            "encap_content_info": {"content_type": "data"},
            "certificates": [to_asn1(c) for c in certificates],
            "signer_infos": [_single(p.chain, p.signer_info)["signer_infos"][0] for p in pieces],
        }
    )
    return cms.ContentInfo({"content_type": "signed_data", "content": signed_data}).dump()


def _signer(cert: x509.Certificate) -> Signer:
    name, assessor_id = identity(cert)
    return Signer(name=name, assessor_id=assessor_id)


def _block(pieces: Sequence[_Piece], der: bytes) -> CoSignatureBlock:
    pieces = sorted(pieces, key=lambda p: p.order)
    first = pieces[0]
    certificates: list[x509.Certificate] = []
    for piece in pieces:
        certificates.extend(c for c in piece.chain if c not in certificates)
    return CoSignatureBlock(
        signed_at=first.signed_at,
        signer=_signer(first.chain[0]),
        training=any(is_training_certificate(p.chain[0]) for p in pieces),
        cms=base64.b64encode(der).decode("ascii"),
        chain=[_pem(c) for c in first.chain],
        cosigners=[
            CoSigner(
                signer=_signer(p.chain[0]),
                signed_at=p.signed_at,
                training=is_training_certificate(p.chain[0]),
                fingerprint=fingerprint(p.chain[0]),
            )
            for p in pieces
        ],
        certificates=[_pem(c) for c in certificates],
    )


def _signing_time(signer_info: cms.SignerInfo) -> datetime:
    from pyhanko.sign.validation.generic_cms import extract_self_reported_ts

    moment = extract_self_reported_ts(signer_info)
    if moment is None:
        raise ValueError("no signing time")
    return moment


def _pieces(block: SignatureBlock) -> list[_Piece]:
    """The signers of a block (single or co-signed), or ValueError when its CMS is not exactly
    the layout this app writes."""
    from asn1crypto import cms

    try:
        der = base64.b64decode(block.cms, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("encoding") from exc
    if base64.b64encode(der).decode("ascii") != block.cms:
        raise ValueError("encoding")
    content_info = cms.ContentInfo.load(der, strict=True)
    if content_info["content_type"].native != "signed_data":
        raise ValueError("layout")
    signed_data = content_info["content"]
    pool = [from_asn1(c.chosen) for c in signed_data["certificates"]]
    pieces = []
    for signer_info in signed_data["signer_infos"]:
        sid = signer_info["sid"].chosen
        cert = next(
            (
                c
                for c in pool
                if c.serial_number == sid["serial_number"].native
                and c.issuer.public_bytes() == sid["issuer"].dump()
            ),
            None,
        )
        if cert is None:
            raise ValueError("signer certificate missing")
        chain = ordered_chain(cert, pool)
        pieces.append(_Piece(chain, signer_info, _signing_time(signer_info)))
    if not pieces:
        raise ValueError("no signer")
    if isinstance(block, CoSignatureBlock):
        rebuilt = _assemble(pieces)
    else:
        rebuilt = assemble_cms(pieces[0].chain, pieces[0].signer_info)
    if rebuilt != der:
        raise ValueError("layout")
    return pieces


def cosign_payload(
    payload: bytes, block: SignatureBlock | None, signer: SigningKey, signed_at: datetime
) -> CoSignatureBlock:
    """`block` (None, a single or a co-signed block over `payload`) with one more signer."""
    from asn1crypto import cms

    single = sign_payload(payload, signer, signed_at)
    der = base64.b64decode(single.cms)
    signer_info = cms.ContentInfo.load(der)["content"]["signer_infos"][0]
    added = _Piece(tuple(signer.chain), signer_info, _signing_time(signer_info))
    pieces = _pieces(block) if block is not None else []
    if any(p.chain[0] == added.chain[0] for p in pieces):
        raise ValueError("already signed")
    pieces = [*pieces, added]
    return _block(pieces, _assemble(pieces))


@dataclass(frozen=True)
class CoSignedCheck:
    """Every signer's check in signing-time order, and what concerns the block as a whole."""

    signers: tuple[EnvelopeCheck, ...]
    reasons: tuple[Reason, ...]


def check_cosigned(
    payload: bytes,
    block: CoSignatureBlock,
    written: object,
    trust_roots: Sequence[x509.Certificate],
) -> CoSignedCheck:
    """Check a co-signed block over `payload`; never raises for bad input."""
    try:
        pieces = _pieces(block)
    except MALFORMED:
        return CoSignedCheck((), (Reason("signature_broken", BROKEN_SIGNATURE),))
    pieces = sorted(pieces, key=lambda p: p.order)
    checks = tuple(
        check_signer(payload, p.chain, _single(p.chain, p.signer_info), p.signer_info, trust_roots)
        for p in pieces
    )
    reasons: list[Reason] = []
    if len({p.chain[0] for p in pieces}) != len(pieces):
        reasons.append(Reason("signature_broken", "同一证书签名了不止一次"))
    expected = _block(pieces, base64.b64decode(block.cms)).model_dump(mode="json")
    if canonical_json(expected) != canonical_json(written):
        reasons.append(Reason("signature_info_altered", ALTERED_BLOCK))
    return CoSignedCheck(checks, tuple(reasons))
