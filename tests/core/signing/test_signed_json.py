"""Signing and verifying the JSON export with real keys."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Callable
from pathlib import Path

import pytest
import rfc8785
from asn1crypto import cms
from hypothesis import given, settings
from hypothesis import strategies as st
from pyhanko.sign.validation.generic_cms import async_validate_detached_cms

from assessor.core.assessment.model import Status
from assessor.core.canonical import canonical_bytes
from assessor.core.clock import now_utc
from assessor.core.document.model import AssessmentDocument, parse_assessment
from assessor.core.document.signed import document_bytes, sign_document
from assessor.core.document.verify import NOT_CANONICAL, verify_json
from assessor.core.problems import UserError
from assessor.core.signing.keys import KeyInfo, SigningKey, load_signer
from assessor.core.signing.training import training_ca
from assessor.core.signing.verification import (
    TRAINING_REFUSED,
    UNKNOWN_SIGNER,
    validation_context,
)
from tests.core.signing.pki import KEY_PASSPHRASE, Pki

MakeDocument = Callable[..., AssessmentDocument]


@pytest.fixture(scope="module")
def signed_raw(document: MakeDocument, signer: SigningKey) -> bytes:
    return document_bytes(sign_document(document(), signer))


def _verify(raw: bytes, pki: Pki, rubric_path: Path, **kwargs):
    options = {"allow_training": False, "rubrics": [rubric_path]} | kwargs
    roots = options.pop("roots", [pki.ca_cert])
    return verify_json(raw, roots, options.pop("allow_training"), **options)


def _resign(data: dict, signer: SigningKey) -> bytes:
    return document_bytes(sign_document(AssessmentDocument.model_validate(data), signer))


def test_sign_and_verify(signed_raw: bytes, pki: Pki, rubric_path: Path) -> None:
    result = _verify(signed_raw, pki, rubric_path)
    assert result.ok, result.problems
    data = json.loads(signed_raw)
    assert result.trusted and not result.training
    assert (result.signer, result.assessor_id) == ("张三", "T-001")
    assert (result.assessment_id, result.version) == (data["id"], 1)
    assert result.signed_at is not None
    assert result.signed_at.isoformat().replace("+00:00", "Z") == data["signature"]["signed_at"]


def test_the_file_is_its_own_canonical_form(signed_raw: bytes) -> None:
    data = json.loads(signed_raw)
    assert rfc8785.dumps(data) == signed_raw
    assert "阳光托育中心".encode() in signed_raw  # UTF-8, not \u escapes
    # The app's reader takes the signed file as it is, and writing it again gives the same bytes.
    parsed = parse_assessment(signed_raw, "f.json")
    assert isinstance(parsed, AssessmentDocument)
    assert canonical_bytes(parsed) == signed_raw


def test_signature_covers_the_canonical_document_without_its_signature(
    signed_raw: bytes, pki: Pki
) -> None:
    """Checked with pyHanko directly, not through verify_json."""
    data = json.loads(signed_raw)
    block = data.pop("signature")
    signed_data = cms.ContentInfo.load(base64.b64decode(block["cms"]))["content"]
    status = asyncio.run(
        async_validate_detached_cms(
            rfc8785.dumps(data),
            signed_data,
            signer_validation_context=validation_context([pki.ca_cert], now_utc()),
        )
    )
    assert status.intact and status.valid and status.trusted
    assert block["chain"][0].startswith("-----BEGIN CERTIFICATE-----")
    assert len(block["chain"]) == 2
    assert block["signer"] == {"name": "张三", "assessor_id": "T-001"}


def test_wrong_trust_root_is_an_unknown_signer(
    signed_raw: bytes, pki: Pki, rubric_path: Path
) -> None:
    result = _verify(signed_raw, pki, rubric_path, roots=[pki.other_ca_cert])
    assert result.problems == (UNKNOWN_SIGNER,)
    assert not result.trusted
    assert result.signer == "张三"  # still reported, for the quarantine reason


def test_training_signature_is_refused_unless_allowed(
    document: MakeDocument, trainer: SigningKey, pki: Pki, rubric_path: Path
) -> None:
    signed = sign_document(document(), trainer)
    assert signed.training and signed.signature is not None and signed.signature.training
    raw = document_bytes(signed)
    roots = [pki.ca_cert, training_ca()]
    refused = _verify(raw, pki, rubric_path, roots=roots)
    assert refused.problems == (TRAINING_REFUSED,)
    assert refused.training and refused.trusted
    allowed = _verify(raw, pki, rubric_path, roots=roots, allow_training=True)
    assert allowed.ok and allowed.training
    assert allowed.signer == "培训评估员"


def test_training_document_signed_with_a_real_key_is_not_official(
    document: MakeDocument, signer: SigningKey, pki: Pki, rubric_path: Path
) -> None:
    raw = document_bytes(sign_document(document(training=True), signer))
    result = _verify(raw, pki, rubric_path)
    assert len(result.problems) == 1 and "培训/样例" in result.problems[0]
    assert _verify(raw, pki, rubric_path, allow_training=True).ok


def test_removing_the_training_marks_breaks_the_signature(
    document: MakeDocument, trainer: SigningKey, rubric_path: Path, pki: Pki
) -> None:
    data = json.loads(document_bytes(sign_document(document(), trainer)))
    data["training"] = False
    data["signature"]["training"] = False
    result = _verify(rfc8785.dumps(data), pki, rubric_path, roots=[training_ca()])
    assert not result.ok
    assert result.training  # the chain still says so
    assert any("签名与内容不符" in p for p in result.problems)
    assert TRAINING_REFUSED in result.problems


def test_expired_certificate_is_a_clear_reason(
    document: MakeDocument, pki: Pki, rubric_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expired = load_signer(pki.expired_key_path, KEY_PASSPHRASE)
    with pytest.raises(UserError, match="过期"):
        sign_document(document(), expired)
    # A file signed anyway (older app, other tool) must still be rejected on verification.
    monkeypatch.setattr(KeyInfo, "problem_at", lambda self, moment: None)
    raw = document_bytes(sign_document(document(), expired))
    result = _verify(raw, pki, rubric_path)
    assert len(result.problems) == 1
    assert "评估员证书已过期" in result.problems[0]
    assert not result.trusted


def test_only_final_assessments_are_signed(document: MakeDocument, signer: SigningKey) -> None:
    draft = document().model_copy(update={"status": Status.draft})
    with pytest.raises(UserError, match="已定稿"):
        sign_document(draft, signer)


def test_result_that_does_not_match_the_scores_is_caught_even_when_signed(
    document: MakeDocument, signer: SigningKey, pki: Pki, rubric_path: Path
) -> None:
    data = document().model_dump(mode="json")
    data["result"]["total"] = 99
    data["result"]["grade"] = "A"
    result = _verify(_resign(data, signer), pki, rubric_path)
    assert result.trusted
    assert len(result.problems) == 1
    assert "与按各指标得分重新计算的结果不一致" in result.problems[0]
    assert "总分 99" in result.problems[0]


def test_score_not_allowed_by_the_rubric(
    document: MakeDocument, signer: SigningKey, pki: Pki, rubric_path: Path
) -> None:
    data = document().model_dump(mode="json")
    data["scores"][0]["score"] = 3.5
    result = _verify(_resign(data, signer), pki, rubric_path)
    assert any("不是允许的分值" in p for p in result.problems)


def test_unknown_rubric(signed_raw: bytes, pki: Pki, rubric_path: Path) -> None:
    result = _verify(signed_raw, pki, rubric_path, rubrics=[])
    assert len(result.problems) == 1
    assert "找不到评估所用的评估标准" in result.problems[0]


def test_pretty_printed_file_is_reported_as_non_canonical(
    signed_raw: bytes, pki: Pki, rubric_path: Path
) -> None:
    pretty = json.dumps(json.loads(signed_raw), ensure_ascii=False, indent=2).encode()
    assert _verify(pretty, pki, rubric_path).problems == (NOT_CANONICAL,)


def test_signer_block_must_match_the_certificate(
    signed_raw: bytes, pki: Pki, rubric_path: Path
) -> None:
    data = json.loads(signed_raw)
    data["signature"]["signer"]["name"] = "王五"
    result = _verify(rfc8785.dumps(data), pki, rubric_path)
    assert len(result.problems) == 1 and "签名信息" in result.problems[0]
    assert result.signer == "张三"  # what the certificate says


def test_content_change_breaks_the_signature(
    signed_raw: bytes, pki: Pki, rubric_path: Path
) -> None:
    data = json.loads(signed_raw)
    data["centre"]["name"] = "月亮托育中心"
    result = _verify(rfc8785.dumps(data), pki, rubric_path)
    assert result.problems == ("文件内容被改动：签名与内容不符",)


def test_unsigned_and_malformed_files(document: MakeDocument, pki: Pki, rubric_path: Path) -> None:
    assert _verify(document_bytes(document()), pki, rubric_path).problems == ("文件未签名",)
    assert "不是合法的 JSON" in _verify(b"{not json", pki, rubric_path).problems[0]
    assert _verify(b"[]", pki, rubric_path).problems == ("顶层应为 JSON 对象",)


def test_schema_violation(signed_raw: bytes, pki: Pki, rubric_path: Path) -> None:
    data = json.loads(signed_raw)
    del data["result"]
    data["surprise"] = 1
    result = _verify(rfc8785.dumps(data), pki, rubric_path)
    assert result.problems[0] == "不符合评估文件格式："
    assert "surprise：不认识的字段（拼写错误或格式版本不符）" in result.problems


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_flipping_any_byte_fails_verification(
    data: st.DataObject, signed_raw: bytes, pki: Pki, rubric_path: Path
) -> None:
    position = data.draw(st.integers(0, len(signed_raw) - 1), label="position")
    mask = data.draw(st.integers(1, 255), label="xor")
    flipped = bytearray(signed_raw)
    flipped[position] ^= mask
    result = _verify(bytes(flipped), pki, rubric_path)
    assert not result.ok
    assert all(isinstance(p, str) and p for p in result.problems)
