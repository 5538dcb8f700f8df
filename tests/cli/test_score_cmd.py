"""`assessor score` recomputes from the indicator scores and explains the grade."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assessor.cli.main import run_cli
from assessor.core.rubric.registry import default_rubric
from assessor.core.scoring.engine import compute_result
from assessor.devtools.samples import sample_assessment

RUBRIC = default_rubric()


def write(path: Path, data: dict) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def sample_file(tmp_path: Path) -> Path:
    return write(tmp_path / "a.json", sample_assessment(RUBRIC, 7).model_dump(mode="json"))


def test_prints_dimensions_vetoes_grade_and_why(sample_file: Path, capsys) -> None:
    assert run_cli(["score", str(sample_file)]) == 0
    out = capsys.readouterr().out
    expected = compute_result(RUBRIC, sample_assessment(RUBRIC, 7))
    assert "6 保育照护" in out and "9.4.3" in out
    assert f"等级：{expected.grade}" in out
    assert f"{expected.total:g}" in out
    assert "等级划分规则为默认参数" in out


def test_json_output_is_the_recomputed_result_not_the_stored_one(tmp_path: Path, capsys) -> None:
    assessment = sample_assessment(RUBRIC, 11)
    document = assessment.model_dump(mode="json")
    honest = compute_result(RUBRIC, assessment).model_dump(mode="json")
    document["result"] = honest | {"total": 1000.0, "grade": "A"}
    document |= {"findings": [], "audit_head": "0" * 64, "audit_length": 0}
    path = write(tmp_path / "doc.json", document)
    assert run_cli(["score", str(path), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["total"] == honest["total"]
    assert printed["grade"] == honest["grade"]


def test_a_score_that_is_not_an_allowed_level_is_refused(sample_file: Path, capsys) -> None:
    data = json.loads(sample_file.read_text(encoding="utf-8"))
    data["scores"][0]["score"] = 3.3
    write(sample_file, data)
    assert run_cli(["score", str(sample_file)]) == 1
    err = capsys.readouterr().err
    assert "scores[0]" in err and "不是允许的分值" in err


def test_an_unknown_rubric_hash_asks_for_the_rubric_file(sample_file: Path, capsys) -> None:
    data = json.loads(sample_file.read_text(encoding="utf-8"))
    data["rubric"]["sha256"] = "f" * 64
    write(sample_file, data)
    assert run_cli(["score", str(sample_file)]) == 1
    assert "--rubric" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "message"),
    [("{not json", "不是合法的 JSON"), ("[]", "顶层应为 JSON 对象"), ('{"format": 1}', "rubric")],
)
def test_malformed_files_get_a_plain_message(tmp_path: Path, capsys, content, message) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    assert run_cli(["score", str(path)]) == 1
    assert message in capsys.readouterr().err


def test_missing_file(tmp_path: Path, capsys) -> None:
    assert run_cli(["score", str(tmp_path / "nope.json")]) == 1
    assert "无法读取文件" in capsys.readouterr().err
