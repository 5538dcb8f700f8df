"""The bundled WS/T 821—2023 rubric agrees with what public sources say (RUBRIC-FACTS.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assessor.cli.main import run_cli

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
