from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from assessor.core.assessment.model import Assessment, IndicatorScore, RubricRef
from assessor.core.storage.store import Store

RUBRIC = RubricRef(code="WS/T 821—2023", version="test", sha256="ab" * 32)


def sample_assessment(indicators: int = 3, centre: str = "阳光托育中心") -> Assessment:
    assessment = Assessment(
        rubric=RUBRIC,
        scores=[IndicatorScore(indicator=f"ind-{n}") for n in range(1, indicators + 1)],
    )
    assessment.centre.name = centre
    return assessment


@pytest.fixture
def make_assessment() -> Callable[..., Assessment]:
    return sample_assessment


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "data")
