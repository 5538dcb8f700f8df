"""The one place the register meets signature verification: a verdict as (reason code, Chinese).

The document verifier (`document.verify.verify_json`) returns its reasons in the order it
checks them, each with a machine code and a Chinese message; the first one is the file's
reason. A code the register does not know yet (a newer verifier) is a schema-level refusal
rather than a crash, with the verifier's own message.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509

from assessor.core.document.model import AssessmentDocument
from assessor.core.document.verify import check_json
from assessor.core.register.rows import Reason
from assessor.core.signing.verification import Verification


@dataclass(frozen=True)
class Verdict:
    """The first reason the file fails (None: it passed) and the verifier's full finding."""

    reason: Reason | None
    message: str
    verification: Verification
    data: dict[str, Any] | None = None
    """The file as parsed, when it was JSON."""
    document: AssessmentDocument | None = None
    """The file as a validated document, when it met the schema."""


def reason_of(code: str) -> Reason:
    try:
        return Reason(code)
    except ValueError:
        return Reason.schema


def verdict(
    raw: bytes,
    trust_roots: Sequence[x509.Certificate],
    allow_training: bool,
    rubrics: Iterable[str | Path],
) -> Verdict:
    checked = check_json(raw, trust_roots, allow_training, rubrics=rubrics)
    found, data, document = checked.verification, checked.data, checked.document
    if found.ok:
        return Verdict(None, "", found, data, document)
    first = found.reasons[0]
    details = [r.message for r in found.reasons[1:] if r.code == first.code]
    return Verdict(reason_of(first.code), joined(first.message, details), found, data, document)


def joined(head: str, details: Sequence[str]) -> str:
    """「不符合评估文件格式：id：应为文字；rubric：缺少必填项」: a heading that ends in 「：」 is
    followed by its details directly, never by a stray 「；」, and loses the 「：」 with none."""
    if not details:
        return head.rstrip("：")
    return head + ("" if head.endswith("：") else "；") + "；".join(details)
