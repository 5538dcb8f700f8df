"""Centres the commission always visits, found from real registered files: never assessed,
graded low in the previous cycle, or carrying a flag."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from pathlib import Path

from assessor.core.clock import now_utc
from assessor.core.cycle import register_history
from assessor.core.cycle.plan_build import PlanRequest, Sampling, draw_plan
from assessor.core.cycle.teams import read_teams
from assessor.core.register import flags
from assessor.core.register.importer import ImportOptions, run_import
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.signing.keys import SigningKey
from tests.core.cycle.plan_fixtures import register_with_roster, write_teams
from tests.core.register.builders import assessment, signed, uscc


def test_forced_centres_come_from_the_register(
    tmp_path: Path,
    rubric: LoadedRubric,
    signer: SigningKey,
    options: ImportOptions,
) -> None:
    rows = [
        [f"第{n}托育中心", uscc(n, d), d, "路", "公办", 60, None]
        for n in range(1, 11)
        for d in ("350102", "350103")
    ]
    conn = register_with_roster(tmp_path, rows)
    files = []
    # Centre 1 of 350102 assessed in 2025; centre 2 twice in 2026 (a same-centre flag).
    for n, (centre, day) in enumerate(
        [(1, dt.date(2025, 5, 4)), (2, dt.date(2026, 3, 1)), (2, dt.date(2026, 4, 1))], start=1
    ):
        record = assessment(rubric, n, centre=centre, division="350102", day=day)
        path = tmp_path / f"a{n}.json"
        path.write_bytes(signed(rubric, record, signer))
        files.append(path)
    run_import(tmp_path / "register", files, options)
    grade_2025 = conn.execute(
        "SELECT grade FROM documents WHERE centre_uscc = ?", (uscc(1, "350102"),)
    ).fetchone()[0]

    assert register_history.never_assessed(conn) == {r[1] for r in rows} - {
        uscc(1, "350102"),
        uscc(2, "350102"),
    }
    assert register_history.graded(conn, "2025", [grade_2025]) == {uscc(1, "350102")}
    assert register_history.graded(conn, "2025", ["无此等级"]) == set()
    assert register_history.flagged(conn) == {uscc(2, "350102")}

    teams = write_teams(
        tmp_path / "teams.csv",
        [["甲组", "甲", "", "350102", "卫健委", ""], ["乙组", "乙", "", "350103", "卫健委", ""]],
    )
    request = PlanRequest(
        cycle="2026",
        due_on=dt.date(2026, 12, 31),
        teams=read_teams(teams),
        created_at=now_utc(),
        sampling=Sampling(
            Fraction(1, 10), seed=1, always=("low_grade", "open_flags"), low_grades=(grade_2025,)
        ),
    )
    plan = draw_plan(conn, request, "测试市卫生健康委员会")
    reasons = {v.centre.uscc: v.reason for v in plan.visits}
    assert reasons[uscc(1, "350102")] == "low_grade"
    assert reasons[uscc(2, "350102")] == "open_flags"
    # 350102's share of 10 × 1/10 is 1: both forced centres are visited beyond it.
    assert sum(v.centre.district == "350102" for v in plan.visits) == 2
    # Once a person has resolved the item, the centre is no longer forced into the plan.
    for item in flags.items(conn, open_only=True):
        flags.resolve(conn, item.id, who="科员", comment="已核实：两次评估均为本周期正式评估")
    assert register_history.flagged(conn) == set()
    conn.close()
