"""Computed checks from the national rules, attached to the indicators they inform."""

from __future__ import annotations

import pytest

from assessor.core.assessment.model import Centre, CentreKind, ClassGroup, ClassKind, StaffCounts
from assessor.core.rubric.model import CheckId
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.scoring.checks import findings_for, run_checks, scope_notice
from tests.factories import small_rubric, small_rubric_v2

RUBRIC = small_rubric_v2()
FORMAT1 = small_rubric()


def by_check(centre: Centre, check: CheckId, rubric: LoadedRubric = RUBRIC):
    return [f for f in run_checks(rubric, centre) if f.check is check]


def toddlers(children: int, **staff: int) -> Centre:
    """A centre of `children` in classes of 20 (the last one smaller)."""
    sizes = [20] * (children // 20) + ([children % 20] if children % 20 else [])
    classes = [ClassGroup(kind=ClassKind.toddler_large, children=n, carers=3) for n in sizes]
    return Centre(classes=classes, staff=StaffCounts(**staff))


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


def test_mixed_class_size_is_verified_and_its_local_ratio_is_not() -> None:
    mixed = ClassGroup(kind=ClassKind.mixed, children=19, carers=1)
    (ratio,) = by_check(Centre(classes=[mixed]), CheckId.carer_ratio)
    assert ratio.status == "fail" and "（1:6）" in ratio.message
    assert not ratio.verified
    (size,) = by_check(Centre(classes=[mixed]), CheckId.class_size)
    assert size.status == "fail" and "超过 18 人上限" in size.message
    assert size.verified
    # A format 1 rubric has one flag for both.
    (old,) = by_check(Centre(classes=[mixed]), CheckId.class_size, FORMAT1)
    assert not old.verified


@pytest.mark.parametrize(
    ("children", "fulltime", "parttime", "status", "needed"),
    [
        (149, 0, 1, "ok", "至少有 1 名专职或兼职"),
        (149, 1, 0, "ok", "至少有 1 名专职或兼职"),
        (10, 0, 0, "fail", "至少有 1 名专职或兼职"),
        (150, 0, 3, "fail", "应至少有 1 名专职"),
        (150, 1, 0, "ok", "应至少有 1 名专职"),
        (151, 1, 0, "fail", "应至少有 2 名专职"),
        (300, 1, 5, "fail", "应至少有 2 名专职"),
        (300, 2, 0, "ok", "应至少有 2 名专职"),
        (301, 2, 0, "fail", "应至少有 3 名专职"),
        (301, 3, 0, "ok", "应至少有 3 名专职"),
    ],
)
def test_health_staff_one_full_time_per_each_150_children(
    children: int, fulltime: int, parttime: int, status: str, needed: str
) -> None:
    centre = toddlers(children, health_fulltime=fulltime, health_parttime=parttime)
    (finding,) = by_check(centre, CheckId.health_staff)
    assert (finding.status, finding.verified) == (status, True)
    assert needed in finding.message


def test_health_staff_of_a_format1_rubric_reads_its_threshold_per_each() -> None:
    (finding,) = by_check(toddlers(300, health_fulltime=1), CheckId.health_staff, FORMAT1)
    assert finding.status == "fail" and "应至少有 2 名专职" in finding.message
    (empty,) = by_check(Centre(), CheckId.health_staff, FORMAT1)
    assert empty.status == "unknown"


@pytest.mark.parametrize(
    ("kind", "room", "status"),
    [
        (ClassKind.infant, 15, "ok"),
        (ClassKind.infant, 14.99, "fail"),
        (ClassKind.toddler_small, 35, "ok"),
        (ClassKind.toddler_small, 34.9, "fail"),
        (ClassKind.toddler_large, 35.0, "ok"),
        (ClassKind.mixed, 30, "fail"),
    ],
)
def test_each_class_room_against_its_minimum(kind: ClassKind, room: float, status: str) -> None:
    group = ClassGroup(name="一班", kind=kind, children=5, carers=2, room_m2=room)
    (finding,) = by_check(Centre(classes=[group]), CheckId.indoor_area)
    assert finding.status == status
    assert f"活动用房 {room:g} m²" in finding.message
    assert not finding.verified  # the room minima come from a secondary source


def test_rooms_are_judged_class_by_class_not_pooled() -> None:
    big = ClassGroup(name="大", kind=ClassKind.toddler_large, children=20, carers=3, room_m2=80)
    small = ClassGroup(name="小", kind=ClassKind.toddler_small, children=10, carers=2, room_m2=20)
    unmeasured = ClassGroup(name="新", kind=ClassKind.infant, children=3, carers=1)
    findings = by_check(Centre(classes=[big, small, unmeasured]), CheckId.indoor_area)
    assert [f.status for f in findings] == ["ok", "fail", "unknown"]
    assert "尚未填写乳儿班「新」的活动用房面积（下限 15 m²）" in findings[2].message
    assert by_check(Centre(), CheckId.indoor_area)[0].status == "unknown"


def test_a_format1_rubric_has_no_room_minima() -> None:
    group = ClassGroup(kind=ClassKind.infant, children=5, carers=2, room_m2=40)
    (finding,) = by_check(Centre(classes=[group]), CheckId.indoor_area, FORMAT1)
    assert finding.status == "unknown" and "未给出乳儿班活动用房面积下限" in finding.message


@pytest.mark.parametrize(
    ("area", "constrained", "status"),
    [
        (90, False, "ok"),
        (89.99, False, "fail"),
        (60, True, "ok"),
        (60, False, "fail"),
        (59.5, True, "fail"),
    ],
)
def test_outdoor_area_per_registered_place(area: float, constrained: bool, status: str) -> None:
    # 30 places but only 12 children enrolled: the area is judged against the places.
    centre = Centre(
        places=30,
        classes=[ClassGroup(kind=ClassKind.toddler_small, children=12, carers=3)],
        outdoor_area_m2=area,
        outdoor_constrained=constrained,
    )
    (finding,) = by_check(centre, CheckId.outdoor_area)
    assert finding.status == status
    assert "登记托位 30 个" in finding.message
    assert f"每托位 {2 if constrained else 3} m²" in finding.message
    assert ("改扩建" in finding.message) is constrained


def test_outdoor_area_needs_places_and_area() -> None:
    no_places = Centre(outdoor_area_m2=100)
    assert by_check(no_places, CheckId.outdoor_area)[0].status == "unknown"


def test_home_care_over_five_children_must_register_as_an_institution() -> None:
    home = Centre(
        kind=CentreKind.home,
        classes=[ClassGroup(kind=ClassKind.mixed, children=6, carers=2)],
        staff=StaffCounts(carers=2),
    )
    findings = by_check(home, CheckId.home_care)
    assert findings[0].status == "fail" and "应登记为托育机构" in findings[0].message
    assert findings[1].status == "ok"
    # A home is checked against its own rules only, not an institution's.
    assert {f.check for f in run_checks(RUBRIC, home)} == {CheckId.home_care}


def test_home_care_ratio_one_carer_per_three() -> None:
    def home(children: int, carers: int) -> Centre:
        group = ClassGroup(kind=ClassKind.mixed, children=children, carers=carers)
        return Centre(kind=CentreKind.home, classes=[group], staff=StaffCounts(carers=carers))

    assert by_check(home(3, 1), CheckId.home_care)[1].status == "ok"
    assert by_check(home(4, 1), CheckId.home_care)[1].status == "fail"
    assert by_check(home(5, 2), CheckId.home_care)[1].status == "ok"


def test_the_rubric_says_whether_a_home_falls_under_it() -> None:
    home = Centre(kind=CentreKind.home)
    assert scope_notice(RUBRIC, home) == "家庭托育点不在本测试标准的适用范围内。"
    assert scope_notice(RUBRIC, Centre()) is None
    assert scope_notice(FORMAT1, home) is None  # a format 1 rubric says nothing about it


def test_findings_for_an_indicator() -> None:
    findings = run_checks(RUBRIC, Centre())
    assert {f.check for f in findings_for(findings, "4.1.3")} == {
        CheckId.indoor_area,
        CheckId.outdoor_area,
    }
