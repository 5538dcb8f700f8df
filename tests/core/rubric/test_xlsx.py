"""Spreadsheet round trip: lossless both ways, and every problem points at sheet, row and column."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.workbook import Workbook

from assessor.core.problems import Problem, ProblemsError, UserError
from assessor.core.rubric.model import Basis, Rubric
from assessor.core.rubric.validate import LoadedRubric, load_rubric
from assessor.core.rubric.xlsx import rubric_from_xlsx, rubric_to_xlsx
from assessor.core.rubric.xlsx_layout import basis_from_cell, basis_to_cell
from tests.factories import small_rubric_v2

SHEETS = [
    "说明",
    "标准信息",
    "依据文件",
    "等级规则",
    "不适用规则",
    "核查参数",
    "维度",
    "项目",
    "指标",
    "评分档次",
    "修订记录",
]


@pytest.fixture
def table(small_rubric: LoadedRubric, tmp_path: Path) -> Path:
    return rubric_to_xlsx(small_rubric, tmp_path / "rubric.xlsx")


def edit(path: Path, change: Callable[[Workbook], None]) -> Path:
    """Edit the workbook the way a clerk would in Excel, and save it in place."""
    wb = load_workbook(path)
    change(wb)
    wb.save(path)
    return path


def problems_of(path: Path) -> list[Problem]:
    with pytest.raises(ProblemsError) as caught:
        rubric_from_xlsx(path)
    return caught.value.problems


def located(problems: list[Problem]) -> set[tuple[str, str]]:
    return {(p.where, p.path) for p in problems}


def by_cell(problems: list[Problem]) -> dict[tuple[str, str], str]:
    """(sheet, place) → message, for a workbook named rubric.xlsx."""
    prefix = "rubric.xlsx 工作表"
    assert all(p.where.startswith(prefix) for p in problems), problems
    return {(p.where.removeprefix(prefix).strip("「」"), p.path): p.message for p in problems}


def test_round_trip_keeps_the_hash(small_rubric: LoadedRubric, table: Path) -> None:
    back = rubric_from_xlsx(table)
    assert back.sha256 == small_rubric.sha256
    assert back.rubric.model_dump(mode="json") == small_rubric.rubric.model_dump(mode="json")
    assert back.source == str(table)


def test_round_trip_accepts_a_bare_model(small_rubric: LoadedRubric, tmp_path: Path) -> None:
    path = rubric_to_xlsx(small_rubric.rubric, tmp_path / "bare.xlsx")
    assert rubric_from_xlsx(path).sha256 == small_rubric.sha256


def test_round_trip_keeps_awkward_values(rubric_data: dict[str, Any], tmp_path: Path) -> None:
    """Text Excel would turn into a formula, surrounding spaces, line breaks, and a float that
    needs all 17 digits."""
    indicator = rubric_data["dimensions"][0]["items"][0]["indicators"][0]
    indicator["text"] = "=SUM(A1) 不是公式"
    indicator["short"] = "  两端有空格  "
    indicator["levels"][1]["points"] = 0.1 + 0.2
    indicator["levels"][1]["criterion"] = "第一行\r\n第二行"
    indicator["evidence_hints"] = ["营业执照", "备案回执", "消防意见书"]
    rubric_data["notes"] = ""
    original = LoadedRubric.of(Rubric.model_validate(rubric_data))
    back = rubric_from_xlsx(rubric_to_xlsx(original, tmp_path / "awkward.xlsx"))
    assert back.sha256 == original.sha256
    assert back.by_id["4.1.1"].levels[1].points == 0.1 + 0.2


def test_round_trip_of_the_real_rubric(real_rubric_path: Path, tmp_path: Path) -> None:
    original = load_rubric(real_rubric_path)
    started = time.perf_counter()
    back = rubric_from_xlsx(rubric_to_xlsx(original, tmp_path / "ws-t-821.xlsx"))
    elapsed = time.perf_counter() - started
    assert back.sha256 == original.sha256
    assert [i.id for i in back.indicators] == [i.id for i in original.indicators]
    assert elapsed < 5, f"round trip took {elapsed:.2f} s"


def test_workbook_is_laid_out_for_a_clerk(table: Path) -> None:
    wb = load_workbook(table)
    assert wb.sheetnames == SHEETS
    inds = wb["指标"]
    headers = [c.value for c in inds[1]]
    assert headers[:5] == ["编号", "所属项目", "短名称", "指标内容", "满分"]
    assert inds.freeze_panes == "B2"
    assert inds["F2"].value == "查阅资料、现场查看"
    assert inds["G5"].value == "是"
    assert inds["L2"].value == "营业执照\n备案回执"
    assert inds["N2"].value == "标准原文"
    assert inds["D2"].alignment.wrap_text
    assert inds.column_dimensions["D"].width > inds.column_dimensions["A"].width
    levels = wb["评分档次"]
    assert [c.value for c in levels[2]] == ["4.1.1", 1, 6, "符合", "完全做到", None]
    readme = "\n".join(str(c.value) for row in wb["说明"].iter_rows() for c in row if c.value)
    assert "assessor rubric from-xlsx" in readme
    assert "评分标准" in readme  # every column is explained


def test_clerk_edit_reaches_the_rubric(small_rubric: LoadedRubric, table: Path) -> None:
    def change(wb: Workbook) -> None:
        wb["指标"]["D3"] = "按标准原文修订的指标内容"
        wb["指标"]["N3"] = "标准原文"
        wb["标准信息"]["B7"] = datetime(2023, 10, 31)  # Excel turns a typed date into a date

    back = rubric_from_xlsx(edit(table, change))
    changed = back.by_id["4.1.2"]
    assert changed.text == "按标准原文修订的指标内容"
    assert changed.source.value == "standard"
    assert back.rubric.published == "2023-10-31"
    assert back.sha256 != small_rubric.sha256
    expected = small_rubric.rubric.model_dump(mode="json")
    expected["published"] = "2023-10-31"
    expected["dimensions"][0]["items"][0]["indicators"][1].update(
        text="按标准原文修订的指标内容", source="standard"
    )
    assert back.rubric.model_dump(mode="json") == expected


def test_english_values_numbers_and_moved_columns_are_read(
    small_rubric: LoadedRubric, table: Path
) -> None:
    def change(wb: Workbook) -> None:
        inds = wb["指标"]
        inds["F2"] = "documents, site_inspection"
        inds["G2"] = "FALSE"
        inds["N2"] = "standard"
        wb["维度"]["A2"] = 4  # a clerk typing the chapter number gets a number cell
        wb["维度"]["C2"] = "15"
        # Columns are found by their header, so a clerk may reorder them.
        levels = wb["评分档次"]
        for row in levels.iter_rows():
            row[3].value, row[4].value = row[4].value, row[3].value
        levels.insert_rows(5)  # blank rows are skipped

    assert rubric_from_xlsx(edit(table, change)).sha256 == small_rubric.sha256


def test_sheets_written_with_earlier_labels_still_read(
    small_rubric: LoadedRubric, table: Path
) -> None:
    def change(wb: Workbook) -> None:
        inds = wb["指标"]
        assert inds["M3"].value and inds["N3"].value  # 计算核查, 来源 of 4.1.2
        inds["M3"] = "室内面积"  # earlier label of indoor_area
        inds["N3"] = "起草"  # earlier label of drafted

    assert rubric_from_xlsx(edit(table, change)).sha256 == small_rubric.sha256


def test_malformed_cells_are_all_reported_with_sheet_row_and_column(table: Path) -> None:
    def change(wb: Workbook) -> None:
        wb["指标"]["E3"] = "四"
        wb["评分档次"]["A5"] = "9.9.9"
        wb["指标"]["F2"] = "查阅资料、随便看看"
        wb["指标"]["G4"] = "也许"
        wb["项目"]["B3"] = "7"
        del wb["核查参数"]

    problems = problems_of(edit(table, change))
    assert located(problems) == {
        ("rubric.xlsx 工作表「指标」", "第 3 行「满分」列"),
        ("rubric.xlsx 工作表「评分档次」", "第 5 行「指标编号」列"),
        ("rubric.xlsx 工作表「指标」", "第 2 行「评估方法」列"),
        ("rubric.xlsx 工作表「指标」", "第 4 行「基础指标」列"),
        ("rubric.xlsx 工作表「项目」", "第 3 行「所属维度」列"),
        ("rubric.xlsx 工作表「核查参数」", ""),
    }
    messages = {p.path: p.message for p in problems}
    assert messages["第 3 行「满分」列"] == "应为数字，而不是「四」"
    assert messages["第 5 行「指标编号」列"] == "编号 9.9.9 不在「指标」工作表中"
    assert "「随便看看」不是可选的取值" in messages["第 2 行「评估方法」列"]
    assert messages["第 3 行「所属维度」列"] == "编号 7 不在「维度」工作表中"
    assert messages[""] == "缺少这个工作表"
    # In sheet order, then row by row, so the clerk can work down the workbook.
    assert [p.where for p in problems] == [
        "rubric.xlsx 工作表「核查参数」",
        "rubric.xlsx 工作表「项目」",
        "rubric.xlsx 工作表「指标」",
        "rubric.xlsx 工作表「指标」",
        "rubric.xlsx 工作表「指标」",
        "rubric.xlsx 工作表「评分档次」",
    ]
    assert [p.path for p in problems][2:5] == [
        "第 2 行「评估方法」列",
        "第 3 行「满分」列",
        "第 4 行「基础指标」列",
    ]


def test_wrong_sums_and_other_rules_are_reported_at_their_cells(table: Path) -> None:
    def change(wb: Workbook) -> None:
        wb["项目"]["D2"] = 11  # item 4.1: its indicators add up to 10
        wb["维度"]["C3"] = 12  # dimension 5: its items add up to 10
        wb["评分档次"]["A5"] = "9.9.9"  # 4.1.2 loses its full-points level
        wb["指标"]["K6"] = None  # 5.1.2 may be N/A but says no longer when
        wb["等级规则"]["B3"] = "E"

    assert by_cell(problems_of(edit(table, change))) == {
        ("标准信息", "第 10 行「总分」列"): "总分为 25，但各维度满分之和为 27",
        (
            "等级规则",
            "第 3 行「否决后等级」列",
        ): "否决后的等级 E 不在等级列表 ['A', 'B', 'C', 'D'] 中",
        ("维度", "第 2 行「满分」列"): "维度 4 满分为 15，但其项目满分之和为 16",
        ("维度", "第 3 行「满分」列"): "维度 5 满分为 12，但其项目满分之和为 10",
        ("项目", "第 2 行「满分」列"): "项目 4.1 满分为 11，但其指标满分之和为 10",
        ("指标", "第 6 行「不适用条件」列"): "允许“不适用”的指标必须写明适用条件",
        ("评分档次", "第 5 行「指标编号」列"): "编号 9.9.9 不在「指标」工作表中",
        ("评分档次", "第 6 行起（指标 4.1.2 的评分档次）"): "没有满分档（4 分）",
    }


def test_model_errors_map_back_to_cells(table: Path) -> None:
    def change(wb: Workbook) -> None:
        wb["指标"]["C2"] = "长" * 41
        wb["标准信息"]["B7"] = "2023/10/31"
        wb["评分档次"]["C2"] = -1
        wb["标准信息"]["B3"] = None
        wb["指标"]["G3"] = "是"  # basic, but whether that is verified is left blank
        wb["指标"]["I2"] = "不是基础指标却写了说明"

    found = {p.path: p.message for p in problems_of(edit(table, change))}
    # pydantic's bound for the points is a float, so the wording is "不能小于 0.0"
    assert found.pop("第 2 行「分值」列").startswith("不能小于 0")
    assert found == {
        "第 3 行「标准编号」列": "不能为空",
        "第 2 行「短名称」列": "内容过长，最多 40 个字符",
        "第 7 行「发布日期」列": "格式不正确",
        "第 3 行「基础指标已核实」列": "缺少必填项",
        "第 2 行「基础指标说明」列": "该指标不是基础指标，此列应留空（或将「基础指标」改为“是”）",
    }


def test_duplicate_ids_and_headers_are_reported(table: Path) -> None:
    def change(wb: Workbook) -> None:
        wb["维度"].append(["4", "重复的维度", 1])
        wb["指标"]["A3"] = "4.1.1"
        wb["指标"]["O1"] = "备注"
        wb["等级规则"]["D11"] = "兜底"  # a second fallback grade
        wb["标准信息"]["A12"] = "联系人"

    found = by_cell(problems_of(edit(table, change)))
    assert found[("维度", "第 4 行「编号」列")] == "维度编号 4 重复（第 2 行）"
    assert found[("指标", "第 1 行「备注」列")].startswith("不认识的列「备注」")
    assert found[("等级规则", "第 12 行「类型」列")].startswith("只能有一个兜底等级")
    assert found[("标准信息", "第 12 行「项目」列")] == "不认识的项目「联系人」"


def test_duplicate_indicator_id_is_reported_once(table: Path) -> None:
    def change(wb: Workbook) -> None:
        wb["指标"]["A3"] = "4.1.1"
        for row in wb["评分档次"].iter_rows(min_row=2):
            if row[0].value == "4.1.2":
                row[0].value = "4.1.1"

    problems = problems_of(edit(table, change))
    assert ("rubric.xlsx 工作表「指标」", "第 2 行「编号」列") in located(problems)
    assert any(p.message == "编号 4.1.1 重复出现 2 次" for p in problems)
    assert len(problems) == len(set(problems))


def test_missing_column_is_reported(table: Path) -> None:
    def change(wb: Workbook) -> None:
        wb["指标"].delete_cols(5)  # 满分
        wb["评分档次"]["C2"] = "很多"

    problems = problems_of(edit(table, change))
    assert located(problems) == {
        ("rubric.xlsx 工作表「指标」", "第 1 行（表头）"),
        ("rubric.xlsx 工作表「评分档次」", "第 2 行「分值」列"),
    }
    assert "缺少列「满分」" in problems[0].message


def test_text_a_workbook_cannot_hold_is_refused(
    rubric_data: dict[str, Any], tmp_path: Path
) -> None:
    rubric_data["dimensions"][0]["items"][0]["indicators"][1]["text"] = "控制字符\x01"
    path = tmp_path / "never.xlsx"
    with pytest.raises(UserError, match="工作表「指标」第 3 行「指标内容」列"):
        rubric_to_xlsx(Rubric.model_validate(rubric_data), path)
    assert not path.exists()


def test_unreadable_files(tmp_path: Path) -> None:
    missing = tmp_path / "missing.xlsx"
    assert [p.message for p in problems_of(missing)] == ["无法读取文件：文件不存在"]
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a workbook", encoding="utf-8")
    (problem,) = problems_of(fake)
    assert problem.where == "fake.xlsx"
    assert "不是有效的 Excel 工作簿" in problem.message


# --- format 2: documents, bases, veto lines and the change log ---------------------------------


@pytest.fixture
def table_v2(tmp_path: Path) -> Path:
    return rubric_to_xlsx(small_rubric_v2(), tmp_path / "rubric.xlsx")


def column_of(ws: Any, header: str) -> str:
    cell = next(c for c in ws[1] if c.value == header)
    return cell.column_letter


def test_round_trip_of_the_2024_draft_keeps_its_hash(
    draft_2024_rubric_path: Path, tmp_path: Path
) -> None:
    original = load_rubric(draft_2024_rubric_path)
    back = rubric_from_xlsx(rubric_to_xlsx(original, tmp_path / "draft.xlsx"))
    assert back.sha256 == original.sha256


def test_format2_round_trip_keeps_every_new_field(table_v2: Path) -> None:
    original = small_rubric_v2()
    back = rubric_from_xlsx(table_v2)
    assert back.sha256 == original.sha256
    assert back.rubric == original.rubric
    wb = load_workbook(table_v2)
    docs = wb["依据文件"]
    assert [c.value for c in docs[2]][:3] == [
        "szbz",
        "托育机构设置标准（试行）",
        "国家卫生健康委员会",
    ]
    inds = wb["指标"]
    assert inds[f"{column_of(inds, '依据')}2"].value == "szbz：第三条"
    assert inds[f"{column_of(inds, '依据')}7"].value == "本项目拟定\n说明：由测试拟定"
    changes = wb["修订记录"]
    assert [c.value for c in changes[2]][:3] == ["2", "2026-01-01", "4.1.3"]


def test_a_clerk_adds_a_basis_veto_line_and_change(
    small_rubric: LoadedRubric, table_v2: Path
) -> None:
    def change(wb: Workbook) -> None:
        inds = wb["指标"]
        inds[f"{column_of(inds, '依据')}3"] = (
            "szbz: 第十条\nstd：5.1\n本项目拟定\n说明：第一行\n第二行"
        )
        inds[f"{column_of(inds, '否决线')}2"] = 10
        wb["修订记录"].append(["2", "2026-01-01", "4.1.2", "改写", "测试", "std"])
        wb["修订记录"].append(["3", "2026-02-01", "rubric", "再改", "测试", "本项目拟定"])

    back = rubric_from_xlsx(edit(table_v2, change))
    basis = back.by_id["4.1.2"].basis
    assert basis is not None
    assert [(r.document, r.section) for r in basis.refs] == [("szbz", "第十条"), ("std", "5.1")]
    assert basis.project and basis.note == "第一行\n第二行"
    assert back.by_id["4.1.1"].veto_threshold() == 10
    assert [(c.version, len(c.entries)) for c in back.rubric.changes] == [("2", 2), ("3", 1)]


def test_an_unknown_document_in_a_basis_cell_is_reported_at_the_cell(table_v2: Path) -> None:
    def change(wb: Workbook) -> None:
        inds = wb["指标"]
        inds[f"{column_of(inds, '依据')}3"] = "szbz\nno-such-rule：第一条"
        wb["依据文件"]["A3"] = "szbz"  # the standard's row now repeats the rule's id

    found = by_cell(problems_of(edit(table_v2, change)))
    assert found == {
        ("依据文件", "第 3 行「编号」列"): "依据文件编号 szbz 重复",
        ("指标", "第 3 行「依据」列"): "依据文件 no-such-rule 不在 documents 列表中",
        # 5.1.1 and 5.1.2 cite the standard, whose id is gone.
        ("指标", "第 5 行「依据」列"): "依据文件 std 不在 documents 列表中",
        ("指标", "第 6 行「依据」列"): "依据文件 std 不在 documents 列表中",
    }


def test_a_workbook_from_before_format2_still_reads(
    small_rubric: LoadedRubric, table: Path
) -> None:
    def change(wb: Workbook) -> None:
        del wb["依据文件"]
        del wb["修订记录"]

    assert rubric_from_xlsx(edit(table, change)).sha256 == small_rubric.sha256


@pytest.mark.parametrize(
    "basis",
    [
        {"refs": [{"document": "a", "section": "第一条"}], "project": False, "note": ""},
        {"refs": [], "project": True, "note": "两行\n说明"},
        {"refs": [{"document": "a", "section": ""}, {"document": "b", "section": "3.2"}]},
    ],
)
def test_a_basis_cell_reads_back_what_was_written(basis: dict[str, Any]) -> None:
    back = Basis.model_validate(basis_from_cell(basis_to_cell(basis)))
    assert back == Basis.model_validate(basis)
