"""Issuing a signed plan from the register's roster, reading it back, and its visits' states."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections import Counter
from fractions import Fraction
from pathlib import Path

import jsonschema
import pytest

from assessor.core.assessment.uscc import check_character
from assessor.core.clock import beijing_today, now_utc
from assessor.core.cycle.plan_build import PlanRequest, Sampling, read_uscc_list
from assessor.core.cycle.plan_issue import issue_plan, read_plan_file
from assessor.core.cycle.plan_store import DONE, OVERDUE, PENDING, visit_states
from assessor.core.cycle.teams import read_teams
from assessor.core.problems import UserError
from assessor.core.register.importer import ImportOptions, run_import
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.schemas import schema_json
from assessor.core.signing.keys import SigningKey, training_signer
from assessor.core.signing.verification import load_trust_roots
from tests.core.cycle.plan_fixtures import register_with_roster, team_rows, write_teams
from tests.core.register.builders import Commission, assessment, signed, uscc
from tests.roster_builders import roster_rows


def _request(teams_file: Path, **changes) -> PlanRequest:
    values = {
        "cycle": "2027",
        "due_on": dt.date(2027, 6, 30),
        "teams": read_teams(teams_file),
        "created_at": now_utc(),
        "sampling": Sampling(Fraction(1, 10), seed=2027),
        "plan_id": "2027-A",
    }
    return PlanRequest(**(values | changes))


@pytest.fixture(scope="module")
def issued(
    tmp_path_factory: pytest.TempPathFactory, plan_key: SigningKey
) -> tuple[Path, sqlite3.Connection, bytes]:
    folder = tmp_path_factory.mktemp("plan")
    conn = register_with_roster(folder)
    teams = write_teams(folder / "teams.xlsx")
    _, signed_plan = issue_plan(conn, _request(teams), plan_key)
    path = folder / "plan.json"
    path.write_bytes(signed_plan)
    return folder, conn, signed_plan


def test_the_signed_plan_verifies_and_meets_every_rule(
    issued: tuple[Path, sqlite3.Connection, bytes], commission: Commission
) -> None:
    folder, _, _ = issued
    plan = read_plan_file(folder / "plan.json", load_trust_roots([commission.ca_cert]))
    assert plan.commission == "测试市卫生健康委员会"
    assert plan.signature.signer.name == "计划科"
    assert len(plan.visits) == 200
    assert plan.sample.fraction == "1/10" and plan.sample.seed == 2027
    sizes = Counter(row[2] for row in roster_rows(2000))
    drawn = Counter(v.centre.district for v in plan.visits)
    assert all(abs(drawn[d] - n / 10) < 1 for d, n in sizes.items())
    loads = Counter(v.team_id for v in plan.visits)
    assert len(loads) == 10 and max(loads.values()) - min(loads.values()) <= 1
    for visit in plan.visits:
        assert visit.centre.district not in plan.team(visit.team_id).districts


def test_the_same_seed_draws_the_same_plan_in_another_register(
    issued: tuple[Path, sqlite3.Connection, bytes],
    tmp_path: Path,
    plan_key: SigningKey,
    commission: Commission,
) -> None:
    folder, _, _ = issued
    first = read_plan_file(folder / "plan.json", load_trust_roots([commission.ca_cert]))
    conn = register_with_roster(tmp_path)
    try:
        again, _ = issue_plan(conn, _request(folder / "teams.xlsx"), plan_key)
    finally:
        conn.close()
    assert [(v.centre.uscc, v.team_id) for v in again.visits] == [
        (v.centre.uscc, v.team_id) for v in first.visits
    ]


def test_the_signed_plan_validates_against_its_published_schema(
    issued: tuple[Path, sqlite3.Connection, bytes],
) -> None:
    _, _, signed_plan = issued
    schema = json.loads(schema_json("plan"))
    jsonschema.validate(json.loads(signed_plan), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(json.loads(signed_plan) | {"cycle": "二〇二七"}, schema)


def test_a_tampered_or_foreign_plan_is_refused(
    issued: tuple[Path, sqlite3.Connection, bytes],
    tmp_path: Path,
    commission: Commission,
    other_commission: Commission,
) -> None:
    _, _, signed_plan = issued
    roots = load_trust_roots([commission.ca_cert])
    swapped = tmp_path / "swapped.json"
    swapped.write_bytes(signed_plan.replace("第1组".encode(), "第9组".encode(), 1))
    with pytest.raises(UserError, match="签名无效：文件内容被改动"):
        read_plan_file(swapped, roots)
    spaced = tmp_path / "spaced.json"
    spaced.write_bytes(signed_plan.replace(b'{"', b'{ "', 1))
    with pytest.raises(UserError, match="已被改动：内容不是本程序写出的形式"):
        read_plan_file(spaced, roots)
    original = tmp_path / "plan.json"
    original.write_bytes(signed_plan)
    with pytest.raises(UserError, match="签名无效"):
        read_plan_file(original, load_trust_roots([other_commission.ca_cert]))


def test_a_plan_id_is_never_reused_and_the_training_key_cannot_sign(
    issued: tuple[Path, sqlite3.Connection, bytes], plan_key: SigningKey
) -> None:
    folder, conn, _ = issued
    before = conn.execute("SELECT COUNT(*) FROM plan_visits").fetchone()[0]
    with pytest.raises(UserError, match="已有编号为 2027-A 的评估计划"):
        issue_plan(conn, _request(folder / "teams.xlsx"), plan_key)
    with pytest.raises(UserError, match="不能用内置培训密钥签署"):
        issue_plan(conn, _request(folder / "teams.xlsx", plan_id="2027-B"), training_signer())
    assert conn.execute("SELECT COUNT(*) FROM plan_visits").fetchone()[0] == before


def test_a_hand_made_list_is_assigned_too(
    issued: tuple[Path, sqlite3.Connection, bytes], tmp_path: Path, plan_key: SigningKey
) -> None:
    folder, conn, _ = issued
    codes = [row[1] for row in roster_rows(2000)[:12]]
    listing = tmp_path / "list.csv"
    listing.write_text("统一社会信用代码\n" + "\n".join(codes) + "\n", encoding="utf-8")
    request = _request(
        folder / "teams.xlsx", sampling=None, listed=read_uscc_list(listing), plan_id="2027-L"
    )
    plan, _ = issue_plan(conn, request, plan_key)
    assert [v.centre.uscc for v in plan.visits] == codes
    assert {v.reason for v in plan.visits} == {"listed"}
    unknown = tmp_path / "unknown.csv"
    unknown.write_text(uscc(99, "110101") + "\n", encoding="utf-8")
    with pytest.raises(UserError, match="1 家机构不在名册中"):
        issue_plan(
            conn,
            _request(
                folder / "teams.xlsx", sampling=None, listed=read_uscc_list(unknown), plan_id="X"
            ),
            plan_key,
        )


def test_bad_team_rows_are_named(tmp_path: Path) -> None:
    rows = team_rows(2)
    rows[1][3] = "3201"
    rows[2][5] = "91320102000000001X"
    path = write_teams(tmp_path / "teams.csv", rows)
    with pytest.raises(UserError) as caught:
        read_teams(path)
    assert caught.value.problems == [
        "文件「teams.csv」第 3 行「所在区县」列：应为行政区划代码（6 位或更长的数字），实际为「3201」",
        "文件「teams.csv」第 4 行「回避机构」列：91320102000000001X：统一社会信用代码校验位错误："
        f"第 18 位应为 {check_character('91320102000000001')}，实际为 X",
    ]


def test_planned_visits_are_pending_done_or_overdue(
    tmp_path: Path,
    plan_key: SigningKey,
    signer: SigningKey,
    rubric: LoadedRubric,
    options: ImportOptions,
) -> None:
    """A real signed assessment of a planned centre, visited once the plan was issued, marks
    its visit done; one visited before the plan existed does not."""
    today = beijing_today()
    rows = [
        [f"第{n}托育中心", uscc(n, division), division, "路", "公办", 60, "2025-01-01"]
        for n in range(1, 21)
        for division in ("350102", "350103")
    ]
    conn = register_with_roster(tmp_path, rows)
    teams = write_teams(
        tmp_path / "teams.csv",
        [["甲组", "甲", "", "350102", "卫健委", ""], ["乙组", "乙", "", "350103", "卫健委", ""]],
    )
    plan, _ = issue_plan(
        conn,
        _request(teams, sampling=Sampling(Fraction(1, 4), seed=1), cycle=str(today.year)),
        plan_key,
    )
    assert len(plan.visits) == 10
    visited, earlier = plan.visits[0].centre, plan.visits[1].centre
    files = []
    for n, (centre, day) in enumerate([(visited, today), (earlier, today - dt.timedelta(days=1))]):
        record = assessment(rubric, int(centre.uscc[10:17]), division=centre.division_code, day=day)
        files.append(tmp_path / f"a{n}.json")
        files[-1].write_bytes(signed(rubric, record, signer))
        if n == 0:
            done_id = record.id
    run_import(tmp_path / "register", files, options)

    states = {s.uscc: s for s in visit_states(conn, plan.plan_id, plan.due_on)}
    assert states[visited.uscc].state == DONE
    assert states[visited.uscc].assessment_id == done_id
    assert states[earlier.uscc].state == PENDING
    assert Counter(s.state for s in states.values()) == {DONE: 1, PENDING: 9}
    late = visit_states(conn, plan.plan_id, plan.due_on + dt.timedelta(days=1))
    assert Counter(s.state for s in late) == {DONE: 1, OVERDUE: 9}
    conn.close()
