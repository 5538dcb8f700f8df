"""`assessor register plan new|list|status` through the real command line."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from assessor.cli.main import run_cli
from assessor.core.cycle.plan_issue import read_plan_file
from assessor.core.signing.keys import load_signer
from assessor.core.signing.training import fingerprint
from assessor.core.signing.verification import load_trust_roots
from tests.core.cycle.plan_fixtures import write_teams
from tests.core.register.builders import KEY_PASSPHRASE, Commission, make_commission
from tests.roster_builders import roster_rows, write_csv


def _plan_new(register: Path, commission: Commission, key: Path, *extra: str) -> list[str]:
    return [
        "register", "plan", "new", "--db", str(register), "--cycle", "2027",
        "--teams", str(write_teams(register.parent / "teams.csv")), "--due", "2027-06-30",
        "--key", str(key), "--passphrase-file", str(commission.key_passphrase), *extra,
    ]  # fmt: skip


@pytest.fixture(scope="module")
def key(commission: Commission) -> Path:
    return commission.issue("计划科", "WJW-PLAN", "plan-cli.p12")


def test_plan_new_list_and_status(
    tmp_path: Path, commission: Commission, key: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    register = tmp_path / "register"
    roster = write_csv(tmp_path / "roster.csv", roster_rows(300), encoding="gbk")
    assert run_cli(["register", "roster", "import", str(roster), "--db", str(register)]) == 0
    capsys.readouterr()

    args = _plan_new(register, commission, key, "--sample", "10%", "--seed", "7")
    out_file = tmp_path / "plan.json"
    assert run_cli([*args, "--id", "P1", "-o", str(out_file)]) == 0
    out = capsys.readouterr().out
    assert "已签发评估计划 P1（2027 年度）：共 30 家机构。" in out
    plan = read_plan_file(out_file, load_trust_roots([commission.ca_cert]))
    assert len(plan.visits) == 30 and plan.sample.seed == 7

    # Nothing registered yet: every centre is never assessed, so all are visited.
    assert run_cli([*args, "--id", "P2", "--always", "never-assessed"]) == 0
    assert "共 300 家机构" in capsys.readouterr().out

    assert run_cli(["register", "plan", "list", "--db", str(register)]) == 0
    out = capsys.readouterr().out
    assert "P1  2027 年度  完成期限 2027-06-30  30 家机构" in out
    assert "共 2 份评估计划。" in out

    assert run_cli(["register", "plan", "status", "--db", str(register), "--plan", "P1"]) == 0
    assert "待访视 30；已完成 0；逾期 0" in capsys.readouterr().out
    status = ["register", "plan", "status", "--db", str(register), "--plan", "P1", "--json"]
    assert run_cli(status) == 0
    states = json.loads(capsys.readouterr().out)
    assert {s["uscc"] for s in states} == {v.centre.uscc for v in plan.visits}

    assert run_cli(["register", "plan", "stats", "--db", str(register), "--by", "team"]) == 0
    out = capsys.readouterr().out
    per_team = Counter(v.team_id for v in plan.visits)
    for team, count in per_team.items():
        assert f"P1  {team}：计划 {count}，已完成 0，待访视 {count}，逾期 0" in out
    assert "逾期未完成的计划访视：0 家" in out


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ((), "请指定抽样比例 --sample，或指定名单 --list（二者选一）"),
        (("--sample", "10%"), "抽样需要随机种子 --seed"),
        (("--sample", "十成", "--seed", "1"), "抽样比例应写成百分比"),
        (("--sample", "10%", "--seed", "1", "--cycle", "27"), "--cycle 应为四位年份"),
    ],
)
def test_bad_plan_options_are_chinese_errors(
    tmp_path: Path,
    commission: Commission,
    key: Path,
    capsys: pytest.CaptureFixture[str],
    extra: tuple[str, ...],
    message: str,
) -> None:
    register = tmp_path / "register"
    roster = write_csv(tmp_path / "roster.csv", roster_rows(20))
    assert run_cli(["register", "roster", "import", str(roster), "--db", str(register)]) == 0
    capsys.readouterr()
    assert run_cli([*_plan_new(register, commission, key), *extra]) == 1
    assert message in capsys.readouterr().err
    assert run_cli(["register", "plan", "list", "--db", str(register)]) == 0
    assert "共 0 份评估计划。" in capsys.readouterr().out


def test_package_install_list_and_start_on_a_laptop(
    tmp_path: Path, commission: Commission, key: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    register = tmp_path / "register"
    roster = write_csv(tmp_path / "roster.csv", roster_rows(100))
    assert run_cli(["register", "roster", "import", str(roster), "--db", str(register)]) == 0
    assert (
        run_cli(
            [*_plan_new(register, commission, key, "--sample", "10%", "--seed", "3"), "--id", "P9"]
        )
        == 0
    )
    crl = tmp_path / "crl.pem"
    assert run_cli(["keys", "crl", "--ca", str(commission.ca_dir), "-o", str(crl),
                    "--ca-passphrase-file", str(commission.ca_passphrase)]) == 0  # fmt: skip
    package = tmp_path / "第1组.assessor-plan"
    assert run_cli([
        "register", "plan", "package", "--db", str(register), "--plan", "P9", "--team", "第1组",
        "-o", str(package), "--trust", str(commission.ca_cert), "--crl", str(crl),
        "--key", str(key), "--passphrase-file", str(commission.key_passphrase),
    ]) == 0  # fmt: skip
    capsys.readouterr()

    laptop = tmp_path / "laptop"
    install = ["plan", "install", str(package), "--data-dir", str(laptop)]
    assert run_cli(install) == 1
    err = capsys.readouterr().err
    root = fingerprint(load_trust_roots([commission.ca_cert])[0])
    assert "本机尚未信任该任务包的卫生健康委根证书" in err and root in err
    assert run_cli([*install, "--accept-root", root.upper()]) == 0
    assert "评估组「第1组」" in capsys.readouterr().out

    assert run_cli(["plan", "list", "--data-dir", str(laptop)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("计划 P9  评估组「第1组」  期限 2027-06-30")
    first = lines[1].split()[0]
    assert (
        run_cli(["plan", "start", "--plan", "P9", "--centre", first, "--data-dir", str(laptop)])
        == 0
    )
    assert "已新建评估" in capsys.readouterr().out
    assert run_cli(["list", "--data-dir", str(laptop)]) == 0
    name = next(r[0] for r in roster_rows(100) if r[1] == first)
    assert name in capsys.readouterr().out

    tampered = tmp_path / "tampered.assessor-plan"
    tampered.write_bytes(package.read_bytes().replace("第1组".encode(), "第2组".encode(), 1))
    assert run_cli(["plan", "install", str(tampered), "--data-dir", str(laptop)]) == 1
    assert "签名无效" in capsys.readouterr().err


def test_plan_new_lists_members_without_a_usable_certificate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With --ca the plan is still issued (keys are often handed out after the plan), and the
    clerk is told which members cannot sign yet, and why."""
    own = make_commission(tmp_path / "commission")
    key = own.issue("计划科", "WJW-PLAN", "plan.p12")
    own.issue("甲", "T-001", "t1.p12")
    revoked = load_signer(own.issue("乙", "T-002", "t2.p12"), KEY_PASSPHRASE)
    assert run_cli([
        "keys", "issue", "--ca", str(own.ca_dir), "--name", "丙", "--assessor-id", "T-003",
        "--out", str(own.root / "t3.p12"), "--days", "1", "--passphrase-file",
        str(own.key_passphrase), "--ca-passphrase-file", str(own.ca_passphrase),
    ]) == 0  # fmt: skip
    assert run_cli(["keys", "revoke", "--ca", str(own.ca_dir), "--serial",
                    str(revoked.certificate.serial_number), "--reason", "affiliation_changed"]) == 0  # fmt: skip
    register = tmp_path / "register"
    roster = write_csv(tmp_path / "roster.csv", roster_rows(40))
    assert run_cli(["register", "roster", "import", str(roster), "--db", str(register)]) == 0
    teams = write_teams(
        tmp_path / "teams.csv",
        [
            ["甲组", "甲", "T-001", "350102", "卫健委", ""],
            ["甲组", "乙", "T-002", "350102", "卫健委", ""],
            ["乙组", "丙", "T-003", "350103", "疾控", ""],
            ["乙组", "丁", "", "350103", "妇幼保健院", ""],
            ["乙组", "戊", "T-404", "350103", "疾控", ""],
        ],
    )
    capsys.readouterr()
    args = [
        "register", "plan", "new", "--db", str(register), "--cycle", "2027", "--sample", "10%",
        "--seed", "5", "--teams", str(teams), "--due", "2027-06-30", "--key", str(key),
        "--passphrase-file", str(own.key_passphrase), "--ca", str(own.ca_dir),
    ]  # fmt: skip
    assert run_cli([*args, "--id", "K1"]) == 0
    out = capsys.readouterr().out
    assert "已签发评估计划 K1" in out
    assert "注意：以下 4 名评估组成员没有可用的评估员证书" in out
    assert "甲组  乙（T-002）：该编号的评估员证书均已吊销" in out
    assert "乙组  丙（T-003）：该编号的评估员证书在计划完成日期前失效" in out
    assert "乙组  丁（无编号）：名单中未填写评估员编号" in out
    assert "乙组  戊（T-404）：卫生健康委未签发该编号的评估员证书" in out
    assert "甲（T-001）" not in out

    # A CA folder from before the record existed cannot tell: refused, nothing issued.
    (own.ca_dir / "issued.json").unlink()
    assert run_cli([*args, "--id", "K2"]) == 1
    assert "没有证书签发记录（issued.json）" in capsys.readouterr().err
    assert run_cli(["register", "plan", "list", "--db", str(register)]) == 0
    assert "共 1 份评估计划。" in capsys.readouterr().out
