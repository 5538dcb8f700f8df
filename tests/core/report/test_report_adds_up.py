"""What the report's dimension table shows adds up, for every N/A pattern and both N/A rules:
earned and applicable points column by column, and the total the stated conversion gives."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from assessor.core.rubric.validate import parse_rubric
from tests.core.report.helpers import render, scored_assessment, synthetic_rubric_data

ROW = re.compile(
    r"^\s*(\d+|合计)\s+\S*\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+[\d.]+%\s+([\d.]+)\s+\d+/\d+\s*$"
)


def _rubric(method: str):
    data = synthetic_rubric_data()
    data["na_rule"] = {"method": method, "text": "测试用不适用规则"}
    return parse_rubric(json.dumps(data), f"synthetic-{method}")


def _with_na(scored, how_many: int):
    """The scored assessment with the first `how_many` N/A-able indicators not applicable."""
    allowed = [i.id for i in scored.rubric.indicators if i.na_allowed][:how_many]
    first = {i.id: i.levels[0].points for i in scored.rubric.indicators}
    scored.assessment.scores = [
        s.model_copy(update={"na": True, "score": None})
        if s.indicator in allowed
        else s.model_copy(
            update={"na": False, "score": s.score if s.score is not None else first[s.indicator]}
        )
        for s in scored.assessment.scores
    ]
    return scored


@pytest.mark.parametrize("method", ["rescale_total", "rescale_dimension"])
@pytest.mark.parametrize("how_many", [0, 1, 3, 99])
def test_dimension_table_adds_up(method: str, how_many: int, tmp_path: Path) -> None:
    scored = _with_na(scored_assessment(_rubric(method)), how_many)
    text = render(scored, tmp_path / "r.pdf").text("-layout")
    rows = [m.groups() for line in text.splitlines() if (m := ROW.match(line))]
    dims, total = rows[:-1], rows[-1]
    assert total[0] == "合计" and len(dims) == len(scored.rubric.rubric.dimensions)
    dec = [[Decimal(x) for x in row[1:]] for row in dims]
    earned, applicable, maximum, counted = (Decimal(x) for x in total[1:])
    assert sum(r[0] for r in dec) == earned
    assert sum(r[1] for r in dec) == applicable
    assert sum(r[2] for r in dec) == maximum
    if method == "rescale_total":
        assert [r[3] for r in dec] == [r[0] for r in dec]  # dimensions are not converted
        exact = Fraction(earned) / Fraction(applicable) * Fraction(maximum)
    else:
        exact = sum(
            (Fraction(r[0]) / Fraction(r[1]) * Fraction(r[2]) if r[1] else Fraction(r[2]))
            for r in dec
        )
    assert counted == Decimal(int(exact * 100)) / 100
    if how_many:
        assert "含不适用指标（合理缺项）" in text
