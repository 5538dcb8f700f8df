"""What a laptop trusts from the commission: its root certificates and revocation list.

    <data>/trust/commission-roots.pem   the commission's root certificates
    <data>/trust/crl.pem                the latest revocation list received

A laptop trusts the roots it already holds. The first file from a commission (or one signed
under new roots) is accepted only when the person has compared the roots' fingerprints with the
ones the commission published and confirmed them: a file carrying its own roots proves nothing
about who made it until someone has.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Protocol, TypeVar

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from pydantic import BaseModel

from assessor.core.cycle.signed_json import read_signed
from assessor.core.problems import UserError, os_error_text
from assessor.core.safe_input import parse_json_object, read_regular_file
from assessor.core.signing.json_envelope import SignatureBlock
from assessor.core.signing.revocation import MAX_CRL_BYTES
from assessor.core.signing.training import fingerprint
from assessor.core.storage.atomic import atomic_write_bytes, create_folder

TRUST_DIR = "trust"
ROOTS_FILE = "commission-roots.pem"
CRL_FILE = "crl.pem"


class CommissionFile(Protocol):
    trust_roots: list[str]
    crl: str | None
    signature: SignatureBlock | None


Document = TypeVar("Document", bound=BaseModel)


class UnconfirmedRoots(UserError):
    """The package is signed under roots this laptop does not hold yet."""

    def __init__(self, fingerprints: list[str]) -> None:
        self.fingerprints = fingerprints
        listed = "；".join(fingerprints)
        super().__init__(
            "本机尚未信任该任务包的卫生健康委根证书。请与卫生健康委公布的根证书指纹核对后确认："
            f"{listed}"
        )


def _certificates(pems: Collection[str], where: str) -> list[x509.Certificate]:
    try:
        return [c for pem in pems for c in x509.load_pem_x509_certificates(pem.encode("ascii"))]
    except (ValueError, UnicodeEncodeError):
        raise UserError(f"{where}中的根证书无法读取，文件已损坏") from None


def installed_roots(data_dir: Path) -> list[x509.Certificate]:
    path = data_dir / TRUST_DIR / ROOTS_FILE
    if not path.is_file():
        return []
    return _certificates([read_regular_file(path, 1024 * 1024).decode("ascii")], "本机信任设置")


def _unverified(raw: bytes, model: type[Document], where: str) -> Document:
    data = parse_json_object(raw, where)
    try:
        return model.model_validate(data)
    except ValueError:
        raise UserError(f"{where}格式不正确，不是卫生健康委下发的文件") from None


def verified(
    raw: bytes, model: type[Document], where: str, data_dir: Path, accepted: Collection[str]
) -> Document:
    """The document, checked against the laptop's roots plus the ones just confirmed
    (UnconfirmedRoots when it is signed under roots that are neither)."""
    document = _unverified(raw, model, where)
    own = installed_roots(data_dir)
    carried = _certificates(document.trust_roots, where)  # type: ignore[attr-defined]
    known = {fingerprint(c) for c in own} | set(accepted)
    unknown = [fingerprint(c) for c in carried if fingerprint(c) not in known]
    trusted = own + [c for c in carried if fingerprint(c) in accepted]
    try:
        checked = read_signed(raw, model, trusted, what=where)
    except UserError:
        if unknown:
            # Unknown roots and a signature that does not chain to the known ones: whether it
            # is tampered can only be said after the person has confirmed the roots.
            raise UnconfirmedRoots(unknown) from None
        raise
    _refuse_revoked_signer(checked, trusted, data_dir, where)
    return checked


def _crl(text: str, roots: list[x509.Certificate], where: str) -> x509.CertificateRevocationList:
    """A CRL signed by one of `roots`, or a UserError."""
    try:
        crl = x509.load_pem_x509_crl(text.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raise UserError(f"{where}中的证书吊销列表已损坏") from None
    issuer = next((r for r in roots if r.subject == crl.issuer), None)
    if issuer is None or not crl.is_signature_valid(issuer.public_key()):  # type: ignore[arg-type]
        raise UserError(f"{where}中的证书吊销列表不是由受信任的根证书签发的")
    return crl


def _refuse_revoked_signer(
    package: CommissionFile, roots: list[x509.Certificate], data_dir: Path, where: str
) -> None:
    """Neither the package's CRL nor the one the laptop holds may list the key that signed it."""
    assert package.signature is not None
    signer = x509.load_pem_x509_certificate(package.signature.chain[0].encode("ascii"))
    texts = [package.crl] if package.crl else []
    held = data_dir / TRUST_DIR / CRL_FILE
    if held.is_file():
        texts.append(read_regular_file(held, MAX_CRL_BYTES).decode("ascii", "replace"))
    for text in texts:
        crl = _crl(text, roots, where)
        if crl.issuer == signer.issuer and crl.get_revoked_certificate_by_serial_number(
            signer.serial_number
        ):
            raise UserError(f"{where}的签名密钥已被吊销，任务包不能使用")


def write_file(path: Path, data: bytes) -> None:
    try:
        create_folder(path.parent)
        atomic_write_bytes(path, data)
    except OSError as exc:
        raise UserError(f"无法写入 {path}：{os_error_text(exc)}") from exc


def install_trust(data_dir: Path, document: CommissionFile, where: str) -> None:
    """Add the document's roots to the laptop's and keep its CRL as the latest."""
    own = installed_roots(data_dir)
    known = {fingerprint(c) for c in own}
    roots = own + [
        c for c in _certificates(document.trust_roots, where) if fingerprint(c) not in known
    ]
    write_file(
        data_dir / TRUST_DIR / ROOTS_FILE, b"".join(c.public_bytes(Encoding.PEM) for c in roots)
    )
    if document.crl:
        write_file(data_dir / TRUST_DIR / CRL_FILE, document.crl.encode("ascii"))
