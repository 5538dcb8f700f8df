"""Issue 22, item 11: an indicator's levels cover every situation its facts distinguish, each in
one level, and no level scores a better situation below a worse one. Each case puts back a
ladder the 2026.1 draft had (or breaks one) in the real 2026.2 rubric and loads it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from assessor.core.problems import ProblemsError
from assessor.core.rubric.model import FactKind
from assessor.core.rubric.validate import load_rubric, parse_rubric
from assessor.core.rubric.xlsx import rubric_from_xlsx, rubric_to_xlsx
from tests.conftest import REAL_RUBRIC


@pytest.fixture
def data() -> dict[str, Any]:
    return json.loads(REAL_RUBRIC.read_text(encoding="utf-8"))


def indicator(data: dict[str, Any], ident: str) -> dict[str, Any]:
    return next(
        ind
        for dim in data["dimensions"]
        for item in dim["items"]
        for ind in item["indicators"]
        if ind["id"] == ident
    )


def messages(data: dict[str, Any]) -> list[str]:
    with pytest.raises(ProblemsError) as caught:
        parse_rubric(json.dumps(data, ensure_ascii=False), "r.json")
    return [p.message for p in caught.value.problems]


def test_the_real_ladders_cover_each_kind_and_load() -> None:
    rubric = load_rubric(REAL_RUBRIC)
    laddered = {ind.id: {f.kind for f in ind.ladder} for ind in rubric.indicators if ind.ladder}
    assert FactKind.count in laddered["7.2.3"] and FactKind.count in laddered["10.2.2"]
    assert FactKind.frequency in laddered["9.5.2"] and FactKind.frequency in laddered["9.6.2"]
    assert laddered["9.2.2"] == {FactKind.yes_no}
    assert len(laddered) >= 10


def test_count_based_a_gap_in_missing_days_is_named(data: dict[str, Any]) -> None:
    # The 2026.1 draft: full marks, or 0 for "missing more than 3 days"; 1-3 days fit nowhere.
    ind = indicator(data, "7.2.3")
    ind["levels"] = [ind["levels"][0], ind["levels"][3]]
    ind["levels"][1]["when"] = [{"checks": [0, 0]}, {"missing_days": [4, 4]}]
    ind["basic"].pop("veto_below")
    found = messages(data)
    assert found == [
        "情形「每日按收托类型开展晨午检：是；近1个月晨午检或全日观察记录缺失的天数：1」不属于任何档次",
        "情形「每日按收托类型开展晨午检：是；近1个月晨午检或全日观察记录缺失的天数：2」不属于任何档次",
        "情形「每日按收托类型开展晨午检：是；近1个月晨午检或全日观察记录缺失的天数：3」不属于任何档次",
    ]


def test_frequency_based_one_drill_a_year_fits_no_level_of_the_old_ladder(
    data: dict[str, Any],
) -> None:
    ind = indicator(data, "9.5.2")
    # The 2026.1 draft: 12, 6 with at least a drill every half year (two quarters), or 0.
    ind["levels"] = [ind["levels"][0], ind["levels"][1], ind["levels"][3]]
    ind["levels"][1]["points"] = 6.0
    ind["basic"]["veto_below"] = 6.0
    found = messages(data)
    assert len(found) == 2
    assert all("近1年开展演练的季度数：1；" in m and "不属于任何档次" in m for m in found)


def test_yes_no_a_low_shuttered_socket_without_a_cover_fits_no_level_of_the_old_ladder(
    data: dict[str, Any],
) -> None:
    ind = indicator(data, "9.2.2")
    del ind["levels"][2]  # the 2026.1 draft had no level for one kind of protection only
    found = messages(data)
    assert found == [
        "情形「有低于1.80米的插座：是；低位插座均为安全型：否；低位插座均加防护盖：是；"
        "有裸露电线：否」不属于任何档次",
        "情形「有低于1.80米的插座：是；低位插座均为安全型：是；低位插座均加防护盖：否；"
        "有裸露电线：否」不属于任何档次",
    ]


def test_a_situation_claimed_by_two_levels_is_named(data: dict[str, Any]) -> None:
    # The 2026.1 wording of 9.3.1: "问题未闭环" at 4 points whatever the missing months.
    indicator(data, "9.3.1")["levels"][1]["when"] = [{"missing_months": [1, 2]}, {"closed": [0, 0]}]
    assert messages(data) == [
        "情形「近6个月缺少检查记录的月数：3及以上；发现的问题均有处理结果：否」"
        "同时属于第 2 档（部分符合）、第 3 档（不符合）"
    ]


def test_a_lower_level_for_a_better_situation_is_a_contradiction(data: dict[str, Any]) -> None:
    levels = indicator(data, "10.2.2")["levels"]
    levels[1]["when"], levels[2]["when"] = levels[2]["when"], levels[1]["when"]
    found = messages(data)
    assert found[0] == (
        "第 3 档（不符合）与第 2 档（部分符合）矛盾：情形「抽查的5份档案中缺项的份数"
        "（未建立档案按3份及以上计）：2」比「抽查的5份档案中缺项的份数（未建立档案按3份及以上计）："
        "3及以上」好，得分却更低"
    )


def test_a_malformed_ladder_is_refused_with_its_path(data: dict[str, Any]) -> None:
    ind = indicator(data, "9.6.2")
    ind["ladder"][1]["top"] = 2  # a yes/no fact
    ind["levels"][0]["when"] = [{"sessions": [2, 3], "no_such_fact": [0, 0]}]
    del ind["levels"][2]["when"]
    indicator(data, "9.7.1")["levels"][0]["when"] = [{"insured": [1, 1]}]
    with pytest.raises(ProblemsError) as caught:
        parse_rubric(json.dumps(data, ensure_ascii=False), "r.json")
    found = {
        p.path.rsplit(".", 2)[-2] + "." + p.path.rsplit(".", 1)[-1]: p.message
        for p in caught.value.problems
    }
    assert found == {
        "ladder[1].top": "是否类事实 varied 的取值只能是 0 或 1",
        "when[0].sessions": "取值范围 2～3 不在 0～2 之内或上下颠倒",
        "levels[0].when[0]": "判定事实 no_such_fact 不在 ladder 中",
        "levels[2].when": "第 3 档（不符合）没有写适用情形",
        "levels[0].when": "写了适用情形，但指标没有列出判定事实（ladder）",
    }


def test_the_workbook_carries_ladders_and_names_a_bad_situation_cell(tmp_path: Path) -> None:
    original = load_rubric(REAL_RUBRIC)
    path = rubric_to_xlsx(original, tmp_path / "r.xlsx")
    wb = load_workbook(path)
    levels = wb["评分档次"]
    column = next(c.column_letter for c in levels[1] if c.value == "适用情形")
    row = next(r[0].row for r in levels.iter_rows(min_row=2) if r[0].value == "9.5.2")
    assert levels[f"{column}{row}"].value == "plan=1，quarters=4，complete=1"
    levels[f"{column}{row}"] = "plan 有"
    wb.save(path)
    with pytest.raises(ProblemsError) as caught:
        rubric_from_xlsx(path)
    assert [p.message for p in caught.value.problems] == [
        "适用情形「plan 有」应写成 编号=数值 或 编号=最小～最大"
    ]


def test_no_primary_carer_with_settled_children_fit_no_level_of_the_old_ladder(
    data: dict[str, Any],
) -> None:
    # The 2026.1 draft: 4 for an unstable arrangement, 0 for none *and* upset children.
    levels = indicator(data, "6.4.3")["levels"]
    levels[1]["when"] = levels[1]["when"][1:]
    levels[2]["when"] = [{"assigned": [0, 0], "upset": [1, 1]}, {"upset": [1, 1]}]
    found = messages(data)
    # Four situations (stable and warm either way), the first three named, the last counted.
    assert found[3] == "另有 1 种情形不属于任何档次"
    assert all(
        m.startswith("情形「每名婴幼儿有明确的主要照护人：否；")
        and m.endswith("婴幼儿普遍情绪不安：否」不属于任何档次")
        for m in found[:3]
    )
