"""The one place the register meets signature verification: a verdict as (reason code, Chinese).

Today `verify_json` reports Chinese problems only; this module names each with the reason code
the coming normative-field verifier will return itself (`Verification.reasons`, each with
`.code` and `.message`). When that verifier lands, `verdict` reads `reasons[0]` and the
message table below goes away; nothing else in the register changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509

from assessor.core.register.rows import Reason
from assessor.core.signing.json_signature import NOT_CANONICAL, TAMPERED, verify_json
from assessor.core.signing.verification import (
    BROKEN_SIGNATURE,
    TRAINING_DOCUMENT,
    TRAINING_REFUSED,
    UNKNOWN_SIGNER,
    Verification,
)

# verify_json's problems, by the start of their Chinese text, in the order it checks them.
_PREFIXES: tuple[tuple[str, Reason], ...] = (
    ("文件过大", Reason.too_large),
    ("不是合法的 JSON", Reason.not_json),
    ("顶层应为 JSON 对象", Reason.not_object),
    ("不符合评估文件格式", Reason.schema),
    ("文件未签名", Reason.unsigned),
    (NOT_CANONICAL, Reason.not_canonical),
    (BROKEN_SIGNATURE, Reason.signature_broken),
    ("签名中没有签名时间", Reason.signature_broken),
    (TAMPERED, Reason.tampered),
    (UNKNOWN_SIGNER, Reason.untrusted),
    ("签名或证书使用的算法", Reason.untrusted),
    ("签名者证书", Reason.untrusted),
    ("签名信息（", Reason.signature_info_altered),
    ("培训密钥签名的文件必须标记", Reason.signature_info_altered),
    (TRAINING_REFUSED, Reason.training),
    (TRAINING_DOCUMENT, Reason.training),
    ("评估尚未定稿", Reason.not_final),
    ("找不到评估所用的评估标准", Reason.rubric_unknown),
    ("文件中记录的评估结果", Reason.result_mismatch),
)


def reason_of(problem: str) -> Reason:
    """The code of one of verify_json's problems; the rest are per-indicator score problems."""
    if problem.startswith("签名时（"):
        return Reason.cert_expired if "已过期" in problem else Reason.cert_not_yet_valid
    for prefix, code in _PREFIXES:
        if problem.startswith(prefix):
            return code
    return Reason.score_invalid


@dataclass(frozen=True)
class Verdict:
    """The first reason the file fails (None: it passed) and verify_json's full finding."""

    reason: Reason | None
    message: str
    verification: Verification


def verdict(
    raw: bytes,
    trust_roots: Sequence[x509.Certificate],
    allow_training: bool,
    rubrics: Iterable[str | Path],
) -> Verdict:
    found = verify_json(raw, trust_roots, allow_training, rubrics=rubrics)
    if found.ok:
        return Verdict(None, "", found)
    message = "；".join(found.problems)
    return Verdict(reason_of(found.problems[0]), message, found)
