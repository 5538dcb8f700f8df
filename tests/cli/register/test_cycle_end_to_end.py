"""The cycle closes, through the real commands: roster → plan → package → a visit started from
the plan (profile prefilled) → signed file → import marks the visit done → items and a signed
整改通知书 → follow-up task → outcomes signed on the laptop → import closes the rectified items."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from assessor.cli.main import run_cli
from assessor.core.assessment.model import AssessorRef, CareType, ClassGroup, StaffCounts
from assessor.core.clock import beijing_today
from assessor.core.cycle.laptop_plans import installed_plans
from assessor.core.rubric.registry import default_rubric
from assessor.core.session import EditingSession
from assessor.core.signing.training import fingerprint
from assessor.core.signing.verification import load_trust_roots
from assessor.core.storage.store import Store
from assessor.core.vocabulary import ClassKind
from tests.core.cycle.plan_fixtures import write_teams
from tests.core.register.builders import Commission
from tests.roster_builders import roster_rows, write_xlsx

TODAY = beijing_today()
CYCLE = str(TODAY.year)  # the register's cycle is the calendar year of the visit


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    code = run_cli(args)
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out


def _score_and_finalise(laptop: Path, key: str) -> list[str]:
    """The assessor's visit: full marks except three indicators, one of them basic."""
    rubric = default_rubric()
    store = Store(laptop)
    session = EditingSession.open(store, key, [rubric])
    session.update_centre(
        care_types=[CareType.full_day],
        meals_served=False,
        staff=StaffCounts(health_parttime=1),
        classes=[ClassGroup(name="托大班", kind=ClassKind.toddler_large, children=14, carers=2)],
    )
    session.update_visit(date=TODAY, assessors=[AssessorRef(name="张三", assessor_id="T-001")])
    basic = next(ind for ind in rubric.indicators if ind.basic is not None)
    others = [ind for ind in rubric.indicators if ind.basic is None][:2]
    lowered = {basic.id: basic.levels[-1].points, **{i.id: i.levels[-1].points for i in others}}
    for ind in rubric.indicators:
        if ind.na_allowed and ind.id not in lowered:
            session.set_na(ind.id, True)
        else:
            session.set_score(ind.id, lowered.get(ind.id, ind.max))
    session.set_note(basic.id, "消防检查合格证明已过期")
    session.finalise()
    return [basic.id, *(i.id for i in others)]


@pytest.mark.slow  # about 17 s: two signed exports, three imports, a notice and a follow-up
def test_roster_to_follow_up(
    tmp_path: Path,
    commission: Commission,
    capsys: pytest.CaptureFixture[str],
) -> None:
    register = tmp_path / "register"
    laptop = tmp_path / "laptop"
    key = commission.issue("计划科", "WJW-PLAN", "plan-e2e.p12")
    assessor_key = commission.issue("张三", "T-001", "zhang-e2e.p12")
    commission_key = ["--key", str(key), "--passphrase-file", str(commission.key_passphrase)]
    trust = ["--trust", str(commission.ca_cert)]

    roster = write_xlsx(tmp_path / "名册.xlsx", roster_rows(120))
    _run(["register", "roster", "import", str(roster), "--db", str(register)], capsys)
    _run([
        "register", "plan", "new", "--db", str(register), "--cycle", CYCLE, "--sample", "10%",
        "--seed", "2027", "--teams", str(write_teams(tmp_path / "teams.xlsx")),
        "--due", (TODAY + dt.timedelta(days=90)).isoformat(), "--id", "2027-E2E", *commission_key,
    ], capsys)  # fmt: skip
    package = tmp_path / "第1组.assessor-plan"
    _run([
        "register", "plan", "package", "--db", str(register), "--plan", "2027-E2E",
        "--team", "第1组", "-o", str(package), *trust, *commission_key,
    ], capsys)  # fmt: skip

    root = fingerprint(load_trust_roots([commission.ca_cert])[0])
    _run(
        ["plan", "install", str(package), "--accept-root", root, "--data-dir", str(laptop)], capsys
    )
    [installed] = installed_plans(laptop)
    visit = installed.package.visits[0].centre
    out = _run([
        "plan", "start", "--plan", "2027-E2E", "--centre", visit.uscc, "--data-dir", str(laptop)
    ], capsys)  # fmt: skip
    record_key = out.split("已新建评估 ")[1].split("：")[0]
    record = Store(laptop, read_only=True).load(record_key)
    assert (record.centre.name, record.centre.address) == (visit.name, visit.address)
    lowered = _score_and_finalise(laptop, record_key)

    exported = tmp_path / "exported"
    _run([
        "export", record_key, "-o", str(exported), "--key", str(assessor_key),
        "--passphrase-file", str(commission.key_passphrase), "--data-dir", str(laptop),
    ], capsys)  # fmt: skip
    [signed_json] = exported.glob("*.json")
    assert json.loads(signed_json.read_bytes())["plan"]["plan_id"] == "2027-E2E"
    _run(["register", "import", "--db", str(register), *trust, str(signed_json)], capsys)
    status = json.loads(_run([
        "register", "plan", "status", "--db", str(register), "--plan", "2027-E2E", "--json"
    ], capsys))  # fmt: skip
    assert {s["uscc"]: s["state"] for s in status}[visit.uscc] == "done"

    _run(["register", "rectify", "deadlines", "--db", str(register), "--basic", "20"], capsys)
    assert "新生成整改事项 3 项" in _run(
        ["register", "rectify", "open", "--db", str(register)], capsys
    )
    notice = tmp_path / "整改通知书.pdf"
    _run([
        "register", "rectify", "notice", "--db", str(register), "--centre", visit.uscc,
        "-o", str(notice), *commission_key,
    ], capsys)  # fmt: skip
    text = subprocess.run(
        ["pdftotext", "-layout", str(notice), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "整改通知书" in text and "消防检查合格证明已过期" in text
    due = TODAY + dt.timedelta(days=20)  # the basic item: 20 days after the visit
    assert f"{due.year} 年 {due.month} 月 {due.day} 日" in text
    assert all(indicator in text for indicator in lowered)
    assert "TRUSTED" in subprocess.run(
        [str(Path(sys.executable).with_name("pyhanko")), "sign", "validate", "--trust", str(commission.ca_cert), str(notice)],
        capture_output=True, text=True,
    ).stdout  # fmt: skip

    task = tmp_path / "复查.assessor-followup"
    _run([
        "register", "rectify", "followup", "--db", str(register), "--centre", visit.uscc,
        "-o", str(task), *trust, *commission_key,
    ], capsys)  # fmt: skip
    out = _run(["followup", "install", str(task), "--data-dir", str(laptop)], capsys)
    task_id = out.split("已导入复查任务 ")[1].split("：")[0]
    shown = _run(["followup", "show", task_id, "--data-dir", str(laptop)], capsys)
    assert "原发现：消防检查合格证明已过期" in shown
    photo = tmp_path / "合格证明.jpg"
    photo.write_bytes(b"photo of the renewed certificate")
    for indicator, outcome in zip(
        lowered, ["rectified", "rectified", "not_rectified"], strict=True
    ):
        _run([
            "followup", "record", task_id, "--item", indicator, "--outcome", outcome,
            "--evidence", str(photo), "--data-dir", str(laptop),
        ], capsys)  # fmt: skip
    _run([
        "followup", "sign", task_id, "--date", TODAY.isoformat(), "-o", str(tmp_path / "fu"),
        "--key", str(assessor_key), "--passphrase-file", str(commission.key_passphrase),
        "--data-dir", str(laptop),
    ], capsys)  # fmt: skip
    [followup] = (tmp_path / "fu").glob("*.followup.json")
    out = _run(
        ["register", "rectify", "import", str(followup), "--db", str(register), *trust], capsys
    )
    assert "关闭 2 项，仍待整改 1 项" in out
    listed = _run(["register", "rectify", "list", "--db", str(register), "--open"], capsys)
    assert lowered[2] in listed and "共 1 项。" in listed
    rates = _run(["register", "rectify", "rates", "--db", str(register), "--by", "kind"], capsys)
    assert "基础指标未达标：事项 1，已整改 1（100.0%），逾期 0" in rates

    # The follow-up changed scores: version 2 of the assessment, finalised and registered.
    before = _current(register, record.id)
    out = _run(["followup", "amend", task_id, "--data-dir", str(laptop)], capsys)
    amended_key = out.split("已新建修订版本 ")[1].split("：")[0]
    assert amended_key == f"{record.id}-v2"
    session = EditingSession.open(Store(laptop), amended_key, [default_rubric()])
    assert session.assessment.amendment_reason.startswith(f"复查（任务 {task_id}）")
    session.finalise()
    amended = tmp_path / "amended"
    _run([
        "export", amended_key, "-o", str(amended), "--key", str(assessor_key),
        "--passphrase-file", str(commission.key_passphrase), "--data-dir", str(laptop),
    ], capsys)  # fmt: skip
    [amended_json] = amended.glob("*.json")
    _run(["register", "import", "--db", str(register), *trust, str(amended_json)], capsys)
    after = _current(register, record.id)
    assert (before[0], after[0]) == (1, 2)
    assert Decimal(after[1]) > Decimal(before[1])
    assert lowered[0] in json.loads(before[2]) and lowered[0] not in json.loads(after[2])
    assert after[3] != before[3]  # the unmet basic indicator no longer caps the grade


def _current(register: Path, assessment_id: str) -> tuple:
    conn = sqlite3.connect(register / "register.sqlite3")
    try:
        return conn.execute(
            "SELECT version, total, vetoes_fired, grade FROM documents "
            "WHERE assessment_id = ? AND current = 1",
            (assessment_id,),
        ).fetchone()
    finally:
        conn.close()
