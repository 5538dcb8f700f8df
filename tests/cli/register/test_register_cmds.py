"""`assessor register import|review|log` and `assessor keys revoke|crl`, end to end."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding

from assessor.cli.main import run_cli
from assessor.core.clock import BEIJING
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.signing.keys import SigningKey
from tests.core.register.builders import Commission, assessment, signed, table_dump


def _import(register: Path, commission: Commission, rubric_path: Path, *extra: str) -> list[str]:
    return [
        "register", "import", "--db", str(register), "--trust", str(commission.ca_cert),
        "--rubric", str(rubric_path), "--who", "审核员甲", *extra,
    ]  # fmt: skip


def _rows(register: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(register / "register.sqlite3")
    try:
        return [tuple(r) for r in conn.execute(sql)]
    finally:
        conn.close()


def test_import_prints_counts_and_json(
    tmp_path: Path,
    commission: Commission,
    rubric_path: Path,
    rubric: LoadedRubric,
    signer: SigningKey,
    capsys: pytest.CaptureFixture[str],
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.json").write_bytes(signed(rubric, assessment(rubric, 1), signer))
    (inbox / "b.json").write_bytes(b"{")
    register = tmp_path / "reg"

    assert run_cli([*_import(register, commission, rubric_path), str(inbox)]) == 0
    out = capsys.readouterr().out
    assert "导入批次 1：输入文件 2 个" in out and "新登记：1" in out
    assert "不是 JSON（not_json）：1" in out and "quarantine" in out

    assert run_cli([*_import(register, commission, rubric_path), "--json", str(inbox)]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["inputs"] == 2 == summary["duplicates"] + summary["quarantined_total"]

    assert run_cli(["register", "log", "--db", str(register), "--json"]) == 0
    batches = json.loads(capsys.readouterr().out)
    assert [b["who"] for b in batches] == ["审核员甲", "审核员甲"]
    assert batches[0]["counts"]["registered"] == 1

    assert run_cli(["register", "log", "--db", str(register), "--batch", "1", "--json"]) == 0
    lines = json.loads(capsys.readouterr().out)
    assert [(line["outcome"], line["reason_code"]) for line in lines] == [
        ("registered", None),
        ("quarantined", "not_json"),
    ]


def test_dry_run_leaves_no_register(
    tmp_path: Path,
    commission: Commission,
    rubric_path: Path,
    rubric: LoadedRubric,
    signer: SigningKey,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "a.json").write_bytes(signed(rubric, assessment(rubric, 1), signer))
    args = _import(tmp_path / "reg", commission, rubric_path, "--dry-run", "--json")
    assert run_cli([*args, str(tmp_path / "a.json")]) == 0
    assert json.loads(capsys.readouterr().out)["registered"] == 1
    assert not (tmp_path / "reg").exists()


def test_bad_usage_is_a_chinese_error_and_exit_1(
    tmp_path: Path,
    commission: Commission,
    other_commission: Commission,
    rubric_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    not_a_register = tmp_path / "reg"
    not_a_register.mkdir()
    (not_a_register / "register.sqlite3").write_bytes(b"garbage" * 200)
    (tmp_path / "a.json").write_bytes(b"{}")
    assert (
        run_cli([*_import(not_a_register, commission, rubric_path), str(tmp_path / "a.json")]) == 1
    )
    assert "不是登记库或已损坏" in capsys.readouterr().err
    assert (not_a_register / "register.sqlite3").read_bytes() == b"garbage" * 200

    bad_cycle = _import(tmp_path / "r2", commission, rubric_path, "--cycle-start", "13-01")
    assert run_cli([*bad_cycle, str(tmp_path / "a.json")]) == 1
    assert "--cycle-start" in capsys.readouterr().err

    assert run_cli(["register", "log", "--db", str(tmp_path / "none")]) == 1
    assert "登记库不存在" in capsys.readouterr().err
    assert not (tmp_path / "none").exists()


def test_review_one_bulk_and_undo_are_logged(
    tmp_path: Path,
    commission: Commission,
    rubric_path: Path,
    rubric: LoadedRubric,
    signer: SigningKey,
    capsys: pytest.CaptureFixture[str],
) -> None:
    records = [assessment(rubric, n) for n in range(3)]
    for n, record in enumerate(records):
        (tmp_path / f"{n}.json").write_bytes(signed(rubric, record, signer))
    register = tmp_path / "reg"
    assert (
        run_cli(
            [
                *_import(register, commission, rubric_path),
                *(str(p) for p in sorted(tmp_path.glob("*.json"))),
            ]
        )
        == 0
    )
    review = ["register", "review", "--db", str(register), "--who", "科长"]

    assert (
        run_cli([*review, "--id", records[0].id, "--set", "有疑问", "--comment", "核对托位数"]) == 0
    )
    assert run_cli([*review, "--all", "--set", "confirmed"]) == 0
    assert "已将 3 份评估的审核状态改为「已确认」" in capsys.readouterr().out
    assert run_cli([*review, "--id", records[0].id, "--undo"]) == 0
    assert "已撤销 1 份评估" in capsys.readouterr().out
    states = dict(_rows(register, "SELECT assessment_id, state FROM reviews"))
    assert states == {
        records[0].id: "query",
        records[1].id: "confirmed",
        records[2].id: "confirmed",
    }

    assert (
        run_cli(
            ["register", "log", "--db", str(register), "--reviews", "--id", records[0].id, "--json"]
        )
        == 0
    )
    log = json.loads(capsys.readouterr().out)
    assert [(e["old_state"], e["new_state"], e["who"]) for e in log] == [
        ("待审核", "有疑问", "科长"),
        ("有疑问", "已确认", "科长"),
        ("已确认", "有疑问", "科长"),
    ]
    assert run_cli(["register", "log", "--db", str(register), "--reviews"]) == 0
    assert "已确认 → 有疑问  意见：撤销上一次更改（已确认 → 有疑问）" in capsys.readouterr().out
    assert run_cli(["register", "log", "--db", str(register)]) == 0
    text = capsys.readouterr().out
    assert "批次 1" in text and "操作人 审核员甲" in text and "新登记 3" in text
    assert (
        run_cli([*review, "--set", "confirmed"]) == 1
    )  # no selection: refuses a silent bulk change
    assert run_cli([*review, "--id", "f" * 32, "--set", "confirmed"]) == 1
    assert "没有这些评估" in capsys.readouterr().err


def test_revoked_key_later_files_refused_earlier_flagged_older_register_untouched(
    tmp_path: Path,
    commission: Commission,
    other_commission: Commission,
    rubric_path: Path,
    rubric: LoadedRubric,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from assessor.core.signing.keys import load_signer
    from tests.core.register.builders import KEY_PASSPHRASE

    lost = load_signer(
        commission.issue("赵六", "T-066", f"lost-{tmp_path.name}.p12"), KEY_PASSPHRASE
    )
    register = tmp_path / "reg"
    known = tmp_path / "known.json"
    known.write_bytes(signed(rubric, assessment(rubric, 1), lost))
    assert run_cli([*_import(register, commission, rubric_path), str(known)]) == 0

    before = tmp_path / "before.json"
    before.write_bytes(signed(rubric, assessment(rubric, 2), lost))
    revoked_at = json.loads(before.read_bytes())["signature"]["signed_at"]
    moment = dt.datetime.fromisoformat(revoked_at.replace("Z", "+00:00")) + dt.timedelta(minutes=1)
    later = moment + dt.timedelta(hours=2)
    after = tmp_path / "after.json"
    after.write_bytes(signed(rubric, assessment(rubric, 3), lost, later))

    cert = tmp_path / "lost.pem"
    cert.write_bytes(lost.certificate.public_bytes(Encoding.PEM))
    at = moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")
    revoke = ["keys", "revoke", "--ca", str(commission.ca_dir), "--cert", str(cert)]
    assert run_cli([*revoke, "--reason", "key_compromise", "--at", at]) == 0
    assert run_cli([*revoke, "--reason", "key_compromise"]) == 1  # only once
    crl = tmp_path / "crl.pem"
    ca_pass = ["--ca-passphrase-file", str(commission.ca_passphrase)]
    assert run_cli(["keys", "crl", "--ca", str(commission.ca_dir), "-o", str(crl), *ca_pass]) == 0
    capsys.readouterr()

    args = [*_import(register, commission, rubric_path, "--crl", str(crl), "--json")]
    assert run_cli([*args, str(before), str(after)]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["registered"], summary["quarantined"]) == (1, {"revoked": 1})
    assert summary["flags"] == {"signed_before_revocation": 1}
    flagged = _rows(
        register,
        "SELECT d.assessment_id FROM flags f JOIN documents d ON d.sha256 = f.document_sha256",
    )
    assert flagged == [(json.loads(before.read_bytes())["id"],)]
    # The file registered before anyone knew of the revocation keeps its standing.
    known_row = _rows(
        register,
        f"SELECT current FROM documents WHERE assessment_id = '{json.loads(known.read_bytes())['id']}'",
    )
    assert known_row == [(1,)]

    # The register remembers the revocation for later imports without --crl.
    again = tmp_path / "again.json"
    again.write_bytes(signed(rubric, assessment(rubric, 4), lost, later))
    assert run_cli([*_import(register, commission, rubric_path, "--json"), str(again)]) == 0
    assert json.loads(capsys.readouterr().out)["quarantined"] == {"revoked": 1}

    # A CRL signed by another CA is refused before anything is written.
    other_crl = tmp_path / "other-crl.pem"
    other_pass = ["--ca-passphrase-file", str(other_commission.ca_passphrase)]
    assert (
        run_cli(
            ["keys", "crl", "--ca", str(other_commission.ca_dir), "-o", str(other_crl), *other_pass]
        )
        == 0
    )
    dump = table_dump(register, with_batches=True)
    assert (
        run_cli([*_import(register, commission, rubric_path, "--crl", str(other_crl)), str(again)])
        == 1
    )
    assert "不是由受信任的 CA 签发" in capsys.readouterr().err
    assert table_dump(register, with_batches=True) == dump


def test_crl_lists_the_revoked_serials(
    tmp_path: Path, commission: Commission, capsys: pytest.CaptureFixture[str]
) -> None:
    from cryptography import x509

    ca = tmp_path / "ca"
    assert run_cli(["keys", "init-ca", "--out", str(ca), "--name", "某市卫生健康委员会",
                    "--passphrase-file", str(commission.ca_passphrase)]) == 0  # fmt: skip
    for serial in ("12345", "67890"):
        assert (
            run_cli(
                ["keys", "revoke", "--ca", str(ca), "--serial", serial, "--reason", "superseded"]
            )
            == 0
        )
    assert run_cli(["keys", "revoke", "--ca", str(ca), "--reason", "superseded"]) == 1
    out = tmp_path / "crl.pem"
    assert run_cli(["keys", "crl", "--ca", str(ca), "-o", str(out),
                    "--ca-passphrase-file", str(commission.ca_passphrase)]) == 0  # fmt: skip
    crl = x509.load_pem_x509_crl(out.read_bytes())
    ca_cert = x509.load_pem_x509_certificate((ca / "ca-cert.pem").read_bytes())
    assert crl.is_signature_valid(ca_cert.public_key())
    assert sorted(r.serial_number for r in crl) == [12345, 67890]
    reasons = {r.extensions.get_extension_for_class(x509.CRLReason).value.reason for r in crl}
    assert reasons == {x509.ReasonFlags.superseded}


def test_demo_samples_need_allow_training(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    demo = tmp_path / "demo"
    assert run_cli(["demo", "-o", str(demo), "--count", "12", "--no-pdf", "--seed", "7"]) == 0
    files = sorted(demo.glob("*.json"))
    assert len(files) == 12
    capsys.readouterr()
    refused = ["register", "import", str(demo), "--db", str(tmp_path / "reg"), "--json"]
    assert run_cli(refused) == 0
    assert json.loads(capsys.readouterr().out)["quarantined"] == {"training": 12}

    assert run_cli([*refused, "--allow-training"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["registered"] + summary["amendments"] == 12 == summary["inputs"]
    versions = _rows(
        tmp_path / "reg", "SELECT MAX(version) FROM current_documents GROUP BY assessment_id"
    )
    amended = sum(1 for (v,) in versions if v > 1)
    assert amended == summary["amendments"]
    assert len(versions) == summary["registered"]
