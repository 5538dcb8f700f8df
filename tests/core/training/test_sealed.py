"""Sealed test samples: the reference is CMS EnvelopedData to a trainer key, nothing else opens
it, and no package folder holds it in the open."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
)

from assessor.core.paths import assets_dir
from assessor.core.problems import UserError
from assessor.core.signing.trainer_key import (
    load_trainer_key,
    load_trainer_signer,
    read_trainer_certificate,
)
from assessor.core.signing.training import training_key_path
from assessor.core.training.catalogue import all_samples
from assessor.core.training.sample import load_sample, sample_json
from assessor.core.training.sealed import (
    SealedSample,
    load_any_sample,
    parse_any_sample,
    seal_sample,
    sealed_json,
    unseal,
)
from tests.trainer_keys import DEMO_CERT, DEMO_KEY, DEMO_PASSPHRASE
from tests.training_samples import PLAIN_TEST_SAMPLES, plain_sample_paths

PACKAGE_FOLDERS = [Path(__file__).parents[3] / name for name in ("assessor", "assets", "rubrics")]
PLAIN = sorted(PLAIN_TEST_SAMPLES.glob("*.json"))


@pytest.fixture(scope="module")
def key():
    return load_trainer_key(DEMO_KEY, DEMO_PASSPHRASE)


@pytest.fixture(scope="module")
def trainer_ca(tmp_path_factory):
    from assessor.core.signing.keys import init_ca, load_ca

    folder = tmp_path_factory.mktemp("ca")
    init_ca(folder, "另一市卫生健康委员会", "ca-passphrase")
    return load_ca(folder, "ca-passphrase")


@pytest.fixture(scope="module")
def signer():
    return load_trainer_signer(DEMO_KEY, DEMO_PASSPHRASE)


@pytest.fixture(scope="module")
def cert():
    return read_trainer_certificate(DEMO_CERT)


def test_the_bundled_test_samples_ship_sealed_and_open_with_the_trainer_key(key) -> None:
    assert PLAIN, "the plain originals of the test samples are kept in tests/data"
    shipped = {s.id: s for s in all_samples(None).samples}
    for path in PLAIN:
        plain = load_sample(path)
        sealed = shipped[plain.id]
        assert isinstance(sealed, SealedSample)
        assert unseal(sealed, key) == plain
    assert all(isinstance(s, SealedSample) == (s.mode == "test") for s in shipped.values()), (
        "practice samples stay open, test samples are sealed"
    )


def test_a_sealed_file_holds_no_reference_in_the_open(cert, signer) -> None:
    plain = load_sample(PLAIN[0])
    text = sealed_json(seal_sample(plain, [cert], signer)).decode("utf-8")
    data = json.loads(text)
    assert "reference" not in text and "expected_grade" not in text
    assert all(set(entry) == {"indicator", "found"} for entry in data["dossier"])
    assert not any(
        e.reference.rationale in text for e in plain.dossier if len(e.reference.rationale) > 6
    )
    assert [e["found"] for e in data["dossier"]] == [e.found for e in plain.dossier]


def _rationales_only_in_test_samples() -> set[str]:
    """Rationale texts of test samples; a text a practice sample also says verbatim (such as
    「学时达标。」) ships open with that practice sample and tells nothing of the test."""
    practice = "\n".join(
        text
        for p in plain_sample_paths()
        if (s := load_sample(p)).mode == "practice"
        for e in s.dossier
        for text in (e.found, e.reference.rationale)
    )
    rationales = {e.reference.rationale for p in PLAIN for e in load_sample(p).dossier}
    return {r for r in rationales if r not in practice}


def test_no_package_folder_holds_a_test_sample_rationale() -> None:
    rationales = _rationales_only_in_test_samples()
    assert len(rationales) > 100  # three samples of 132 indicators, mostly their own words
    needles = [r.encode("utf-8") for r in rationales]
    found = []
    for folder in PACKAGE_FOLDERS:
        for path in folder.rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                data = path.read_bytes()
                found += [(path, n.decode()) for n in needles if n in data]
    assert found == []


def test_openssl_cms_decrypt_opens_a_sealed_reference(tmp_path: Path, key, cert, signer) -> None:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    plain = load_sample(PLAIN[0])
    sealed = seal_sample(plain, [cert], signer)
    (tmp_path / "ref.der").write_bytes(base64.b64decode(sealed.seal.cms))
    (tmp_path / "key.pem").write_bytes(
        key.key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    )
    out = subprocess.run(
        ["openssl", "cms", "-decrypt", "-binary", "-inform", "DER",
         "-in", str(tmp_path / "ref.der"), "-recip", str(DEMO_CERT),
         "-inkey", str(tmp_path / "key.pem")],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    # The plain sample file, and the sealing trainer's signature over its bytes.
    opened = json.loads(out)
    assert opened["sample"].encode("utf-8") == sample_json(plain)
    assert opened["signature"]["signer"] == {"name": "示范培训师", "assessor_id": "TR-DEMO-01"}
    info = subprocess.run(
        ["openssl", "cms", "-cmsout", "-print", "-inform", "DER", "-in", str(tmp_path / "ref.der")],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "pkcs7-envelopedData" in info and "aes-256-cbc" in info


def test_only_a_trainer_key_it_was_sealed_to_opens_it(
    tmp_path: Path, key, cert, signer, trainer_ca
) -> None:
    from assessor.core.signing.trainer_key import issue_trainer

    other = tmp_path / "other.p12"
    issue_trainer(
        trainer_ca, other, name="另一位培训师", trainer_id="TR-2", passphrase="another-pass"
    )
    stranger = load_trainer_key(other, "another-pass")
    sealed = seal_sample(load_sample(PLAIN[0]), [cert], signer)
    with pytest.raises(UserError, match=r"不是密封给培训师 另一位培训师 的.*密封给：示范培训师"):
        unseal(sealed, stranger)
    with pytest.raises(UserError, match="口令错误"):
        load_trainer_key(DEMO_KEY, "wrong passphrase")
    # Sealed to both by the demonstration trainer: the demonstration key opens it.
    both = seal_sample(load_sample(PLAIN[0]), [cert, stranger.certificate], signer)
    assert unseal(both, key) == load_sample(PLAIN[0])


def test_a_reference_sealed_by_anyone_but_a_trainer_of_the_city_is_refused(
    tmp_path: Path, key, cert, trainer_ca
) -> None:
    """The trainer certificate is public: someone with a trainer key of another CA (or none)
    seals a reference of their choosing to it. The trainer's key opens the seal and refuses it."""
    from assessor.core.signing.keys import training_signer
    from assessor.core.signing.trainer_key import issue_trainer

    other = tmp_path / "forger.p12"
    issue_trainer(trainer_ca, other, name="冒名者", trainer_id="TR-X", passphrase="forger-pass")
    plain = load_sample(PLAIN[0])
    forged = plain.model_copy(
        update={
            "dossier": [
                e.model_copy(
                    update={"reference": e.reference.model_copy(update={"rationale": "我定的"})}
                )
                for e in plain.dossier
            ]
        }
    )
    sealed = seal_sample(forged, [cert], load_trainer_signer(other, "forger-pass"))
    with pytest.raises(UserError, match="没有本市培训师的有效签名"):
        unseal(sealed, key)
    with pytest.raises(UserError, match="须由培训师密钥签名"):
        seal_sample(plain, [cert], training_signer())  # an assessor key cannot seal either


def test_an_assessor_key_can_neither_receive_nor_open_a_seal(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.serialization import pkcs12

    from assessor.core.signing.training import TRAINING_PASSPHRASE

    bundle = pkcs12.load_pkcs12(training_key_path().read_bytes(), TRAINING_PASSPHRASE.encode())
    assert bundle.cert is not None
    pem = tmp_path / "assessor.pem"
    pem.write_bytes(bundle.cert.certificate.public_bytes(Encoding.PEM))
    with pytest.raises(UserError, match="不是 RSA 密钥"):
        read_trainer_certificate(pem)
    with pytest.raises(UserError, match="不是培训师密钥"):
        load_trainer_key(training_key_path(), TRAINING_PASSPHRASE)


def test_a_changed_open_part_or_a_broken_seal_is_refused(key, cert, signer) -> None:
    sealed = seal_sample(load_sample(PLAIN[0]), [cert], signer)
    data = json.loads(sealed_json(sealed))
    data["dossier"][3]["found"] += "（另补充：现场一切正常。）"
    with pytest.raises(UserError, match="与公开的机构信息或档案不一致"):
        unseal(parse_any_sample(json.dumps(data, ensure_ascii=False), "x"), key)
    data = json.loads(sealed_json(sealed))
    data["seal"]["cms"] = data["seal"]["cms"][:-40] + "A" * 40
    with pytest.raises(UserError, match="密封内容已损坏"):
        unseal(parse_any_sample(json.dumps(data), "x"), key)


def test_practice_samples_are_never_sealed(cert, signer) -> None:
    practice = next(s for p in plain_sample_paths() if (s := load_sample(p)).mode == "practice")
    with pytest.raises(UserError, match="练习样例"):
        seal_sample(practice, [cert], signer)


def test_the_seal_tool_reseals_only_what_changed(tmp_path: Path) -> None:
    from assessor.devtools.seal_samples import seal_all

    out = tmp_path / "samples"
    out.mkdir()
    first = seal_all(PLAIN_TEST_SAMPLES, out)
    assert [s.changed for s in first] == [True] * len(PLAIN)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert [s.changed for s in seal_all(PLAIN_TEST_SAMPLES, out)] == [False] * len(PLAIN)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert isinstance(load_any_sample(out / PLAIN[0].name), SealedSample)
    assert assets_dir() not in out.parents


def test_a_data_folder_file_never_stands_in_for_a_bundled_sample(
    tmp_path: Path, cert, signer
) -> None:
    """A trainee's own file with a bundled test sample's id (say, sealed to the trainer with
    a reference of their choosing) is ignored and named."""
    plain = load_sample(PLAIN[0])
    own = tmp_path / "training" / "samples"
    own.mkdir(parents=True)
    (own / "forged.json").write_bytes(sealed_json(seal_sample(plain, [cert], signer)))
    catalogue = all_samples(tmp_path)
    assert [s.id for s in catalogue.samples].count(plain.id) == 1
    assert any("forged.json" in b and "已被前面的样例使用" in b for b in catalogue.broken)
