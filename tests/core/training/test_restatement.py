"""A dossier entry that restates a level's criterion is caught; honest notes are not."""

from __future__ import annotations

import pytest

from assessor.core.training.restatement import restated_part

LONG = "抽查5份档案，既往病史、过敏史、入托体检和定期体检结果齐全"
SHORT = "未参加负责人岗位培训"


@pytest.mark.parametrize(
    "found",
    [
        "抽查5份档案，既往病史、过敏史、入托体检和定期体检结果齐全。",  # verbatim
        "抽查 5 份档案：既往病史，过敏史，入托体检和定期体检结果齐全",  # punctuation changed
        "抽查５份档案既往病史过敏史入托体检和定期体检结果齐全",  # full-width digit
        "抽查了5份健康档案，既往病史、过敏史、入托体检与定期体检的结果都齐全。",  # reworded
        "抽查 5 份档案，既往病史、过敏史、入托体检和最近一次定期体检结果都有",  # mostly
    ],
)
def test_copies_of_a_long_criterion_are_restatements(found: str) -> None:
    assert restated_part(found, LONG) == LONG


def test_a_long_clause_copied_whole_is_named() -> None:
    criterion = "逐一核对在岗人员（人数多时抽查不少于10名且覆盖五类岗位），健康证明全部在有效期内"
    found = "厨房两人的证明刚换过。人数多时抽查不少于10名且覆盖五类岗位，这次抽了 6 名。"
    assert restated_part(found, criterion) == "人数多时抽查不少于10名且覆盖五类岗位"


@pytest.mark.parametrize(
    ("found", "criterion"),
    [
        # Shares the nouns of a short criterion but says what was seen.
        ("主任持省托育机构负责人岗位培训合格证书，学时 64，2024 年 11 月颁发。", SHORT),
        (
            "抽了 5 份健康档案：每份首页有过敏栏，附入托体检表和 2025 年 12 月的定期体检单。",
            LONG,
        ),
        ("达标", "达标"),  # a label is too short to protect
    ],
)
def test_honest_descriptions_are_not_restatements(found: str, criterion: str) -> None:
    assert restated_part(found, criterion) is None


def test_a_short_criterion_copied_verbatim_is_a_restatement() -> None:
    assert restated_part("经查，该负责人未参加负责人岗位培训。", SHORT) == SHORT
