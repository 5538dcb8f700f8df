"""The bundled WS/T 821—2023 rubric agrees with what public sources say (RUBRIC-FACTS.md) and
with the national rules it builds on (issue 13)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assessor.cli.main import run_cli
from assessor.core.rubric.validate import LoadedRubric, load_rubric
from assessor.core.vocabulary import kindergarten_terms
from tests.conftest import REAL_RUBRIC

# Indicator-level clause numbers from RUBRIC-FACTS.md, "Clauses known by number".
KNOWN_INDICATORS = [
    "4.1.4",
    "5.1.5",
    "5.1.6",
    "5.2.1",
    "6.2.3",
    "6.3.1",
    "7.2.1",
    "7.2.2",
    "7.2.3",
    "7.3.1",
    "7.3.2",
    "7.3.3",
    "7.4.3",
    "9.3.1",
    "9.3.2",
    "9.4.3",
    "9.5.2",
    "9.7.1",
]


@pytest.fixture
def shown(real_rubric_path: Path, capsys: pytest.CaptureFixture[str]) -> dict:
    assert run_cli(["rubric", "show", str(real_rubric_path), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_dimensions_points_and_basic_count(shown: dict) -> None:
    assert [(d["id"], d["max"]) for d in shown["dimensions"]] == [
        ("4", 100),
        ("5", 140),
        ("6", 200),
        ("7", 210),
        ("8", 80),
        ("9", 200),
        ("10", 70),
    ]
    assert [d["name"] for d in shown["dimensions"]] == [
        "办托条件",
        "托育队伍",
        "保育照护",
        "卫生保健",
        "养育支持",
        "安全保障",
        "机构管理",
    ]
    assert shown["total"] == 1000
    assert shown["basic_count"] == 16
    assert sum(1 for ind in shown["indicators"] if ind["basic"]) == 16
    assert shown["code"] == "WS/T 821—2023"


def test_known_clauses_are_present(shown: dict, real_rubric_path: Path) -> None:
    ids = {ind["id"] for ind in shown["indicators"]}
    assert [c for c in KNOWN_INDICATORS if c not in ids] == []
    data = json.loads(real_rubric_path.read_text(encoding="utf-8"))
    items = {item["id"] for dim in data["dimensions"] for item in dim["items"]}
    assert "10.4" in items
    assert all(ind["dimension"] == ind["id"].split(".")[0] for ind in shown["indicators"])


def test_grade_rule_is_the_documented_default(shown: dict) -> None:
    rule = shown["grade_rule"]
    assert [(b["grade"], b["min_total"]) for b in rule["bands"]] == [
        ("A", 900),
        ("B", 750),
        ("C", 600),
    ]
    assert rule["fallback"]["grade"] == "D"
    assert rule["veto_grade"] == "D"
    assert rule["verified"] is False
    assert rule["notice"] == "等级划分规则为默认参数，以标准原文及属地细则为准"


# --- the corrected rubric (issue 13) -----------------------------------------------------------


@pytest.fixture(scope="module")
def corrected() -> LoadedRubric:
    return load_rubric(REAL_RUBRIC)


def test_show_lists_a_basis_for_every_indicator(shown: dict) -> None:
    assert len(shown["indicators"]) == 132
    missing = [i["id"] for i in shown["indicators"] if not i["basis"] or not i["basis_text"]]
    assert missing == []
    known = {doc["id"] for doc in shown["documents"]}
    cited = {ref["document"] for i in shown["indicators"] for ref in i["basis"]["refs"]}
    assert cited <= known
    counts = shown["grounding_counts"]
    assert sum(counts.values()) == 132
    assert set(counts) == {"rule", "standard", "project"}


def test_the_earlier_draft_still_shows_without_a_basis(
    draft_2024_rubric_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(["rubric", "show", str(draft_2024_rubric_path), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["version"] == "2024.1-draft"
    assert {i["basis"] for i in shown["indicators"]} == {None}


def test_sixteen_basic_indicators_each_say_why(corrected: LoadedRubric) -> None:
    basic = {ind.id: ind.basic for ind in corrected.basic_indicators}
    assert len(basic) == 16
    assert {"5.3.4", "9.3.3"} <= set(basic)
    assert not {"9.7.1", "9.3.2"} & set(basic)
    notes = [flag.note for flag in basic.values()]
    assert len(set(notes)) == 16  # a reason of its own, not one boilerplate line
    assert all(not flag.verified for flag in basic.values())


def test_partial_failures_cost_points_without_a_veto(corrected: LoadedRubric) -> None:
    vetoed = ("5.1.3", "5.3.4", "9.3.3", "9.5.2", "7.2.3", "4.1.4")
    lines = {i: corrected.by_id[i].veto_threshold() for i in vetoed}
    assert lines == {"5.1.3": 5, "5.3.4": 5, "9.3.3": 4, "9.5.2": 4, "7.2.3": 4, "4.1.4": 3}
    for ident, line in lines.items():
        points = sorted(lv.points for lv in corrected.by_id[ident].levels)
        assert points[0] < line < points[-1], ident  # a vetoing level and a costly one
    assert corrected.by_id["4.1.1"].veto_threshold() == corrected.by_id["4.1.1"].max


def _all_text(ind) -> str:
    return " ".join([ind.text, ind.short, *(lv.criterion for lv in ind.levels), ind.na_condition])


@pytest.mark.parametrize(
    ("ident", "present", "absent"),
    [
        ("4.1.3", ["县级卫生健康部门现场核查", "自我评价"], ["妇幼保健机构（或属地"]),
        (
            "4.2.4",
            ["乳儿班活动区不少于15平方米", "托小班、托大班活动室不少于35平方米"],
            ["3平方米"],
        ),
        ("4.2.5", ["每托位不少于3平方米", "不少于2平方米"], ["人均户外"]),
        ("5.1.4", ["每收托150名婴幼儿至少配备1名专职", "收托300名配备2名"], []),
        ("5.1.7", ["保安服务公司派驻", "保安员证"], []),
        ("5.1.8", ["每50名就餐婴幼儿配备1名炊事人员", "食品安全管理人员"], []),
        ("5.2.5", ["5次背部叩击加5次胸部按压", "1岁及以上采用海姆立克法"], []),
        ("7.2.4", ["3、6、8、12月龄", "1～3岁每年2次", "血红蛋白和听力"], ["每3个月1次"]),
        ("7.1.1", ["可与保健观察室合并设置"], []),
        ("7.1.2", ["建筑面积不少于6平方米", "1张儿童观察床"], ["使用面积"]),
        ("5.1.6", ["入职前", "每年定期查询"], []),
        ("5.1.2", ["证书不作为上岗门槛"], ["80%", "50%"]),
        ("9.5.1", ["踩踏", "自然灾害", "传染病", "食物中毒", "火灾", "暴力"], []),
        ("4.3.1", ["安全围栏", "地垫"], []),
        ("9.2.3", ["围栏", "地垫"], []),
        ("9.2.4", ["盛水容器加盖", "溺水"], []),
        ("9.3.4", ["不在托育工作期间充电", "易燃可燃的悬挂装饰物"], []),
        ("9.2.2", ["不低于1.80米"], ["或有防护盖"]),
        ("8.1.4", ["膳食委员会", "家长代表"], []),
        ("9.4.2", ["必要的防护器械"], ["防暴"]),
        ("4.2.3", ["GB/T 18883—2022"], []),
    ],
)
def test_each_error_of_the_review_is_fixed(
    corrected: LoadedRubric, ident: str, present: list[str], absent: list[str]
) -> None:
    text = _all_text(corrected.by_id[ident])
    assert [p for p in present if p not in text] == []
    assert [a for a in absent if a in text] == []


def test_every_fix_is_in_the_change_log(corrected: LoadedRubric) -> None:
    logged = {e.target for change in corrected.rubric.changes for e in change.entries}
    fixed = {"4.1.3", "4.2.4", "4.2.5", "5.1.4", "5.1.7", "5.1.8", "5.2.5", "7.2.4", "7.1.1"}
    fixed |= {"7.1.2", "5.1.6", "5.1.2", "9.5.1", "4.3.1", "9.2.3", "9.2.4", "9.3.4", "9.2.2"}
    fixed |= {"8.1.4", "5.3.4", "9.3.3", "9.7.1", "9.3.2", "5.1.3", "9.5.2", "4.1.5"}
    assert fixed - logged == set()
    assert corrected.rubric.changes[-1].version == corrected.rubric.version


def test_wording_is_descriptive_and_uses_childcare_terms(corrected: LoadedRubric) -> None:
    normative = ["须", "方可", "防暴钢叉"]
    found = {
        (ind.id, word)
        for ind in corrected.indicators
        for word in [*normative, *kindergarten_terms(_all_text(ind))]
        if word in _all_text(ind)
    }
    assert found == set()
    assert kindergarten_terms("幼儿离园时") == ["离园"]
    assert kindergarten_terms("乳儿班 8 名乳儿") == ["乳儿"]
    assert kindergarten_terms("乳儿班 8 名婴儿") == []


def test_na_paths_and_the_na_rule(corrected: LoadedRubric) -> None:
    meals = corrected.by_id["4.1.5"]
    assert meals.basic is not None and meals.basic.na_allowed and meals.na_allowed
    assert "计时托或临时托" in meals.na_condition and "全日托" in meals.na_condition
    for ident in ("9.2.5", "6.5.1", "6.2.1", "6.2.3", "6.2.5"):
        assert corrected.by_id[ident].na_allowed and corrected.by_id[ident].na_condition
    assert [i.id for i in corrected.basic_indicators if i.na_allowed] == ["4.1.5"]
    assert corrected.rubric.na_rule.method == "rescale_total"


def test_check_parameters_name_their_basis_and_flags(corrected: LoadedRubric) -> None:
    params = corrected.rubric.check_parameters
    assert params.health_children_per_fulltime == 150 and params.health_verified
    assert (params.outdoor_m2_per_place, params.outdoor_m2_per_place_constrained) == (3, 2)
    rooms = {kind: limit.min_room_m2 for kind, limit in params.class_limits.items()}
    assert rooms == {"infant": 15, "toddler_small": 35, "toddler_large": 35, "mixed": 35}
    mixed = params.class_limits["mixed"]
    assert (mixed.max_children, mixed.verified, mixed.ratio_is_verified()) == (18, True, False)
    assert "家庭托育点不在 WS/T 821—2023 的适用范围内" in params.home_care_scope


def test_the_tree_marks_the_veto_lines(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["rubric", "show", str(REAL_RUBRIC)]) == 0
    out = capsys.readouterr().out
    assert (
        "5.1.3 各班保育人员与婴幼儿配比达标（10 分；档次 10/5/0）［基础指标］［低于 5 分否决］"
        in out
    )
    assert "4.1.1 登记证书有效且经营范围含托育服务（6 分；档次 6/0）［基础指标］\n" in out
