"""Sealed test samples: the profile and dossier in the open, the reference encrypted to trainers.

A test sample as shipped to trainees holds what an assessor finds on the day (the profile and
every dossier entry's findings) but not the reference scoring or its rationale: the whole plain
sample file is encrypted as CMS EnvelopedData (RFC 5652, AES-256-CBC, RSA key transport) to one
or more trainer certificates, so `openssl cms -decrypt` opens it as well as this app. Only a
trainer key opens it; the app on a trainee's laptop can let them score the centre but can never
compare, and so never reveals a reference level.

Opening checks that the sealed plain sample has the very profile and findings the open part
shows, so a trainer never judges a scoring against another centre than the trainee saw.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import date
from pathlib import Path
from typing import Literal

from cryptography import x509
from cryptography.hazmat.primitives.ciphers import algorithms
from cryptography.hazmat.primitives.serialization import Encoding, pkcs7
from pydantic import Field, ValidationError

from assessor.core.assessment.model import Centre, RubricRef
from assessor.core.problems import ProblemsError, UserError, problems_from_validation
from assessor.core.safe_input import parse_json_object, read_regular_file
from assessor.core.signing.keys import key_info
from assessor.core.signing.trainer_key import TrainerKey
from assessor.core.signing.training import fingerprint
from assessor.core.training.sample import (
    MAX_SAMPLE_BYTES,
    SampleCentre,
    Strict,
    parse_sample,
    sample_json,
)

SEALED_FORMAT = "assessor.sealed-sample/1"


class Finding(Strict):
    indicator: str = Field(min_length=1, description="条款号，如 9.4.3")
    found: str = Field(min_length=1, description="评估当天的发现")


class Recipient(Strict):
    name: str = Field(description="培训师姓名（证书中的姓名）")
    fingerprint: str = Field(
        pattern=r"^[0-9a-f]{64}$", description="培训师证书的 SHA-256 指纹（DER）"
    )


class Seal(Strict):
    recipients: list[Recipient] = Field(min_length=1)
    cms: str = Field(
        min_length=1,
        description="base64 编码的 CMS EnvelopedData（DER），内容为完整的样例文件（assessor.sample/1）",
    )


class SealedSample(Strict):
    """A test sample whose reference only trainers can open."""

    format: Literal["assessor.sealed-sample/1"] = SEALED_FORMAT
    id: str = Field(pattern=r"^[a-z0-9-]+$", max_length=60, description="样例编号")
    title: str = Field(min_length=1, max_length=100)
    mode: Literal["test"] = "test"
    difficulty: Literal["easy", "medium", "hard"]
    summary: str = Field(min_length=1)
    rubric: RubricRef
    centre: Centre
    visit_date: date
    dossier: list[Finding] = Field(min_length=1)
    seal: Seal


AnySample = SampleCentre | SealedSample


def _open_part(sample: SampleCentre) -> dict:
    """What a sealed sample shows of `sample`, as the sealed file holds it."""
    data = sample.model_dump(
        mode="json", exclude={"format", "expected_grade", "expected_total", "dossier"}
    )
    data["dossier"] = [{"indicator": e.indicator, "found": e.found} for e in sample.dossier]
    return data


def seal_sample(sample: SampleCentre, certificates: list[x509.Certificate]) -> SealedSample:
    """Encrypt `sample` to the trainer certificates; a practice sample stays open."""
    if sample.mode != "test":
        raise UserError(f"样例 {sample.id} 是练习样例：练习样例提交后就显示参考评分，不密封")
    if not certificates:
        raise UserError("请至少指定一个培训师证书")
    builder = (
        pkcs7.PKCS7EnvelopeBuilder()
        .set_data(sample_json(sample))
        .set_content_encryption_algorithm(algorithms.AES256)
    )
    for cert in certificates:
        builder = builder.add_recipient(cert)
    der = builder.encrypt(Encoding.DER, [pkcs7.PKCS7Options.Binary])
    seal = Seal(
        recipients=[
            Recipient(
                name=key_info(c).name or c.subject.rfc4514_string(), fingerprint=fingerprint(c)
            )
            for c in certificates
        ],
        cms=base64.b64encode(der).decode("ascii"),
    )
    return SealedSample.model_validate({**_open_part(sample), "seal": seal})


def unseal(sealed: SealedSample, key: TrainerKey) -> SampleCentre:
    """The plain sample inside `sealed`, opened with a trainer key it was sealed to."""
    if key.fingerprint not in {r.fingerprint for r in sealed.seal.recipients}:
        names = "、".join(r.name for r in sealed.seal.recipients)
        raise UserError(
            f"测试样例 {sealed.id} 不是密封给培训师 {key.name} 的，打不开（密封给：{names}）"
        )
    try:
        der = base64.b64decode(sealed.seal.cms, validate=True)
        plain = pkcs7.pkcs7_decrypt_der(der, key.certificate, key.key, [])
    except (ValueError, binascii.Error):
        raise UserError(f"测试样例 {sealed.id} 的密封内容已损坏，无法打开") from None
    try:
        sample = parse_sample(plain, f"{sealed.id}（密封内容）")
    except ProblemsError as exc:
        raise UserError(f"测试样例 {sealed.id} 的密封内容不是有效的样例：{exc}") from exc
    shown = sealed.model_dump(mode="json", exclude={"format", "seal"})
    if _open_part(sample) != shown:
        raise UserError(
            f"测试样例 {sealed.id} 的密封内容与公开的机构信息或档案不一致，可能被改动过，不能据此评判"
        )
    return sample


def parse_any_sample(raw: bytes | str, where: str) -> AnySample:
    """An open sample (`assessor.sample/1`) or a sealed one, told apart by its `format`."""
    data = parse_json_object(raw, where)
    model = SealedSample if data.get("format") == SEALED_FORMAT else SampleCentre
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ProblemsError(problems_from_validation(where, exc)) from exc


def load_any_sample(path: str | Path) -> AnySample:
    return parse_any_sample(read_regular_file(Path(path), MAX_SAMPLE_BYTES), str(path))


def sealed_json(sample: SealedSample) -> bytes:
    """The file form, as `sample_json` writes open samples."""
    data = sample.model_dump(mode="json")
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
