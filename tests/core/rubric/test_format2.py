"""Format 2 rubrics name what everything rests on; format 1 files load as they always did."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from assessor.core.assessment.model import RubricRef
from assessor.core.canonical import canonical_sha256
from assessor.core.problems import ProblemsError
from assessor.core.rubric.basis import Grounding, describe_basis, grounding
from assessor.core.rubric.model import Rubric
from assessor.core.rubric.provenance import grounding_note, provenance_notes
from assessor.core.rubric.registry import default_rubric, known_rubrics, rubric_for
from assessor.core.rubric.validate import LoadedRubric, load_rubric, parse_rubric
from tests.conftest import DRAFT_2026_1_RUBRIC
from tests.factories import small_rubric_data, small_rubric_v2, small_rubric_v2_data

# The 2024.1 draft as signed assessments name it: the hash of its data, and its file bytes.
DRAFT_2024_CONTENT_SHA256 = "7279c60e969a681cf207e4e4eb2e79ae425181ae0315bea9a185a9e3230c7212"
DRAFT_2024_FILE_SHA256 = "9cd9b33e1401bfb36145a342dfbf09edcb30b485631c8f63c7ea97e773f60bf9"
# The 2026.1 draft (the default before issue 22), likewise.
DRAFT_2026_1_CONTENT_SHA256 = "1a65ad95c7029b691a98c7ad318c724cf4ae180d26138343db4340c017e32c27"
DRAFT_2026_1_FILE_SHA256 = "43b699a1ff0c54d267f3247a098ab79906bbb327ff370e9a33d68d73ba73508a"

IND = "dimensions[0].items[0].indicators"


def problems(data: dict[str, Any]) -> dict[str, str]:
    """path → message of every problem in `data`."""
    with pytest.raises(ProblemsError) as caught:
        parse_rubric(json.dumps(data, ensure_ascii=False), "r.json")
    return {p.path: p.message for p in caught.value.problems}


def test_a_complete_format2_rubric_loads() -> None:
    loaded = parse_rubric(json.dumps(small_rubric_v2_data(), ensure_ascii=False), "r.json")
    assert loaded.rubric.format == "assessor.rubric/2"
    assert all(ind.basis is not None for ind in loaded.indicators)


def test_format2_requires_a_basis_on_every_indicator_and_parameter_group() -> None:
    data = small_rubric_v2_data()
    del data["dimensions"][0]["items"][0]["indicators"][1]["basis"]
    del data["check_parameters"]["area_basis"]
    del data["check_parameters"]["class_limits"]["mixed"]["basis"]
    found = problems(data)
    assert found[f"{IND}[1].basis"] == "指标 4.1.2 缺少依据（basis）"
    assert found["check_parameters.area_basis"] == "格式 2 的评估标准文件必须填写此参数"
    assert found["check_parameters.class_limits.mixed.basis"] == "混龄班的参数缺少依据（basis）"


def test_unknown_document_and_empty_basis_are_refused_with_their_path() -> None:
    data = small_rubric_v2_data()
    data["dimensions"][0]["items"][0]["indicators"][0]["basis"] = {
        "refs": [{"document": "szbz"}, {"document": "no-such-rule", "section": "第一条"}]
    }
    data["check_parameters"]["health_basis"] = {"refs": []}
    data["changes"][0]["entries"][0]["basis"] = {"refs": [{"document": "gone"}]}
    found = problems(data)
    assert found == {
        f"{IND}[0].basis.refs[1].document": "依据文件 no-such-rule 不在 documents 列表中",
        "check_parameters.health_basis": "依据为空：应引用依据文件，或标明本项目拟定（project）",
        "changes[0].entries[0].basis.refs[0].document": "依据文件 gone 不在 documents 列表中",
    }


def test_documents_change_targets_and_format1_parameters_are_checked() -> None:
    data = small_rubric_v2_data()
    data["documents"].append(copy.deepcopy(data["documents"][0]))
    data["changes"][0]["entries"][0]["target"] = "9.9.9"
    data["check_parameters"]["indoor_m2_per_child"] = 3
    data["check_parameters"]["home_care_scope"] = " "
    del data["check_parameters"]["class_limits"]["infant"]["min_room_m2"]
    found = problems(data)
    assert found == {
        "documents[2].id": "依据文件编号 szbz 重复",
        "changes[0].entries[0].target": "修订对象 9.9.9 不存在",
        "check_parameters.indoor_m2_per_child": "这是格式 1 的参数，格式 2 中应删除",
        "check_parameters.home_care_scope": "必须说明家庭托育点是否适用本标准",
        "check_parameters.class_limits.infant.min_room_m2": "缺少乳儿班活动用房面积下限",
    }


def _basic_na(data: dict[str, Any], *, flag: bool, condition: str) -> dict[str, Any]:
    ind = data["dimensions"][0]["items"][0]["indicators"][0]  # 4.1.1, basic
    ind["na_allowed"] = True
    ind["na_condition"] = condition
    ind["basic"]["na_allowed"] = flag
    return data


def test_format2_refuses_na_on_a_basic_indicator_unless_allowed_with_its_condition() -> None:
    refused = problems(_basic_na(small_rubric_v2_data(), flag=False, condition="不供餐时"))
    assert refused == {
        f"{IND}[0].na_allowed": "基础指标不得判定为不适用，除非在 basic.na_allowed 中明确允许并写明不适用条件"
    }
    no_condition = problems(_basic_na(small_rubric_v2_data(), flag=True, condition=""))
    assert no_condition[f"{IND}[0].basic.na_allowed"].startswith("允许不适用的基础指标")
    allowed = _basic_na(small_rubric_v2_data(), flag=True, condition="仅计时托且不供餐时")
    loaded = parse_rubric(json.dumps(allowed, ensure_ascii=False), "r.json")
    assert loaded.by_id["4.1.1"].basic.na_allowed


def test_format1_keeps_loading_a_basic_indicator_that_may_be_na() -> None:
    data = _basic_na(small_rubric_data(), flag=False, condition="不供餐时")
    del data["dimensions"][0]["items"][0]["indicators"][0]["basic"]["na_allowed"]
    assert parse_rubric(json.dumps(data, ensure_ascii=False), "r.json").by_id["4.1.1"].na_allowed


def test_format1_still_needs_its_own_parameters() -> None:
    data = small_rubric_data()
    del data["check_parameters"]["outdoor_m2_per_child"]
    assert problems(data) == {
        "check_parameters.outdoor_m2_per_child": "格式 1 的评估标准文件必须填写此参数"
    }


def test_a_veto_line_must_leave_a_level_that_vetoes() -> None:
    data = small_rubric_v2_data()
    flag = data["dimensions"][0]["items"][0]["indicators"][0]["basic"]
    flag["veto_below"] = 0  # levels are 20 and 0: nothing is below 0
    assert "veto_below" in next(iter(problems(data)))
    flag["veto_below"] = 25
    assert problems(data) == {f"{IND}[0].basic.veto_below": "否决线 25 超过指标满分"}
    flag["veto_below"] = 10
    loaded = parse_rubric(json.dumps(data, ensure_ascii=False), "r.json")
    assert loaded.by_id["4.1.1"].veto_threshold() == 10
    assert loaded.by_id["5.2.1"].veto_threshold() == 30  # no line: full points


def test_fields_added_after_format1_stay_out_of_an_old_rubric_dump() -> None:
    data = small_rubric_data()
    loaded = LoadedRubric.of(Rubric.model_validate(data), "r", data)
    assert loaded.rubric.model_dump(mode="json") == data
    assert canonical_sha256(loaded.rubric) == loaded.sha256


def test_the_2024_draft_is_kept_byte_for_byte(draft_2024_rubric_path: Path) -> None:
    raw = draft_2024_rubric_path.read_bytes()
    assert hashlib.sha256(raw).hexdigest() == DRAFT_2024_FILE_SHA256
    loaded = load_rubric(draft_2024_rubric_path)
    assert loaded.rubric.format == "assessor.rubric/1"
    assert loaded.sha256 == DRAFT_2024_CONTENT_SHA256
    assert canonical_sha256(loaded.rubric) == DRAFT_2024_CONTENT_SHA256


def test_the_2026_1_draft_is_kept_byte_for_byte() -> None:
    raw = DRAFT_2026_1_RUBRIC.read_bytes()
    assert hashlib.sha256(raw).hexdigest() == DRAFT_2026_1_FILE_SHA256
    loaded = load_rubric(DRAFT_2026_1_RUBRIC)
    assert (loaded.rubric.version, loaded.sha256) == ("2026.1-draft", DRAFT_2026_1_CONTENT_SHA256)


def test_grounding_of_each_kind_and_the_counts_in_the_about_text() -> None:
    rubric = small_rubric_v2()
    kinds = {ind.id: grounding(rubric.rubric, ind) for ind in rubric.indicators}
    assert kinds == {
        "4.1.1": Grounding.rule,
        "4.1.2": Grounding.rule,
        "4.1.3": Grounding.rule,
        "5.1.1": Grounding.standard,
        "5.1.2": Grounding.standard,
        "5.2.1": Grounding.project,
    }
    note = "6 项指标中，3 项依据国家规定，2 项依据标准已知文本，1 项为本项目拟定。"
    assert grounding_note(rubric) == note
    assert note in provenance_notes(rubric)


def test_a_format1_rubric_states_no_grounding() -> None:
    rubric = LoadedRubric.of(Rubric.model_validate(small_rubric_data()))
    assert grounding_note(rubric) is None
    assert describe_basis(rubric.rubric, rubric.indicators[0].basis) == "未注明"


def test_a_basis_in_words() -> None:
    rubric = small_rubric_v2().rubric
    basis = rubric.dimensions[0].items[0].indicators[0].basis
    assert (
        describe_basis(rubric, basis)
        == "《托育机构设置标准（试行）》（国卫人口发〔2019〕58号）第三条"
    )
    std = rubric.dimensions[1].items[0].indicators[0].basis
    assert describe_basis(rubric, std) == "《测试评估标准》（TEST—2024）［未核对原文］"
    own = rubric.dimensions[1].items[1].indicators[0].basis
    assert describe_basis(rubric, own) == "本项目拟定。由测试拟定"


def test_new_assessments_use_the_corrected_rubric_and_old_ones_find_theirs() -> None:
    assert default_rubric().rubric.version == "2026.2-draft"
    previous = rubric_for(
        RubricRef(code="WS/T 821—2023", version="2026.1-draft", sha256=DRAFT_2026_1_CONTENT_SHA256)
    )
    assert previous.rubric.version == "2026.1-draft"
    old = rubric_for(
        RubricRef(code="WS/T 821—2023", version="2024.1-draft", sha256=DRAFT_2024_CONTENT_SHA256)
    )
    assert old.rubric.version == "2024.1-draft"
    assert {r.rubric.version for r in known_rubrics()} >= {
        "2024.1-draft",
        "2026.1-draft",
        "2026.2-draft",
    }
