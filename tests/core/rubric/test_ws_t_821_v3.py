"""The 2026.2 draft corrects what the second review found (issue 22), one test per item."""

from __future__ import annotations

from fractions import Fraction

import pytest

from assessor.core.rubric.model import Indicator
from assessor.core.rubric.registry import default_rubric
from assessor.core.rubric.validate import LoadedRubric, load_rubric
from assessor.core.scoring.exact import cut
from tests.conftest import DRAFT_2026_1_RUBRIC, REAL_RUBRIC


@pytest.fixture(scope="module")
def v3() -> LoadedRubric:
    return load_rubric(REAL_RUBRIC)


def _points(ind: Indicator) -> list[float]:
    return [lv.points for lv in ind.levels]


def _criteria(ind: Indicator) -> str:
    return " ".join(lv.criterion for lv in ind.levels)


def _logged(rubric: LoadedRubric) -> set[str]:
    return {entry.target for entry in rubric.rubric.changes[-1].entries}


def test_it_is_the_default_and_logs_every_item(v3: LoadedRubric) -> None:
    assert default_rubric().sha256 == v3.sha256
    assert v3.rubric.changes[-1].version == v3.rubric.version == "2026.2-draft"
    items = {"5.1.3", "9.5.2", "7.2.3", "4.1.1", "4.1.4", "6.1.3", "7.3.5", "4.1.6"}
    items |= {"9.6.2", "6.5.2", "7.3.2", "7.3.3", "9.2.2", "7.2.1", "5.1.6", "na_rule"}
    assert items - _logged(v3) == set()


def test_1_the_every_period_ratio_is_the_projects_and_the_veto_rests_on_the_roster(
    v3: LoadedRubric,
) -> None:
    ind = v3.by_id["5.1.3"]
    assert "本项目另要求" in ind.text and "国家规定按班级设定配比" in ind.text
    assert ind.basis is not None and ind.basis.project and "本项目拟定" in ind.basis.note
    assert ind.veto_threshold() == 5
    vetoing = [lv.criterion for lv in ind.levels if lv.points < 5]
    assert vetoing == ["排班表中任一班级配比低于要求，或排班表与实际在岗人员不符"]


def test_2_drills_one_a_year_has_a_level_and_only_no_plan_or_no_drill_vetoes(
    v3: LoadedRubric,
) -> None:
    ind = v3.by_id["9.5.2"]
    assert _points(ind) == [12, 8, 4, 0]
    assert "近1年只有1个季度开展了演练" in ind.levels[2].criterion
    assert ind.veto_threshold() == 4
    assert ind.levels[3].criterion == "近1年无应急预案，或未开展任何演练"
    assert "每半年" not in ind.text + _criteria(ind)
    assert ind.basis is not None
    assert {r.document for r in ind.basis.refs} >= {"xff", "xfgl61"}
    assert "至少每年组织1次演练" in ind.basis.note


def test_3_missing_health_check_records_cost_points_without_a_veto(v3: LoadedRubric) -> None:
    ind = v3.by_id["7.2.3"]
    assert _points(ind) == [12, 8, 4, 0]
    assert "1～3天缺失" in ind.levels[1].criterion and "4天及以上" in ind.levels[2].criterion
    assert ind.veto_threshold() == 4
    assert ind.levels[3].criterion == "未开展晨检，或全日托未开展午检"
    assert "半日托、计时托在入托时晨检" in ind.text
    assert ind.basic is not None and "只扣分不否决" in ind.basic.note


def test_4_the_registration_veto_leaves_the_address_to_filing(v3: LoadedRubric) -> None:
    ind = v3.by_id["4.1.1"]
    assert "地址" not in _criteria(ind)
    assert ind.basic is not None and "4.1.2" in ind.basic.note
    assert "地址" in v3.by_id["4.1.2"].levels[1].criterion


def test_5_fire_acceptance_does_not_expire_and_the_yearly_part_is_testing(
    v3: LoadedRubric,
) -> None:
    ind = v3.by_id["4.1.4"]
    assert "当年有效" not in ind.text + ind.short + _criteria(ind)
    assert "消防验收" in ind.text and "每年至少全面检测1次" in ind.text
    assert _points(ind) == [6, 3, 0] and ind.veto_threshold() == 3
    assert "无消防验收合格意见" in ind.levels[2].criterion
    assert "检测报告" in ind.levels[1].criterion


def test_6_outdoor_time_cites_the_management_rule_without_boarding(v3: LoadedRubric) -> None:
    ind = v3.by_id["6.1.3"]
    assert "寄宿" not in ind.text
    assert ind.basis is not None and [r.document for r in ind.basis.refs] == ["glgf"]


def test_7_the_sample_weight_cites_the_catering_code(v3: LoadedRubric) -> None:
    ind = v3.by_id["7.3.5"]
    assert ind.basis is not None and "cyfw" in {r.document for r in ind.basis.refs}
    doc = next(d for d in v3.rubric.documents if d.id == "cyfw")
    assert doc.title == "餐饮服务食品安全操作规范"


def test_8_the_lease_cites_the_setting_standard(v3: LoadedRubric) -> None:
    ind = v3.by_id["4.1.6"]
    assert ind.basis is not None
    assert {r.document for r in ind.basis.refs} == {"szbz", "wst821"}


@pytest.mark.parametrize(
    ("ident", "number"),
    [("9.6.2", "每半年至少2次"), ("6.5.2", "超过3小时未检查"), ("7.2.3", "1～3天")],
)
def test_9_project_numbers_are_marked(v3: LoadedRubric, ident: str, number: str) -> None:
    basis = v3.by_id[ident].basis
    assert basis is not None and basis.project and number in basis.note


def test_10_meal_indicators_have_an_na_path(v3: LoadedRubric) -> None:
    for ident in ("7.3.2", "7.3.3"):
        ind = v3.by_id[ident]
        assert ind.na_allowed and "计时托或临时托" in ind.na_condition
        assert "不提供也不安排婴幼儿进食" in ind.na_condition


def test_10_a_low_shuttered_socket_without_a_cover_has_a_level(v3: LoadedRubric) -> None:
    ind = v3.by_id["9.2.2"]
    assert _points(ind) == [6, 4, 2, 0]
    assert "只有安全型或防护盖其中一种防护" in ind.levels[2].criterion


def test_10_admission_form_and_mental_illness(v3: LoadedRubric) -> None:
    admission = v3.by_id["7.2.1"]
    assert "入托（园）" not in admission.text + " ".join(admission.evidence_hints)
    assert "儿童入托健康检查表" in admission.text
    staff = v3.by_id["5.1.6"]
    assert "有精神病史的人员不在机构工作" in staff.text
    assert "有精神病史的人员在岗" in staff.levels[1].criterion


def test_the_na_rule_says_what_the_engine_does(v3: LoadedRubric) -> None:
    text = v3.rubric.na_rule.text
    assert "四舍五入" not in text.replace("不四舍五入", "")
    assert "截取到 0.01 分（向零舍去" in text
    # What it describes: 899.998 is kept as 899.99, not rounded up to 900.00.
    assert str(cut(Fraction(899998, 1000))) == "899.99"


def test_the_previous_version_keeps_its_words(v3: LoadedRubric) -> None:
    previous = load_rubric(DRAFT_2026_1_RUBRIC)
    assert "四舍五入到 0.01 分" in previous.rubric.na_rule.text
    assert previous.by_id["9.5.2"].veto_threshold() == 6
    assert previous.sha256 != v3.sha256
