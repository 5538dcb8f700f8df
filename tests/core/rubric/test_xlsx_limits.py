"""Hostile workbooks are refused before they cost time or memory; odd sheets and cells are named."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from assessor.core.problems import Problem, ProblemsError
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.rubric.xlsx import rubric_from_xlsx, rubric_to_xlsx
from assessor.core.rubric.xlsx_layout import INDS, SHEET_ORDER
from assessor.core.xlsx_forms.workbook import MAX_ROWS
from tests.xlsx_bombs import padding, replace_parts, sheet_part, sheet_xml

INDICATOR_SHEET = sheet_part(SHEET_ORDER.index(INDS) + 1)


@pytest.fixture
def table(small_rubric: LoadedRubric, tmp_path: Path) -> Path:
    return rubric_to_xlsx(small_rubric, tmp_path / "rubric.xlsx")


def problems_of(path: Path) -> list[Problem]:
    started = time.perf_counter()
    with pytest.raises(ProblemsError) as caught:
        rubric_from_xlsx(path)
    # Generous for a shared CI machine; the unguarded reader took minutes on these files.
    assert time.perf_counter() - started < 10
    return caught.value.problems


def test_declared_unpacked_size_is_checked_before_parsing(table: Path, tmp_path: Path) -> None:
    bomb = replace_parts(table, tmp_path / "bomb.xlsx", {"xl/bomb.xml": padding(60)})
    assert bomb.stat().st_size < 1024 * 1024
    (problem,) = problems_of(bomb)
    assert problem.where == "bomb.xlsx"
    assert "解压后有 60 MB，超过上限 50 MB" in problem.message


def test_declared_sheet_dimensions_are_checked(table: Path, tmp_path: Path) -> None:
    liar = replace_parts(
        table, tmp_path / "wide.xlsx", {INDICATOR_SHEET: sheet_xml(3, dimension="A1:B1000000")}
    )
    (problem,) = problems_of(liar)
    assert problem.where == "wide.xlsx"
    assert f"工作表 {INDICATOR_SHEET} 过大（声明的范围到 B1000000）" in problem.message


@pytest.mark.parametrize("dimension", [None, "A1:A3"])
def test_rows_beyond_the_limit_are_refused_whatever_the_sheet_claims(
    table: Path, tmp_path: Path, dimension: str | None
) -> None:
    many = replace_parts(
        table,
        tmp_path / "many.xlsx",
        {INDICATOR_SHEET: sheet_xml(MAX_ROWS * 3, dimension=dimension)},
    )
    (problem,) = problems_of(many)
    assert f"超过 {MAX_ROWS} 行" in problem.message


def test_too_many_columns_are_refused(table: Path, tmp_path: Path) -> None:
    wide = replace_parts(
        table, tmp_path / "cols.xlsx", {INDICATOR_SHEET: sheet_xml(2, dimension=None, columns=300)}
    )
    (problem,) = problems_of(wide)
    assert "第 1 行超过 100 列" in problem.message


def test_an_unknown_sheet_is_an_error(table: Path) -> None:
    wb = load_workbook(table)
    wb.create_sheet("草稿")
    wb.save(table)
    problems = problems_of(table)
    assert [(p.where, p.message) for p in problems] == [
        ("rubric.xlsx 工作表「草稿」", "不认识的工作表；请删除该工作表，或把内容移到规定的工作表中")
    ]


def test_a_formula_without_a_saved_result_is_named_a_formula(table: Path) -> None:
    wb = load_workbook(table)
    wb[INDS]["E3"] = "=2*3"  # openpyxl saves formulas without a computed value, like a script
    wb[INDS]["D2"] = '=CONCAT("托育", "机构")'
    wb.save(table)
    messages = {p.path: p.message for p in problems_of(table)}
    assert messages["第 3 行「满分」列"].startswith("单元格是公式「=2*3」，没有保存计算结果")
    assert "公式「=CONCAT(" in messages["第 2 行「指标内容」列"]
    assert not any("缺少必填项" in m for m in messages.values())
