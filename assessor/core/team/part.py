"""A team member's part (`.assessor-part`): their scores, notes and evidence for the indicators
assigned to them, and their laptop's whole audit chain for the record, hash-chained; signed
with their key when they have one.

The file is a zip: `part.json` (canonical JSON) and the evidence files under the names the
scores list. `digest` is the SHA-256 of `part.json` without `digest` and `signature`: it catches
damage in transit; the signature (when there is one) says who made the part. The whole file's
SHA-256 identifies the part: importing the same file twice is importing it once.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from cryptography import x509
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from assessor.core.assessment.model import Assessment, IndicatorScore
from assessor.core.audit import AuditEntry, verify_chain
from assessor.core.canonical import canonical_bytes, canonical_sha256
from assessor.core.clock import now_utc
from assessor.core.problems import UserError
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.safe_input import InputRejected, parse_json_object, read_regular_file
from assessor.core.signing.json_envelope import SignatureBlock, check_envelope, sign_payload
from assessor.core.signing.keys import SigningKey
from assessor.core.storage.atomic import atomic_write_bytes
from assessor.core.storage.store import Store
from assessor.core.team.package import laptop_member
from assessor.core.zip_members import ZIP_MEMBER_ERRORS

PART_FORMAT = "assessor.team-part/1"
PART_SUFFIX = ".assessor-part"
PART_JSON = "part.json"
MAX_PART_BYTES = 512 * 1024 * 1024
MAX_PART_JSON = 20 * 1024 * 1024
MAX_PART_MEMBERS = 10_000
# A day's photos of one member; far beyond it is a zip bomb, not a part.
MAX_PART_UNPACKED = 2 * 1024 * 1024 * 1024
TAMPERED = "评估组成员部分文件已损坏或被改动，拒绝导入"


class TeamPart(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: Literal["assessor.team-part/1"] = PART_FORMAT
    assessment_id: str = Field(pattern=r"^[0-9a-f]{32}$")
    version: int = Field(ge=1)
    member: str = Field(pattern=r"^[0-9a-f]{32}$", description="成员编号")
    scores: list[IndicatorScore] = Field(description="该成员负责的指标的评分、备注与证据")
    audit: list[AuditEntry] = Field(description="该成员电脑上本评估的全部审计记录")
    exported_at: AwareDatetime
    digest: str = Field(default="", description="part.json 去掉 digest 与 signature 后的 SHA-256")
    signature: SignatureBlock | None = None


def _payload(part: TeamPart) -> dict[str, Any]:
    return part.model_dump(mode="json", exclude={"digest", "signature"})


def assigned(assessment: Assessment, rubric: LoadedRubric, member: str) -> list[str]:
    """The indicators `member` scores, in rubric order."""
    team = assessment.team
    assert team is not None
    return [ind.id for dim, _, ind in rubric.walk() if team.responsible(ind.id, dim.id) == member]


def export_part(
    store: Store, key: str, rubric: LoadedRubric, path: Path, signer: SigningKey | None = None
) -> TeamPart:
    """Write the part of the member whose laptop holds record `key`."""
    assessment, chain = store.load_with_audit(key)
    member = laptop_member(chain)
    if member is None or assessment.team is None:
        raise UserError("这不是从评估组任务包打开的记录：组长请导出任务包，成员才导出自己的部分")
    who = assessment.team.member(member)
    if (
        signer is not None
        and not signer.info.training
        and signer.info.assessor_id != who.assessor_id
    ):
        raise UserError(
            f"密钥属于{signer.info.name}（{signer.info.assessor_id}），"
            f"不是本电脑的评估组成员{who.name}的密钥"
        )
    mine = set(assigned(assessment, rubric, member))
    part = TeamPart(
        assessment_id=assessment.id,
        version=assessment.version,
        member=member,
        scores=[s for s in assessment.scores if s.indicator in mine],
        audit=chain,
        exported_at=now_utc(),
    )
    part = part.model_copy(update={"digest": canonical_sha256(_payload(part))})
    if signer is not None:
        block = sign_payload(canonical_bytes(_payload(part)), signer, part.exported_at)
        part = part.model_copy(update={"signature": block})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(PART_JSON, canonical_bytes(part))
        for score in part.scores:
            for evidence in score.evidence:
                archive.writestr(evidence.file, store.evidence_path(key, evidence).read_bytes())
    atomic_write_bytes(path, buffer.getvalue())
    return part


@dataclass(frozen=True)
class ReceivedPart:
    """A part as read and checked: its model, its evidence bytes, and the file's SHA-256."""

    part: TeamPart
    evidence: dict[str, bytes]
    sha256: str
    raw: bytes

    @property
    def order(self) -> tuple[str, int, datetime, str]:
        """Parts are applied by member, then in the order each member made them."""
        return self.part.member, len(self.part.audit), self.part.exported_at, self.sha256


def _refused(path: Path | str, why: str) -> UserError:
    return UserError(f"{path}：{why}")


def read_part(
    raw: bytes,
    where: str,
    assessment: Assessment,
    rubric: LoadedRubric,
    trust_roots: list[x509.Certificate],
) -> ReceivedPart:
    """Check a part against the leader's record: same assessment, a member of its team, only
    their indicators, intact (digest, audit chain, evidence hashes, signature when signed)."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            names = archive.namelist()
            if PART_JSON not in names or len(names) > MAX_PART_MEMBERS:
                raise _refused(where, "不是评估组成员部分文件（.assessor-part）")
            if sum(i.file_size for i in archive.infolist()) > MAX_PART_UNPACKED:
                raise _refused(where, "部分文件解压后过大，拒绝导入")
            info = archive.getinfo(PART_JSON)
            if info.file_size > MAX_PART_JSON:
                raise _refused(where, "部分文件过大")
            data = parse_json_object(archive.read(PART_JSON), where)
            files = {n: archive.read(n) for n in names if n != PART_JSON}
    except (*ZIP_MEMBER_ERRORS, InputRejected) as exc:
        if isinstance(exc, UserError):
            raise
        raise _refused(where, "不是评估组成员部分文件，或文件已损坏") from None
    if data.get("format") != PART_FORMAT:
        raise _refused(where, "不是评估组成员部分文件（.assessor-part）")
    try:
        part = TeamPart.model_validate(data)
    except ValidationError:
        raise _refused(where, TAMPERED) from None
    if (part.assessment_id, part.version) != (assessment.id, assessment.version):
        raise _refused(
            where,
            f"这是另一份评估（评估编号 {part.assessment_id}，第 {part.version} 版）的部分，"
            f"不属于本评估（{assessment.id}，第 {assessment.version} 版），拒绝导入",
        )
    team = assessment.team
    if team is None or part.member not in {m.id for m in team.members}:
        raise _refused(where, "部分文件的成员不在本评估的评估组中，拒绝导入")
    if part.digest != canonical_sha256(_payload(part)) or verify_chain(part.audit):
        raise _refused(where, TAMPERED)
    if laptop_member(part.audit) != part.member:
        raise _refused(where, TAMPERED)
    mine = set(assigned(assessment, rubric, part.member))
    if any(s.indicator not in mine for s in part.scores):
        raise _refused(where, "部分文件含有不由该成员负责的指标，拒绝导入")
    for score in part.scores:
        for evidence in score.evidence:
            data_bytes = files.get(evidence.file)
            if data_bytes is None or hashlib.sha256(data_bytes).hexdigest() != evidence.sha256:
                raise _refused(where, f"证据文件缺失或被改动：{evidence.file}")
    if part.signature is not None:
        payload = canonical_bytes(_payload(part))
        found = check_envelope(payload, part.signature, data["signature"], trust_roots)
        member = team.member(part.member)
        if found.reasons:
            raise _refused(where, f"签名未通过验证：{found.reasons[0].message}")
        if found.assessor_id != member.assessor_id and not found.training_key:
            raise _refused(where, f"签名人{found.signer}不是该部分的成员{member.name}")
    return ReceivedPart(part, files, hashlib.sha256(raw).hexdigest(), raw)


def read_part_file(
    path: Path, assessment: Assessment, rubric: LoadedRubric, trust_roots: list[x509.Certificate]
) -> ReceivedPart:
    return read_part(
        read_regular_file(path, MAX_PART_BYTES), str(path), assessment, rubric, trust_roots
    )
