"""The editing session: every change validated, audited and saved at once, on a real store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assessor.core.assessment.model import AssessorRef, Centre, ClassGroup, ClassKind, Status
from assessor.core.assessment.uscc import check_character
from assessor.core.audit import verify_chain
from assessor.core.overviews import record_overviews
from assessor.core.problems import ProblemsError, UserError
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.session import EditingSession, FinaliseBlocked
from assessor.core.storage.atomic import StorageError
from assessor.core.storage.store import Store

USCC = "91110105MA01ABCD2" + check_character("91110105MA01ABCD2")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "data")


@pytest.fixture
def session(store: Store, small_rubric: LoadedRubric) -> EditingSession:
    return EditingSession.create(store, small_rubric)


def reopened(session: EditingSession) -> EditingSession:
    """The same record read back from disk by a fresh store, as after a restart."""
    return EditingSession.open(Store(session.store.root), session.key, [session.rubric])


def complete_profile(session: EditingSession) -> None:
    session.update_centre(
        name="阳光托育中心",
        uscc=USCC,
        address="北京市朝阳区幸福路 1 号",
        division_code="110105",
        care_types=["full_day"],
        classes=[{"name": "小一班", "kind": "toddler_small", "children": 12, "carers": 3}],
    )
    session.update_visit(date="2024-05-06", assessors=[{"name": "王芳", "assessor_id": "BJ-001"}])


def score_everything(session: EditingSession) -> None:
    for ind in session.rubric.indicators:
        session.set_score(ind.id, ind.max)


def test_a_score_is_saved_with_its_audit_entry_in_the_same_write(
    session: EditingSession,
) -> None:
    assert session.set_score("4.1.1", 3)
    again = reopened(session)
    assert again.entry("4.1.1").score == 3
    [entry] = again.audit_trail
    assert (entry.action, entry.indicator, entry.old, entry.new) == ("score", "4.1.1", None, 3)
    assert verify_chain(again.audit_trail) == []
    assert session.save_error is None and session.last_saved_at is not None


def test_a_level_the_rubric_does_not_allow_is_refused_and_changes_nothing(
    session: EditingSession,
) -> None:
    session.set_score("4.1.1", 6)
    with pytest.raises(UserError, match="不是允许的分值"):
        session.set_score("4.1.1", 4)
    with pytest.raises(UserError, match="没有指标"):
        session.set_score("9.9.9", 1)
    assert session.entry("4.1.1").score == 6
    assert len(reopened(session).audit_trail) == 1


def test_not_applicable_only_where_the_rubric_allows_it(session: EditingSession) -> None:
    with pytest.raises(UserError, match="不允许标记为不适用"):
        session.set_na("4.1.1", True)
    session.set_score("5.1.2", 5)
    assert session.set_na("5.1.2", True)
    entry = reopened(session).entry("5.1.2")
    assert entry.na and entry.score is None
    assert session.audit_trail[-1].action == "na"
    assert session.audit_trail[-1].old == 5 and session.audit_trail[-1].new == "na"
    assert session.set_na("5.1.2", False)
    assert not session.entry("5.1.2").is_scored


def test_repeating_the_current_value_records_nothing(session: EditingSession) -> None:
    session.set_score("4.1.1", 6)
    assert not session.set_score("4.1.1", 6.0)
    assert not session.set_na("4.1.1", False)
    session.set_note("4.1.1", "营业执照在有效期内")
    assert not session.set_note("4.1.1", "营业执照在有效期内")
    assert len(session.audit_trail) == 2


def test_the_result_follows_every_change(session: EditingSession) -> None:
    assert session.result.total == 0
    session.set_score("4.1.1", 6)
    assert session.result.total == 6
    assert session.result.completeness.scored == 1
    session.set_score("5.1.1", 0)
    assert [v.status for v in session.result.vetoes] == ["unmet"]
    assert session.result.grade == "D"


def test_undo_and_redo_are_audited_and_saved(session: EditingSession) -> None:
    session.set_score("4.1.1", 6)
    session.set_score("4.1.1", 3)
    session.set_note("4.2.1", "消防验收合格")
    assert session.undo() == "4.2.1"
    assert session.undo() == "4.1.1"
    assert session.entry("4.1.1").score == 6 and session.entry("4.2.1").note == ""
    assert session.redo() == "4.1.1"
    again = reopened(session)
    assert again.entry("4.1.1").score == 3
    reasons = [(e.action, e.reason) for e in again.audit_trail]
    assert reasons[-3:] == [("note", "撤销"), ("score", "撤销"), ("score", "重做")]
    assert verify_chain(again.audit_trail) == []
    assert session.can_redo
    session.set_score("4.2.1", 5)
    assert not session.can_redo


def test_bad_profile_input_raises_in_chinese_and_keeps_the_last_valid_value(
    session: EditingSession,
) -> None:
    session.update_centre(uscc=USCC, places="30")
    with pytest.raises(ProblemsError) as info:
        session.update_centre(uscc=USCC[:17] + "0", places="-1")
    paths = {p.path: p.message for p in info.value.problems}
    assert "校验位错误" in paths["uscc"]
    assert "不能小于 0" in paths["places"]
    again = reopened(session)
    assert again.assessment.centre.uscc == USCC and again.assessment.centre.places == 30
    with pytest.raises(ProblemsError) as info:
        session.update_centre(classes=[{"name": "甲", "kind": "infant", "children": "x"}])
    assert {p.path for p in info.value.problems} >= {"classes[0].children", "classes[0].carers"}


def test_profile_changes_are_audited_by_field_and_refresh_the_checks(
    session: EditingSession,
) -> None:
    assert [f.status for f in session.findings_for("5.1.1")] == ["unknown", "unknown"]
    session.set_centre(
        Centre(classes=[ClassGroup(name="乳儿班", kind=ClassKind.infant, children=9, carers=2)])
    )
    statuses = {f.check.value: f.status for f in session.findings_for("5.1.1")}
    assert statuses == {"class_size": "ok", "carer_ratio": "fail"}
    entry = session.audit_trail[-1]
    assert entry.action == "profile" and set(entry.new) == {"classes"}


def test_visit_date_and_assessors(session: EditingSession) -> None:
    with pytest.raises(ProblemsError, match="日期不存在：2024-13-01"):
        session.update_visit(date="2024-13-01")
    session.update_visit(date="2024-05-06", assessors=[AssessorRef(name="李", assessor_id="1")])
    assert str(reopened(session).assessment.visit.date) == "2024-05-06"
    session.update_visit(date="")
    assert session.assessment.visit.date is None


def test_evidence_is_copied_into_the_record_and_can_be_detached(
    session: EditingSession, tmp_path: Path
) -> None:
    photo = tmp_path / "消防 验收.jpg"
    photo.write_bytes(b"\xff\xd8 photo bytes")
    evidence = session.attach_evidence("4.1.1", photo, "消防验收合格证")
    stored = session.evidence_path(evidence)
    assert stored.read_bytes() == photo.read_bytes() and stored != photo
    assert reopened(session).entry("4.1.1").evidence[0].caption == "消防验收合格证"
    assert session.remove_evidence("4.1.1", evidence.file)
    assert reopened(session).entry("4.1.1").evidence == []
    assert stored.exists(), "detaching keeps the copied file"
    with pytest.raises(UserError, match="找不到证据文件"):
        session.attach_evidence("4.1.1", tmp_path / "missing.jpg")


def test_finalise_lists_what_is_missing_then_freezes(session: EditingSession) -> None:
    session.set_score("4.1.1", 6)
    with pytest.raises(FinaliseBlocked) as info:
        session.finalise()
    assert info.value.unscored == ["4.1.2", "4.2.1", "5.1.1", "5.1.2"]
    assert "机构名称" in info.value.gaps and "评估人员" in info.value.gaps
    assert "4.1.2" in str(info.value)
    score_everything(session)
    complete_profile(session)
    frozen = []
    session.on_finalised.append(frozen.append)
    session.finalise()
    assert session.is_final and frozen == [session.assessment]
    again = reopened(session)
    assert again.assessment.status is Status.final and again.assessment.finalised_at
    assert again.audit_trail[-1].action == "finalise"
    assert again.audit_trail[-1].new == {"total": 25, "grade": "A"}
    for mutation in (
        lambda: again.set_score("4.1.1", 0),
        lambda: again.set_note("4.1.1", "改"),
        lambda: again.update_centre(name="改"),
        lambda: again.undo(),
        lambda: again.finalise(),
    ):
        with pytest.raises(UserError, match="已完成"):
            mutation()
    assert not session.can_undo


def test_a_failed_save_keeps_the_change_and_writes_it_with_the_next_one(
    session: EditingSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_save = session.store.save

    def failing(*args: object) -> None:
        raise StorageError("无法保存数据文件：磁盘已满")

    monkeypatch.setattr(session.store, "save", failing)
    session.set_score("4.1.1", 6)
    assert session.entry("4.1.1").score == 6
    assert session.save_error and "磁盘已满" in session.save_error
    assert session.unsaved == 1
    monkeypatch.setattr(session.store, "save", real_save)
    session.set_note("4.1.1", "营业执照齐全")
    assert session.save_error is None and session.unsaved == 0
    again = reopened(session)
    assert again.entry("4.1.1").score == 6 and again.entry("4.1.1").note == "营业执照齐全"
    assert [e.action for e in again.audit_trail] == ["score", "note"]


def test_a_save_that_reached_the_disk_but_then_failed_is_not_written_twice(
    session: EditingSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_save = session.store.save

    def saved_then_failed(*args: object) -> None:
        real_save(*args)  # type: ignore[arg-type]
        raise StorageError("同步文件夹失败")

    monkeypatch.setattr(session.store, "save", saved_then_failed)
    session.set_score("4.1.1", 6)
    monkeypatch.setattr(session.store, "save", real_save)
    assert session.retry_save()
    assert [e.action for e in reopened(session).audit_trail] == ["score"]


def test_a_template_copies_the_profile_but_no_scores(
    session: EditingSession, small_rubric: LoadedRubric
) -> None:
    complete_profile(session)
    session.set_score("4.1.1", 6)
    copy = EditingSession.from_template(session.store, session.key, small_rubric)
    assert copy.key != session.key
    assert copy.assessment.centre == session.assessment.centre
    assert copy.assessment.visit.assessors == session.assessment.visit.assessors
    assert copy.assessment.visit.date is None
    assert copy.result.completeness.scored == 0


def test_overviews_show_progress_and_grade_so_far(
    session: EditingSession, small_rubric: LoadedRubric
) -> None:
    session.set_score("4.1.1", 6)
    [overview] = record_overviews(session.store, [small_rubric])
    assert overview.key == session.key
    assert overview.percent == 20 and overview.grade == "D"


def test_a_session_refuses_an_assessment_of_another_rubric(
    session: EditingSession, small_rubric: LoadedRubric, rubric_data: dict
) -> None:
    rubric_data["version"] = "0.2"
    other = LoadedRubric.of(type(small_rubric.rubric).model_validate(rubric_data))
    with pytest.raises(UserError, match="不一致"):
        EditingSession(session.store, other, session.assessment, [])


def test_a_failing_finalise_hook_leaves_the_assessment_final(session: EditingSession) -> None:
    score_everything(session)
    complete_profile(session)

    def signing_fails(assessment: object) -> None:
        raise RuntimeError("签名失败")

    session.on_finalised.append(signing_fails)
    with pytest.raises(RuntimeError, match="签名失败"):
        session.finalise()
    assert reopened(session).assessment.status is Status.final


def test_a_note_saved_in_pieces_is_one_undo_step_and_every_piece_is_on_disk(
    session: EditingSession,
) -> None:
    session.set_score("4.1.1", 6)
    session.set_note("4.1.1", "营业")
    session.set_note("4.1.1", "营业执照", continued=True)
    session.set_note("4.1.1", "营业执照齐全", continued=True)
    assert reopened(session).entry("4.1.1").note == "营业执照齐全"
    assert [e.action for e in session.audit_trail] == ["score", "note", "note", "note"]
    assert session.undo() == "4.1.1"
    assert session.entry("4.1.1").note == "" and session.entry("4.1.1").score == 6
    session.set_note("4.1.2", "另一条")
    session.set_note("4.1.1", "换了指标", continued=True)
    session.undo()
    assert session.entry("4.1.1").note == "" and session.entry("4.1.2").note == "另一条"


def test_closing_folds_the_journal_into_the_record_file(
    tmp_path: Path, small_rubric: LoadedRubric
) -> None:
    rubric = small_rubric
    store = Store(tmp_path / "data")
    session = EditingSession.create(store, rubric)
    first = rubric.indicators[0]
    session.set_score(first.id, first.max)
    folder = tmp_path / "data" / "assessments" / session.key
    assert (folder / "journal.jsonl").is_file()
    session.compact()
    assert not (folder / "journal.jsonl").exists()
    record = json.loads((folder / "record.json").read_text(encoding="utf-8"))
    assert [e["action"] for e in record["audit"].values()] == [
        e.action for e in session.audit_trail
    ]
    reopened = EditingSession.open(Store(tmp_path / "data"), session.key, [rubric])
    assert reopened.entry(first.id).score == first.max
