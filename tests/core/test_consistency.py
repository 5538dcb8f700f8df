"""Consistency warnings: the assessor is told, decides, and explains in a note."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from assessor.core.clock import beijing_today
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.session import EditingSession, FinaliseBlocked
from assessor.core.storage.store import Store
from tests.core.test_session import complete_profile, score_everything


@pytest.fixture
def session(tmp_path: Path, small_rubric: LoadedRubric) -> EditingSession:
    session = EditingSession.create(Store(tmp_path / "data"), small_rubric)
    complete_profile(session)
    score_everything(session)
    return session


def test_not_applicable_meals_while_meals_are_served(session: EditingSession) -> None:
    assert session.warnings() == []
    session.set_na("5.1.2", True)
    [warning] = session.warnings()
    assert warning.indicator == "5.1.2" and "机构提供膳食" in warning.message
    session.update_centre(meals_served=False)
    assert session.warnings() == [], "consistent once the profile says no meals"


def test_full_marks_next_to_a_failing_check_needs_a_note(session: EditingSession) -> None:
    session.update_centre(
        classes=[{"name": "小鲸鱼班", "kind": "toddler_small", "children": 20, "carers": 5}]
    )
    warnings = session.unresolved_warnings()
    assert [w.indicator for w in warnings] == ["5.1.1"]
    assert "给了满分" in warnings[0].message and "小鲸鱼班" in warnings[0].message
    with pytest.raises(FinaliseBlocked) as blocked:
        session.finalise()
    assert blocked.value.conflicts == warnings and "一致性提示" in str(blocked.value)
    session.set_note("5.1.1", "当日实到 14 人，名册人数含离园幼儿，已核对")
    assert session.unresolved_warnings() == [] and session.warnings()[0].resolved
    session.finalise()
    assert session.is_final


def test_a_visit_date_in_the_future_is_only_resolved_by_correcting_it(
    session: EditingSession,
) -> None:
    tomorrow = beijing_today() + timedelta(days=1)
    session.update_visit(date=tomorrow.isoformat())
    [warning] = session.unresolved_warnings()
    assert warning.indicator is None and "晚于今天" in warning.message
    with pytest.raises(FinaliseBlocked):
        session.finalise()
    session.update_visit(date=beijing_today().isoformat())
    assert session.warnings() == []
