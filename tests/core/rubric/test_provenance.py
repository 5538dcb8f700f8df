"""The about box tells what in the rubric is drafted or unverified."""

from __future__ import annotations

from assessor.core.rubric.model import Rubric
from assessor.core.rubric.provenance import provenance_notes
from assessor.core.rubric.registry import default_rubric
from assessor.core.rubric.validate import LoadedRubric
from tests.factories import small_rubric_data


def test_the_bundled_rubric_declares_its_drafted_and_unverified_parts() -> None:
    notes = provenance_notes(default_rubric())
    assert notes[0].startswith("WS/T 821—2023《托育机构质量评估标准》，数据文件版本 2026.2-draft")
    # Counted by hand from the bases in rubrics/ws-t-821-2023-v3.json.
    assert notes[2] == "132 项指标中，111 项依据国家规定，8 项依据标准已知文本，13 项为本项目拟定。"
    assert "132 项指标中有 98 项的文字依据公开资料起草" in notes[3]
    assert "16 项基础指标" in notes[4]
    assert "等级划分规则为默认参数" in notes[5]


def test_a_verified_official_rubric_has_no_warnings() -> None:
    data = small_rubric_data()
    data["grade_rule"]["verified"] = True
    for dim in data["dimensions"]:
        for item in dim["items"]:
            for ind in item["indicators"]:
                ind["source"] = "standard"
                if ind["basic"]:
                    ind["basic"]["verified"] = True
    notes = provenance_notes(LoadedRubric.of(Rubric.model_validate(data)))
    assert len(notes) == 2
