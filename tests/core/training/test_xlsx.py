"""The sample workbook: lossless round trip, and every problem named by sheet, row and column."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from assessor.core.problems import ProblemsError
from assessor.core.rubric.registry import default_rubric
from assessor.core.training.sample import load_sample, sample_json
from assessor.core.training.xlsx import sample_from_xlsx, sample_to_xlsx
from tests.training_samples import plain_sample_paths

RUBRIC = default_rubric()
FIRST = plain_sample_paths()[0]


@pytest.mark.parametrize("path", plain_sample_paths(), ids=lambda p: p.stem)
def test_the_round_trip_keeps_the_canonical_bytes(path: Path, tmp_path: Path) -> None:
    table = sample_to_xlsx(load_sample(path), tmp_path / "s.xlsx", RUBRIC)
    assert sample_json(sample_from_xlsx(table).sample) == path.read_bytes()


@pytest.fixture
def table(tmp_path: Path) -> Path:
    return sample_to_xlsx(load_sample(FIRST), tmp_path / "s.xlsx", RUBRIC)


def edit(table: Path, sheet: str, cell: str, value: object) -> None:
    wb = load_workbook(table)
    wb[sheet][cell] = value
    wb.save(table)


def problems(table: Path) -> str:
    with pytest.raises(ProblemsError) as caught:
        sample_from_xlsx(table).check(RUBRIC)
    return str(caught.value)


def test_the_dossier_shows_indicator_names_and_allowed_points(table: Path) -> None:
    ws = load_workbook(table)["档案"]
    assert [c.value for c in ws[1]][:4] == ["指标编号", "指标名称", "可选分值", "现场发现"]
    assert [c.value for c in ws[2]][:3] == ["4.1.1", "登记证书有效且经营范围含托育服务", "6/0"]


@pytest.mark.parametrize(
    ("sheet", "cell", "value", "expected"),
    [
        (
            "档案",
            "E3",
            "满分",
            "工作表「档案」第 3 行「参考分值」列：应为数字，而不是「满分」",
        ),
        ("档案", "F3", "也许", "工作表「档案」第 3 行「不适用」列：应填“是”或“否”"),
        (
            "样例信息",
            "B5",
            "考试",
            "工作表「样例信息」第 5 行「用途」列：「考试」不是可选的取值",
        ),
        ("样例信息", "B3", "Gulou A", "工作表「样例信息」第 3 行「编号」列：格式不正确"),
        ("机构概况", "B6", "托儿所", "工作表「机构概况」第 6 行「机构类型」列"),
        ("班级", "C2", -1, "工作表「班级」第 2 行「婴幼儿人数」列：不能小于 0"),
        ("档案", "D4", "", "工作表「档案」第 4 行「现场发现」列：不能为空"),
        # the validator's own checks, moved from JSON paths to cells
        (
            "档案",
            "E4",
            4,
            "工作表「档案」第 4 行「参考分值」列：指标 4.1.3 的得分 4 不是允许的分值",
        ),
        (
            "档案",
            "A2",
            "4.1.9",
            "工作表「档案」第 2 行「指标编号」列：评估标准中没有指标 4.1.9",
        ),
        (
            "档案",
            "D5",
            "现场看了：有消防验收合格意见、验收备案或投入使用前检查合格意见，载明范围与实际办托区域一致",
            "工作表「档案」第 5 行「现场发现」列：档案照抄了第 1 档",
        ),
        ("样例信息", "B13", 990, "工作表「样例信息」第 13 行「参考总分」列：写明总分 990"),
    ],
)
def test_problems_name_sheet_row_and_column(
    table: Path, sheet: str, cell: str, value: object, expected: str
) -> None:
    edit(table, sheet, cell, value)
    assert expected in problems(table)


def test_a_missing_column_or_sheet_is_named(table: Path) -> None:
    wb = load_workbook(table)
    wb["档案"]["D1"] = "发现"
    del wb["班级"]
    wb.save(table)
    text = problems(table)
    assert "工作表「档案」第 1 行（表头）：缺少「现场发现」列" in text
    assert "工作表「班级」：缺少这个工作表" in text


def test_rows_may_be_reordered(table: Path) -> None:
    wb = load_workbook(table)
    ws = wb["档案"]
    first = [c.value for c in ws[2]]
    last = [c.value for c in ws[ws.max_row]]
    for column, (a, b) in enumerate(zip(first, last, strict=True), start=1):
        ws.cell(2, column, b)
        ws.cell(ws.max_row, column, a)
    wb.save(table)
    sample = sample_from_xlsx(table).check(RUBRIC).sample
    assert sample.dossier[0].indicator == "10.4.3"


def test_a_file_that_is_not_a_workbook_is_a_chinese_error(tmp_path: Path) -> None:
    path = tmp_path / "s.xlsx"
    path.write_text("名称,分值", encoding="utf-8")
    with pytest.raises(ProblemsError, match="不是有效的 Excel 工作簿"):
        sample_from_xlsx(path)
    with pytest.raises(ProblemsError, match="文件不存在"):
        sample_from_xlsx(tmp_path / "missing.xlsx")


# Every problem a sample workbook can have reads 「工作表「X」第 N 行「列名」列：…」 (or, for a
# whole row or sheet, the same without the column or row): never a JSON path.
ONE_FORM = re.compile(r"^s\.xlsx 工作表「[^」]+」(第 \d+ 行(「[^」]+」列|（[^）]+）)?)?：")


def test_duplicates_and_missing_indicators_are_named_at_their_rows(table: Path) -> None:
    wb = load_workbook(table)
    ws = wb["档案"]
    ws["A3"] = ws["A2"].value  # the second row repeats the first indicator (4.1.1)
    last = ws.max_row
    ws.delete_rows(last)  # and the last indicator has no row at all
    wb.save(table)
    with pytest.raises(ProblemsError) as caught:
        sample_from_xlsx(table).check(RUBRIC)
    lines = [str(p) for p in caught.value.problems]
    assert all(ONE_FORM.match(line) for line in lines), lines
    text = "\n".join(lines)
    assert "工作表「档案」第 3 行「指标编号」列：指标 4.1.1 已在 第 2 行 出现过" in text
    assert f"工作表「档案」第 {last} 行「指标编号」列：缺少指标" in text
    assert "dossier" not in text


def test_a_repeated_column_and_a_formula_are_named(table: Path) -> None:
    wb = load_workbook(table)
    wb["档案"]["H1"] = "现场发现"
    wb["样例信息"]["B13"] = "=SUM(1,2)"
    wb.save(table)
    text = problems(table)
    assert "工作表「档案」第 1 行「现场发现」列：列「现场发现」重复" in text
    assert "工作表「样例信息」第 13 行「参考总分」列：是公式 =SUM(1,2)，没有保存计算结果" in text


def test_every_problem_of_a_badly_edited_workbook_has_the_one_form(table: Path) -> None:
    wb = load_workbook(table)
    wb["档案"]["E3"] = "满分"
    wb["档案"]["F4"] = "也许"
    wb["样例信息"]["B5"] = "考试"
    wb["班级"]["C2"] = -1
    wb["机构概况"]["A30"] = "联系人"
    wb["档案"]["D6"] = ""
    wb.save(table)
    with pytest.raises(ProblemsError) as caught:
        sample_from_xlsx(table).check(RUBRIC)
    lines = [str(p) for p in caught.value.problems]
    assert len(lines) >= 6
    assert all(ONE_FORM.match(line) for line in lines), lines
