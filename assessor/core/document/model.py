"""The exported assessment document and reading assessment files (signed or not).

The document is the assessment record plus what is derived from it (result, check findings,
audit head) and, once signed, a signature block. Importers recompute the result from the
scores and never trust the stored one.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, ValidationError

from assessor.core.assessment.model import Assessment
from assessor.core.problems import ProblemsError, problems_from_validation
from assessor.core.safe_input import InputRejected, parse_json_object, read_regular_file
from assessor.core.scoring.checks import Finding
from assessor.core.scoring.result import Result
from assessor.core.signing.cosign import CoSignatureBlock
from assessor.core.signing.json_envelope import SignatureBlock

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


class AssessmentDocument(Assessment):
    engine: str = Field(
        default="1",
        pattern=r"^[1-9][0-9]{0,3}$",
        description="计算 result 所用的计分引擎版本；文件缺此字段时为 1（计分引擎 2 之前签署的文件）。"
        "验证时按该版本的规则重新计算并比较规范性字段",
    )
    result: Result
    findings: list[Finding] = Field(default_factory=list)
    audit_head: str = Field(pattern=r"^[0-9a-f]{64}$", description="审计哈希链末条记录的哈希")
    audit_length: int = Field(ge=0)
    signatures_expected: int = Field(
        default=1,
        ge=1,
        le=20,
        description="应有的评估员签名数（评估组中持有密钥的成员数）；文件缺此字段时为 1",
    )
    signature: SignatureBlock | CoSignatureBlock | None = Field(
        default=None,
        discriminator="format",
        description="单人签名（cms-detached/rfc8785）或评估组共同签名（cms-detached-cosigned/rfc8785）",
    )


def parse_assessment(raw: bytes | str, where: str) -> Assessment:
    """An assessment record or an exported document; a document comes back as itself."""
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise InputRejected("too_large", where, "文件过大，不是评估文件")
    data = parse_json_object(raw, where)
    model = AssessmentDocument if "result" in data else Assessment
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ProblemsError(problems_from_validation(where, exc)) from exc


def read_assessment(path: str | Path) -> Assessment:
    return parse_assessment(read_regular_file(Path(path), MAX_DOCUMENT_BYTES), str(path))
