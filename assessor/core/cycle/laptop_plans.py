"""Plan packages on an assessor's laptop: checked, installed, listed, and visits started.

The data folder keeps what a package brought:

    <data>/plans/<plan>--<team>.assessor-plan   the package as received (verified on every read)
    <data>/trust/commission-roots.pem           the commission's root certificates
    <data>/trust/crl.pem                        the latest revocation list received
    <data>/rubrics/<sha256>.json                the rubric in force (canonical JSON)

A laptop trusts the roots it already holds. The first package (or one signed under new roots)
is accepted only when the person has compared the roots' fingerprints with the ones the
commission published and confirmed them: a package carrying its own roots proves nothing about
who made it until someone has.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509

from assessor.core.assessment.model import PLANNED_ASSESSMENT_FORMAT, Assessment, Centre, PlanRef
from assessor.core.canonical import canonical_bytes, sha256_hex
from assessor.core.cycle.package_model import PACKAGE_SUFFIX, PlanPackage
from assessor.core.cycle.signed_json import read_signed
from assessor.core.document.new import new_assessment
from assessor.core.problems import UserError, os_error_text
from assessor.core.rubric.validate import LoadedRubric, parse_rubric
from assessor.core.safe_input import parse_json_object, read_regular_file
from assessor.core.signing.revocation import MAX_CRL_BYTES
from assessor.core.signing.training import fingerprint
from assessor.core.storage.atomic import atomic_write_bytes, create_folder

PLANS_DIR = "plans"
TRUST_DIR = "trust"
RUBRICS_DIR = "rubrics"
ROOTS_FILE = "commission-roots.pem"
CRL_FILE = "crl.pem"
# The national rubric is 0.5 MB; a package of a few hundred visits with it stays far below.
MAX_PACKAGE_BYTES = 30 * 1024 * 1024


class UnconfirmedRoots(UserError):
    """The package is signed under roots this laptop does not hold yet."""

    def __init__(self, fingerprints: list[str]) -> None:
        self.fingerprints = fingerprints
        listed = "；".join(fingerprints)
        super().__init__(
            "本机尚未信任该任务包的卫生健康委根证书。请与卫生健康委公布的根证书指纹核对后确认："
            f"{listed}"
        )


@dataclass(frozen=True)
class InstalledPlan:
    package: PlanPackage
    path: Path


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


def _unverified(raw: bytes, where: str) -> PlanPackage:
    data = parse_json_object(raw, where)
    try:
        return PlanPackage.model_validate(data)
    except ValueError:
        raise UserError(f"{where}不是评估任务包（格式不正确）") from None


def _verified(raw: bytes, where: str, data_dir: Path, accepted: Collection[str]) -> PlanPackage:
    """The package, checked against the laptop's roots plus the ones just confirmed."""
    package = _unverified(raw, where)
    own = installed_roots(data_dir)
    carried = _certificates(package.trust_roots, where)
    known = {fingerprint(c) for c in own} | set(accepted)
    unknown = [fingerprint(c) for c in carried if fingerprint(c) not in known]
    trusted = own + [c for c in carried if fingerprint(c) in accepted]
    try:
        checked = read_signed(raw, PlanPackage, trusted, what=where)
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
    package: PlanPackage, roots: list[x509.Certificate], data_dir: Path, where: str
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


def _write(path: Path, data: bytes) -> None:
    try:
        create_folder(path.parent)
        atomic_write_bytes(path, data)
    except OSError as exc:
        raise UserError(f"无法写入 {path}：{os_error_text(exc)}") from exc


def package_file(data_dir: Path, package: PlanPackage) -> Path:
    team = hashlib.sha256(package.team.team_id.encode("utf-8")).hexdigest()[:8]
    return data_dir / PLANS_DIR / f"{package.plan_id}--{team}{PACKAGE_SUFFIX}"


def install_package(
    data_dir: Path, path: Path, *, accepted_roots: Collection[str] = ()
) -> InstalledPlan:
    """Verify the package and install its plan, rubric, roots and CRL into the data folder.

    UnconfirmedRoots when it is signed under roots the laptop does not hold and that are not
    among `accepted_roots` (fingerprints the person confirmed). Nothing is written unless the
    whole package verifies.
    """
    where = f"评估任务包 {path.name} "
    raw = read_regular_file(path, MAX_PACKAGE_BYTES, where.strip())
    package = _verified(raw, where, data_dir, accepted_roots)
    rubric_bytes = canonical_bytes(package.rubric)
    parse_rubric(rubric_bytes, f"{where}中的评估标准")
    own = installed_roots(data_dir)
    roots = own + [
        c
        for c in _certificates(package.trust_roots, where)
        if fingerprint(c) not in {fingerprint(o) for o in own}
    ]
    _write(data_dir / RUBRICS_DIR / f"{sha256_hex(rubric_bytes)}.json", rubric_bytes)
    _write(data_dir / TRUST_DIR / ROOTS_FILE, _pem(roots))
    if package.crl:
        _write(data_dir / TRUST_DIR / CRL_FILE, package.crl.encode("ascii"))
    target = package_file(data_dir, package)
    _write(target, raw)
    return InstalledPlan(package, target)


def _pem(certificates: list[x509.Certificate]) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding

    return b"".join(c.public_bytes(Encoding.PEM) for c in certificates)


def installed_plans(data_dir: Path) -> list[InstalledPlan]:
    """The installed packages, each verified again against the laptop's roots; newest first."""
    folder = data_dir / PLANS_DIR
    found = []
    for path in sorted(folder.glob(f"*{PACKAGE_SUFFIX}")) if folder.is_dir() else []:
        raw = read_regular_file(path, MAX_PACKAGE_BYTES, path.name)
        package = read_signed(raw, PlanPackage, installed_roots(data_dir), what=f"{path.name} ")
        found.append(InstalledPlan(package, path))
    return sorted(found, key=lambda p: p.package.created_at, reverse=True)


def installed_rubric_paths(data_dir: Path) -> list[Path]:
    folder = data_dir / RUBRICS_DIR
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def package_rubric(package: PlanPackage) -> LoadedRubric:
    return parse_rubric(canonical_bytes(package.rubric), f"评估计划 {package.plan_id} 的评估标准")


def planned_assessment(package: PlanPackage, uscc: str) -> Assessment:
    """A new draft for the planned visit to `uscc`, its profile filled in from the roster."""
    visit = package.visit(uscc)
    draft = new_assessment(package_rubric(package))
    roster = visit.centre
    centre = Centre(
        name=roster.name,
        uscc=roster.uscc,
        address=roster.address,
        division_code=roster.division_code,
        operator=roster.operator,
        places=roster.places or 0,
    )
    planned = draft.model_copy(
        update={
            "format": PLANNED_ASSESSMENT_FORMAT,
            "plan": PlanRef(plan_id=package.plan_id, team_id=package.team.team_id),
            "centre": centre,
        }
    )
    return Assessment.model_validate(planned.model_dump(mode="json"))
