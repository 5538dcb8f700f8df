"""Trainer keys: the RSA key a test sample's reference is sealed to and signed with.

A trainer key is issued by the commission's CA like an assessor key. CMS EnvelopedData in
`cryptography` takes RSA recipients only, so the key is RSA; its certificate allows key
encipherment (a reference is sealed to it) and signing (the trainer who seals signs what is
sealed, so a reference sealed by anyone else with the public certificate is refused), and its
organisational unit says 培训师. The certificate is public; the PKCS#12 file and its passphrase
stay with the trainer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import (
    BestAvailableEncryption,
    Encoding,
    pkcs12,
)
from cryptography.x509.oid import NameOID

from assessor.core.problems import UserError
from assessor.core.safe_input import InputRejected, read_regular_file
from assessor.core.signing import ASSESSOR_DAYS
from assessor.core.signing.keys import (
    MAX_KEY_FILE_BYTES,
    CertificateAuthority,
    KeyInfo,
    SigningKey,
    _write_new,
    checked_person,
    end_entity_certificate,
    key_info,
    load_signer,
)
from assessor.core.signing.training import fingerprint

TRAINER_UNIT = "培训师"
"""The organisational unit that names a trainer certificate (lists and messages use it)."""
TRAINER_KEY_BITS = 3072


@dataclass(frozen=True)
class TrainerKey:
    """An opened trainer key: the certificate, the RSA private key that opens sealed files, and
    the CA that issued it (whose trainers' signatures on sealed references are trusted)."""

    certificate: x509.Certificate
    key: rsa.RSAPrivateKey = field(repr=False)
    ca: x509.Certificate | None = None

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.certificate)

    @property
    def name(self) -> str:
        return key_info(self.certificate).name


def _trainer_usage() -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,
        key_encipherment=True,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )


def trainer_certificate_path(p12: Path) -> Path:
    """Where `keys issue --role trainer` puts the public certificate: beside the key file."""
    return p12.with_name(p12.stem + "-cert.pem")


def issue_trainer(
    ca: CertificateAuthority,
    out: Path,
    *,
    name: str,
    trainer_id: str,
    passphrase: str,
    days: int = ASSESSOR_DAYS,
) -> KeyInfo:
    """Write a trainer's RSA key and certificate to `out` (PKCS#12) and the certificate alone
    to `trainer_certificate_path(out)`; neither file may exist yet."""
    cert_out = trainer_certificate_path(out)
    for existing in (out, cert_out):
        if existing.exists():
            raise UserError(f"文件已存在，不会覆盖：{existing}")
    person = checked_person(ca, "培训师", name, trainer_id, passphrase, days)
    name, trainer_id = person.name, person.person_id
    start, end, secret = person.start, person.end, person.secret
    key = rsa.generate_private_key(public_exponent=65537, key_size=TRAINER_KEY_BITS)
    cert = end_entity_certificate(
        ca, key, name, trainer_id, _trainer_usage(), start, end, unit=TRAINER_UNIT
    )
    data = pkcs12.serialize_key_and_certificates(
        name.encode("utf-8"), key, cert, [ca.certificate], BestAvailableEncryption(secret)
    )
    _write_new(out, data, mode=0o600)
    try:
        _write_new(cert_out, cert.public_bytes(Encoding.PEM))
    except UserError:
        out.unlink()  # a key without its public certificate could not be sealed to
        raise
    return key_info(cert)


def is_trainer_certificate(cert: x509.Certificate) -> bool:
    """Issued by `issue_trainer`: the 培训师 unit, an RSA key, encipherment allowed."""
    units = cert.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)
    return bool(units) and units[0].value == TRAINER_UNIT and _trainer_problem(cert) is None


def _trainer_problem(cert: x509.Certificate) -> str | None:
    """Why `cert` cannot receive sealed references, in Chinese; None when it can."""
    if not isinstance(cert.public_key(), rsa.RSAPublicKey):
        return "不是 RSA 密钥（密封只支持 RSA 收件人）"
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return "证书没有密钥用途"
    if not usage.key_encipherment:
        return "证书不允许密钥加密（不是培训师证书，请用 keys issue --role trainer 签发）"
    return None


def read_trainer_certificate(path: Path) -> x509.Certificate:
    """A trainer certificate file (PEM or DER) to seal test samples to."""
    try:
        data = read_regular_file(path, MAX_KEY_FILE_BYTES)
    except InputRejected as exc:
        raise UserError(f"无法读取培训师证书 {path}：{exc.problems[0].message}") from None
    try:
        if b"-----BEGIN" in data:
            cert = x509.load_pem_x509_certificate(data)
        else:
            cert = x509.load_der_x509_certificate(data)
    except ValueError:
        raise UserError(f"{path} 不是证书文件（应为 PEM 或 DER 格式）") from None
    if problem := _trainer_problem(cert):
        raise UserError(f"{path.name} 不能用来密封测试样例：{problem}")
    return cert


def load_trainer_key(path: Path, passphrase: str) -> TrainerKey:
    """Open a trainer's PKCS#12 file; a wrong passphrase or a non-trainer key is a UserError."""
    try:
        data = read_regular_file(path, MAX_KEY_FILE_BYTES)
    except InputRejected as exc:
        raise UserError(f"无法读取培训师密钥 {path}：{exc.problems[0].message}") from None
    try:
        bundle = pkcs12.load_pkcs12(data, passphrase.encode("utf-8"))
    except ValueError:
        raise UserError(f"无法打开培训师密钥 {path.name}：口令错误或文件已损坏") from None
    if bundle.key is None or bundle.cert is None:
        raise UserError(f"密钥文件 {path.name} 中没有私钥或证书")
    cert = bundle.cert.certificate
    if (problem := _trainer_problem(cert)) or not isinstance(bundle.key, rsa.RSAPrivateKey):
        raise UserError(f"{path.name} 不是培训师密钥：{problem or '不是 RSA 密钥'}")
    issuers = [
        c.certificate for c in bundle.additional_certs if c.certificate.subject == cert.issuer
    ]
    return TrainerKey(cert, bundle.key, issuers[0] if issuers else None)


def load_trainer_signer(path: Path, passphrase: str) -> SigningKey:
    """A trainer key opened for signing what it seals; an assessor key is refused."""
    signer = load_signer(path, passphrase)
    if not is_trainer_certificate(signer.certificate):
        raise UserError(f"{path.name} 不是培训师密钥：密封测试样例须由培训师签名")
    return signer
