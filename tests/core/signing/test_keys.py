"""The commission CA, assessor keys, the key folder and the built-in training key."""

from __future__ import annotations

import traceback
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import load_pem_private_key, pkcs12
from cryptography.x509.oid import NameOID

from assessor.core.clock import now_utc
from assessor.core.problems import UserError
from assessor.core.signing.keys import (
    CA_KEY_FILE,
    import_key,
    init_ca,
    inspect_p12,
    issue_assessor,
    list_keys,
    load_ca,
    load_signer,
)
from assessor.core.signing.training import (
    TRAINING_CA_SHA256,
    fingerprint,
    is_training_certificate,
    training_ca,
)
from tests.core.signing.pki import CA_PASSPHRASE, KEY_PASSPHRASE, Pki

WRONG = "definitely-wrong-口令-42"


def _ext(cert: x509.Certificate, kind: type[x509.ExtensionType]) -> x509.Extension:
    return cert.extensions.get_extension_for_class(kind)


def test_ca_certificate_is_a_ca(pki: Pki) -> None:
    cert = pki.ca_cert
    constraints = _ext(cert, x509.BasicConstraints)
    assert constraints.critical and constraints.value.ca
    usage = _ext(cert, x509.KeyUsage)
    assert usage.critical and usage.value.key_cert_sign and usage.value.crl_sign
    assert not usage.value.digital_signature
    assert _ext(cert, x509.SubjectKeyIdentifier).value.digest
    cn = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    assert cn == "测试市卫生健康委员会 托育机构质量评估 CA"
    assert cert.issuer == cert.subject
    lifetime = cert.not_valid_after_utc - cert.not_valid_before_utc
    assert timedelta(days=3650) <= lifetime <= timedelta(days=3651)


def test_ca_private_key_is_passphrase_protected(pki: Pki) -> None:
    pem = (pki.ca_dir / CA_KEY_FILE).read_bytes()
    assert b"ENCRYPTED PRIVATE KEY" in pem
    with pytest.raises(TypeError):
        load_pem_private_key(pem, password=None)
    assert oct((pki.ca_dir / CA_KEY_FILE).stat().st_mode & 0o777) == "0o600"


def test_long_commission_name_keeps_full_name_in_organisation(tmp_path: Path) -> None:
    name = "黔东南苗族侗族自治州卫生健康委员会"
    cert = init_ca(tmp_path / "ca", name, CA_PASSPHRASE)
    assert cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == name
    assert (
        cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "托育机构质量评估 CA"
    )


def test_init_ca_never_overwrites(pki: Pki) -> None:
    with pytest.raises(UserError, match="已有 CA 文件"):
        init_ca(pki.ca_dir, "测试市卫生健康委员会", CA_PASSPHRASE)


def test_short_passphrase_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="至少需要 8 个字符"):
        init_ca(tmp_path / "ca", "测试", "short")
    assert not (tmp_path / "ca").exists()


def test_issued_certificate_is_an_end_entity_signing_certificate(pki: Pki) -> None:
    bundle = pkcs12.load_pkcs12(pki.key_path.read_bytes(), KEY_PASSPHRASE.encode())
    assert bundle.key is not None and bundle.cert is not None
    cert = bundle.cert.certificate
    assert [c.certificate for c in bundle.additional_certs] == [pki.ca_cert]
    constraints = _ext(cert, x509.BasicConstraints)
    assert constraints.critical and not constraints.value.ca
    usage = _ext(cert, x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment
    assert not usage.key_cert_sign and not usage.crl_sign
    aki = _ext(cert, x509.AuthorityKeyIdentifier).value.key_identifier
    assert aki == _ext(pki.ca_cert, x509.SubjectKeyIdentifier).value.digest
    assert _ext(cert, x509.SubjectKeyIdentifier).value.digest
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "张三"
    assert cert.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)[0].value == "T-001"
    cert.verify_directly_issued_by(pki.ca_cert)
    lifetime = cert.not_valid_after_utc - cert.not_valid_before_utc
    assert timedelta(days=1095) == lifetime


def test_inspect_p12(pki: Pki) -> None:
    info = inspect_p12(pki.key_path, KEY_PASSPHRASE)
    assert (info.name, info.assessor_id, info.training) == ("张三", "T-001", False)
    assert info.issuer == "测试市卫生健康委员会 托育机构质量评估 CA"
    assert info.not_before < now_utc() < info.not_after
    assert len(info.fingerprint) == 64
    assert info.problem_at(now_utc()) is None


def test_expired_key_says_so(pki: Pki) -> None:
    info = inspect_p12(pki.expired_key_path, KEY_PASSPHRASE)
    problem = info.problem_at(now_utc())
    assert problem is not None and "过期" in problem


def test_validity_is_capped_at_the_ca(tmp_path: Path, pki: Pki) -> None:
    ca = load_ca(pki.ca_dir, CA_PASSPHRASE)
    info = issue_assessor(
        ca,
        tmp_path / "long.p12",
        name="赵六",
        assessor_id="T-006",
        passphrase=KEY_PASSPHRASE,
        days=20000,
    )
    assert info.not_after == pki.ca_cert.not_valid_after_utc


@pytest.mark.parametrize(
    ("name", "assessor_id", "message"),
    [
        ("", "T-1", "姓名不能为空"),
        ("阿" * 22, "T-1", "姓名过长"),
        ("张三", "评估-1", "评估员编号"),
        ("张三", "", "评估员编号"),
    ],
)
def test_issue_checks_name_and_id(
    tmp_path: Path, pki: Pki, name: str, assessor_id: str, message: str
) -> None:
    ca = load_ca(pki.ca_dir, CA_PASSPHRASE)
    with pytest.raises(UserError, match=message):
        issue_assessor(
            ca, tmp_path / "x.p12", name=name, assessor_id=assessor_id, passphrase=KEY_PASSPHRASE
        )
    assert not (tmp_path / "x.p12").exists()


def test_issue_never_overwrites(pki: Pki) -> None:
    ca = load_ca(pki.ca_dir, CA_PASSPHRASE)
    with pytest.raises(UserError, match="不会覆盖"):
        issue_assessor(
            ca, pki.key_path, name="张三", assessor_id="T-001", passphrase=KEY_PASSPHRASE
        )


def _assert_hidden(exc: BaseException, secret: str) -> None:
    text = "".join(traceback.format_exception(exc))
    assert secret not in text
    assert secret.encode() not in text.encode()


@pytest.mark.parametrize("opener", [inspect_p12, load_signer])
def test_wrong_passphrase_is_a_plain_chinese_error(pki: Pki, opener) -> None:
    with pytest.raises(UserError) as caught:
        opener(pki.key_path, WRONG)
    assert "口令错误" in str(caught.value)
    _assert_hidden(caught.value, WRONG)
    # The right passphrase never leaks either.
    _assert_hidden(caught.value, KEY_PASSPHRASE)


def test_wrong_ca_passphrase(pki: Pki) -> None:
    with pytest.raises(UserError, match="口令错误") as caught:
        load_ca(pki.ca_dir, WRONG)
    _assert_hidden(caught.value, WRONG)


def test_missing_ca(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="找不到 CA 文件"):
        load_ca(tmp_path / "nowhere", CA_PASSPHRASE)


def test_signing_key_repr_shows_no_key_material(pki: Pki) -> None:
    key = load_signer(pki.key_path, KEY_PASSPHRASE)
    text = repr(key)
    assert "张三" in text
    assert "signer" not in text and "PRIVATE" not in text


def test_import_key_and_list(tmp_path: Path, pki: Pki) -> None:
    store = tmp_path / "keys"
    stored = import_key(pki.key_path, KEY_PASSPHRASE, store)
    assert stored.path.read_bytes() == pki.key_path.read_bytes()
    assert [k.info for k in list_keys(store)] == [stored.info]
    assert stored.info.name == "张三"
    for path in store.iterdir():
        assert KEY_PASSPHRASE.encode() not in path.read_bytes()
    with pytest.raises(UserError, match="已导入过"):
        import_key(pki.key_path, KEY_PASSPHRASE, store)
    # The stored copy signs with the passphrase asked for at signing time.
    assert load_signer(stored.path, KEY_PASSPHRASE).info == stored.info


def test_import_with_wrong_passphrase_stores_nothing(tmp_path: Path, pki: Pki) -> None:
    with pytest.raises(UserError, match="口令错误"):
        import_key(pki.key_path, WRONG, tmp_path / "keys")
    assert list_keys(tmp_path / "keys") == []


def test_training_key(trainer) -> None:
    assert fingerprint(training_ca()) == TRAINING_CA_SHA256
    assert trainer.info.training
    assert (trainer.info.name, trainer.info.assessor_id) == ("培训评估员", "TRAINING")
    assert trainer.info.problem_at(now_utc()) is None


def test_real_key_is_not_training(signer) -> None:
    assert not signer.info.training


def test_training_is_recognised_by_the_chain_not_by_names(tmp_path: Path) -> None:
    """A CA with exactly the training CA's name issuing 培训评估员/TRAINING is not training."""
    impostor = init_ca(tmp_path / "ca", "培训专用（公开密钥）", CA_PASSPHRASE)
    assert impostor.subject == training_ca().subject
    issue_assessor(
        load_ca(tmp_path / "ca", CA_PASSPHRASE),
        tmp_path / "k.p12",
        name="培训评估员",
        assessor_id="TRAINING",
        passphrase=KEY_PASSPHRASE,
    )
    key = load_signer(tmp_path / "k.p12", KEY_PASSPHRASE)
    assert not key.info.training
    assert not is_training_certificate(key.certificate)
    assert not is_training_certificate(impostor)
