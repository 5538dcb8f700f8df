"""Follow-up visits (复查) named by a plan, through the real commands: the plan lists centres with
open items, the team's package carries their signed follow-up tasks, the laptop starts the
follow-up from the plan with the open items, previous finding and evidence, and the register
imports the signed record (refusing one signed with a key revoked before signing)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from assessor.cli.main import run_cli
from assessor.core.assessment.base import Evidence
from assessor.core.clock import BEIJING, beijing_today, now_utc
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.signing.keys import SigningKey, load_signer
from assessor.core.signing.training import fingerprint
from assessor.core.signing.verification import load_trust_roots
from tests.core.cycle.plan_fixtures import write_teams
from tests.core.register.builders import (
    KEY_PASSPHRASE,
    Commission,
    assessment,
    make_commission,
    signed,
    uscc,
)
from tests.roster_builders import roster_rows, write_csv

TODAY = beijing_today().isoformat()  # a follow-up counts for plans issued up to its day
FINDING = "消毒记录缺三月份"


def _run(args: list[str], capsys: pytest.CaptureFixture[str], code: int = 0) -> str:
    result = run_cli(args)
    captured = capsys.readouterr()
    assert result == code, captured.err + captured.out
    return captured.out + captured.err


def _register_with_open_items(
    tmp_path: Path,
    rubric: LoadedRubric,
    rubric_path: Path,
    signer: SigningKey,
    commission: Commission,
    capsys: pytest.CaptureFixture[str],
) -> tuple[Path, str, list[str]]:
    """A register with the roster and one assessment whose findings are open items."""
    register = tmp_path / "register"
    record = assessment(rubric, 4, division="350102", day=dt.date(2026, 5, 4))
    lowered = [s.indicator for s, ind in zip(record.scores, rubric.indicators, strict=True)
               if s.score is not None and s.score < ind.max]  # fmt: skip
    photo = Evidence(file="ev/1.jpg", sha256="a" * 64, caption="消毒柜照片", added_at=now_utc())
    scores = [
        s.model_copy(update={"note": FINDING, "evidence": [photo]})
        if s.indicator == lowered[0]
        else s
        for s in record.scores
    ]
    record = record.model_copy(update={"scores": scores})
    original = tmp_path / "a.json"
    original.write_bytes(signed(rubric, record, signer))
    trust = ["--trust", str(commission.ca_cert)]
    roster = write_csv(tmp_path / "roster.csv", roster_rows(30))
    _run(["register", "roster", "import", str(roster), "--db", str(register)], capsys)
    _run(["register", "import", "--db", str(register), *trust, "--rubric", str(rubric_path),
          str(original)], capsys)  # fmt: skip
    assert f"新生成整改事项 {len(lowered)} 项" in _run(
        ["register", "rectify", "open", "--db", str(register)], capsys
    )
    return register, uscc(4, "350102"), lowered


def test_a_follow_up_visit_travels_in_the_plan_package_and_closes_items(
    tmp_path: Path, rubric: LoadedRubric, rubric_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A commission of its own: the test revokes one of its keys.
    commission = make_commission(tmp_path / "commission")
    assessor_key = commission.issue("张三", "T-001", "zhang.p12")
    signer = load_signer(assessor_key, KEY_PASSPHRASE)
    register, centre, lowered = _register_with_open_items(
        tmp_path, rubric, rubric_path, signer, commission, capsys
    )
    key = commission.issue("计划科", "WJW-PLAN", "plan-followups.p12")
    commission_key = ["--key", str(key), "--passphrase-file", str(commission.key_passphrase)]
    trust = ["--trust", str(commission.ca_cert)]

    bad = _run([
        "register", "plan", "new", "--db", str(register), "--cycle", "2026",
        "--followup", uscc(5, "350102"), "--teams", str(write_teams(tmp_path / "teams.csv")),
        "--due", "2026-12-31", *commission_key,
    ], capsys, code=1)  # fmt: skip
    assert "以下机构没有待整改事项，不能安排复查" in bad
    out = _run([
        "register", "plan", "new", "--db", str(register), "--cycle", "2026", "--followup", "all",
        "--teams", str(tmp_path / "teams.csv"), "--due", "2099-12-31", "--id", "FU-P",
        *commission_key,
    ], capsys)  # fmt: skip
    assert "共 0 家机构" in out and "复查：1 家机构（有待整改事项）" in out
    status = json.loads(_run(
        ["register", "plan", "status", "--db", str(register), "--plan", "FU-P", "--json"], capsys
    ))  # fmt: skip
    [planned] = status
    assert (planned["kind"], planned["uscc"], planned["state"]) == ("followup", centre, "pending")
    assert planned["district"] == "350102"
    team = planned["team_id"]

    package = tmp_path / "team.assessor-plan"
    out = _run([
        "register", "plan", "package", "--db", str(register), "--plan", "FU-P", "--team", team,
        "-o", str(package), *trust, *commission_key,
    ], capsys)  # fmt: skip
    assert "评估 0 家，复查 1 家" in out

    laptop = tmp_path / "laptop"
    root = fingerprint(load_trust_roots([commission.ca_cert])[0])
    out = _run(["plan", "install", str(package), "--accept-root", root,
                "--data-dir", str(laptop)], capsys)  # fmt: skip
    assert "复查 1 家" in out
    listed = _run(["plan", "list", "--data-dir", str(laptop)], capsys)
    assert f"复查 {len(lowered)} 项" in listed
    out = _run(["plan", "start", "--plan", "FU-P", "--centre", centre, "--data-dir", str(laptop)],
               capsys)  # fmt: skip
    task_id = out.split("已开始复查 ")[1].split("：")[0]
    assert f"{len(lowered)} 项待整改事项" in out
    assert f"原发现：{FINDING}" in out and "原证据：消毒柜照片" in out
    assert all(indicator in out for indicator in lowered)

    for indicator in lowered:
        _run(["followup", "record", task_id, "--item", indicator, "--outcome", "rectified",
              "--data-dir", str(laptop)], capsys)  # fmt: skip
    _run(["followup", "sign", task_id, "--date", TODAY, "-o", str(tmp_path / "good"),
          "--key", str(assessor_key), "--passphrase-file", str(commission.key_passphrase),
          "--data-dir", str(laptop)], capsys)  # fmt: skip
    [good] = (tmp_path / "good").glob("*.followup.json")

    # Another assessor signs the same record, then their key turns out lost since before.
    lost_key = commission.issue("赵六", "T-009", "zhao-followups.p12")
    _run(["followup", "sign", task_id, "--date", TODAY, "-o", str(tmp_path / "bad"),
          "--key", str(lost_key), "--passphrase-file", str(commission.key_passphrase),
          "--data-dir", str(laptop)], capsys)  # fmt: skip
    [forged] = (tmp_path / "bad").glob("*.followup.json")
    serial = load_signer(lost_key, KEY_PASSPHRASE).certificate.serial_number
    before = (now_utc() - dt.timedelta(minutes=30)).astimezone(BEIJING)
    _run(["keys", "revoke", "--ca", str(commission.ca_dir), "--serial", str(serial),
          "--reason", "key_compromise", "--at", before.strftime("%Y-%m-%d %H:%M:%S")], capsys)  # fmt: skip
    crl = tmp_path / "crl.pem"
    _run(["keys", "crl", "--ca", str(commission.ca_dir), "-o", str(crl),
          "--ca-passphrase-file", str(commission.ca_passphrase)], capsys)  # fmt: skip

    refused = _run(["register", "rectify", "import", str(forged), "--db", str(register), *trust,
                    "--crl", str(crl)], capsys, code=1)  # fmt: skip
    assert "赵六" in refused and "晚于吊销时间" in refused
    still = _run(["register", "rectify", "list", "--db", str(register), "--open"], capsys)
    assert f"共 {len(lowered)} 项。" in still  # nothing changed by the refused file

    out = _run(["register", "rectify", "import", str(good), "--db", str(register), *trust,
                "--crl", str(crl)], capsys)  # fmt: skip
    assert f"关闭 {len(lowered)} 项，仍待整改 0 项" in out
    status = json.loads(_run(
        ["register", "plan", "status", "--db", str(register), "--plan", "FU-P", "--json"], capsys
    ))  # fmt: skip
    assert [(s["kind"], s["state"]) for s in status] == [("followup", "done")]
