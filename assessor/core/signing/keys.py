"""The commission's certificate authority and the assessors' keys.

The commission runs a small CA with this app: `init_ca` creates it (a passphrase-protected
private key and a self-signed CA certificate), `issue_assessor` gives each assessor a key and
certificate in a passphrase-protected PKCS#12 file. The app imports that file once
(`import_key`) and asks for the passphrase each time it signs (`load_signer`); it never stores
the passphrase. Neither passphrases nor key material ever appear in messages or exceptions.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import (
    BestAvailableEncryption,
    Encoding,
    PrivateFormat,
    load_pem_private_key,
    pkcs12,
)
from cryptography.x509.oid import NameOID

from assessor.core.clock import now_utc
from assessor.core.problems import UserError
from assessor.core.safe_input import InputRejected, read_regular_file
from assessor.core.signing import ASSESSOR_DAYS, CA_DAYS
from assessor.core.signing.training import (
    TRAINING_PASSPHRASE,
    fingerprint,
    is_training_certificate,
    training_key_path,
)
from assessor.core.signing.verification import ordered_chain

if TYPE_CHECKING:
    from pyhanko.sign.signers import SimpleSigner

CA_CERT_FILE = "ca-cert.pem"
CA_KEY_FILE = "ca-key.pem"
MIN_PASSPHRASE = 8
# PEM keys, certificates and .p12 files are a few KB; anything far larger is not one.
MAX_KEY_FILE_BYTES = 1024 * 1024
MAX_NAME = 40
# cryptography enforces the X.509 upper bound of 64 for common names, counted in UTF-8 bytes.
MAX_CN_BYTES = 64
CA_KEY_BITS = 3072
# ECDSA P-256: PAdES-compatible, and pyHanko re-loads the key for every signature, which
# costs ~60 ms for RSA (key validation) and well under 1 ms for P-256.
ASSESSOR_CURVE = ec.SECP256R1()
# Certificates start a little in the past so that a laptop whose clock runs slightly behind
# the CA's can sign with a certificate issued minutes ago.
CLOCK_SKEW = timedelta(hours=1)
# serialNumber is a PrintableString (RFC 5280), so assessor ids are limited to its alphabet.
_ASSESSOR_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 '()+,\-./:=?]{0,39}$")


@dataclass(frozen=True)
class KeyInfo:
    """What an assessor certificate says, for lists, confirmations and signature blocks."""

    name: str
    assessor_id: str
    issuer: str
    not_before: datetime
    not_after: datetime
    fingerprint: str
    training: bool

    def problem_at(self, moment: datetime) -> str | None:
        """Why the certificate cannot sign at `moment`, in Chinese; None when it can."""
        if moment > self.not_after:
            return f"评估员证书已于 {_date(self.not_after)} 过期，请向卫生健康委申请新证书"
        if moment < self.not_before:
            return f"评估员证书自 {_date(self.not_before)} 起才生效，请检查本机时间"
        return None


@dataclass(frozen=True)
class CertificateAuthority:
    certificate: x509.Certificate
    key: rsa.RSAPrivateKey = field(repr=False)

    @property
    def name(self) -> str:
        return _attribute(self.certificate.subject, NameOID.ORGANIZATION_NAME)


@dataclass(frozen=True)
class SigningKey:
    """An opened assessor key: the pyHanko signer and the certificate chain, signer first."""

    info: KeyInfo
    chain: tuple[x509.Certificate, ...]
    signer: SimpleSigner = field(repr=False)

    @property
    def certificate(self) -> x509.Certificate:
        return self.chain[0]


@dataclass(frozen=True)
class StoredKey:
    """A key in the app's key folder: the PKCS#12 file and what its certificate says."""

    path: Path
    info: KeyInfo


def _date(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d")


def _attribute(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def _check_passphrase(passphrase: str) -> bytes:
    if len(passphrase) < MIN_PASSPHRASE:
        raise UserError(f"口令至少需要 {MIN_PASSPHRASE} 个字符")
    return passphrase.encode("utf-8")


def _check_name(name: str, label: str) -> str:
    name = name.strip()
    if not name:
        raise UserError(f"{label}不能为空")
    if len(name) > MAX_NAME:
        raise UserError(f"{label}最多 {MAX_NAME} 个字符")
    return name


def _check_assessor_id(assessor_id: str) -> str:
    assessor_id = assessor_id.strip()
    if not _ASSESSOR_ID.match(assessor_id):
        raise UserError(
            "评估员编号应为 1–40 个字符，以字母或数字开头，只含字母、数字、空格和 -./:()+,'=? 符号"
        )
    return assessor_id


def _key_usage(*, signing: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signing,
        content_commitment=signing,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=not signing,
        crl_sign=not signing,
        encipher_only=False,
        decipher_only=False,
    )


def _write_new(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Create a file that must not exist yet; a failed write leaves no partial file behind."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), mode)
    except FileExistsError:
        raise UserError(f"文件已存在，不会覆盖：{path}") from None
    except OSError as exc:
        raise UserError(f"无法写入文件 {path}：{exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        path.unlink(missing_ok=True)
        raise UserError(f"无法写入文件 {path}：{exc.strerror}") from None


# ---- the commission's CA ------------------------------------------------------------------


def ca_common_name(name: str) -> str:
    """`XX市卫生健康委员会 托育机构质量评估 CA`, or without the name when that is too long for
    a common name (the organisation attribute always carries the full name)."""
    full = f"{name} 托育机构质量评估 CA"
    return full if len(full.encode("utf-8")) <= MAX_CN_BYTES else "托育机构质量评估 CA"


def init_ca(out_dir: Path, name: str, passphrase: str, *, days: int = CA_DAYS) -> x509.Certificate:
    """Create the CA in `out_dir` (`ca-cert.pem`, `ca-key.pem`); never overwrites a CA."""
    name = _check_name(name, "卫生健康委名称")
    secret = _check_passphrase(passphrase)
    if days < 1:
        raise UserError("有效天数必须大于 0")
    for existing in (out_dir / CA_CERT_FILE, out_dir / CA_KEY_FILE):
        if existing.exists():
            raise UserError(f"目录中已有 CA 文件，不会覆盖：{existing}")
    key = rsa.generate_private_key(public_exponent=65537, key_size=CA_KEY_BITS)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, name),
            x509.NameAttribute(NameOID.COMMON_NAME, ca_common_name(name)),
        ]
    )
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    start = now_utc() - CLOCK_SKEW
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + CLOCK_SKEW + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(signing=False), critical=True)
        .add_extension(ski, critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, BestAvailableEncryption(secret))
    _write_new(out_dir / CA_KEY_FILE, key_pem, mode=0o600)
    try:
        _write_new(out_dir / CA_CERT_FILE, cert.public_bytes(Encoding.PEM))
    except UserError:
        (out_dir / CA_KEY_FILE).unlink()  # half a CA would block creating it again
        raise
    return cert


def load_ca(ca_dir: Path, passphrase: str) -> CertificateAuthority:
    cert_path, key_path = ca_dir / CA_CERT_FILE, ca_dir / CA_KEY_FILE
    try:
        cert_pem = read_regular_file(cert_path, MAX_KEY_FILE_BYTES)
        key_pem = read_regular_file(key_path, MAX_KEY_FILE_BYTES)
    except InputRejected as exc:
        if exc.code == "missing":
            where = exc.problems[0].where
            raise UserError(f"找不到 CA 文件：{where}（请先运行 assessor keys init-ca）") from None
        raise
    try:
        cert = x509.load_pem_x509_certificate(cert_pem)
    except ValueError:
        raise UserError(f"CA 证书文件已损坏：{cert_path}") from None
    try:
        key = load_pem_private_key(key_pem, password=passphrase.encode("utf-8"))
    except (ValueError, TypeError):
        raise UserError("无法打开 CA 私钥：口令错误或文件已损坏") from None
    if not isinstance(key, rsa.RSAPrivateKey) or key.public_key() != cert.public_key():
        raise UserError(f"CA 私钥与 CA 证书不匹配：{ca_dir}")
    return CertificateAuthority(cert, key)


# ---- assessor keys -------------------------------------------------------------------------


def issue_assessor(
    ca: CertificateAuthority,
    out: Path,
    *,
    name: str,
    assessor_id: str,
    passphrase: str,
    days: int = ASSESSOR_DAYS,
    valid_from: datetime | None = None,
    ledger: Path | None = None,
) -> KeyInfo:
    """Write a new key and certificate for one assessor to `out` (passphrase-protected PKCS#12).

    The certificate never outlives the CA: its end is capped at the CA's end. `out` must not
    exist yet. `ledger` (the CA folder) records the certificate in its `issued.json`.
    """
    if out.exists():
        raise UserError(f"文件已存在，不会覆盖：{out}")
    person = checked_person(ca, "评估员", name, assessor_id, passphrase, days, valid_from)
    name, assessor_id = person.name, person.person_id
    start, end, secret = person.start, person.end, person.secret
    key = ec.generate_private_key(ASSESSOR_CURVE)
    cert = end_entity_certificate(ca, key, name, assessor_id, _key_usage(signing=True), start, end)
    data = pkcs12.serialize_key_and_certificates(
        name.encode("utf-8"), key, cert, [ca.certificate], BestAvailableEncryption(secret)
    )
    _write_new(out, data, mode=0o600)
    info = key_info(cert)
    if ledger is not None:
        from assessor.core.signing.issued import issued_entry, record_issued

        record_issued(ledger, issued_entry(cert, name, assessor_id, info.fingerprint))
    return info


@dataclass(frozen=True)
class CheckedPerson:
    """What a certificate for one person is made from, every part checked."""

    name: str
    person_id: str
    secret: bytes
    start: datetime
    end: datetime


def checked_person(
    ca: CertificateAuthority,
    role: str,
    name: str,
    person_id: str,
    passphrase: str,
    days: int,
    valid_from: datetime | None = None,
) -> CheckedPerson:
    """The name, id, passphrase and validity of a certificate the CA is asked to issue to an
    assessor or a trainer (`role`), or a UserError saying what is wrong. The certificate never
    outlives the CA: its end is capped at the CA's end."""
    name = _check_name(name, f"{role}姓名")
    if len(name.encode("utf-8")) > MAX_CN_BYTES:
        raise UserError(f"{role}姓名过长：证书中的姓名最多 21 个汉字或 64 个字母")
    person_id = _check_assessor_id(person_id)
    secret = _check_passphrase(passphrase)
    if days < 1:
        raise UserError("有效天数必须大于 0")
    start = valid_from if valid_from is not None else now_utc() - CLOCK_SKEW
    end = min(start + timedelta(days=days), ca.certificate.not_valid_after_utc)
    if end <= start:
        raise UserError(f"CA 证书已于 {_date(ca.certificate.not_valid_after_utc)} 过期")
    return CheckedPerson(name, person_id, secret, start, end)


def end_entity_certificate(
    ca: CertificateAuthority,
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey,
    name: str,
    person_id: str,
    usage: x509.KeyUsage,
    start: datetime,
    end: datetime,
    unit: str | None = None,
) -> x509.Certificate:
    """A certificate the CA issues to one person (an assessor, or a trainer in `unit`)."""
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, ca.name),
    ]
    if unit is not None:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit))
    attributes += [
        x509.NameAttribute(NameOID.COMMON_NAME, name),
        x509.NameAttribute(NameOID.SERIAL_NUMBER, person_id),
    ]
    ca_ski = ca.certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    return (
        x509.CertificateBuilder()
        .subject_name(x509.Name(attributes))
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False
        )
        .sign(ca.key, hashes.SHA256())
    )


def key_info(cert: x509.Certificate) -> KeyInfo:
    return KeyInfo(
        name=_attribute(cert.subject, NameOID.COMMON_NAME),
        assessor_id=_attribute(cert.subject, NameOID.SERIAL_NUMBER),
        issuer=_attribute(cert.issuer, NameOID.COMMON_NAME),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        fingerprint=fingerprint(cert),
        training=is_training_certificate(cert),
    )


def _open_p12(path: Path, passphrase: str) -> tuple[bytes, tuple[x509.Certificate, ...]]:
    data = read_regular_file(path, MAX_KEY_FILE_BYTES)
    try:
        bundle = pkcs12.load_pkcs12(data, passphrase.encode("utf-8"))
    except ValueError:
        raise UserError(f"无法打开密钥文件 {path.name}：口令错误或文件已损坏") from None
    if bundle.key is None or bundle.cert is None:
        raise UserError(f"密钥文件 {path.name} 中没有私钥或证书")
    cert = bundle.cert.certificate
    chain = ordered_chain(cert, [c.certificate for c in bundle.additional_certs])
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
        can_sign = usage.digital_signature and usage.content_commitment
    except x509.ExtensionNotFound:
        can_sign = False
    if not can_sign:
        raise UserError(f"密钥文件 {path.name} 中的证书不能用于签名（缺少不可否认签名用途）")
    if not _attribute(cert.subject, NameOID.COMMON_NAME) or not _attribute(
        cert.subject, NameOID.SERIAL_NUMBER
    ):
        raise UserError(f"密钥文件 {path.name} 中的证书没有评估员姓名或评估员编号")
    return data, chain


def inspect_p12(path: Path, passphrase: str) -> KeyInfo:
    """Open a PKCS#12 file and describe its certificate; a wrong passphrase is a UserError."""
    return key_info(_open_p12(path, passphrase)[1][0])


def load_signer(path: Path, passphrase: str) -> SigningKey:
    """Open a PKCS#12 file for signing."""
    from pyhanko.sign.signers import SimpleSigner  # ~1 s to import: only when signing

    data, chain = _open_p12(path, passphrase)
    signer = SimpleSigner.load_pkcs12_data(
        data, other_certs=[], passphrase=passphrase.encode("utf-8")
    )
    return SigningKey(key_info(chain[0]), chain, signer)


def training_signer() -> SigningKey:
    """The built-in training key (its passphrase is public)."""
    return load_signer(training_key_path(), TRAINING_PASSPHRASE)


# ---- the app's key folder ------------------------------------------------------------------


def import_key(p12_path: Path, passphrase: str, keystore_dir: Path) -> StoredKey:
    """Copy an assessor's PKCS#12 file into the key folder after checking it opens.

    The certificate chain is stored next to it (`.pem`, public data) so the folder can be listed
    without passphrases. The passphrase itself is never stored.
    """
    data, chain = _open_p12(p12_path, passphrase)
    info = key_info(chain[0])
    stem = keystore_dir / info.fingerprint[:16]
    target = stem.with_suffix(".p12")
    if target.exists():
        raise UserError(f"该密钥已导入过：{info.name}（{info.assessor_id}）")
    _write_new(target, data, mode=0o600)
    try:
        stem.with_suffix(".pem").write_bytes(b"".join(c.public_bytes(Encoding.PEM) for c in chain))
    except OSError as exc:
        target.unlink()  # a key the folder cannot list would block importing it again
        raise UserError(f"无法写入密钥文件夹 {keystore_dir}：{exc.strerror}") from None
    return StoredKey(target, info)


def list_keys(keystore_dir: Path) -> list[StoredKey]:
    """The imported keys, newest certificate first; unreadable entries are skipped."""
    found: list[StoredKey] = []
    for p12 in keystore_dir.glob("*.p12"):
        try:
            pem = read_regular_file(p12.with_suffix(".pem"), MAX_KEY_FILE_BYTES)
            certs = x509.load_pem_x509_certificates(pem)
        except (InputRejected, ValueError):
            continue
        found.append(StoredKey(p12, key_info(certs[0])))
    return sorted(found, key=lambda k: k.info.not_before, reverse=True)


def remove_key(stored: StoredKey) -> None:
    """Remove an imported key (its .p12 and certificate chain) from the key folder.

    Files it signed stay valid: verification needs the certificate, which they carry.
    """
    try:
        stored.path.unlink(missing_ok=True)
        stored.path.with_suffix(".pem").unlink(missing_ok=True)
    except OSError as exc:
        raise UserError(f"无法删除密钥文件：{exc.strerror}") from None
