"""The exported assessment document and reading assessment files (signed or not).

The document is the assessment record plus what is derived from it (result, check findings,
audit head) and, once signed, a signature block. Importers recompute the result from the
scores and never trust the stored one.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assessor.core.assessment.model import Assessment
from assessor.core.problems import (
    Problem,
    ProblemsError,
    parse_json,
    problems_from_validation,
    read_input,
)
from assessor.core.scoring.checks import Finding
from assessor.core.scoring.result import Result

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


class Signer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    assessor_id: str


class SignatureBlock(BaseModel):
    """Detached CMS over the RFC 8785 bytes of the document with `signature` removed."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["cms-detached/rfc8785"] = "cms-detached/rfc8785"
    signed_at: datetime
    signer: Signer
    training: bool = Field(description="由内置培训密钥签名：培训/样例，不作为正式评估结果")
    cms: str = Field(description="Base64 DER CMS SignedData（分离式）")
    chain: list[str] = Field(description="PEM 证书链，签名者证书在前")


class AssessmentDocument(Assessment):
    result: Result
    findings: list[Finding] = Field(default_factory=list)
    audit_head: str = Field(pattern=r"^[0-9a-f]{64}$", description="审计哈希链末条记录的哈希")
    audit_length: int = Field(ge=0)
    signature: SignatureBlock | None = None


def parse_assessment(raw: bytes | str, where: str) -> Assessment:
    """An assessment record or an exported document; a document comes back as itself."""
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise ProblemsError([Problem(where, "", "文件过大，不是评估文件")])
    data = parse_json(raw, where)
    if not isinstance(data, dict):
        raise ProblemsError([Problem(where, "", "顶层应为 JSON 对象")])
    model = AssessmentDocument if "result" in data else Assessment
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ProblemsError(problems_from_validation(where, exc)) from exc


def read_assessment(path: str | Path) -> Assessment:
    return parse_assessment(read_input(Path(path)), str(path))
