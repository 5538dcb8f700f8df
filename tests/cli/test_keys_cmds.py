"""`assessor keys init-ca` and `assessor keys issue`, scripted and interactive."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12

from assessor.cli.main import cli, run_cli
from assessor.core.problems import UserError

CA_PASSPHRASE = "ca-passphrase-123"
KEY_PASSPHRASE = "key-passphrase-456"


def _secret(path: Path, text: str) -> Path:
    path.write_text(text + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def ca_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("keys-cli")
    ca = root / "ca"
    passphrase = _secret(root / "ca-pass.txt", CA_PASSPHRASE)
    args = ["keys", "init-ca", "--out", str(ca), "--name", "测试市卫生健康委员会"]
    assert run_cli([*args, "--passphrase-file", str(passphrase)]) == 0
    return ca


def test_init_ca_and_issue_with_passphrase_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ca = tmp_path / "ca"
    ca_pass = _secret(tmp_path / "ca-pass.txt", CA_PASSPHRASE)
    key_pass = _secret(tmp_path / "key-pass.txt", KEY_PASSPHRASE)
    init = ["keys", "init-ca", "--out", str(ca), "--name", "某市卫生健康委员会", "--days", "365"]
    assert run_cli([*init, "--passphrase-file", str(ca_pass)]) == 0
    out = capsys.readouterr().out
    assert "已创建 CA" in out and "某市卫生健康委员会 托育机构质量评估 CA" in out

    p12 = tmp_path / "wang.p12"
    issue = [
        "keys", "issue", "--ca", str(ca), "--name", "王小明", "--assessor-id", "SZ-0042",
        "--out", str(p12), "--days", "30",
        "--passphrase-file", str(key_pass), "--ca-passphrase-file", str(ca_pass),
    ]  # fmt: skip
    assert run_cli(issue) == 0
    captured = capsys.readouterr()
    assert "已签发：王小明（评估员编号 SZ-0042）" in captured.out
    assert CA_PASSPHRASE not in captured.out + captured.err
    assert KEY_PASSPHRASE not in captured.out + captured.err

    ca_cert = x509.load_pem_x509_certificate((ca / "ca-cert.pem").read_bytes())
    constraints = ca_cert.extensions.get_extension_for_class(x509.BasicConstraints)
    assert constraints.critical and constraints.value.ca
    assert ca_cert.extensions.get_extension_for_class(x509.KeyUsage).value.key_cert_sign

    bundle = pkcs12.load_pkcs12(p12.read_bytes(), KEY_PASSPHRASE.encode())
    assert bundle.cert is not None and bundle.key is not None
    cert = bundle.cert.certificate
    assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
    assert (cert.not_valid_after_utc - cert.not_valid_before_utc).days == 30
    cert.verify_directly_issued_by(ca_cert)
    with pytest.raises(ValueError):
        pkcs12.load_pkcs12(p12.read_bytes(), CA_PASSPHRASE.encode())


def _issue_args(ca: Path, out: Path, ca_pass: Path, key_pass: Path) -> list[str]:
    return [
        "keys", "issue", "--ca", str(ca), "--name", "张三", "--assessor-id", "T-1",
        "--out", str(out), "--passphrase-file", str(key_pass), "--ca-passphrase-file", str(ca_pass),
    ]  # fmt: skip


def test_missing_ca_dir_is_a_plain_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ca_pass = _secret(tmp_path / "ca.txt", CA_PASSPHRASE)
    key_pass = _secret(tmp_path / "key.txt", KEY_PASSPHRASE)
    args = _issue_args(tmp_path / "no-ca", tmp_path / "x.p12", ca_pass, key_pass)
    assert run_cli(args) == 1
    err = capsys.readouterr().err
    assert err.startswith("错误：找不到 CA 文件")
    assert "Traceback" not in err
    assert not (tmp_path / "x.p12").exists()


def test_wrong_ca_passphrase_is_a_plain_message(
    ca_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = "not-the-ca-passphrase"
    ca_pass = _secret(tmp_path / "ca.txt", wrong)
    key_pass = _secret(tmp_path / "key.txt", KEY_PASSPHRASE)
    assert run_cli(_issue_args(ca_dir, tmp_path / "x.p12", ca_pass, key_pass)) == 1
    captured = capsys.readouterr()
    assert captured.err.strip() == "错误：无法打开 CA 私钥：口令错误或文件已损坏"
    assert wrong not in captured.out + captured.err
    assert not (tmp_path / "x.p12").exists()


def test_short_passphrase_is_refused(
    ca_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ca_pass = _secret(tmp_path / "ca.txt", CA_PASSPHRASE)
    key_pass = _secret(tmp_path / "key.txt", "short")
    assert run_cli(_issue_args(ca_dir, tmp_path / "x.p12", ca_pass, key_pass)) == 1
    assert "口令至少需要 8 个字符" in capsys.readouterr().err


def test_existing_ca_is_never_overwritten(
    ca_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (ca_dir / "ca-key.pem").read_bytes()
    ca_pass = _secret(tmp_path / "ca.txt", CA_PASSPHRASE)
    args = ["keys", "init-ca", "--out", str(ca_dir), "--name", "测试"]
    assert run_cli([*args, "--passphrase-file", str(ca_pass)]) == 1
    assert "不会覆盖" in capsys.readouterr().err
    assert (ca_dir / "ca-key.pem").read_bytes() == before


def test_passphrases_can_be_typed_hidden(ca_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "typed.p12"
    args = ["keys", "issue", "--ca", str(ca_dir), "--name", "张三", "--assessor-id", "T-1"]
    typed = f"{CA_PASSPHRASE}\n{KEY_PASSPHRASE}\n{KEY_PASSPHRASE}\n"
    result = CliRunner().invoke(cli, [*args, "--out", str(out)], input=typed)
    assert result.exit_code == 0, result.output
    assert "CA 私钥口令：" in result.output and "再次输入以确认：" in result.output
    assert CA_PASSPHRASE not in result.output and KEY_PASSPHRASE not in result.output
    assert pkcs12.load_pkcs12(out.read_bytes(), KEY_PASSPHRASE.encode()).cert is not None


def test_mismatched_confirmation(ca_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "typed.p12"
    args = ["keys", "issue", "--ca", str(ca_dir), "--name", "张三", "--assessor-id", "T-1"]
    typed = f"{CA_PASSPHRASE}\n{KEY_PASSPHRASE}\nsomething-else\n"
    result = CliRunner().invoke(cli, [*args, "--out", str(out)], input=typed)
    assert isinstance(result.exception, UserError)
    assert str(result.exception) == "两次输入的口令不一致"
    assert not out.exists()
