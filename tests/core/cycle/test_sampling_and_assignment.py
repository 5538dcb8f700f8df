"""The sample and the assignment on a generated roster of 2,000 centres in 10 districts."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from fractions import Fraction

import pytest

from assessor.core.cycle.assignment import assign
from assessor.core.cycle.roster_model import OPERATOR_BY_LABEL, RosterCentre
from assessor.core.cycle.sampling import (
    SAMPLED,
    district_quotas,
    parse_fraction,
    stratified_sample,
)
from assessor.core.cycle.teams import Member, Team
from assessor.core.problems import UserError
from tests.roster_builders import DISTRICTS, roster_rows, uscc


def _centres(count: int = 2000) -> list[RosterCentre]:
    return [
        RosterCentre(
            name=row[0],
            uscc=row[1],
            division_code=row[2],
            address=row[3],
            operator=OPERATOR_BY_LABEL[row[4]],
            places=row[5],
            filed_on=dt.date.fromisoformat(row[6]),
        )
        for row in roster_rows(count)
    ]


CENTRES = _centres()


def _teams(count: int = 10, *, conflicts: dict[int, list[str]] | None = None) -> list[Team]:
    """Team k has two members working in districts k and k+1 (cyclically)."""
    conflicts = conflicts or {}
    return [
        Team(
            team_id=f"第{k + 1}组",
            members=[
                Member(name=f"组长{k}", district=DISTRICTS[k % 10], conflicts=conflicts.get(k, [])),
                Member(name=f"组员{k}", district=DISTRICTS[(k + 1) % 10], body="妇幼保健院"),
            ],
        )
        for k in range(count)
    ]


def test_the_sample_is_reproducible_for_a_seed() -> None:
    first = stratified_sample(CENTRES, Fraction(1, 10), seed=2027)
    again = stratified_sample(list(reversed(CENTRES)), Fraction(1, 10), seed=2027)
    other = stratified_sample(CENTRES, Fraction(1, 10), seed=2028)
    assert [s.centre.uscc for s in first] == [s.centre.uscc for s in again]
    assert {s.centre.uscc for s in first} != {s.centre.uscc for s in other}


@pytest.mark.parametrize("percent", ["10%", "7.5%", "33%"])
def test_every_district_gets_its_share_within_one(percent: str) -> None:
    fraction = parse_fraction(percent)
    sample = stratified_sample(CENTRES, fraction, seed=1)
    sizes = Counter(c.district for c in CENTRES)
    drawn = Counter(s.centre.district for s in sample)
    assert len(sizes) == 10 and len(CENTRES) == 2000
    for district, size in sizes.items():
        assert abs(drawn[district] - size * float(fraction)) < 1, district
    assert len(sample) == int(2000 * fraction + Fraction(1, 2))
    assert len({s.centre.uscc for s in sample}) == len(sample)
    assert {s.reason for s in sample} == {SAMPLED}


def test_quotas_round_half_up_and_break_ties_by_district_code() -> None:
    sizes = {"320105": 5, "320104": 5, "320102": 5, "320106": 5, "320111": 5}
    # 2.5 centres in all: 3, given to the first three districts by code.
    assert district_quotas(sizes, Fraction(1, 10)) == {
        "320102": 1,
        "320104": 1,
        "320105": 1,
        "320106": 0,
        "320111": 0,
    }


def test_centres_that_must_be_visited_count_towards_the_share() -> None:
    in_first = [c.uscc for c in CENTRES if c.district == DISTRICTS[0]][:3]
    sample = stratified_sample(
        CENTRES, Fraction(1, 10), seed=5, always={code: "never_assessed" for code in in_first}
    )
    reasons = {s.centre.uscc: s.reason for s in sample}
    assert all(reasons[code] == "never_assessed" for code in in_first)
    plain = stratified_sample(CENTRES, Fraction(1, 10), seed=5)
    assert Counter(s.centre.district for s in sample) == Counter(s.centre.district for s in plain)


@pytest.mark.parametrize("text", ["0%", "150%", "十", "1/0", ""])
def test_a_bad_fraction_is_a_chinese_error(text: str) -> None:
    with pytest.raises(UserError, match="抽样比例"):
        parse_fraction(text)


@pytest.mark.parametrize("teams", [10, 7, 3])
def test_no_team_visits_its_own_district_and_loads_balance(teams: int) -> None:
    sample = [s.centre for s in stratified_sample(CENTRES, Fraction(1, 10), seed=3)]
    crew = _teams(10)[:teams]
    given = assign(sample, crew, seed=3)
    by_id = {t.team_id: t for t in crew}
    assert set(given) == {c.uscc for c in sample}
    for centre in sample:
        assert centre.district not in by_id[given[centre.uscc]].districts
    loads = Counter(given.values())
    assert set(loads) == set(by_id)
    assert max(loads.values()) - min(loads.values()) <= 1
    assert assign(sample, crew, seed=3) == given


def test_a_recorded_conflict_is_respected() -> None:
    sample = [s.centre for s in stratified_sample(CENTRES, Fraction(1, 10), seed=4)]
    # Team 0 could visit these (not its districts), but its leader has a conflict with them.
    barred = [c.uscc for c in sample if c.district not in (DISTRICTS[0], DISTRICTS[1])][:15]
    given = assign(sample, _teams(conflicts={0: barred}), seed=4)
    assert all(given[code] != "第1组" for code in barred)
    loads = Counter(given.values())
    assert max(loads.values()) - min(loads.values()) <= 1


def _centre(district: str, number: int) -> RosterCentre:
    return RosterCentre(name=f"机构{number}", uscc=uscc(district, number), division_code=district)


def test_balance_when_constraints_need_a_chain_of_moves() -> None:
    """P centres only A may visit, Q centres A or B, R centres B or C, R before Q in USCC
    order: the greedy pass leaves C short, and only moving a Q centre from A to B and an R
    centre from B to C evens the load out."""
    d1, d_r, d_q = DISTRICTS[0], DISTRICTS[4], DISTRICTS[5]
    centres = [
        *(_centre(d1, n) for n in range(4)),
        *(_centre(d_q, n) for n in range(4)),
        *(_centre(d_r, n) for n in range(4)),
    ]
    teams = [
        Team(team_id="A", members=[Member(name="a", district=d_r)]),
        Team(team_id="B", members=[Member(name="b", district=d1)]),
        Team(team_id="C", members=[Member(name="c", district=d1), Member(name="c2", district=d_q)]),
    ]
    given = assign(centres, teams, seed=0)
    assert Counter(given.values()) == {"A": 4, "B": 4, "C": 4}
    assert {given[c.uscc] for c in centres[:4]} == {"A"}
    for centre in centres:
        team = next(t for t in teams if t.team_id == given[centre.uscc])
        assert centre.district not in team.districts


def test_a_centre_no_team_may_visit_is_named() -> None:
    centre = CENTRES[0]
    teams = [Team(team_id="本地组", members=[Member(name="x", district=centre.district)])]
    with pytest.raises(UserError, match=f"没有可派出的评估组.*{centre.uscc}"):
        assign([centre], teams, seed=0)
