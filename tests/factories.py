"""Small, valid rubrics and assessments built in code, for tests that must not depend on the
bundled WS/T 821 data file."""

from __future__ import annotations

import copy
from typing import Any

from assessor.core.rubric.model import Rubric
from assessor.core.rubric.validate import LoadedRubric


def _levels(max_points: float, basic: bool = False) -> list[dict[str, Any]]:
    if basic:
        return [
            {"points": max_points, "label": "达标", "criterion": "完全符合要求"},
            {"points": 0, "label": "不达标", "criterion": "不符合要求"},
        ]
    return [
        {"points": max_points, "label": "符合", "criterion": "完全符合要求"},
        {"points": max_points / 2, "label": "部分符合", "criterion": "部分符合要求"},
        {"points": 0, "label": "不符合", "criterion": "不符合要求"},
    ]


def _indicator(
    ident: str,
    max_points: float,
    *,
    basic: bool = False,
    na: bool = False,
    checks: tuple[str, ...] = (),
) -> dict[str, Any]:
    return {
        "id": ident,
        "text": f"指标 {ident} 的评估内容",
        "short": f"指标{ident}",
        "max": max_points,
        "levels": _levels(max_points, basic),
        "methods": ["documents", "site_inspection"],
        "basic": {"verified": False, "note": "测试"} if basic else None,
        "na_allowed": na,
        "na_condition": "不提供膳食时不适用" if na else "",
        "evidence_hints": ["相关记录"],
        "checks": list(checks),
        "source": "drafted",
    }


NATIONAL_CHECK_PARAMETERS: dict[str, Any] = {
    "class_limits": {
        "infant": {
            "label": "乳儿班",
            "max_children": 10,
            "children_per_carer": 3,
            "verified": True,
        },
        "toddler_small": {
            "label": "托小班",
            "max_children": 15,
            "children_per_carer": 5,
            "verified": True,
        },
        "toddler_large": {
            "label": "托大班",
            "max_children": 20,
            "children_per_carer": 7,
            "verified": True,
        },
        "mixed": {
            "label": "混龄班",
            "max_children": 18,
            "children_per_carer": 6,
            "verified": False,
        },
    },
    "health_fulltime_from_children": 150,
    "health_verified": False,
    "indoor_m2_per_child": 3,
    "outdoor_m2_per_child": 2,
    "area_verified": False,
    "home_care_max_children": 5,
    "home_care_children_per_carer": 3,
    "home_care_verified": True,
}


def rubric_data(
    dimensions: list[dict[str, Any]],
    *,
    total: float,
    basic_count: int,
    bands: tuple[float, float, float],
    veto_grade: str = "D",
    verified_rule: bool = False,
    **identity: Any,
) -> dict[str, Any]:
    """A whole rubric around `dimensions`: identity (overridable), A/B/C bands, N/A rule and
    the national check parameters."""
    a, b, c = bands
    return {
        "format": "assessor.rubric/1",
        "code": "TEST—2024",
        "title": "测试评估标准",
        "version": "1",
        "issuer": "测试",
        "published": "2024-01-01",
        "effective": "2024-02-01",
        "notes": "",
        **identity,
        "total": total,
        "basic_count": basic_count,
        "grade_rule": {
            "verified": verified_rule,
            "notice": "等级划分规则为默认参数，以标准原文及属地细则为准",
            "bands": [
                {"grade": "A", "label": "优秀", "min_total": a},
                {"grade": "B", "label": "良好", "min_total": b},
                {"grade": "C", "label": "合格", "min_total": c},
            ],
            "fallback": {"grade": "D", "label": "不合格", "min_total": 0},
            "veto_grade": veto_grade,
            "veto_unmet_below": "max",
            "text": f"A ≥ {a:g}，B ≥ {b:g}，C ≥ {c:g}，其余为 D；任一基础指标未达标时最高为 {veto_grade}。",
        },
        "na_rule": {
            "method": "rescale_dimension",
            "text": "不适用指标不计分，维度得分按比例折算。",
        },
        "check_parameters": copy.deepcopy(NATIONAL_CHECK_PARAMETERS),
        "dimensions": dimensions,
    }


def small_rubric_data() -> dict[str, Any]:
    """Two dimensions, 100 points, 6 indicators, 2 basic, 1 N/A-able."""
    return rubric_data(
        [
            {
                "id": "4",
                "name": "办托条件",
                "max": 40,
                "items": [
                    {
                        "id": "4.1",
                        "name": "资质",
                        "max": 40,
                        "indicators": [
                            _indicator("4.1.1", 20, basic=True),
                            _indicator("4.1.2", 10, checks=("class_size", "carer_ratio")),
                            _indicator("4.1.3", 10, checks=("indoor_area", "outdoor_area")),
                        ],
                    }
                ],
            },
            {
                "id": "5",
                "name": "卫生保健",
                "max": 60,
                "items": [
                    {
                        "id": "5.1",
                        "name": "膳食",
                        "max": 30,
                        "indicators": [
                            _indicator("5.1.1", 20, na=True),
                            _indicator("5.1.2", 10, checks=("health_staff", "home_care")),
                        ],
                    },
                    {
                        "id": "5.2",
                        "name": "健康",
                        "max": 30,
                        "indicators": [_indicator("5.2.1", 30, basic=True)],
                    },
                ],
            },
        ],
        total=100,
        basic_count=2,
        bands=(90, 75, 60),
    )


def small_rubric() -> LoadedRubric:
    return LoadedRubric.of(Rubric.model_validate(small_rubric_data()), "test-rubric")


FORMAT2_DOCUMENTS: list[dict[str, Any]] = [
    {
        "id": "szbz",
        "title": "托育机构设置标准（试行）",
        "issuer": "国家卫生健康委员会",
        "number": "国卫人口发〔2019〕58号",
        "year": 2019,
        "kind": "national",
        "verified": True,
    },
    {
        "id": "std",
        "title": "测试评估标准",
        "issuer": "测试",
        "number": "TEST—2024",
        "year": 2024,
        "kind": "standard",
        "verified": False,
    },
]


def national_basis(section: str = "") -> dict[str, Any]:
    return {"refs": [{"document": "szbz", "section": section}]}


def small_rubric_v2_data() -> dict[str, Any]:
    """The small rubric in format 2: documents, a basis everywhere, format 2 parameters with
    room minima per class and outdoor area per place, and a change log. Indicators ground
    differently: 4.1.x on the national rule, 5.1.x on the standard's text, 5.2.1 on the project."""
    data = small_rubric_data()
    data["format"] = "assessor.rubric/2"
    data["documents"] = copy.deepcopy(FORMAT2_DOCUMENTS)
    grounds = {"4": national_basis("第三条"), "5.1": {"refs": [{"document": "std"}]}}
    for dim in data["dimensions"]:
        for item in dim["items"]:
            for ind in item["indicators"]:
                ind["basis"] = (
                    grounds.get(item["id"])
                    or grounds.get(dim["id"])
                    or {
                        "refs": [],
                        "project": True,
                        "note": "由测试拟定",
                    }
                )
    params = data["check_parameters"]
    for name in ("health_fulltime_from_children", "indoor_m2_per_child", "outdoor_m2_per_child"):
        del params[name]
    rooms = {"infant": 15, "toddler_small": 35, "toddler_large": 35, "mixed": 35}
    for kind, limit in params["class_limits"].items():
        limit["min_room_m2"] = rooms[kind]
        limit["basis"] = national_basis()
    params["class_limits"]["mixed"].update(verified=True, ratio_verified=False)
    params.update(
        health_children_per_fulltime=150,
        health_verified=True,
        health_basis=national_basis(),
        outdoor_m2_per_place=3,
        outdoor_m2_per_place_constrained=2,
        room_verified=False,
        area_basis=national_basis(),
        home_care_basis=national_basis(),
        home_care_scope="家庭托育点不在本测试标准的适用范围内。",
    )
    data["changes"] = [
        {
            "version": "2",
            "date": "2026-01-01",
            "entries": [
                {"target": "4.1.3", "what": "改写", "why": "测试", "basis": national_basis()}
            ],
        }
    ]
    return data


def small_rubric_v2() -> LoadedRubric:
    return LoadedRubric.of(Rubric.model_validate(small_rubric_v2_data()), "test-rubric-v2")
