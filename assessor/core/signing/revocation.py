"""Revoking assessor certificates: the CA's own list, the standard CRL it signs, reading CRLs.

The CA folder keeps `revoked.json` (every certificate the commission revoked, with when and
why); `crl_pem` turns it into an X.509 CRL (RFC 5280) signed by the CA key, which is what an
importer is given. `load_crls` accepts only CRLs signed by one of the trust roots.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from assessor.core.clock import now_utc
from assessor.core.problems import UserError, os_error_text
from assessor.core.safe_input import InputRejected, parse_json_object, read_regular_file
from assessor.core.signing.keys import CertificateAuthority
from assessor.core.storage.atomic import atomic_write_bytes

REVOKED_FILE = "revoked.json"
CRL_DAYS = 30
MAX_CRL_BYTES = 10 * 1024 * 1024


class RevocationReason(StrEnum):
    """The CRL reason codes a commission uses (RFC 5280 §5.3.1)."""

    key_compromise = "key_compromise"
    affiliation_changed = "affiliation_changed"
    superseded = "superseded"
    cessation_of_operation = "cessation_of_operation"
    unspecified = "unspecified"


REASON_LABELS = {
    RevocationReason.key_compromise: "密钥泄露（如电脑或密钥文件丢失）",
    RevocationReason.affiliation_changed: "评估员调离",
    RevocationReason.superseded: "已换发新证书",
    RevocationReason.cessation_of_operation: "不再从事评估工作",
    RevocationReason.unspecified: "未说明",
}


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("吊销时间必须带时区")
    return moment


class RevokedCertificate(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    serial: str = Field(pattern=r"^[0-9]{1,49}$", description="证书序列号（十进制）")
    revoked_at: Annotated[datetime, AfterValidator(_aware)]
    reason: RevocationReason
    subject: str = Field(default="", description="证书主体（仅供查阅）")


class RevocationList(BaseModel):
    """`revoked.json` in the CA folder."""

    model_config = ConfigDict(extra="forbid")

    format: str = "assessor.revocations/1"
    revoked: list[RevokedCertificate] = Field(default_factory=list)


@dataclass(frozen=True)
class Revoked:
    """One revoked certificate as an importer uses it."""

    issuer: str
    """RFC 4514 string of the issuing CA's name."""
    serial: str
    revoked_at: datetime
    reason: str


def read_revocations(ca_dir: Path) -> RevocationList:
    path = ca_dir / REVOKED_FILE
    if not path.exists():
        return RevocationList()
    try:
        data = parse_json_object(read_regular_file(path, MAX_CRL_BYTES), str(path))
        return RevocationList.model_validate(data)
    except (InputRejected, ValidationError) as exc:
        raise UserError(f"吊销记录文件已损坏：{path}（{exc}）") from None


def revoke(
    ca_dir: Path,
    serial: int,
    reason: RevocationReason,
    *,
    at: datetime | None = None,
    subject: str = "",
) -> RevokedCertificate:
    """Add a certificate to the CA's revocation list; revoking it twice is an error."""
    if not (ca_dir / "ca-cert.pem").is_file():
        raise UserError(
            f"找不到 CA 证书：{ca_dir / 'ca-cert.pem'}（请先运行 assessor keys init-ca）"
        )
    if serial <= 0:
        raise UserError("证书序列号应为正整数")
    current = read_revocations(ca_dir)
    if any(r.serial == str(serial) for r in current.revoked):
        raise UserError(f"序列号为 {serial} 的证书已经吊销过")
    entry = RevokedCertificate(
        serial=str(serial), revoked_at=at or now_utc(), reason=reason, subject=subject
    )
    updated = RevocationList(revoked=[*current.revoked, entry])
    try:
        atomic_write_bytes(
            ca_dir / REVOKED_FILE,
            updated.model_dump_json(indent=2).encode("utf-8"),
        )
    except OSError as exc:
        raise UserError(f"无法写入吊销记录：{os_error_text(exc)}") from None
    return entry


def crl_pem(
    ca: CertificateAuthority, revocations: RevocationList, *, days: int = CRL_DAYS
) -> bytes:
    """The CA's CRL, signed now, valid for `days`."""
    now = now_utc()
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca.certificate.subject)
        .last_update(now)
        .next_update(now + timedelta(days=days))
    )
    for entry in revocations.revoked:
        revoked = (
            x509.RevokedCertificateBuilder()
            .serial_number(int(entry.serial))
            .revocation_date(entry.revoked_at)
            .add_extension(x509.CRLReason(x509.ReasonFlags[entry.reason.value]), critical=False)
            .build()
        )
        builder = builder.add_revoked_certificate(revoked)
    return builder.sign(ca.key, hashes.SHA256()).public_bytes(Encoding.PEM)


def read_certificate(path: Path) -> x509.Certificate:
    """A certificate file (PEM or DER), e.g. the assessor certificate to revoke."""
    try:
        data = read_regular_file(path, MAX_CRL_BYTES)
    except InputRejected as exc:
        raise UserError(f"无法读取证书 {path}：{exc.problems[0].message}") from None
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificate(data)
        return x509.load_der_x509_certificate(data)
    except ValueError:
        raise UserError(f"{path} 不是证书文件（应为 PEM 或 DER 格式）") from None


def _parse_crl(path: Path) -> x509.CertificateRevocationList:
    try:
        data = read_regular_file(path, MAX_CRL_BYTES)
    except InputRejected as exc:
        raise UserError(f"无法读取吊销列表 {path}：{exc.problems[0].message}") from None
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_crl(data)
        return x509.load_der_x509_crl(data)
    except ValueError:
        raise UserError(f"{path} 不是证书吊销列表（CRL，PEM 或 DER 格式）") from None


def load_crls(paths: Iterable[Path], trust_roots: Sequence[x509.Certificate]) -> list[Revoked]:
    """The revocations in CRL files, each CRL signed by one of the trust roots."""
    found: list[Revoked] = []
    for path in paths:
        crl = _parse_crl(path)
        issuer = next((r for r in trust_roots if r.subject == crl.issuer), None)
        if issuer is None or not crl.is_signature_valid(issuer.public_key()):  # type: ignore[arg-type]
            raise UserError(
                f"吊销列表 {path} 不是由受信任的 CA 签发的（签发者 {crl.issuer.rfc4514_string()}）"
            )
        for entry in crl:
            try:
                reason = entry.extensions.get_extension_for_class(x509.CRLReason).value.reason.value
            except x509.ExtensionNotFound:
                reason = "unspecified"
            found.append(
                Revoked(
                    issuer=crl.issuer.rfc4514_string(),
                    serial=str(entry.serial_number),
                    revoked_at=entry.revocation_date_utc,
                    reason=reason,
                )
            )
    return found
