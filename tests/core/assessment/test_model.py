"""The assessment record refuses malformed input with Chinese messages."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from assessor.core.assessment.model import Centre, IndicatorScore, Supersedes, profile_gaps
from assessor.core.assessment.uscc import CHARSET, check_character, uscc_problem
from assessor.core.document.new import new_assessment
from assessor.core.problems import problems_from_validation
from tests.factories import small_rubric

VALID_USCC = "91350100M000100Y43"


def test_a_published_code_passes_and_its_check_character_is_recomputed() -> None:
    assert uscc_problem(VALID_USCC) is None
    assert check_character(VALID_USCC[:17]) == VALID_USCC[17]


@given(st.text(alphabet=CHARSET, min_size=17, max_size=17).filter(lambda s: s[2:8].isdigit()))
def test_any_single_wrong_check_character_is_caught(first17: str) -> None:
    good = check_character(first17)
    assert uscc_problem(first17 + good) is None
    wrong = next(c for c in CHARSET if c != good)
    assert "校验位错误" in (uscc_problem(first17 + wrong) or "")


def test_centre_rejects_a_bad_code_with_a_chinese_message() -> None:
    with pytest.raises(ValidationError) as info:
        Centre(uscc=VALID_USCC[:17] + "0", division_code="12")
    messages = {p.path: p.message for p in problems_from_validation("表单", info.value)}
    assert "校验位错误" in messages["uscc"]
    assert "行政区划代码" in messages["division_code"]


def test_lower_case_code_is_normalised() -> None:
    assert Centre(uscc=VALID_USCC.lower()).uscc == VALID_USCC


def test_score_and_not_applicable_are_exclusive() -> None:
    with pytest.raises(ValidationError, match="不能既有得分又标记为不适用"):
        IndicatorScore(indicator="4.1.1", score=1, na=True)


def test_an_amendment_must_reference_the_previous_version_and_give_a_reason() -> None:
    first = new_assessment(small_rubric())
    with pytest.raises(ValidationError, match="修订原因"):
        first.model_copy(update={"version": 2}).model_validate(
            first.model_dump() | {"version": 2, "supersedes": Supersedes(version=1, sha256="a")}
        )
    amended = first.model_validate(
        first.model_dump()
        | {"version": 2, "supersedes": {"version": 1, "sha256": "a"}, "amendment_reason": "笔误"}
    )
    assert amended.version == 2


def test_profile_gaps_list_what_finalising_still_needs() -> None:
    gaps = profile_gaps(new_assessment(small_rubric()))
    assert gaps[:3] == ["机构名称", "统一社会信用代码", "机构地址"]
    assert "评估人员" in gaps and "班级设置" in gaps
