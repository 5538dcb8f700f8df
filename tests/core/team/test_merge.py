"""Splitting a visit across laptops and merging the members' parts on the leader's."""

from __future__ import annotations

import json
import shutil
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessor.core.audit import verify_chain
from assessor.core.problems import UserError
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.signing.training import training_ca
from assessor.core.storage.store import Store
from assessor.core.team.merge import KEEP, apply_merge, plan_merge
from assessor.core.team.part import read_part_file
from assessor.core.team.workflow import merge_received, receive_part, team_status
from tests.core.team.visit import Visit, start_visit
from tests.factories import small_rubric

ROOTS = [training_ca()]
AT = datetime(2024, 5, 6, 16, 0, tzinfo=UTC)


def _score_parts(visit: Visit) -> list[Path]:
    """李明 and 赵丽 score their dimensions; 赵丽 then changes one score and exports again."""
    li = visit.open_as("李明")
    for ind in ("4.1.1", "4.1.2", "4.1.3"):
        li.set_score(ind, visit.rubric.by_id[ind].max)
    li.set_note("4.1.2", "消防通道畅通")
    zhao = visit.open_as("赵丽")
    zhao.set_score("5.1.1", 10)
    zhao.set_score("5.1.2", 5)
    first = [visit.export_part("李明"), visit.export_part("赵丽")]
    zhao.set_score("5.1.2", 10)
    return [*first, visit.export_part("赵丽", n=2)]


@pytest.fixture(scope="module")
def visit_parts(tmp_path_factory, small_rubric_module) -> tuple[Visit, list[Path]]:
    visit = start_visit(tmp_path_factory.mktemp("visit"), small_rubric_module)
    # The leader had already scored one of 李明's indicators during the walk-round.
    leader = _leader_session(visit)
    leader.set_score("4.1.1", 0)
    return visit, _score_parts(visit)


@pytest.fixture(scope="module")
def small_rubric_module() -> LoadedRubric:
    return small_rubric()


def _leader_session(visit: Visit):
    from assessor.core.session import EditingSession

    session = EditingSession.open(visit.leader, visit.key, [visit.rubric])
    session.member = visit.team.leader
    return session


def test_a_member_scores_only_what_is_assigned_to_them(tmp_path: Path, small_rubric_module) -> None:
    visit = start_visit(tmp_path, small_rubric_module)
    li = visit.open_as("李明")
    assert li.may_edit("4.1.1") and not li.may_edit("5.1.1")
    with pytest.raises(UserError, match="由评估组成员赵丽负责"):
        li.set_score("5.1.1", 10)
    with pytest.raises(UserError, match="由评估组成员王芳负责"):
        li.set_note("5.2.1", "看过")
    with pytest.raises(UserError, match="组长填写"):
        li.update_centre(name="改名")
    assert li.set_score("4.1.1", 20)
    entries = li.store.audit(li.key)
    assert entries[0].action == "team_package" and entries[-1].by == visit.member("李明").id
    assert not verify_chain(entries)


def test_parts_for_another_assessment_or_tampered_are_refused(visit_parts, tmp_path) -> None:
    visit, parts = visit_parts
    assessment = visit.leader.load(visit.key)
    other = start_visit(tmp_path, visit.rubric)
    with pytest.raises(UserError, match="另一份评估"):
        read_part_file(parts[0], other.leader.load(other.key), visit.rubric, ROOTS)

    with zipfile.ZipFile(parts[0]) as archive:
        data = json.loads(archive.read("part.json"))
    data["scores"][0]["score"] = 0
    forged = tmp_path / "forged.assessor-part"
    with zipfile.ZipFile(forged, "w") as archive:
        archive.writestr("part.json", json.dumps(data, ensure_ascii=False))
    with pytest.raises(UserError, match="已损坏或被改动"):
        read_part_file(forged, assessment, visit.rubric, ROOTS)

    flipped = bytearray(parts[0].read_bytes())
    flipped[len(flipped) // 2] ^= 0x55
    damaged = tmp_path / "damaged.assessor-part"
    damaged.write_bytes(bytes(flipped))
    with pytest.raises(UserError):
        read_part_file(damaged, assessment, visit.rubric, ROOTS)


def _received(visit: Visit, parts: list[Path]):
    assessment = visit.leader.load(visit.key)
    return [read_part_file(p, assessment, visit.rubric, ROOTS) for p in parts]


def _merged(visit: Visit, received) -> tuple[str, list[str]]:
    assessment, chain = visit.leader.load_with_audit(visit.key)
    plan = plan_merge(assessment, chain, visit.rubric, received)
    decisions = {c.indicator: c.candidates[0].member for c in plan.conflicts}
    merged, entries = apply_merge(assessment, chain, plan, decisions, by="l", at=AT)
    return merged.model_dump_json(), [e.hash for e in entries]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_parts_in_any_order_and_repeated_merge_to_the_same_record_and_chain(
    visit_parts, data
) -> None:
    visit, parts = visit_parts
    received = _received(visit, parts)
    reference = _merged(visit, received)
    drawn = data.draw(st.lists(st.sampled_from(received), min_size=len(received), max_size=8))
    drawn += received  # every part at least once
    shuffled = data.draw(st.permutations(drawn))
    assert _merged(visit, shuffled) == reference


def test_the_leader_decides_every_disagreement_and_a_repeat_changes_nothing(
    visit_parts, tmp_path: Path
) -> None:
    visit, parts = visit_parts
    shutil.copytree(visit.root / "leader", tmp_path / "leader")
    store = Store(tmp_path / "leader")
    leader = visit.team.leader
    for path in [parts[2], parts[0], parts[0]]:
        receive_part(store, visit.key, visit.rubric, path, ROOTS)
    status = team_status(store, visit.key, visit.rubric, ROOTS)
    assert not status.missing  # 赵丽's later part stands for her
    # 4.1.1: the leader's 0 against 李明's 20.
    assert [c.indicator for c in status.conflicts] == ["4.1.1"]
    with pytest.raises(UserError, match=r"需要组长裁定：4\.1\.1"):
        merge_received(store, visit.key, visit.rubric, ROOTS, {}, by=leader)
    li = visit.member("李明").id
    written = merge_received(store, visit.key, visit.rubric, ROOTS, {"4.1.1": li}, by=leader)
    merged, chain = store.load_with_audit(visit.key)
    assert merged.score_of("4.1.1").score == 20
    assert merged.score_of("4.1.2").note == "消防通道畅通"
    assert merged.score_of("5.1.2").score == 10  # 赵丽's second part
    decision = next(e for e in chain if e.action == "team_decision")
    assert decision.indicator == "4.1.1" and decision.new["choice"] == li and decision.by == leader
    assert decision.old["current"]["score"] == 0
    receipts = [e for e in chain if e.action == "team_part"]
    assert len(receipts) == 2 and receipts[0].new["audit"][0]["action"] == "team_package"
    assert not verify_chain(chain) and written == len(chain) - len(visit.leader.audit(visit.key))

    # The same parts again (and 赵丽's first one, superseded) change nothing.
    before = store.load_with_audit(visit.key)
    for path in parts:
        receive_part(store, visit.key, visit.rubric, path, ROOTS)
    assert merge_received(store, visit.key, visit.rubric, ROOTS, {}, by=leader) == 0
    assert store.load_with_audit(visit.key) == before

    # A later part that changes what the record holds is a disagreement again.
    zhao = visit.open_as("赵丽")
    zhao.set_score("5.1.1", 0)
    later = visit.export_part("赵丽", n=3)
    receive_part(store, visit.key, visit.rubric, later, ROOTS)
    status = team_status(store, visit.key, visit.rubric, ROOTS)
    assert [c.indicator for c in status.conflicts] == ["5.1.1"]
    merge_received(store, visit.key, visit.rubric, ROOTS, {"5.1.1": KEEP}, by=leader)
    assert store.load(visit.key).score_of("5.1.1").score == 10


def test_a_change_after_the_acknowledgement_needs_a_new_one(tmp_path: Path) -> None:
    from assessor.core.session import EditingSession

    rubric = small_rubric()
    visit = start_visit(tmp_path, rubric)
    session = EditingSession.open(visit.leader, visit.key, [rubric])
    session.member = visit.team.leader
    for ind in rubric.indicators:
        session.set_score(ind.id, ind.levels[-1].points)
    session.acknowledge("陈园长", signature_png=None, refused=True, leader_note="负责人不在场")
    session.set_note("4.1.1", "补记")
    with pytest.raises(UserError, match="重新进行现场反馈确认"):
        session.finalise()
    session.acknowledge("陈园长", signature_png=None, refused=True, leader_note="负责人仍不在场")
    session.finalise()
    assert session.is_final and session.assessment.acknowledgement.refused
