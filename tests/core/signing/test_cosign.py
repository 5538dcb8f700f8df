"""Co-signing: one CMS SignedData with one SignerInfo per team member over the same payload, and
one incremental PDF signature per member; checked here and by openssl and pyHanko's CLI."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import rfc8785

from assessor.core.assessment.team import Team, TeamMember
from assessor.core.clock import now_utc
from assessor.core.document.cosign import cosign_document
from assessor.core.document.model import AssessmentDocument
from assessor.core.document.signed import document_bytes, signed_payload
from assessor.core.document.verify import verify_json
from assessor.core.problems import UserError
from assessor.core.signing.keys import SigningKey, issue_assessor, load_ca, load_signer
from assessor.core.signing.pdf_signature import cosign_pdf, sign_pdf, verify_pdf
from tests.core.signing.pki import CA_PASSPHRASE, KEY_PASSPHRASE, SIGNATURE_BOX, Pki

PYHANKO = Path(sys.executable).with_name("pyhanko")
MEMBERS = (("张三", "T-001"), ("王五", "T-005"), ("赵六", "T-006"))


@pytest.fixture(scope="module")
def team_keys(pki: Pki, signer: SigningKey, tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("team-keys")
    ca = load_ca(pki.ca_dir, CA_PASSPHRASE)
    keys = [signer]
    for name, assessor_id in MEMBERS[1:]:
        path = folder / f"{assessor_id}.p12"
        issue_assessor(ca, path, name=name, assessor_id=assessor_id, passphrase=KEY_PASSPHRASE)
        keys.append(load_signer(path, KEY_PASSPHRASE))
    return keys


@pytest.fixture
def team_document(document) -> AssessmentDocument:
    members = [TeamMember(name=n, assessor_id=i, body="卫生健康委") for n, i in MEMBERS]
    team = Team(leader=members[0].id, members=members)
    return document().model_copy(update={"team": team, "signatures_expected": 3})


def _cosigned(document: AssessmentDocument, keys: list[SigningKey]) -> AssessmentDocument:
    """Signed in turn, a minute apart (the block lists signers by signing time)."""
    start = now_utc() - timedelta(minutes=10)
    for n, key in enumerate(keys):
        document = cosign_document(document, key, start + timedelta(minutes=n))
    return document


def test_three_members_sign_one_signed_data(team_document, team_keys, pki: Pki, rubric_path):
    signed = _cosigned(team_document, team_keys)
    raw = document_bytes(signed)
    found = verify_json(raw, [pki.ca_cert], False, rubrics=[rubric_path])
    assert found.ok, found.problems
    assert [s.name for s in found.signers] == ["张三", "王五", "赵六"]
    assert all(s.ok for s in found.signers) and found.signatures_expected == 3
    from asn1crypto import cms

    der = base64.b64decode(signed.signature.cms)
    signed_data = cms.ContentInfo.load(der)["content"]
    assert len(signed_data["signer_infos"]) == 3


def test_missing_signatures_are_counted(team_document, team_keys, pki: Pki, rubric_path):
    partial = _cosigned(team_document, team_keys[:1])
    found = verify_json(document_bytes(partial), [pki.ca_cert], False, rubrics=[rubric_path])
    assert found.codes == ("signatures_incomplete",)
    assert found.problems == ("尚缺 2 名评估组成员签名",)
    with pytest.raises(UserError, match="已经签署过"):
        cosign_document(partial, team_keys[0])


def test_a_stranger_cannot_cosign(team_document, team_keys, pki: Pki, tmp_path: Path):
    ca = load_ca(pki.ca_dir, CA_PASSPHRASE)
    issue_assessor(
        ca, tmp_path / "x.p12", name="外人", assessor_id="T-099", passphrase=KEY_PASSPHRASE
    )
    stranger = load_signer(tmp_path / "x.p12", KEY_PASSPHRASE)
    with pytest.raises(UserError, match="不是本评估组中持有密钥的成员"):
        cosign_document(_cosigned(team_document, team_keys[:1]), stranger)


def _asn1(pem: str):
    from cryptography import x509

    from assessor.core.signing.verification import to_asn1

    return to_asn1(x509.load_pem_x509_certificate(pem.encode()))


def _edited(raw: bytes, change) -> bytes:
    data = json.loads(raw)
    change(data)
    return rfc8785.dumps(data)


def test_dropping_or_reordering_a_signer_or_flipping_a_byte_is_detected(
    team_document, team_keys, pki: Pki, rubric_path
):
    from asn1crypto import cms

    signed = _cosigned(team_document, team_keys)
    raw = document_bytes(signed)

    def rebuilt(keep_info, keep_cert, keep_signer) -> bytes:
        def change(data):
            info = cms.ContentInfo.load(base64.b64decode(data["signature"]["cms"]))
            content = info["content"]
            infos = [i for i in content["signer_infos"] if keep_info(i)]
            content["signer_infos"] = cms.SignerInfos(infos)
            certs = [c for c in content["certificates"] if keep_cert(c.chosen)]
            content["certificates"] = cms.CertificateSet(certs)
            data["signature"]["cms"] = base64.b64encode(info.dump(force=True)).decode()
            block = data["signature"]
            block["cosigners"] = [c for c in block["cosigners"] if keep_signer(c)]
            block["certificates"] = [pem for pem in block["certificates"] if keep_cert(_asn1(pem))]

        return _edited(raw, change)

    def check(bad: bytes) -> tuple[str, ...]:
        return verify_json(bad, [pki.ca_cert], False, rubrics=[rubric_path]).codes

    last = team_keys[2].chain[0]

    def not_last_info(i) -> bool:
        return i["sid"].chosen["serial_number"].native != last.serial_number

    def not_last_cert(c) -> bool:
        return c.serial_number != last.serial_number

    # Dropping a signer consistently everywhere leaves a file that lacks a signature.
    dropped = rebuilt(not_last_info, not_last_cert, lambda c: c["signer"]["name"] != "赵六")
    assert check(dropped) == ("signatures_incomplete",)
    # Dropping only the SignerInfo, or only the block entry, breaks the layout or the block.
    assert "signature_broken" in check(rebuilt(not_last_info, lambda c: True, lambda c: True))
    assert "signature_info_altered" in check(
        rebuilt(lambda i: True, lambda c: True, lambda c: c["signer"]["name"] != "赵六")
    )

    def reordered(data):
        info = cms.ContentInfo.load(base64.b64decode(data["signature"]["cms"]))
        content = info["content"]
        infos = list(content["signer_infos"])
        content["signer_infos"] = cms.SignerInfos([infos[1], infos[0], infos[2]])
        # asn1crypto sorts a SET OF when it encodes one; splice the reordered SET in by hand.
        original = info.dump()
        swapped = infos[1].dump() + infos[0].dump() + infos[2].dump()
        data["signature"]["cms"] = base64.b64encode(
            original.replace(b"".join(i.dump() for i in infos), swapped)
        ).decode()

    assert "signature_broken" in check(_edited(raw, reordered))
    flipped = raw.replace("阳光托育中心".encode(), "阳光托育中兴".encode())
    assert "tampered" in check(flipped)
    for position in range(0, len(raw), max(1, len(raw) // 40)):
        damaged = bytearray(raw)
        damaged[position] ^= 0x01
        assert not verify_json(bytes(damaged), [pki.ca_cert], False, rubrics=[rubric_path]).ok


def test_openssl_accepts_every_signer_of_the_json(team_document, team_keys, pki: Pki, tmp_path):
    signed = _cosigned(team_document, team_keys)
    payload = tmp_path / "payload.json"
    payload.write_bytes(signed_payload(json.loads(document_bytes(signed))))
    cms_file = tmp_path / "signature.der"
    cms_file.write_bytes(base64.b64decode(signed.signature.cms))
    run = subprocess.run(
        [
            "openssl",
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            str(cms_file),
            "-content",
            str(payload),
            "-CAfile",
            str(pki.ca_cert_path),
            "-purpose",
            "any",
            "-out",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "Verification successful" in run.stderr
    # openssl checks every SignerInfo: one damaged signature fails the whole file.
    payload.write_bytes(payload.read_bytes().replace(b"T-001", b"T-00X"))
    again = subprocess.run(
        [
            "openssl",
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            str(cms_file),
            "-content",
            str(payload),
            "-CAfile",
            str(pki.ca_cert_path),
            "-purpose",
            "any",
        ],
        capture_output=True,
        check=False,
    )
    assert again.returncode != 0


def test_pdf_gets_one_incremental_signature_per_member(
    report_pdf: bytes, team_keys, pki: Pki, tmp_path: Path
):
    at = now_utc()
    boxes = [
        (k.info.assessor_id, 1, (60.0, 300 + 120.0 * n, 300.0, 400 + 120.0 * n))
        for n, k in enumerate(team_keys[1:])
    ]
    pdf = sign_pdf(
        report_pdf,
        team_keys[0],
        field_box=SIGNATURE_BOX,
        page=1,
        assessment_id="a" * 32,
        version=1,
        signed_at=at,
        cosign_boxes=boxes,
    )
    first = verify_pdf(pdf, [pki.ca_cert], False)
    assert first.codes == ("signatures_incomplete",) and first.signatures_expected == 3
    for n, key in enumerate(team_keys[1:], start=1):
        pdf = cosign_pdf(pdf, key, at + timedelta(minutes=n))
    found = verify_pdf(pdf, [pki.ca_cert], False)
    assert found.ok, found.problems
    assert [s.name for s in found.signers] == ["张三", "王五", "赵六"]
    with pytest.raises(UserError, match="已经签署过"):
        cosign_pdf(pdf, team_keys[1], at)
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    args = [str(PYHANKO), "sign", "validate", "--trust", str(pki.ca_cert_path), "--trust-replace"]
    run = subprocess.run([*args, str(path)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    assert len(lines) == 3 and all(":INTACT:TRUSTED," in line for line in lines), run.stdout
    # Appending anything after the last signature is caught.
    assert not verify_pdf(pdf + b"\n% junk\n", [pki.ca_cert], False).ok


def test_a_one_signer_document_keeps_the_single_block(document, signer, pki, rubric_path):
    from assessor.core.document.signed import sign_document
    from assessor.core.signing.json_envelope import SignatureBlock

    signed = sign_document(document(), signer)
    assert type(signed.signature) is SignatureBlock
    found = verify_json(document_bytes(signed), [pki.ca_cert], False, rubrics=[rubric_path])
    assert found.ok and len(found.signers) == 1


def test_a_signature_in_a_field_added_later_is_not_a_cosignature(
    report_pdf: bytes, team_keys, pki: Pki
) -> None:
    """Another trusted assessor signing a one-signer report in a new field of their own."""
    from io import BytesIO

    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    from assessor.core.signing.pdf_signature import cosign_field_name

    at = now_utc()
    pdf = sign_pdf(
        report_pdf,
        team_keys[0],
        field_box=SIGNATURE_BOX,
        page=1,
        assessment_id="a" * 32,
        version=1,
        signed_at=at,
    )
    assert verify_pdf(pdf, [pki.ca_cert], False).ok
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    name = cosign_field_name(team_keys[1].info.assessor_id)  # even under the expected name
    fields.append_signature_field(
        writer, fields.SigFieldSpec(name, on_page=1, box=(60, 300, 300, 400))
    )
    metadata = signers.PdfSignatureMetadata(
        field_name=name,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=f"托育机构质量评估报告；评估编号 {'a' * 32}；第 1 版",
    )
    added = signers.PdfSigner(metadata, team_keys[1].signer).sign_pdf(writer).getvalue()
    found = verify_pdf(added, [pki.ca_cert], False)
    assert "signature_broken" in found.codes
    assert any("预留" in p for p in found.problems)
