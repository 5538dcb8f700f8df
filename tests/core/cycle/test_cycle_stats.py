"""Plan completion, overdue visits and rectification in figures and in the leadership PDF."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from collections import Counter
from fractions import Fraction
from pathlib import Path

from assessor.core.clock import beijing_today, now_utc
from assessor.core.cycle.cycle_stats import completion, overdue_items, overdue_visits
from assessor.core.cycle.plan_build import PlanRequest, Sampling
from assessor.core.cycle.plan_issue import issue_plan
from assessor.core.cycle.rectification import items, open_items
from assessor.core.cycle.teams import read_teams
from assessor.core.register.exports.run import ExportRequest
from assessor.core.register.filters import AssessmentFilter
from assessor.core.register.importer import ImportOptions, run_import
from assessor.core.register.register import Register
from assessor.core.register.rows import ReviewState
from assessor.core.register.stats_model import StatsFilter
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.signing.keys import SigningKey
from tests.core.cycle.plan_fixtures import register_with_roster, write_teams
from tests.core.register.builders import assessment, signed, uscc


def test_completion_overdue_and_the_leadership_pages(
    tmp_path: Path,
    rubric: LoadedRubric,
    signer: SigningKey,
    plan_key: SigningKey,
    options: ImportOptions,
) -> None:
    rows = [
        [f"第{n}托育中心", uscc(n, d), d, "路", "公办", 60, None]
        for n in range(1, 21)
        for d in ("350102", "350103")
    ]
    conn = register_with_roster(tmp_path, rows)
    teams = write_teams(
        tmp_path / "teams.csv",
        [["甲组", "甲", "", "350102", "卫健委", ""], ["乙组", "乙", "", "350103", "卫健委", ""]],
    )
    request = PlanRequest(
        cycle=str(beijing_today().year),
        due_on=beijing_today() - dt.timedelta(days=1),  # past: visits without a result are late
        teams=read_teams(teams),
        created_at=now_utc(),
        sampling=Sampling(Fraction(1, 4), seed=3),
        plan_id="2026-S",
    )
    plan, _ = issue_plan(conn, request, plan_key)
    visited = plan.visits[0]
    number = int(visited.centre.uscc[10:17])
    record = assessment(rubric, number, division=visited.centre.division_code, day=beijing_today())
    # A visit of the year before: its items' deadlines have passed; it does not count for the plan.
    old = assessment(rubric, 19, division="350103", day=dt.date(beijing_today().year - 1, 5, 4))
    files = []
    for n, made in enumerate((record, old)):
        files.append(tmp_path / f"a{n}.json")
        files[-1].write_bytes(signed(rubric, made, signer))
    run_import(tmp_path / "register", files, options)
    open_items(conn)
    today = beijing_today()

    by_district = {c.group: c for c in completion(conn, today, "district")}
    planned = Counter(v.centre.district for v in plan.visits)
    assert {d: c.planned for d, c in by_district.items()} == dict(planned)
    done_district = visited.centre.district
    assert by_district[done_district].done == 1
    assert all(c.overdue == c.planned - c.done and c.pending == 0 for c in by_district.values())
    by_team = {c.group: c for c in completion(conn, today, "team")}
    assert by_team[visited.team_id].done == 1
    assert sum(c.planned for c in by_team.values()) == len(plan.visits) == 10
    late = overdue_visits(conn, today)
    assert len(late) == 9 and visited.centre.uscc not in {s.uscc for _, s in late}
    late_items = overdue_items(conn, today)
    assert late_items == [i for i in items(conn) if i.assessment_id == old.id] != []

    report = tmp_path / "report.pdf"
    register = Register.open(tmp_path / "register")
    # The leadership report counts only confirmed assessments (issue 18); its cycle pages too.
    register.set_review(AssessmentFilter(), ReviewState.confirmed, who="科员", comment="已核")
    register.export(StatsFilter(), ExportRequest(report=report))
    text = subprocess.run(
        ["pdftotext", "-layout", str(report), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "评估计划完成情况（按区县）" in text and "评估计划完成情况（按评估组）" in text
    row = by_district[done_district]
    pattern = rf"2026-S\s+{done_district}\s+{row.planned}\s+1\s+0\s+{row.overdue}\s+"
    assert re.search(pattern, text), text
    assert "逾期未完成的计划访视" in text and late[0][1].uscc in text
    assert "整改情况" in text and "逾期未整改的事项" in text
    assert late_items[0].uscc in text and late_items[0].indicator_id in text
    conn.close()
