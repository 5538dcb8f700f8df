"""The CA folder's record of the certificates it issued (`issued.json`).

`keys issue` adds every assessor certificate it signs, so the commission can tell whether a
person named in a plan's team list holds a certificate that can sign their assessment files.
CA folders made before this record existed have no file: nothing can be told from them.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from cryptography import x509
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from assessor.core.problems import UserError, os_error_text
from assessor.core.safe_input import InputRejected, parse_json_object, read_regular_file
from assessor.core.storage.atomic import atomic_write_bytes

ISSUED_FILE = "issued.json"
MAX_ISSUED_BYTES = 50 * 1024 * 1024


class IssuedCertificate(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    serial: str = Field(pattern=r"^[0-9]{1,49}$", description="证书序列号（十进制）")
    name: str
    assessor_id: str
    not_before: AwareDatetime
    not_after: AwareDatetime
    fingerprint: str = Field(pattern=r"^[0-9a-f]{64}$")

    def valid_at(self, moment: datetime) -> bool:
        return self.not_before <= moment <= self.not_after


class IssuedList(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: str = "assessor.issued/1"
    issued: list[IssuedCertificate] = Field(default_factory=list)


def read_issued(ca_dir: Path) -> IssuedList | None:
    """The CA's record, or None when the folder keeps none (made by an earlier release)."""
    path = ca_dir / ISSUED_FILE
    if not path.exists():
        return None
    try:
        data = parse_json_object(read_regular_file(path, MAX_ISSUED_BYTES), str(path))
        return IssuedList.model_validate(data)
    except (InputRejected, ValidationError) as exc:
        raise UserError(f"证书签发记录已损坏：{path}（{exc}）") from None


def record_issued(ca_dir: Path, entry: IssuedCertificate) -> None:
    current = read_issued(ca_dir) or IssuedList()
    updated = IssuedList(issued=[*current.issued, entry])
    try:
        atomic_write_bytes(ca_dir / ISSUED_FILE, updated.model_dump_json(indent=2).encode("utf-8"))
    except OSError as exc:
        raise UserError(f"无法写入证书签发记录：{os_error_text(exc)}") from None


def issued_entry(
    cert: x509.Certificate, name: str, assessor_id: str, fingerprint_hex: str
) -> IssuedCertificate:
    return IssuedCertificate(
        serial=str(cert.serial_number),
        name=name,
        assessor_id=assessor_id,
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        fingerprint=fingerprint_hex,
    )
