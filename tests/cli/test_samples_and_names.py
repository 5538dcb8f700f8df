"""Demo output never passes as an official result; long centre names still export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assessor.cli.main import run_cli
from assessor.core.audit import append
from assessor.core.file_names import MAX_NAME_BYTES
from assessor.core.rubric.registry import default_rubric
from assessor.core.storage.store import Store, record_key
from assessor.devtools.demo import simulated_visit
from assessor.devtools.samples import sample_assessment

CA_PASSPHRASE = "ca-passphrase-123"
KEY_PASSPHRASE = "key-passphrase-456"


def _secret(path: Path, text: str) -> Path:
    path.write_text(text + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def real_key(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A commission CA and an assessor key made by the real commands: (ca-cert, p12, pass)."""
    root = tmp_path_factory.mktemp("real-key")
    ca_pass = _secret(root / "ca-pass.txt", CA_PASSPHRASE)
    key_pass = _secret(root / "key-pass.txt", KEY_PASSPHRASE)
    init = ["keys", "init-ca", "--out", str(root / "ca"), "--name", "测试市卫生健康委员会"]
    assert run_cli([*init, "--passphrase-file", str(ca_pass)]) == 0
    p12 = root / "wang.p12"
    issue = [
        "keys", "issue", "--ca", str(root / "ca"), "--name", "王小明",
        "--assessor-id", "SZ-0042", "--out", str(p12),
        "--passphrase-file", str(key_pass), "--ca-passphrase-file", str(ca_pass),
    ]  # fmt: skip
    assert run_cli(issue) == 0
    return root / "ca" / "ca-cert.pem", p12, key_pass


def test_demo_signed_with_a_real_key_is_refused_without_allow_training(
    real_key: tuple[Path, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ca_cert, p12, key_pass = real_key
    out = tmp_path / "demo"
    demo = ["demo", "-o", str(out), "--key", str(p12), "--passphrase-file", str(key_pass)]
    assert run_cli(demo) == 0
    (json_file,) = out.glob("*.json")
    (pdf_file,) = out.glob("*.pdf")
    document = json.loads(json_file.read_bytes())
    assert document["training"] is True
    assert document["centre"]["name"].startswith("样例：")
    assert "王小明" in document["signature"]["signer"]["name"]
    capsys.readouterr()

    for signed in (json_file, pdf_file):
        assert run_cli(["verify", str(signed), "--trust", str(ca_cert)]) == 1
        out_text = capsys.readouterr().out
        assert "验证未通过" in out_text and "培训/样例" in out_text, signed
        allowed = ["verify", str(signed), "--trust", str(ca_cert), "--allow-training"]
        assert run_cli(allowed) == 0, capsys.readouterr().out
        assert "培训/样例签名，不作为正式评估结果" in capsys.readouterr().out


def test_a_100_character_centre_name_exports_with_a_name_of_at_most_200_bytes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    rubric = default_rubric()
    name = "阳光宝贝" * 25
    assert len(name) == 100
    store = Store(data)
    draft = sample_assessment(rubric, 5, training=True, name=name)
    store.create(draft)
    final, _ = simulated_visit(draft, draft.created_at)
    store.save(final, append([], "finalise", old="draft", new="final"))
    key = record_key(draft)
    del store  # the command takes the data folder for itself

    out = tmp_path / "out"
    assert run_cli(["export", key, "-o", str(out), "--data-dir", str(data)]) == 0, (
        capsys.readouterr().err
    )
    written = sorted(out.iterdir())
    assert [p.suffix for p in written] == [".json", ".pdf"]
    for path in written:
        assert len(path.name.encode("utf-8")) <= MAX_NAME_BYTES
        assert path.stem.startswith("阳光宝贝阳光宝贝") and path.stem.endswith(
            f"{key[:8]}-v1-培训样例"
        )
    assert run_cli(["verify", str(written[0]), "--allow-training"]) == 0
