"""Computed checks from the national rules, attached to the indicators they inform."""

from __future__ import annotations

from assessor.core.assessment.model import Centre, CentreKind, ClassGroup, ClassKind, StaffCounts
from assessor.core.rubric.model import CheckId
from assessor.core.scoring.checks import findings_for, run_checks
from tests.factories import small_rubric

RUBRIC = small_rubric()


def by_check(centre: Centre, check: CheckId):
    return [f for f in run_checks(RUBRIC, centre) if f.check is check]


def test_class_over_its_size_limit_fails_and_names_the_class() -> None:
    centre = Centre(
        classes=[ClassGroup(name="小一班", kind=ClassKind.toddler_small, children=16, carers=4)]
    )
    (finding,) = by_check(centre, CheckId.class_size)
    assert finding.status == "fail"
    assert "托小班「小一班」16 人，超过 15 人上限" in finding.message
    assert finding.indicators == ["4.1.2"]


def test_carer_ratio_rounds_the_needed_carers_up() -> None:
    infants = ClassGroup(name="乳一班", kind=ClassKind.infant, children=10, carers=3)
    (finding,) = by_check(Centre(classes=[infants]), CheckId.carer_ratio)
    assert finding.status == "fail"
    assert "需至少 4 名保育人员（1:3），现有 3 名" in finding.message
    ok = infants.model_copy(update={"carers": 4})
    assert by_check(Centre(classes=[ok]), CheckId.carer_ratio)[0].status == "ok"


def test_mixed_class_uses_the_rubric_parameter_and_is_marked_unverified() -> None:
    mixed = ClassGroup(kind=ClassKind.mixed, children=12, carers=1)
    (finding,) = by_check(Centre(classes=[mixed]), CheckId.carer_ratio)
    assert finding.status == "fail"
    assert "（1:6）" in finding.message
    assert not finding.verified


def test_health_staff_needs_a_full_time_person_from_150_children() -> None:
    classes = [ClassGroup(kind=ClassKind.toddler_large, children=20, carers=3)] * 8
    part_time_only = Centre(classes=classes, staff=StaffCounts(health_parttime=2))
    assert by_check(part_time_only, CheckId.health_staff)[0].status == "fail"
    small = Centre(classes=classes[:2], staff=StaffCounts(health_parttime=1))
    assert by_check(small, CheckId.health_staff)[0].status == "ok"


def test_area_per_child_uses_all_children_and_says_when_it_cannot_compute() -> None:
    classes = [ClassGroup(kind=ClassKind.toddler_small, children=15, carers=3)] * 2
    centre = Centre(classes=classes, indoor_area_m2=120, outdoor_area_m2=45)
    indoor, outdoor = by_check(centre, CheckId.indoor_area), by_check(centre, CheckId.outdoor_area)
    assert indoor[0].status == "ok" and "生均 4.00 m²" in indoor[0].message
    assert outdoor[0].status == "fail" and "生均 1.50 m²" in outdoor[0].message
    assert by_check(Centre(), CheckId.indoor_area)[0].status == "unknown"


def test_home_care_over_five_children_must_register_as_an_institution() -> None:
    home = Centre(
        kind=CentreKind.home,
        classes=[ClassGroup(kind=ClassKind.mixed, children=6, carers=2)],
        staff=StaffCounts(carers=2),
    )
    findings = by_check(home, CheckId.home_care)
    assert findings[0].status == "fail" and "应登记为托育机构" in findings[0].message
    assert findings[1].status == "ok"
    assert not by_check(home, CheckId.class_size)


def test_findings_for_an_indicator() -> None:
    findings = run_checks(RUBRIC, Centre())
    assert {f.check for f in findings_for(findings, "4.1.3")} == {
        CheckId.indoor_area,
        CheckId.outdoor_area,
    }
