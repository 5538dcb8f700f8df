"""`assessor train check|to-xlsx|from-xlsx`, run the way the console script runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from assessor.cli.main import run_cli
from assessor.core.training.reference import reference_assessment
from assessor.core.training.sample import load_sample
from tests.training_samples import plain_sample_paths

Capsys = pytest.CaptureFixture[str]
SAMPLES = plain_sample_paths()


def run(capsys: Capsys, *args: str | Path) -> tuple[int, str, str]:
    code = run_cli([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_the_reference_scoring_run_through_assessor_score_yields_the_declared_result(
    path: Path, tmp_path: Path, capsys: Capsys
) -> None:
    sample = load_sample(path)
    scores = tmp_path / "reference.json"
    scores.write_text(reference_assessment(sample).model_dump_json(), encoding="utf-8")
    code, out, _ = run(capsys, "score", scores, "--json")
    assert code == 0
    result = json.loads(out)
    assert result["grade"] == sample.expected_grade
    assert f"{result['total']:.2f}" == f"{sample.expected_total:.2f}"


def test_check_reports_a_passing_sample(capsys: Capsys) -> None:
    code, out, err = run(capsys, "train", "check", SAMPLES[0])
    sample = load_sample(SAMPLES[0])
    assert code == 0 and not err
    assert "检查通过" in out and sample.id in out and f"等级 {sample.expected_grade}" in out


def test_check_lists_every_problem_in_chinese_and_exits_1(tmp_path: Path, capsys: Capsys) -> None:
    data = json.loads(SAMPLES[0].read_text(encoding="utf-8"))
    data["dossier"] = data["dossier"][2:]
    data["expected_grade"] = "E"
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, out, err = run(capsys, "train", "check", broken)
    assert code == 1 and not out
    assert "共 2 个问题" in err and "Traceback" not in err
    assert "缺少指标 4.1.1" in err and "缺少指标 4.1.2" in err


@pytest.mark.parametrize("content", [None, b"{]", b"[]", "\ufeff{}".encode()])
def test_unreadable_or_malformed_files_are_chinese_errors(
    content: bytes | None, tmp_path: Path, capsys: Capsys
) -> None:
    path = tmp_path / "s.json"
    if content is not None:
        path.write_bytes(content)
    code, _, err = run(capsys, "train", "check", path)
    assert code == 1 and "错误：" in err and "Traceback" not in err


def test_to_xlsx_then_from_xlsx_gives_back_the_same_file(tmp_path: Path, capsys: Capsys) -> None:
    table, back = tmp_path / "s.xlsx", tmp_path / "s.json"
    assert run(capsys, "train", "to-xlsx", SAMPLES[0], "-o", table)[0] == 0
    code, out, _ = run(capsys, "train", "from-xlsx", table, "-o", back)
    assert code == 0 and "已写入" in out and "检查通过" not in out
    assert back.read_bytes() == SAMPLES[0].read_bytes()


def test_from_xlsx_with_problems_writes_nothing_and_names_the_cell(
    tmp_path: Path, capsys: Capsys
) -> None:
    table, back = tmp_path / "s.xlsx", tmp_path / "s.json"
    run(capsys, "train", "to-xlsx", SAMPLES[0], "-o", table)
    wb = load_workbook(table)
    wb["档案"]["E2"] = 5
    wb.save(table)
    code, _, err = run(capsys, "train", "from-xlsx", table, "-o", back)
    assert code == 1 and not back.exists()
    assert "未写入" in err and "工作表「档案」第 2 行「参考分值」列：" in err


def test_existing_outputs_are_kept_unless_forced(tmp_path: Path, capsys: Capsys) -> None:
    table = tmp_path / "s.xlsx"
    table.write_bytes(b"keep")
    code, _, err = run(capsys, "train", "to-xlsx", SAMPLES[0], "-o", table)
    assert code == 1 and "已存在" in err and table.read_bytes() == b"keep"
    assert run(capsys, "train", "to-xlsx", SAMPLES[0], "-o", table, "--force")[0] == 0
    code, _, err = run(capsys, "train", "to-xlsx", SAMPLES[0], "-o", tmp_path / "s.csv")
    assert code == 1 and ".xlsx" in err
