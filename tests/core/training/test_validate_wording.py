"""Issue 22's checks of a sample: childcare words, rationales that quote the scored level and
only it, and N/A where the profile makes an indicator inapplicable; and a sample made on the
previous rubric version still loads and scores on that version."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assessor.core.paths import samples_dir
from assessor.core.problems import ProblemsError
from assessor.core.rubric.registry import rubric_for
from assessor.core.scoring.engine import compute_result
from assessor.core.scoring.exact import cut, exact
from assessor.core.training.catalogue import all_samples
from assessor.core.training.reference import reference_assessment
from assessor.core.training.sample import load_sample
from assessor.core.training.validate import check_sample_file

BASE = samples_dir() / "gulou-public-a.json"
OLD_SAMPLE = Path(__file__).resolve().parents[2] / "data" / "samples" / "gulou-public-a-2026.1.json"


@pytest.fixture
def base() -> dict[str, Any]:
    return json.loads(BASE.read_text(encoding="utf-8"))


def at(data: dict[str, Any], indicator: str) -> tuple[int, dict[str, Any]]:
    return next((n, e) for n, e in enumerate(data["dossier"]) if e["indicator"] == indicator)


def problems(data: dict[str, Any], tmp_path: Path) -> list[tuple[str, str]]:
    path = tmp_path / "s.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ProblemsError) as caught:
        check_sample_file(path)
    return [(p.path, p.message) for p in caught.value.problems]


def test_kindergarten_words_are_named_wherever_they_are(
    base: dict[str, Any], tmp_path: Path
) -> None:
    n, entry = at(base, "9.1.3")
    entry["found"] = entry["found"] + "下午离园时老师逐一核对接送卡。"
    entry["reference"]["rationale"] += "本学期没有例外。"
    base["summary"] += "乳儿班的乳儿按个体作息。"
    assert problems(base, tmp_path) == [
        ("summary", "用了幼儿园用语“乳儿”，托育机构应写“婴儿（班级名称“乳儿班”除外）”"),
        (f"dossier[{n}].found", "用了幼儿园用语“离园”，托育机构应写“离托”"),
        (f"dossier[{n}].reference.rationale", "用了幼儿园用语“学期”，托育机构应写“半年或具体月份”"),
    ]


def test_an_industrial_park_is_not_a_kindergarten_word(
    base: dict[str, Any], tmp_path: Path
) -> None:
    base["summary"] += "托育中心在园区综合楼。"
    path = tmp_path / "s.json"
    path.write_text(json.dumps(base, ensure_ascii=False), encoding="utf-8")
    assert check_sample_file(path).result.grade == "A"


def test_a_rationale_quoting_another_level_is_named(base: dict[str, Any], tmp_path: Path) -> None:
    n, entry = at(base, "9.3.1")  # scored 8, 符合
    entry["reference"]["rationale"] = "资料看着还行，属「近6个月有1～2个月缺少记录」。"
    assert problems(base, tmp_path) == [
        (
            f"dossier[{n}].reference.rationale",
            "理由没有引用第 1 档（符合）的原话；请用「」引出决定这一档的文字",
        ),
        (
            f"dossier[{n}].reference.rationale",
            "理由引用了第 2 档（部分符合）的「近6个月有1～2个月缺少记录」，参考评分却是第 1 档（符合）",
        ),
    ]


def test_unquoted_words_of_another_level_and_invented_quotes_are_named(
    base: dict[str, Any], tmp_path: Path
) -> None:
    n, entry = at(base, "9.5.2")  # scored 12, 达标
    entry["reference"]["rationale"] = (
        "「有应急预案，近1年4个季度均开展了演练」，不过近1年有2～3个季度开展了演练；「演练很认真」。"
    )
    assert problems(base, tmp_path) == [
        (f"dossier[{n}].reference.rationale", "理由中的「演练很认真」不是第 1 档（达标）的原话"),
        (
            f"dossier[{n}].reference.rationale",
            "理由用了第 2 档（基本达标）的说法“近1年有2～3个季度开展了演练”，参考评分却是第 1 档（达标）",
        ),
    ]


def test_na_the_profile_does_not_back_is_refused(base: dict[str, Any], tmp_path: Path) -> None:
    meals, meal_entry = at(base, "7.3.4")
    infants, infant_entry = at(base, "4.3.4")
    condition = "仅开展计时托或临时托，且不向婴幼儿提供任何餐食和点心（食物全部由家长自备）"
    meal_entry["reference"] = {"na": True, "rationale": f"依「{condition}」判为不适用"}
    infant_entry["reference"] = {"na": True, "rationale": "依「机构未设乳儿班」判为不适用"}
    assert problems(base, tmp_path) == [
        (
            f"dossier[{infants}].reference.na",
            "指标 4.3.4 判为不适用，但样例概况不是“未设乳儿班”",
        ),
        (
            f"dossier[{meals}].reference.na",
            "指标 7.3.4 判为不适用，但样例概况不是“不供餐，且只开展计时托或临时托”",
        ),
    ]


def test_a_centre_serving_no_food_has_its_meal_indicators_not_applicable(
    base: dict[str, Any], tmp_path: Path
) -> None:
    base["centre"]["meals_served"] = False
    base["centre"]["care_types"] = ["hourly"]
    found = problems(base, tmp_path)
    assert {message for _, message in found} == {
        f"样例概况为“不供餐，且只开展计时托或临时托”，指标 {ident} 应判为不适用"
        for ident in ("4.1.5", "4.3.3", "5.1.8", "7.3.1", "7.3.4", "7.3.5", "10.4.2")
    }
    # Whether children eat food brought from home is the dossier's to say, not the profile's.
    assert not any("7.3.2" in m or "7.3.3" in m or "6.2.1" in m for _, m in found)


def test_a_sample_made_on_the_previous_version_still_loads_and_scores_on_it(
    tmp_path: Path,
) -> None:
    sample = load_sample(OLD_SAMPLE)
    rubric = rubric_for(sample.rubric)
    assert rubric.rubric.version == "2026.1-draft"
    result = compute_result(rubric, reference_assessment(sample))
    assert (result.grade, cut(exact(result.total))) == ("A", sample.expected_total)
    own = tmp_path / "training" / "samples"
    own.mkdir(parents=True)
    # A data-folder sample never stands in for a bundled one of the same id: give it its own.
    data = json.loads(OLD_SAMPLE.read_text(encoding="utf-8"))
    data["id"] = "gulou-public-a-2026-1"
    (own / "old.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    catalogue = all_samples(tmp_path)
    assert catalogue.broken == []
    assert [s.rubric.version for s in catalogue.samples].count("2026.1-draft") == 1
