"""Shared fixtures: a small valid rubric built in code, so tests never depend on the real file."""

from __future__ import annotations

import copy
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from assessor.core.rubric.model import Rubric
from assessor.core.rubric.validate import LoadedRubric, parse_rubric
from tests.factories import rubric_data as build_rubric_data


def full_form(*args: Any, **kwargs: Any) -> dict[str, Any]:
    return Rubric.model_validate(build_rubric_data(*args, **kwargs)).model_dump(mode="json")


# Tests never write into the developer's own log folder.
os.environ.setdefault("ASSESSOR_LOG_DIR", tempfile.mkdtemp(prefix="assessor-test-logs-"))

# CI runs the same examples every time, so a red build can be reproduced locally with CI=true.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _one_person_teams_pass(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Most register tests import one-person visits made before teams existed and check other
    rules; a register's default minimum team size (2) would flag every one of them. Tests of
    the team-size rule itself are marked `team_size` and see the real default."""
    if request.node.get_closest_marker("team_size") is None:
        from assessor.core.register import settings as register_settings

        monkeypatch.setattr(register_settings, "DEFAULT_MIN_TEAM_SIZE", 1)


RUBRICS = Path(__file__).resolve().parent.parent / "rubrics"
REAL_RUBRIC = RUBRICS / "ws-t-821-2023-v3.json"
# The 2026.1 draft, the default before issue 22: kept byte for byte like the 2024.1 draft.
DRAFT_2026_1_RUBRIC = RUBRICS / "ws-t-821-2023-v2.json"
# The 2024.1 draft: kept byte for byte, because assessments signed on it name its hash.
DRAFT_2024_RUBRIC = RUBRICS / "ws-t-821-2023.json"


def _levels(max_points: float, partial: float | None = None) -> list[dict[str, Any]]:
    levels: list[dict[str, Any]] = [
        {"points": max_points, "label": "符合", "criterion": "完全做到"},
    ]
    if partial is not None:
        levels.append({"points": partial, "label": "部分符合", "criterion": "部分做到"})
    levels.append({"points": 0, "label": "不符合", "criterion": "没有做到"})
    return levels


def _indicator(ident: str, max_points: float, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": ident,
        "text": f"指标 {ident} 的内容",
        "short": f"指标{ident}",
        "max": max_points,
        "levels": _levels(max_points, max_points / 2),
        "methods": ["documents"],
        "source": "drafted",
    }
    data.update(extra)
    return data


DIMENSIONS: list[dict[str, Any]] = [
    {
        "id": "4",
        "name": "办托条件",
        "max": 15,
        "items": [
            {
                "id": "4.1",
                "name": "资质",
                "max": 10,
                "indicators": [
                    _indicator(
                        "4.1.1",
                        6,
                        methods=["documents", "site_inspection"],
                        evidence_hints=["营业执照", "备案回执"],
                        source="standard",
                    ),
                    _indicator("4.1.2", 4, levels=_levels(4, 2.5), checks=["indoor_area"]),
                ],
            },
            {
                "id": "4.2",
                "name": "环境",
                "max": 5,
                "indicators": [_indicator("4.2.1", 5, source="secondary")],
            },
        ],
    },
    {
        "id": "5",
        "name": "托育队伍",
        "max": 10,
        "items": [
            {
                "id": "5.1",
                "name": "人员",
                "max": 10,
                "indicators": [
                    _indicator(
                        "5.1.1",
                        5,
                        basic={"verified": False, "note": "草拟的基础指标"},
                        methods=["documents", "interview"],
                        checks=["carer_ratio", "class_size"],
                    ),
                    _indicator(
                        "5.1.2",
                        5,
                        na_allowed=True,
                        na_condition="不提供膳食时不适用",
                        methods=["observation", "demonstration"],
                    ),
                ],
            },
        ],
    },
]

# In the full form the app writes (every field, defaults included), because a rubric's hash is
# taken over the data of its file.
_SMALL_RUBRIC: dict[str, Any] = full_form(
    DIMENSIONS,
    total=25,
    basic_count=1,
    bands=(22, 18, 15),
    code="TEST 1—2024",
    title="测试用评估标准",
    version="0.1",
    issuer="测试单位",
    notes="仅供测试。\n第二行说明。",
)


@pytest.fixture(scope="session")
def make_rubric_data() -> Callable[[], dict[str, Any]]:
    """A fresh, independently mutable copy of the small rubric's JSON data on every call."""
    return lambda: copy.deepcopy(_SMALL_RUBRIC)


@pytest.fixture
def rubric_data(make_rubric_data: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    return make_rubric_data()


@pytest.fixture
def small_rubric(rubric_data: dict[str, Any]) -> LoadedRubric:
    return parse_rubric(json.dumps(rubric_data), "small")


@pytest.fixture
def write_json(tmp_path: Path) -> Callable[..., Path]:
    """Write JSON data to a file in tmp_path and return its path."""

    def write(data: Any, name: str = "rubric.json") -> Path:
        path = tmp_path / name
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        return path

    return write


@pytest.fixture
def rubric_file(rubric_data: dict[str, Any], write_json: Callable[..., Path]) -> Path:
    return write_json(rubric_data, "rubric.json")


@pytest.fixture
def real_rubric_path() -> Path:
    """The bundled WS/T 821—2023 rubric; tests that need it skip until it has been written."""
    if not REAL_RUBRIC.is_file():
        pytest.skip(f"{REAL_RUBRIC.name} has not been written yet")
    return REAL_RUBRIC


@pytest.fixture
def draft_2024_rubric_path() -> Path:
    return DRAFT_2024_RUBRIC
