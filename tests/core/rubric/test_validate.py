"""Every kind of broken rubric file is reported with its path; all problems come at once."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessor.core.problems import Problem, ProblemsError
from assessor.core.rubric.validate import load_rubric, parse_rubric

Data = dict[str, Any]

IND_411 = "dimensions[0].items[0].indicators[0]"
IND_511 = "dimensions[1].items[0].indicators[0]"
IND_512 = "dimensions[1].items[0].indicators[1]"


def problems_of(data: Data) -> list[Problem]:
    with pytest.raises(ProblemsError) as caught:
        parse_rubric(json.dumps(data, ensure_ascii=False), "rubric.json")
    return caught.value.problems


def ind(data: Data, d: int, i: int, k: int) -> Data:
    return data["dimensions"][d]["items"][i]["indicators"][k]


def _dup_id(data: Data) -> None:
    ind(data, 1, 0, 1)["id"] = "5.1.1"


def _item_sum(data: Data) -> None:
    target = ind(data, 0, 0, 0)
    target["max"] = 7
    target["levels"][0]["points"] = 7


def _dim_sum(data: Data) -> None:
    data["dimensions"][0]["max"] = 16


def _total(data: Data) -> None:
    data["total"] = 30


def _level_above_max(data: Data) -> None:
    ind(data, 0, 0, 0)["levels"][1]["points"] = 9


def _no_full_level(data: Data) -> None:
    ind(data, 0, 0, 0)["levels"][0]["points"] = 5.5


def _dup_points(data: Data) -> None:
    ind(data, 0, 0, 0)["levels"][1]["points"] = 0


def _basic_count(data: Data) -> None:
    data["basic_count"] = 2


def _basic_without_fail(data: Data) -> None:
    for level in ind(data, 1, 0, 0)["levels"]:
        level["points"] = 5


def _na_without_condition(data: Data) -> None:
    ind(data, 1, 0, 1)["na_condition"] = "  "


def _bands_ascending(data: Data) -> None:
    data["grade_rule"]["bands"][1]["min_total"] = 23


def _veto_unknown(data: Data) -> None:
    data["grade_rule"]["veto_grade"] = "E"


def _indicator_outside_item(data: Data) -> None:
    ind(data, 0, 1, 0)["id"] = "4.3.1"


def _item_outside_dimension(data: Data) -> None:
    data["dimensions"][1]["items"][0]["id"] = "6.1"


def _extra_key(data: Data) -> None:
    ind(data, 0, 0, 0)["colour"] = "red"


CASES: list[tuple[str, Callable[[Data], None], str, str]] = [
    ("duplicate id", _dup_id, f"{IND_511}.id", "编号 5.1.1 重复出现 2 次"),
    (
        "item sum",
        _item_sum,
        "dimensions[0].items[0].max",
        "项目 4.1 满分为 10，但其指标满分之和为 11",
    ),
    ("dimension sum", _dim_sum, "dimensions[0].max", "维度 4 满分为 16，但其项目满分之和为 15"),
    ("total", _total, "total", "总分为 30，但各维度满分之和为 25"),
    ("level above max", _level_above_max, f"{IND_411}.levels[1].points", "分值 9 超过指标满分 6"),
    ("no full level", _no_full_level, f"{IND_411}.levels", "没有满分档（6 分）"),
    ("duplicate points", _dup_points, f"{IND_411}.levels", "评分档次的分值重复"),
    ("basic count", _basic_count, "basic_count", "声明基础指标 2 项，实际标记了 1 项"),
    ("basic never fails", _basic_without_fail, f"{IND_511}.levels", "基础指标必须有低于满分"),
    ("na condition", _na_without_condition, f"{IND_512}.na_condition", "必须写明适用条件"),
    ("bands order", _bands_ascending, "grade_rule.bands", "从高到低排列"),
    ("veto grade", _veto_unknown, "grade_rule.veto_grade", "否决后的等级 E 不在等级列表"),
    (
        "indicator outside item",
        _indicator_outside_item,
        "dimensions[0].items[1].indicators[0].id",
        "指标编号 4.3.1 不属于项目 4.2",
    ),
    (
        "item outside dimension",
        _item_outside_dimension,
        "dimensions[1].items[0].id",
        "项目编号 6.1 不属于维度 5",
    ),
    ("unknown field", _extra_key, f"{IND_411}.colour", "不认识的字段"),
]


@pytest.mark.parametrize(
    ("mutate", "path", "message"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_each_broken_rubric_names_path_and_problem(
    rubric_data: Data, mutate: Callable[[Data], None], path: str, message: str
) -> None:
    mutate(rubric_data)
    problems = problems_of(rubric_data)
    matching = [p for p in problems if p.path == path and message in p.message]
    assert matching, problems
    assert all(p.where == "rubric.json" for p in problems)
    assert f"rubric.json: {path}: " in str(matching[0])


def test_valid_fixture_loads(rubric_file: Path) -> None:
    loaded = load_rubric(rubric_file)
    assert [ind.id for ind in loaded.indicators] == ["4.1.1", "4.1.2", "4.2.1", "5.1.1", "5.1.2"]
    assert loaded.source == str(rubric_file)


def test_several_problems_are_all_reported(rubric_data: Data) -> None:
    for mutate in (_dup_id, _total, _veto_unknown, _level_above_max, _na_without_condition):
        mutate(rubric_data)
    paths = {p.path for p in problems_of(rubric_data)}
    assert {
        f"{IND_511}.id",
        "total",
        "grade_rule.veto_grade",
        f"{IND_411}.levels[1].points",
        f"{IND_512}.na_condition",
    } <= paths


def test_several_model_errors_are_all_reported(rubric_data: Data) -> None:
    ind(rubric_data, 0, 0, 0)["max"] = "六"
    ind(rubric_data, 0, 0, 1)["methods"] = ["telepathy"]
    del rubric_data["title"]
    problems = problems_of(rubric_data)
    assert {p.path for p in problems} == {
        f"{IND_411}.max",
        "dimensions[0].items[0].indicators[1].methods[0]",
        "title",
    }
    assert {p.message for p in problems if p.path == "title"} == {"缺少必填项"}


def test_bad_json_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"code": ', encoding="utf-8")
    with pytest.raises(ProblemsError) as caught:
        load_rubric(path)
    (problem,) = caught.value.problems
    assert problem.where == str(path)
    assert problem.message.startswith("不是合法的 JSON")


def test_missing_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.json"
    with pytest.raises(ProblemsError) as caught:
        load_rubric(path)
    (problem,) = caught.value.problems
    assert problem.where == str(path)
    assert "无法读取文件" in problem.message


# Indicator positions in the fixture: (dimension, item, indicator index, item id).
_INDICATORS = [
    (0, 0, 0, "4.1"),
    (0, 0, 1, "4.1"),
    (0, 1, 0, "4.2"),
    (1, 0, 0, "5.1"),
    (1, 0, 1, "5.1"),
]


@settings(max_examples=60, deadline=None)
@given(
    target=st.sampled_from(_INDICATORS),
    new_max=st.floats(min_value=0.5, max_value=500, allow_nan=False).map(lambda x: round(x, 1)),
)
def test_changing_one_indicator_max_names_its_item(
    make_rubric_data: Callable[[], Data], target: tuple[int, int, int, str], new_max: float
) -> None:
    d, i, k, item_id = target
    data = make_rubric_data()
    indicator = ind(data, d, i, k)
    if new_max == indicator["max"]:
        new_max += 1
    indicator["max"] = new_max
    # Levels follow the new maximum so the sums are the only thing wrong.
    indicator["levels"] = [
        {"points": new_max, "label": "符合", "criterion": "做到"},
        {"points": 0, "label": "不符合", "criterion": "没有做到"},
    ]
    problems = problems_of(data)
    item_path = f"dimensions[{d}].items[{i}].max"
    assert any(p.path == item_path and f"项目 {item_id} " in p.message for p in problems)
    assert all(p.path.endswith("max") or p.path == "total" for p in problems), problems


def test_content_hash_is_taken_at_first_need_from_the_loaded_data(
    rubric_data: Data, write_json: Callable[..., Path]
) -> None:
    """Start-up does not pay for the RFC 8785 hash; when asked, it is that of the file's own
    data, and a file changed between loads gets its own hash."""
    from assessor.core.canonical import canonical_sha256
    from assessor.core.rubric.registry import load_rubric_cached

    path = write_json(rubric_data)
    loaded = load_rubric(path)
    assert "sha256" not in vars(loaded)
    assert loaded.sha256 == canonical_sha256(json.loads(path.read_bytes()))
    assert "sha256" in vars(loaded)

    before = load_rubric_cached(path).sha256
    rubric_data["title"] += "（修订）"
    changed = write_json(rubric_data)
    assert load_rubric_cached(changed).sha256 == canonical_sha256(rubric_data) != before
