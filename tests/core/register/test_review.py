"""Review states: filters select the right current assessments, every change is logged."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from assessor.core.problems import UserError
from assessor.core.register.db import connect
from assessor.core.register.importer import ImportOptions, run_import
from assessor.core.register.review import Selection, review_log, set_state, state_of, undo_last
from assessor.core.register.rows import ReviewState
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.signing.keys import SigningKey
from tests.core.register.builders import amended, assessment, signed


@pytest.fixture
def register(
    tmp_path: Path, rubric: LoadedRubric, signer: SigningKey, options: ImportOptions
) -> tuple[Path, list[str]]:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    records = [
        assessment(rubric, 0, division="350102", day=dt.date(2025, 6, 1)),
        assessment(rubric, 1, division="350102", day=dt.date(2026, 6, 1)),
        assessment(rubric, 2, division="350103", day=dt.date(2026, 6, 1)),
    ]
    for n, record in enumerate(records):
        raw = signed(rubric, record, signer)
        (inbox / f"{n}.json").write_bytes(raw)
    v2 = amended(rubric, records[2], (inbox / "2.json").read_bytes(), signer)[1]
    (inbox / "2-v2.json").write_bytes(v2)
    run_import(tmp_path / "reg", [inbox], options)
    return tmp_path / "reg", [r.id for r in records]


def test_filters_select_current_assessments(register: tuple[Path, list[str]]) -> None:
    folder, ids = register
    conn = connect(folder)
    assert (
        set_state(conn, Selection(division_code="350102"), ReviewState.query, who="甲").changed == 2
    )
    assert set_state(conn, Selection(cycle="2026"), ReviewState.confirmed, who="乙").changed == 2
    assert [state_of(conn, i) for i in ids] == [
        ReviewState.query,
        ReviewState.confirmed,
        ReviewState.confirmed,
    ]
    only_queried = Selection(state=ReviewState.query)
    assert (
        set_state(conn, only_queried, ReviewState.returned, who="丙", comment="补材料").changed == 1
    )
    assert state_of(conn, ids[0]) is ReviewState.returned
    # The amended assessment is one assessment: one state for both versions.
    assert len([e for e in review_log(conn, [ids[2]])]) == 1


def test_setting_the_same_state_again_changes_nothing(register: tuple[Path, list[str]]) -> None:
    folder, ids = register
    conn = connect(folder)
    selection = Selection(assessment_ids=[ids[0]])
    assert set_state(conn, selection, ReviewState.confirmed, who="甲").changed == 1
    assert set_state(conn, selection, ReviewState.confirmed, who="甲").changed == 0
    assert len(review_log(conn, [ids[0]])) == 1


def test_undo_goes_back_one_step_and_is_logged(register: tuple[Path, list[str]]) -> None:
    folder, ids = register
    conn = connect(folder)
    selection = Selection(assessment_ids=[ids[1]])
    set_state(conn, selection, ReviewState.query, who="甲")
    set_state(conn, selection, ReviewState.confirmed, who="甲")
    assert undo_last(conn, selection, who="乙") == 1
    assert state_of(conn, ids[1]) is ReviewState.query
    log = review_log(conn, [ids[1]])
    assert [(e.old_state, e.new_state, e.who) for e in log] == [
        (ReviewState.pending, ReviewState.query, "甲"),
        (ReviewState.query, ReviewState.confirmed, "甲"),
        (ReviewState.confirmed, ReviewState.query, "乙"),
    ]
    assert all(e.at.tzinfo is not None for e in log)


def test_unknown_ids_are_refused_and_nothing_changes(register: tuple[Path, list[str]]) -> None:
    folder, ids = register
    conn = connect(folder)
    with pytest.raises(UserError, match="没有这些评估"):
        set_state(
            conn, Selection(assessment_ids=[ids[0], "0" * 32]), ReviewState.confirmed, who="甲"
        )
    assert state_of(conn, ids[0]) is ReviewState.pending
    assert review_log(conn) == []
