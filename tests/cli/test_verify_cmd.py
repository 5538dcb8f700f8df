"""`assessor verify FILE`: exit codes, what is printed, and the reason on failure."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
import rfc8785

from assessor.cli.main import run_cli
from assessor.cli.verify_cmd import DEFAULT_TRUST_WARNING
from assessor.core.clock import now_utc
from assessor.core.document.signed import document_bytes, sign_document
from assessor.core.rubric.validate import load_rubric
from assessor.core.signing.keys import KeyInfo, load_signer, training_signer
from assessor.core.signing.pdf_signature import sign_pdf
from tests.core.signing.pki import (
    KEY_PASSPHRASE,
    SIGNATURE_BOX,
    Pki,
    make_document,
    make_pki,
    make_report_pdf,
    write_rubric,
)


@dataclass(frozen=True)
class Files:
    pki: Pki
    rubric: Path
    good: Path
    assessment_id: str
    training: Path
    expired: Path
    report: Path


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Files:
    root = tmp_path_factory.mktemp("verify-cli")
    pki = make_pki(root)
    rubric_path = write_rubric(root / "rubric.json")
    rubric = load_rubric(rubric_path)
    signer = load_signer(pki.key_path, KEY_PASSPHRASE)

    document = make_document(rubric)
    good = root / "good.json"
    good.write_bytes(document_bytes(sign_document(document, signer)))
    training = root / "training.json"
    training.write_bytes(document_bytes(sign_document(make_document(rubric), training_signer())))

    expired = root / "expired.json"
    expired_key = load_signer(pki.expired_key_path, KEY_PASSPHRASE)
    with pytest.MonkeyPatch.context() as patch:  # sign as an older app would have
        patch.setattr(KeyInfo, "problem_at", lambda self, moment: None)
        expired.write_bytes(document_bytes(sign_document(make_document(rubric), expired_key)))

    report = root / "report.pdf"
    report.write_bytes(
        sign_pdf(
            make_report_pdf(),
            signer,
            field_box=SIGNATURE_BOX,
            page=1,
            assessment_id=document.id,
            version=document.version,
            signed_at=now_utc(),
        )
    )
    return Files(pki, rubric_path, good, document.id, training, expired, report)


def _run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = run_cli(["verify", *map(str, args)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _trusted(files: Files) -> list[str | Path]:
    return ["--trust", files.pki.ca_cert_path, "--rubric", files.rubric]


def test_good_json(files: Files, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, files.good, *_trusted(files))
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0] == f"验证通过：{files.good}"
    assert "签名人：张三（评估员编号 T-001）" in lines
    assert any(line.startswith(f"签名时间：{now_utc():%Y}-") for line in lines)
    assert f"评估编号：{files.assessment_id}，第 1 版" in lines
    assert err == ""


def test_good_pdf(files: Files, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, files.report, "--trust", files.pki.ca_cert_path)
    assert code == 0, out
    assert "签名人：张三（评估员编号 T-001）" in out
    assert f"评估编号：{files.assessment_id}，第 1 版" in out


def test_modified_json(files: Files, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(files.good.read_bytes())
    data["scores"][0]["note"] = "改过的记录"
    changed = tmp_path / "changed.json"
    changed.write_bytes(rfc8785.dumps(data))
    code, out, _ = _run(capsys, changed, *_trusted(files))
    assert code == 1
    assert out.splitlines()[:2] == [f"验证未通过：{changed}", "  · 文件内容被改动：签名与内容不符"]


def test_modified_pdf(files: Files, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = bytearray(files.report.read_bytes())
    raw[100] ^= 0x01
    changed = tmp_path / "changed.pdf"
    changed.write_bytes(bytes(raw))
    code, out, _ = _run(capsys, changed, "--trust", files.pki.ca_cert_path)
    assert code == 1
    assert out.startswith(f"验证未通过：{changed}\n  · ")


def test_unknown_signer(files: Files, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        capsys, files.good, "--trust", files.pki.other_ca_cert_path, "--rubric", files.rubric
    )
    assert code == 1
    assert "  · 签名者不受信任：证书不是由受信任的 CA 签发（未知签名者）" in out.splitlines()
    assert "签名人：张三（评估员编号 T-001）" in out  # who claims to have signed, for the record


def test_expired_certificate(files: Files, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, files.expired, *_trusted(files))
    assert code == 1
    assert "评估员证书已过期" in out.splitlines()[1]


def test_wrong_rubric(files: Files, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(files.rubric.read_text(encoding="utf-8"))
    data["version"] = "2"
    other = tmp_path / "other-rubric.json"
    other.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    args = ["--trust", files.pki.ca_cert_path, "--rubric", other]
    code, out, _ = _run(capsys, files.good, *args)
    assert code == 1
    assert "找不到评估所用的评估标准" in out.splitlines()[1]


def test_schema_violation(files: Files, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(files.good.read_bytes())
    data["version"] = 0
    broken = tmp_path / "broken.json"
    broken.write_bytes(rfc8785.dumps(data))
    code, out, _ = _run(capsys, broken, *_trusted(files))
    assert code == 1
    assert out.splitlines()[1:3] == ["  · 不符合评估文件格式：", "  · version：不能小于 1"]


def test_default_trust_is_training_only(files: Files, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, files.good, "--rubric", files.rubric)
    assert code == 1
    assert DEFAULT_TRUST_WARNING in err
    assert "未知签名者" in out

    code, out, err = _run(capsys, files.training, "--rubric", files.rubric)
    assert code == 1
    assert "不能作为正式评估结果" in out

    code, out, err = _run(capsys, files.training, "--rubric", files.rubric, "--allow-training")
    assert code == 0, out
    assert DEFAULT_TRUST_WARNING in err
    assert "签名人：培训评估员（评估员编号 TRAINING）" in out
    assert "注意：培训/样例签名，不作为正式评估结果" in out


def test_training_with_commission_trust(files: Files, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, files.training, *_trusted(files))
    assert code == 1 and "未知签名者" in out
    code, out, _ = _run(capsys, files.training, *_trusted(files), "--allow-training")
    assert code == 0, out


def test_bad_arguments(files: Files, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("x", encoding="utf-8")
    code, _, err = _run(capsys, text)
    assert code == 1 and err.startswith("错误：只能验证 .json 或 .pdf 文件")
    code, _, err = _run(capsys, files.good, "--trust", files.good)
    assert code == 1 and "不是证书文件" in err
    code, _, err = _run(capsys, tmp_path / "missing.json")
    assert code == 1 and err == f"错误：{tmp_path / 'missing.json'}: 无法读取文件：文件不存在\n"
