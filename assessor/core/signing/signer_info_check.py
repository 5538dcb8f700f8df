"""One SignerInfo's integrity checked with `cryptography`, for a signer pyHanko validated fully.

After pyHanko's full validation of a signer's first file (`cms_validation`), what remains to
check for each later file of that signer is what pyHanko's `validate_sig_integrity` checks: the
content-type attribute, the message-digest attribute against SHA-256 of the payload, the
signing-certificate-v2 attribute against the signer's certificate, and the signature over the
DER of the signed attributes (re-tagged as a SET) with the certificate's public key. Done here
with `cryptography` on a SignerInfo parsed once, it costs a fraction of pyHanko's generic path.

It answers only for what this app signs with: SHA-256 with ECDSA on P-256, or with RSA PKCS#1
v1.5; a signing time inside the certificate's validity; every attribute present once. For
anything else it answers None and the caller runs pyHanko's full validation instead. No crypto
is written here: digests and signature checks are `hashlib` and `cryptography`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from assessor.core.signing.verification import from_asn1

if TYPE_CHECKING:
    from asn1crypto import cms
    from asn1crypto import x509 as asn1_x509

_SIGNING_CERTIFICATE_V2 = "1.2.840.113549.1.9.16.2.47"
# The attribute's name once asn1crypto (or pyHanko's registration) knows the OID.
_SIGNING_CERTIFICATE_NAMES = frozenset({_SIGNING_CERTIFICATE_V2, "signing_certificate_v2"})
_SET_TAG = b"\x31"


@dataclass(frozen=True)
class KnownSigner:
    """What every later file of a signer is checked against, computed once per certificate."""

    certificate: asn1_x509.Certificate
    public_key: Any
    certificate_sha256: bytes
    issuer_der: bytes
    serial: int
    not_before: datetime
    not_after: datetime

    @classmethod
    def of(cls, certificate: asn1_x509.Certificate) -> KnownSigner:
        cert = from_asn1(certificate)
        return cls(
            certificate,
            cert.public_key(),
            hashlib.sha256(certificate.dump()).digest(),
            certificate["tbs_certificate"]["issuer"].dump(),
            certificate.serial_number,
            cert.not_valid_before_utc,
            cert.not_valid_after_utc,
        )


def _single_values(signer_info: cms.SignerInfo) -> dict[str, Any] | None:
    """Each signed attribute's one value by type; None when one is repeated or multi-valued."""
    values: dict[str, Any] = {}
    for attribute in signer_info["signed_attrs"]:
        kind = attribute["type"].native
        kind = _SIGNING_CERTIFICATE_V2 if kind in _SIGNING_CERTIFICATE_NAMES else kind
        if kind in values or len(attribute["values"]) != 1:
            return None
        values[kind] = attribute["values"][0]
    return values


def _names_signer(ess_value: Any, signer: KnownSigner) -> bool:
    return _names(ess_value.dump(), signer.certificate_sha256, signer.issuer_der, signer.serial)


@lru_cache(maxsize=256)
def _names(ess_value: bytes, certificate_sha256: bytes, issuer_der: bytes, serial: int) -> bool:
    """The signing-certificate-v2 value names exactly this certificate (SHA-256 hash and, when
    given, issuer and serial); every file of a signer carries the same value, so it is read
    once per value and certificate."""
    from asn1crypto import tsp

    attribute = tsp.SigningCertificateV2.load(ess_value)
    first = attribute["certs"][0]
    if first["hash_algorithm"]["algorithm"].native != "sha256":
        return False
    if first["cert_hash"].native != certificate_sha256:
        return False
    issuer_serial = first["issuer_serial"]
    if issuer_serial.native is None:
        return True
    # The directory name is [4] EXPLICIT in a GeneralName: its Name is the untagged value.
    names = [n.chosen.untag().dump() for n in issuer_serial["issuer"] if n.name == "directory_name"]
    return issuer_serial["serial_number"].native == serial and issuer_der in names


def _protects(protection: Any, signer_info: cms.SignerInfo) -> bool:
    """The CMS algorithm protection attribute (RFC 6211) names the algorithms used."""
    return (
        protection["digest_algorithm"].native == signer_info["digest_algorithm"].native
        and protection["signature_algorithm"].native == signer_info["signature_algorithm"].native
    )


def _signature_holds(signer_info: cms.SignerInfo, key: Any) -> bool | None:
    """The signature over the signed attributes; None for an algorithm not handled here."""
    algorithm = signer_info["signature_algorithm"]["algorithm"].native
    # [0] IMPLICIT in the SignerInfo, signed as a SET OF (RFC 5652 §5.4): same bytes, other tag.
    signed = _SET_TAG + signer_info["signed_attrs"].dump()[1:]
    signature = signer_info["signature"].native
    try:
        if algorithm == "sha256_ecdsa" and isinstance(key, ec.EllipticCurvePublicKey):
            if not isinstance(key.curve, ec.SECP256R1):
                return None
            key.verify(signature, signed, ec.ECDSA(hashes.SHA256()))
        elif algorithm in ("sha256_rsa", "rsassa_pkcs1v15") and isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, signed, padding.PKCS1v15(), hashes.SHA256())
        else:
            return None
    except InvalidSignature:
        return False
    return True


def check_signer_info(
    payload: bytes,
    signer_info: cms.SignerInfo,
    expected_content_type: str,
    signer: KnownSigner,
    signed_at: datetime,
) -> tuple[bool, bool] | None:
    """(intact, valid) as pyHanko's `validate_sig_integrity` answers for `signer_info` over
    `payload`, or None when this check does not cover the signature (then: pyHanko's path)."""
    if signer_info["digest_algorithm"]["algorithm"].native != "sha256":
        return None
    if not signer.not_before <= signed_at <= signer.not_after:
        return None
    values = _single_values(signer_info)
    if values is None or not values.keys() >= {"content_type", "message_digest", "signing_time"}:
        return None
    if values["content_type"].native != expected_content_type:
        return None
    protection = values.get("cms_algorithm_protection")
    if protection is not None and not _protects(protection, signer_info):
        return None
    ess = values.get(_SIGNING_CERTIFICATE_V2)
    if ess is None or not _names_signer(ess, signer):
        return None
    valid = _signature_holds(signer_info, signer.public_key)
    if valid is None:
        return None
    intact = values["message_digest"].native == hashlib.sha256(payload).digest()
    return intact, valid
