"""Reports rendered once per module: from the rubric built in code and, when it has been
written, from the bundled WS/T 821—2023 rubric file."""

from __future__ import annotations

import pytest

from assessor.core.paths import default_rubric_path
from assessor.core.rubric.validate import LoadedRubric, load_rubric
from tests.core.report.helpers import Rendered, render, scored_assessment, synthetic_rubric


@pytest.fixture(scope="module", params=["synthetic", "bundled"])
def report_rubric(request: pytest.FixtureRequest) -> LoadedRubric:
    if request.param == "synthetic":
        return synthetic_rubric()
    path = default_rubric_path()
    if not path.is_file():
        pytest.skip(f"{path.name} has not been written yet")
    return load_rubric(path)


@pytest.fixture(scope="module")
def rendered(report_rubric: LoadedRubric, tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    out = tmp_path_factory.mktemp("report") / "report.pdf"
    return render(scored_assessment(report_rubric), out)


@pytest.fixture(scope="module")
def rendered_training(
    report_rubric: LoadedRubric, tmp_path_factory: pytest.TempPathFactory
) -> Rendered:
    out = tmp_path_factory.mktemp("report") / "training.pdf"
    return render(scored_assessment(report_rubric, training=True), out, training=True)
