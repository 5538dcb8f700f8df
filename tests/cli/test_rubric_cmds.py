"""`assessor rubric check|show|to-xlsx|from-xlsx`, run the way the console script runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from assessor.cli.main import run_cli
from assessor.core.rubric.validate import LoadedRubric, load_rubric

Capsys = pytest.CaptureFixture[str]


def run(capsys: Capsys, *args: str | Path) -> tuple[int, str, str]:
    code = run_cli([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def broken_file(rubric_data: dict[str, Any], write_json) -> Path:
    rubric_data["total"] = 30
    rubric_data["grade_rule"]["veto_grade"] = "E"
    return write_json(rubric_data, "broken.json")


@pytest.fixture
def table(rubric_file: Path, tmp_path: Path, capsys: Capsys) -> Path:
    path = tmp_path / "table.xlsx"
    assert run(capsys, "rubric", "to-xlsx", rubric_file, "-o", path)[0] == 0
    return path


@pytest.fixture
def bad_table(table: Path) -> Path:
    wb = load_workbook(table)
    wb["指标"]["E3"] = "四"
    wb["评分档次"]["A5"] = "9.9.9"
    wb.save(table)
    return table


def test_check_ok(rubric_file: Path, small_rubric: LoadedRubric, capsys: Capsys) -> None:
    code, out, err = run(capsys, "rubric", "check", rubric_file)
    assert code == 0
    assert err == ""
    assert "检查通过" in out
    assert "标准编号：TEST 1—2024" in out
    assert "数据版本：0.1" in out
    assert f"SHA-256：{small_rubric.sha256}" in out
    assert "4 办托条件：15 分" in out
    assert "5 托育队伍：10 分" in out
    assert "评估指标：5 项，其中基础指标 1 项" in out
    assert "等级规则未核实：等级划分规则为默认参数" in out
    assert "基础指标名单未核实：1 项中有 1 项未核实" in out


def test_check_failing_lists_every_problem(broken_file: Path, capsys: Capsys) -> None:
    code, out, err = run(capsys, "rubric", "check", broken_file)
    assert code == 1
    assert out == ""
    lines = err.strip().splitlines()
    assert lines[0] == f"错误：评估标准 {broken_file} 未通过检查，共 2 个问题："
    assert lines[1:] == [
        f"{broken_file}: total: 总分为 30，但各维度满分之和为 25",
        f"{broken_file}: grade_rule.veto_grade: 否决后的等级 E 不在等级列表 ['A', 'B', 'C', 'D'] 中",
    ]


def test_check_missing_file(tmp_path: Path, capsys: Capsys) -> None:
    code, _, err = run(capsys, "rubric", "check", tmp_path / "none.json")
    assert code == 1
    assert "无法读取文件" in err


def test_check_spreadsheet(table: Path, capsys: Capsys) -> None:
    code, out, _ = run(capsys, "rubric", "check", table)
    assert code == 0
    assert f"评估标准 {table} 检查通过" in out


def test_check_failing_spreadsheet(bad_table: Path, capsys: Capsys) -> None:
    code, _, err = run(capsys, "rubric", "check", bad_table)
    assert code == 1
    assert "table.xlsx 工作表「指标」第 3 行「满分」列：应为数字，而不是「四」" in err
    assert "table.xlsx 工作表「评分档次」第 5 行「指标编号」列：编号 9.9.9" in err


def test_show_json(rubric_file: Path, small_rubric: LoadedRubric, capsys: Capsys) -> None:
    code, out, _ = run(capsys, "rubric", "show", rubric_file, "--json")
    assert code == 0
    shown = json.loads(out)
    assert list(shown) == [
        "code",
        "title",
        "version",
        "sha256",
        "total",
        "grade_rule",
        "dimensions",
        "basic_count",
        "indicators",
        "documents",
        "grounding_counts",
    ]
    assert shown["code"] == "TEST 1—2024"
    assert shown["title"] == "测试用评估标准"
    assert shown["version"] == "0.1"
    assert shown["sha256"] == small_rubric.sha256
    assert shown["total"] == 25
    assert shown["grade_rule"] == small_rubric.rubric.grade_rule.model_dump(mode="json")
    assert shown["dimensions"] == [
        {"id": "4", "name": "办托条件", "max": 15},
        {"id": "5", "name": "托育队伍", "max": 10},
    ]
    assert shown["basic_count"] == 1
    assert shown["indicators"][0] == {
        "id": "4.1.1",
        "dimension": "4",
        "max": 6,
        "levels": [6, 3, 0],
        "basic": False,
        "na_allowed": False,
        "grounding": "unstated",  # a format 1 file states no basis
        "basis": None,
        "basis_text": "未注明",
    }
    assert shown["documents"] == []
    assert shown["grounding_counts"] == {"unstated": 5}
    assert [(i["id"], i["basic"], i["na_allowed"]) for i in shown["indicators"][3:]] == [
        ("5.1.1", True, False),
        ("5.1.2", False, True),
    ]


def test_show_tree(rubric_file: Path, capsys: Capsys) -> None:
    code, out, _ = run(capsys, "rubric", "show", rubric_file)
    assert code == 0
    assert "TEST 1—2024《测试用评估标准》" in out
    assert "4 办托条件（15 分）" in out
    assert "  4.1 资质（10 分）" in out
    assert "    4.1.2 指标4.1.2（4 分；档次 4/2.5/0）" in out
    assert "5.1.1 指标5.1.1（5 分；档次 5/2.5/0）［基础指标］" in out
    assert "［可不适用］" in out


def test_to_xlsx_and_back(
    table: Path, small_rubric: LoadedRubric, tmp_path: Path, capsys: Capsys
) -> None:
    out_json = tmp_path / "back.json"
    code, out, _ = run(capsys, "rubric", "from-xlsx", table, "-o", out_json)
    assert code == 0
    assert f"SHA-256：{small_rubric.sha256}" in out
    text = out_json.read_text(encoding="utf-8")
    assert "测试用评估标准" in text  # not \\u-escaped
    assert text.startswith('{\n  "format": "assessor.rubric/1",')
    assert json.loads(text) == small_rubric.rubric.model_dump(mode="json")
    assert load_rubric(out_json).sha256 == small_rubric.sha256


def test_to_xlsx_reports_what_it_wrote(rubric_file: Path, tmp_path: Path, capsys: Capsys) -> None:
    path = tmp_path / "t.xlsx"
    code, out, _ = run(capsys, "rubric", "to-xlsx", rubric_file, "-o", path)
    assert code == 0
    assert f"已写入 {path}（5 项指标）" in out
    code, _, err = run(capsys, "rubric", "to-xlsx", rubric_file, "-o", tmp_path / "t.xls")
    assert code == 1
    assert "应以 .xlsx 结尾" in err


@pytest.mark.parametrize("command", ["to-xlsx", "from-xlsx"])
def test_no_overwrite_without_force(
    command: str, rubric_file: Path, table: Path, tmp_path: Path, capsys: Capsys
) -> None:
    source = rubric_file if command == "to-xlsx" else table
    out = tmp_path / ("existing.xlsx" if command == "to-xlsx" else "existing.json")
    out.write_bytes(b"keep me")
    code, _, err = run(capsys, "rubric", command, source, "-o", out)
    assert code == 1
    assert "已存在" in err and "--force" in err
    assert out.read_bytes() == b"keep me"
    assert run(capsys, "rubric", command, source, "-o", out, "--force")[0] == 0
    assert out.read_bytes() != b"keep me"


def test_bad_sheet_leaves_output_untouched(bad_table: Path, tmp_path: Path, capsys: Capsys) -> None:
    out = tmp_path / "rubric.json"
    out.write_text('{"old": true}', encoding="utf-8")
    code, stdout, err = run(capsys, "rubric", "from-xlsx", bad_table, "-o", out, "--force")
    assert code == 1
    assert stdout == ""
    assert f"有 2 个问题，未写入 {out}" in err
    assert "第 3 行「满分」列" in err
    assert out.read_text(encoding="utf-8") == '{"old": true}'
    fresh = tmp_path / "fresh.json"
    assert run(capsys, "rubric", "from-xlsx", bad_table, "-o", fresh)[0] == 1
    assert not fresh.exists()


def test_console_smoke(rubric_file: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "assessor", "rubric", "check", str(rubric_file)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "检查通过" in done.stdout
