"""Validating a detached CMS signature with pyHanko, the signer's certificate judged once.

A register import checks thousands of files signed by a few dozen assessors. pyHanko's full
validation (`async_validate_detached_cms`) spends most of its time on what is the same for every
file of one signer: building and validating the certificate path, the signing-certificate
attribute, the key usage and algorithm policy. Their outcome depends only on the certificates,
the trust roots, the signer info apart from its per-file attributes, and where the signing time
falls against each certificate's validity period (revocation is not fetched: soft-fail, and the
register checks its CRLs on its own, for every file). So the first file of each such key gets
pyHanko's full validation and its trust outcome is kept with the signer's certificate; a later
file of the key gets the per-file check (`signer_info_check`: content type, message digest,
signing-certificate attribute, signing time inside the certificate's validity, the signature
value, with `cryptography`) and the kept outcome. A file that check does not cover gets
pyHanko's full validation. Only a file whose signature holds fills the memo, so a tampered file
decides nothing for the files after it.

Everything here is per SignerInfo: the memo key holds the SignerInfo's signer identifier and its
signed attributes, the memo entry the certificate pyHanko found for it, so a SignedData with
several signers is checked by calling `validate_detached` once for each of its SignerInfos.
"""

from __future__ import annotations

import asyncio
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from cryptography import x509

from assessor.core.signing.signer_info_check import KnownSigner, check_signer_info
from assessor.core.signing.verification import der, validation_context

if TYPE_CHECKING:
    from asn1crypto import cms
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign.ades.report import AdESIndeterminate
    from pyhanko_certvalidator.path import ValidationPath

# Signed attributes that differ from file to file; everything else in a signer info is part of
# the key. pyHanko checks these two per file (message digest) or reads them (signing time).
_PER_FILE_ATTRIBUTES = frozenset({"message_digest", "signing_time"})
_MEMO_SIZE = 256


@dataclass(frozen=True)
class CmsStatus:
    """What the envelope check needs of pyHanko's status."""

    intact: bool
    valid: bool
    trust_problem_indic: AdESIndeterminate | None
    validation_path: ValidationPath | None

    @property
    def trusted(self) -> bool:
        """As pyHanko's `SignatureStatus.trusted`."""
        return (
            self.valid
            and self.intact
            and self.trust_problem_indic is None
            and self.validation_path is not None
        )


@dataclass(frozen=True)
class _Trust:
    trust_problem_indic: AdESIndeterminate | None
    validation_path: ValidationPath | None
    # The certificate pyHanko identified as the signer's: later files are checked against
    # exactly this one, not against a position in the certificate set.
    signer: KnownSigner


_memo: OrderedDict[tuple[Any, ...], _Trust] = OrderedDict()
_memo_lock = threading.Lock()


def _side(moment: datetime, edge: datetime) -> int:
    return (moment > edge) - (moment < edge)


@lru_cache(maxsize=_MEMO_SIZE)
def _validity(certificate: bytes) -> tuple[datetime, datetime]:
    """A DER certificate's validity period, read once per certificate."""
    from asn1crypto import x509 as asn1_x509

    cert = asn1_x509.Certificate.load(certificate)
    return cert.not_valid_before, cert.not_valid_after


def _key(
    signed_data: cms.SignedData,
    signer_info: cms.SignerInfo,
    trust_roots: Sequence[x509.Certificate],
    signed_at: datetime,
) -> tuple[Any, ...]:
    certificates = [c.chosen.dump() for c in signed_data["certificates"]]
    roots = [der(r) for r in trust_roots]
    attributes = tuple(
        a.dump()
        for a in signer_info["signed_attrs"]
        if a["type"].native not in _PER_FILE_ATTRIBUTES
    )
    # Where the signing time falls against every validity period (before, on, inside or after
    # an edge): the one way the moment enters path validation.
    periods = [_validity(c) for c in certificates]
    periods += [(r.not_valid_before_utc, r.not_valid_after_utc) for r in trust_roots]
    sides = tuple((_side(signed_at, start), _side(signed_at, end)) for start, end in periods)
    return (
        tuple(certificates),
        tuple(roots),
        signer_info["sid"].dump(),
        signer_info["digest_algorithm"].dump(),
        signer_info["signature_algorithm"].dump(),
        signed_data["encap_content_info"].dump(),
        attributes,
        sides,
    )


def _full(
    payload: bytes,
    signed_data: cms.SignedData,
    trust_roots: Sequence[x509.Certificate],
    signed_at: datetime,
) -> tuple[CmsStatus, asn1_x509.Certificate]:
    from pyhanko.sign.validation.generic_cms import async_validate_detached_cms

    status = asyncio.run(
        async_validate_detached_cms(
            payload,
            signed_data,
            signer_validation_context=validation_context(trust_roots, signed_at),
        )
    )
    found = CmsStatus(
        status.intact, status.valid, status.trust_problem_indic, status.validation_path
    )
    return found, status.signing_cert


def validate_detached(
    payload: bytes,
    signed_data: cms.SignedData,
    signer_info: cms.SignerInfo,
    trust_roots: Sequence[x509.Certificate],
    signed_at: datetime,
) -> CmsStatus:
    """pyHanko's verdict on `signed_data` over `payload`, its chain judged at `signed_at`.

    The caller has checked that the CMS is exactly the layout this app writes (one signer
    info, the signer's certificate first, SHA-256, no unsigned attributes); pyHanko's
    exceptions for malformed data pass through to it.
    """
    key = _key(signed_data, signer_info, trust_roots, signed_at)
    with _memo_lock:
        trust = _memo.get(key)
        if trust is not None:
            _memo.move_to_end(key)
    if trust is None:
        status, signing_cert = _full(payload, signed_data, trust_roots, signed_at)
        if status.intact and status.valid:
            with _memo_lock:
                _memo[key] = _Trust(
                    status.trust_problem_indic,
                    status.validation_path,
                    KnownSigner.of(signing_cert),
                )
                while len(_memo) > _MEMO_SIZE:
                    _memo.popitem(last=False)
        return status
    content_type = signed_data["encap_content_info"]["content_type"].native
    checked = check_signer_info(payload, signer_info, content_type, trust.signer, signed_at)
    if checked is None:  # not what the per-file check covers: pyHanko's full validation
        return _full(payload, signed_data, trust_roots, signed_at)[0]
    intact, valid = checked
    if not valid:  # as pyHanko: no trust judged for a signature that does not verify
        return CmsStatus(intact, valid, None, None)
    return CmsStatus(intact, valid, trust.trust_problem_indic, trust.validation_path)
