"""Sealed test samples: the profile and dossier in the open, the reference encrypted to trainers.

A test sample as shipped to trainees holds what an assessor finds on the day (the profile and
every dossier entry's findings) but not the reference scoring or its rationale. Those are in
the seal: CMS EnvelopedData (RFC 5652, AES-256-CBC, RSA key transport) to one or more trainer
certificates, so `openssl cms -decrypt` opens it as well as this app, of a small JSON object:
the plain sample file (`sample`, as text) and the sealing trainer's detached CMS signature over
its bytes (`signature`, the JSON export's envelope). Only a trainer key opens it; the app on a
trainee's laptop can let them score the centre but can never compare, and so never reveals a
reference level.

Opening checks that a trainer of the opening key's CA signed the sealed sample (the trainer
certificates are public, so anyone could seal a reference of their choosing to them), and that
it has the very profile and findings the open part shows, so a trainer never judges a scoring
against another centre or another reference than the one sealed.
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
from assessor.core.clock import now_utc
from assessor.core.problems import ProblemsError, UserError, problems_from_validation
from assessor.core.safe_input import parse_json_object, read_regular_file
from assessor.core.signing.json_envelope import SignatureBlock, check_envelope, sign_payload
from assessor.core.signing.keys import SigningKey, key_info
from assessor.core.signing.trainer_key import TrainerKey, is_trainer_certificate
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


def seal_sample(
    sample: SampleCentre, certificates: list[x509.Certificate], signer: SigningKey
) -> SealedSample:
    """Encrypt `sample`, signed by the sealing trainer, to the trainer certificates; a practice
    sample stays open."""
    if sample.mode != "test":
        raise UserError(f"样例 {sample.id} 是练习样例：练习样例提交后就显示参考评分，不密封")
    if not certificates:
        raise UserError("请至少指定一个培训师证书")
    if not is_trainer_certificate(signer.certificate):
        raise UserError("密封测试样例须由培训师密钥签名（keys issue --role trainer 签发）")
    plain = sample_json(sample)
    signature = sign_payload(plain, signer, now_utc())
    content = {"sample": plain.decode("utf-8"), "signature": signature.model_dump(mode="json")}
    builder = (
        pkcs7.PKCS7EnvelopeBuilder()
        .set_data(json.dumps(content, ensure_ascii=False).encode("utf-8"))
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
        content = pkcs7.pkcs7_decrypt_der(der, key.certificate, key.key, [])
    except (ValueError, binascii.Error):
        raise UserError(f"测试样例 {sealed.id} 的密封内容已损坏，无法打开") from None
    plain = _signed_sample(sealed.id, content, key)
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


def _signed_sample(sample_id: str, content: bytes, key: TrainerKey) -> bytes:
    """The sealed sample's bytes, once its signature is a trainer's of the key's own CA."""
    unsigned = f"测试样例 {sample_id} 的参考评分没有本市培训师的有效签名，不能据此评判"
    try:
        data = parse_json_object(content, f"{sample_id}（密封内容）")
        plain = str(data["sample"]).encode("utf-8")
        block = SignatureBlock.model_validate(data["signature"])
    except (ProblemsError, KeyError, ValidationError):
        raise UserError(unsigned) from None
    roots = [key.ca] if key.ca is not None else []
    check = check_envelope(plain, block, data["signature"], roots)
    if check.reasons:
        raise UserError(f"{unsigned}：{check.reasons[0].message}")
    if not is_trainer_certificate(check.chain[0]):
        raise UserError(f"{unsigned}：签名者 {check.signer} 不是培训师")
    return plain


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
