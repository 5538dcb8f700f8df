"""The sample format: parsing, Chinese errors with paths, and the canonical file form."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from assessor.core.problems import ProblemsError
from assessor.core.schemas import schema_json
from assessor.core.training.sample import (
    bundled_sample_paths,
    load_sample,
    parse_sample,
    sample_json,
)

MINIMAL: dict[str, Any] = {
    "format": "assessor.sample/1",
    "id": "xiaoshu-home",
    "title": "小树家庭托育点",
    "mode": "practice",
    "difficulty": "easy",
    "summary": "居民楼一层的家庭托育点，收托 4 名婴幼儿。",
    "rubric": {"code": "WS/T 821—2023", "version": "x", "sha256": "a" * 64},
    "centre": {"name": "小树家庭托育点", "kind": "home", "places": 5, "meals_served": False},
    "visit_date": "2026-03-12",
    "expected_grade": "B",
    "expected_total": 812.5,
    "dossier": [
        {
            "indicator": "4.1.1",
            "found": "营业执照有效期至 2030 年，经营范围写有“托育服务”。",
            "reference": {"score": 6, "rationale": "执照有效且范围相符。"},
        },
        {
            "indicator": "4.1.2",
            "found": "负责人说厨房不开火，午餐由家长自带。",
            "reference": {"na": True, "rationale": "不供餐，膳食指标不适用。"},
        },
    ],
}


def test_a_sample_parses_with_exact_points(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps(MINIMAL, ensure_ascii=False), encoding="utf-8")
    sample = load_sample(path)
    assert sample.expected_total == Decimal("812.5")
    assert sample.dossier[0].reference.score == Decimal(6)
    assert sample.dossier[1].reference.na and sample.dossier[1].reference.score is None


def test_the_canonical_form_writes_points_as_json_numbers_and_reads_back_the_same() -> None:
    raw = sample_json(parse_sample(json.dumps(MINIMAL), "m"))
    data = json.loads(raw)
    assert data["expected_total"] == 812.5
    assert data["dossier"][0]["reference"]["score"] == 6
    assert isinstance(data["dossier"][0]["reference"]["score"], int)
    assert raw.endswith(b"\n") and "小树".encode() in raw
    assert sample_json(parse_sample(raw, "again")) == raw


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (lambda d: d.update(id="Xiao Shu"), "id", "格式不正确"),
        (lambda d: d.update(mode="exam"), "mode", "取值应为"),
        (lambda d: d["dossier"][0]["reference"].update(na=True), "dossier[0].reference", "二选一"),
        (lambda d: d["dossier"][1]["reference"].update(na=False), "dossier[1].reference", "二选一"),
        (lambda d: d["dossier"][0]["reference"].update(rationale=""), "rationale", "不能为空"),
        (lambda d: d["dossier"][0]["reference"].update(score=2.125), "score", ""),
        (lambda d: d.update(visit_date="12/03/2026"), "visit_date", "日期格式"),
        (lambda d: d.update(extra=1), "extra", "不认识的字段"),
    ],
)
def test_broken_samples_are_reported_in_chinese_with_their_path(change, path, message) -> None:
    data = copy.deepcopy(MINIMAL)
    change(data)
    with pytest.raises(ProblemsError) as caught:
        parse_sample(json.dumps(data, ensure_ascii=False), "s.json")
    text = str(caught.value)
    assert path in text and message in text
    assert "s.json" in text


def test_an_unreadable_file_is_a_chinese_error(tmp_path: Path) -> None:
    with pytest.raises(ProblemsError, match="无法读取文件"):
        load_sample(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    with pytest.raises(ProblemsError, match="不是合法的 JSON"):
        load_sample(tmp_path / "bad.json")


@pytest.mark.parametrize("path", bundled_sample_paths(), ids=lambda p: p.stem)
def test_bundled_samples_validate_against_the_published_schema(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    sealed = data["format"] == "assessor.sealed-sample/1"
    assert sealed == (data["mode"] == "test")  # test samples ship sealed, practice ones open
    schema = json.loads(schema_json("sealed-sample" if sealed else "sample"))
    jsonschema.validate(data, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data | {"mode": "exam"}, schema)


def test_sample_files_are_read_as_untrusted_input(tmp_path: Path) -> None:
    duplicate = tmp_path / "dup.json"
    duplicate.write_text('{"id": "a", "id": "b"}', encoding="utf-8")
    with pytest.raises(ProblemsError, match="出现了不止一次"):
        load_sample(duplicate)
    with pytest.raises(ProblemsError, match=r"不是普通文件|文件夹"):
        load_sample(tmp_path)
