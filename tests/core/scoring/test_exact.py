"""Grades decided on exact totals: boundary cases checked against hand-computed fractions, for
both N/A rules, and a property that the stored total and grade are what exact arithmetic gives.

Expected values here are written out by hand (as fractions) or computed by a few lines of
independent arithmetic in the test, never by the engine under test.
"""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessor.core.document.new import new_assessment
from assessor.core.rubric.validate import LoadedRubric, parse_rubric
from assessor.core.scoring.engine import compute_result
from assessor.core.scoring.exact import cut, exact
from tests.factories import rubric_data

LEVELS_BIG = [700, 601, 600, 599, 451, 450, 449, 301, 300, 299, 0]


def _level_list(points: list[float]) -> list[dict[str, Any]]:
    return [
        {"points": p, "label": f"{p:g} 分", "criterion": f"达到 {p:g} 分档的要求"} for p in points
    ]


def _ind(ident: str, maximum: float, levels: list[float], *, na: bool = False) -> dict[str, Any]:
    return {
        "id": ident,
        "text": f"指标 {ident}",
        "short": f"指标{ident}",
        "max": maximum,
        "levels": _level_list(levels),
        "methods": ["documents"],
        "basic": None,
        "na_allowed": na,
        "na_condition": "不适用时" if na else "",
        "evidence_hints": [],
        "checks": [],
        "source": "drafted",
    }


def boundary_rubric(method: str) -> LoadedRubric:
    """1000 points: dimension 4 (300: 299 + an N/A-able 1) and dimension 5 (700)."""
    data = rubric_data(
        [
            {
                "id": "4",
                "name": "甲",
                "max": 300,
                "items": [
                    {
                        "id": "4.1",
                        "name": "甲一",
                        "max": 300,
                        "indicators": [
                            _ind("4.1.1", 299, [299, 298, 0]),
                            _ind("4.1.2", 1, [1, 0], na=True),
                        ],
                    }
                ],
            },
            {
                "id": "5",
                "name": "乙",
                "max": 700,
                "items": [
                    {
                        "id": "5.1",
                        "name": "乙一",
                        "max": 700,
                        "indicators": [_ind("5.1.1", 700, LEVELS_BIG)],
                    }
                ],
            },
        ],
        total=1000,
        basic_count=0,
        bands=(900, 750, 600),
    )
    data["na_rule"] = {"method": method, "text": "测试用不适用规则"}
    return parse_rubric(json.dumps(data), f"boundary-{method}")


def scored(rubric: LoadedRubric, a: float, b: float | None, c: float):
    """4.1.1 = a, 4.1.2 = b (None: not applicable), 5.1.1 = c."""
    assessment = new_assessment(rubric)
    values = {"4.1.1": a, "4.1.2": b, "5.1.1": c}
    assessment.scores = [
        s.model_copy(
            update={"na": True} if values[s.indicator] is None else {"score": values[s.indicator]}
        )
        for s in assessment.scores
    ]
    return compute_result(rubric, assessment)


# (4.1.1, 4.1.2 or None for N/A, 5.1.1) → exact total by hand, grade
DIMENSION_CASES = [
    (298, None, 601, Fraction(298 * 300, 299) + 601, "B"),  # 899.9966…: never "900", never A
    (298, 1, 601, Fraction(900), "A"),  # exactly at the cut-off
    (298, 0, 601, Fraction(899), "B"),  # just below
    (299, None, 601, Fraction(901), "A"),  # just above
    (298, None, 451, Fraction(298 * 300, 299) + 451, "C"),  # 749.9966…
    (299, 1, 450, Fraction(750), "B"),
    (298, None, 301, Fraction(298 * 300, 299) + 301, "D"),  # 599.9966…
    (299, 1, 300, Fraction(600), "C"),
    (299, 0, 300, Fraction(599), "D"),
]

TOTAL_CASES = [
    (298, None, 601, Fraction(899 * 1000, 999), "B"),  # 899.8998…
    (299, None, 601, Fraction(900 * 1000, 999), "A"),  # 900.9009…
    (299, 1, 600, Fraction(900), "A"),
    (299, 0, 600, Fraction(899), "B"),
    (299, None, 450, Fraction(749 * 1000, 999), "C"),  # 749.749…
    (299, None, 451, Fraction(750 * 1000, 999), "B"),
    (299, None, 299, Fraction(598 * 1000, 999), "D"),  # 598.598…
    (299, None, 300, Fraction(599 * 1000, 999), "D"),  # 599.599…
    (299, None, 301, Fraction(600 * 1000, 999), "C"),  # 600.600…
]


@pytest.mark.parametrize(("a", "b", "c", "expected", "grade"), DIMENSION_CASES)
def test_boundaries_with_dimension_conversion(a, b, c, expected: Fraction, grade: str) -> None:
    result = scored(boundary_rubric("rescale_dimension"), a, b, c)
    assert result.grade == grade
    assert Decimal(repr(result.total)) == Decimal(int(expected * 100)) / 100


@pytest.mark.parametrize(("a", "b", "c", "expected", "grade"), TOTAL_CASES)
def test_boundaries_with_total_conversion(a, b, c, expected: Fraction, grade: str) -> None:
    result = scored(boundary_rubric("rescale_total"), a, b, c)
    band = "A" if expected >= 900 else "B" if expected >= 750 else "C" if expected >= 600 else "D"
    assert grade == band  # the table above is consistent with the cut-offs
    assert result.grade == grade
    assert Decimal(repr(result.total)) == Decimal(int(expected * 100)) / 100


def test_the_899_998_case_is_shown_below_the_cut_off_with_what_is_missing() -> None:
    result = scored(boundary_rubric("rescale_dimension"), 298, None, 601)
    assert result.total == 899.99 and result.grade == "B"
    assert result.explanation.points_to_next == 0.01
    assert any("总分 899.99 分" in r for r in result.explanation.reasons)
    assert any("距 A（优秀）还差 0.01 分" in r for r in result.explanation.reasons)


def test_items_dimensions_and_total_add_up_under_total_conversion() -> None:
    result = scored(boundary_rubric("rescale_total"), 298, None, 601)
    for dim in result.dimensions:
        assert sum(i.earned for i in dim.items) == dim.earned
        assert sum(i.applicable_max for i in dim.items) == dim.applicable_max
        assert dim.score == dim.earned  # nothing is converted below the total
    assert sum(d.earned for d in result.dimensions) == result.earned == 899
    assert sum(d.applicable_max for d in result.dimensions) == result.applicable_max == 999


def test_cut_is_towards_zero_at_two_decimals() -> None:
    assert cut(Fraction(899998, 1000)) == Decimal("899.99")
    assert cut(Fraction(1, 3)) == Decimal("0.33")
    assert cut(Fraction(2, 3)) == Decimal("0.66")
    assert cut(Fraction(900)) == Decimal("900.00")
    assert exact(0.3) == Fraction(3, 10) and exact(2.5) == Fraction(5, 2)


@settings(max_examples=300, deadline=None)
@given(
    a=st.sampled_from([299, 298, 0]),
    b=st.sampled_from([1, 0, None]),
    c=st.sampled_from(LEVELS_BIG),
    method=st.sampled_from(["rescale_dimension", "rescale_total"]),
)
def test_stored_total_and_grade_are_what_exact_arithmetic_gives(a, b, c, method) -> None:
    result = scored(boundary_rubric(method), a, b, c)
    applicable4 = 299 + (0 if b is None else 1)
    earned4 = a + (b or 0)
    if method == "rescale_dimension":
        total = Fraction(earned4 * 300, applicable4) + c
    else:
        total = Fraction((earned4 + c) * 1000, applicable4 + 700)
    band = "A" if total >= 900 else "B" if total >= 750 else "C" if total >= 600 else "D"
    assert result.grade == band
    assert Decimal(repr(result.total)) == Decimal(int(total * 100)) / 100
