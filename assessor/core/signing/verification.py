"""What verifying a signed file found, the trust roots it is checked against, and the parts of
certificate validation the JSON and PDF checks share.

Validation is offline: explicit trust roots only (never the operating system's list), no fetching
of revocation data, and the certificate chain is judged at the signing time the signer reported
(there is no timestamp authority offline), so an archived report stays valid after the
assessor's certificate expires, but a signature made with an already expired certificate fails.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from assessor.core.clock import beijing_text
from assessor.core.problems import UserError
from assessor.core.safe_input import read_regular_file

if TYPE_CHECKING:
    from asn1crypto import cms
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign.validation.status import SignatureStatus
    from pyhanko_certvalidator import ValidationContext

    from assessor.core.signing.cms_validation import CmsStatus

# pyHanko logs every failed validation as a warning with a traceback. Without any logging set up,
# Python would print those on stderr next to our own Chinese reasons; with logging set up by the
# application they still propagate to its handlers.
for _logger in ("pyhanko", "pyhanko_certvalidator", "fontTools"):
    logging.getLogger(_logger).addHandler(logging.NullHandler())

DIGEST = "sha256"
# A CA bundle of a few certificates is a few KB.
MAX_CERTIFICATE_FILE_BYTES = 1024 * 1024

TRAINING_REFUSED = "由内置培训密钥签名（培训/样例），不能作为正式评估结果"
TRAINING_DOCUMENT = "评估标记为培训/样例，不能作为正式评估结果"
BROKEN_SIGNATURE = "签名数据已损坏或被改动"
UNKNOWN_SIGNER = "签名者不受信任：证书不是由受信任的 CA 签发（未知签名者）"


@dataclass(frozen=True)
class Reason:
    """One reason a file fails: a stable machine code (for registers and scripts) and the
    Chinese message people read."""

    code: str
    message: str


@dataclass(frozen=True)
class SignedBy:
    """One signer of a co-signed file, as its signature states it."""

    name: str
    assessor_id: str
    fingerprint: str
    signed_at: datetime | None
    ok: bool


@dataclass(frozen=True)
class Verification:
    """The outcome of verifying one file; `reasons` is empty exactly when it passed."""

    kind: Literal["json", "pdf"]
    reasons: tuple[Reason, ...] = ()
    signer: str = ""
    assessor_id: str = ""
    signed_at: datetime | None = None
    fingerprint: str = ""
    assessment_id: str = ""
    version: int | None = None
    training: bool = False
    trusted: bool = False
    """The signer's certificate chains to one of the trust roots (training policy aside)."""
    signers: tuple[SignedBy, ...] = ()
    """Every signer, in signature order (the first is `signer`); one entry for a single signer."""
    signatures_expected: int = 1

    @property
    def ok(self) -> bool:
        return not self.reasons

    @property
    def problems(self) -> tuple[str, ...]:
        return tuple(r.message for r in self.reasons)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.reasons)


def load_trust_roots(paths: Iterable[Path]) -> list[x509.Certificate]:
    """CA certificates (PEM, possibly several per file, or DER) to trust as roots.

    An end-entity certificate is refused: trusting one directly is undefined in the validator.
    """
    roots: list[x509.Certificate] = []
    for path in paths:
        data = read_regular_file(path, MAX_CERTIFICATE_FILE_BYTES)
        try:
            certs = (
                x509.load_pem_x509_certificates(data)
                if b"-----BEGIN" in data
                else [x509.load_der_x509_certificate(data)]
            )
        except ValueError:
            raise UserError(f"{path} 不是证书文件（应为 PEM 或 DER 格式的 CA 证书）") from None
        for cert in certs:
            if not _is_ca(cert):
                raise UserError(f"{path} 不是 CA 证书：信任根必须是 CA 证书，不能是评估员证书")
            roots.append(cert)
    return roots


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return False


@lru_cache(maxsize=256)
def der(cert: x509.Certificate) -> bytes:
    """A certificate's DER, made once: every file of an import re-assembles the same chains."""
    return cert.public_bytes(Encoding.DER)


def to_asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    from asn1crypto import x509 as asn1_x509

    return asn1_x509.Certificate.load(der(cert))


def from_asn1(cert: asn1_x509.Certificate) -> x509.Certificate:
    return x509.load_der_x509_certificate(cert.dump())


def ordered_chain(
    cert: x509.Certificate, others: Iterable[x509.Certificate]
) -> tuple[x509.Certificate, ...]:
    """`cert` followed by its issuers, as far as `others` reaches."""
    chain = [cert]
    pool = [c for c in others if c != cert]
    while issuer := next((c for c in pool if c.subject == chain[-1].issuer), None):
        chain.append(issuer)
        pool.remove(issuer)
    return tuple(chain)


def validation_context(
    trust_roots: Sequence[x509.Certificate], moment: datetime
) -> ValidationContext:
    from pyhanko_certvalidator import ValidationContext

    return ValidationContext(
        trust_roots=[to_asn1(c) for c in trust_roots],
        allow_fetching=False,
        moment=moment,
        revocation_mode="soft-fail",
    )


def assemble_cms(chain: Sequence[x509.Certificate], signer_info: cms.SignerInfo) -> bytes:
    """The one CMS SignedData layout this app writes (pyHanko's, for both JSON and PDF): the
    certificates in chain order, one signer info identified by issuer and serial number of the
    first, SHA-256, no unsigned attributes. Verification rebuilds it from the parsed pieces and
    requires the same bytes, so the parts of a CMS its signature does not cover cannot vary."""
    return _around(chain, _assembled_signer_info(chain[0], signer_info))


def _assembled_signer_info(
    certificate: x509.Certificate, signer_info: cms.SignerInfo
) -> cms.SignerInfo:
    from asn1crypto import algos, cms

    signer = to_asn1(certificate)
    return cms.SignerInfo(
        {
            "version": "v1",
            "sid": cms.SignerIdentifier(
                {
                    "issuer_and_serial_number": cms.IssuerAndSerialNumber(
                        {"issuer": signer.issuer, "serial_number": signer.serial_number}
                    )
                }
            ),
            "digest_algorithm": algos.DigestAlgorithm({"algorithm": DIGEST}),
            "signed_attrs": signer_info["signed_attrs"],
            "signature_algorithm": algos.SignedDigestAlgorithm(
                {"algorithm": signer_info["signature_algorithm"]["algorithm"].native}
            ),
            "signature": signer_info["signature"].native,
        }
    )


def _around(chain: Sequence[x509.Certificate], info: cms.SignerInfo) -> bytes:
    """The ContentInfo of the SignedData holding the certificates of `chain` and `info`."""
    from asn1crypto import algos, cms

    signed_data = cms.SignedData(
        {
            "version": "v1",
            "digest_algorithms": [algos.DigestAlgorithm({"algorithm": DIGEST})],
            "encap_content_info": {"content_type": "data"},
            "certificates": [to_asn1(c) for c in chain],
            "signer_infos": [info],
        }
    )
    return cms.ContentInfo({"content_type": "signed_data", "content": signed_data}).dump()


# Everything of the assembled layout before its signer info, by chain and signer info length.
_prefixes: dict[tuple[tuple[x509.Certificate, ...], int], bytes | None] = {}
_PREFIXES_KEPT = 256


def in_assembled_layout(
    der_bytes: bytes, chain: Sequence[x509.Certificate], signer_info: cms.SignerInfo
) -> bool:
    """`assemble_cms(chain, signer_info) == der_bytes`, without rebuilding what every file of
    one signer shares. The signer info is the last thing DER writes in the layout, and all
    before it (headers, algorithms, certificates) depends on nothing but the chain and the
    signer info's length: that prefix is built once with the first signer info of that length,
    kept only if the assembled bytes are exactly prefix + signer info, and compared as bytes."""
    info = _assembled_signer_info(chain[0], signer_info)
    info_bytes = info.dump()
    key = (tuple(chain), len(info_bytes))
    # Read once into a local: another thread may clear the memo meanwhile.
    prefix = _prefixes.get(key, b"")
    if prefix == b"":
        if len(_prefixes) >= _PREFIXES_KEPT:
            _prefixes.clear()
        assembled = _around(chain, info)
        split = len(assembled) - len(info_bytes)
        prefix = assembled[:split] if assembled[split:] == info_bytes else None
        _prefixes[key] = prefix
    if prefix is None:
        return assemble_cms(chain, signer_info) == der_bytes
    return (
        len(der_bytes) == len(prefix) + len(info_bytes)
        and der_bytes.startswith(prefix)
        and der_bytes.endswith(info_bytes)
    )


def identity(cert: x509.Certificate) -> tuple[str, str]:
    """The assessor's name and id as the certificate states them."""

    def first(oid: x509.ObjectIdentifier) -> str:
        values = cert.subject.get_attributes_for_oid(oid)
        return str(values[0].value) if values else ""

    return first(NameOID.COMMON_NAME), first(NameOID.SERIAL_NUMBER)


def _validity_reason(chain: Sequence[x509.Certificate], moment: datetime) -> Reason | None:
    for n, cert in enumerate(chain):
        whose = "评估员证书" if n == 0 else "签发评估员证书的 CA 证书"
        if moment > cert.not_valid_after_utc:
            return Reason(
                "cert_expired",
                f"签名时（{beijing_text(moment)}）{whose}已过期"
                f"（有效期至 {beijing_text(cert.not_valid_after_utc)}）",
            )
        if moment < cert.not_valid_before_utc:
            return Reason(
                "cert_not_yet_valid",
                f"签名时（{beijing_text(moment)}）{whose}尚未生效"
                f"（自 {beijing_text(cert.not_valid_before_utc)} 起生效）",
            )
    return None


def trust_reason(
    status: SignatureStatus | CmsStatus, chain: Sequence[x509.Certificate], moment: datetime
) -> Reason | None:
    """Why an intact signature's certificate is not trusted; None when it is."""
    from pyhanko.sign.ades.report import AdESIndeterminate

    if status.trusted:
        return None
    indic = status.trust_problem_indic
    if indic is AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND:
        return Reason("untrusted", UNKNOWN_SIGNER)
    expired = _validity_reason(chain, moment)
    if expired:
        return expired
    if indic in (
        AdESIndeterminate.CRYPTO_CONSTRAINTS_FAILURE,
        AdESIndeterminate.CRYPTO_CONSTRAINTS_FAILURE_NO_POE,
    ):
        return Reason("untrusted", "签名或证书使用的算法不被接受")
    if indic is AdESIndeterminate.CHAIN_CONSTRAINTS_FAILURE:
        return Reason("untrusted", "签名者证书不符合要求（证书用途或 CA 约束不满足）")
    return Reason("untrusted", f"签名者证书验证失败（{indic.name if indic else '未知原因'}）")


def outside_path(
    status: SignatureStatus | CmsStatus, certificates: Iterable[x509.Certificate]
) -> bool:
    """Whether the signature carries certificates its validation did not use.

    The certificate set of a CMS is not covered by its signature and the validator prefers the
    trust root to an embedded copy of it, so a damaged copy would otherwise go unnoticed.
    """
    path = status.validation_path
    if path is None:
        return False
    used = {c.dump() for c in path.iter_certs(include_root=True)}
    return any(to_asn1(c).dump() not in used for c in certificates)
