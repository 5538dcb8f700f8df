"""Computed checks from the national rules (托育机构设置标准/管理规范), run on the profile.

They assist the assessor and never score anything: each finding names the indicators it
informs, as the rubric's `checks` lists say. Comparisons at the rule's boundaries are exact
(areas are typed as decimals, so they are compared as the fractions they were typed as).

A 家庭托育点 is checked against its own rules only (《家庭托育点管理办法（试行）》); whether it
falls under the rubric at all is the rubric's `home_care_scope` (see `scope_notice`).
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Literal

from pydantic import BaseModel, ConfigDict

from assessor.core.assessment.model import Centre, CentreKind, ClassGroup
from assessor.core.rubric.model import CheckId, CheckParameters, ClassLimit
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.vocabulary import CLASS_KIND_LABELS

Status = Literal["ok", "fail", "unknown"]

STATUS_LABELS: dict[str, str] = {"ok": "符合", "fail": "不符合", "unknown": "无法判断"}

Raw = tuple[CheckId, Status, str, bool]


class Finding(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    check: CheckId
    status: Status
    message: str
    indicators: list[str]
    verified: bool


def run_checks(rubric: LoadedRubric, centre: Centre) -> list[Finding]:
    params = rubric.rubric.check_parameters
    informs: dict[CheckId, list[str]] = {c: [] for c in CheckId}
    for ind in rubric.indicators:
        for check in ind.checks:
            informs[check].append(ind.id)
    if centre.kind is CentreKind.home:
        raw = _home_care(centre, params)
    else:
        raw = [
            *_classes(centre, params),
            *_health_staff(centre, params),
            *_rooms(centre, params),
            *_outdoor(centre, params),
        ]
    return [
        Finding(check=c, status=s, message=m, indicators=informs[c], verified=v)
        for c, s, m, v in raw
    ]


def findings_for(findings: list[Finding], indicator_id: str) -> list[Finding]:
    return [f for f in findings if indicator_id in f.indicators]


def scope_notice(rubric: LoadedRubric, centre: Centre) -> str | None:
    """What the rubric says about assessing a 家庭托育点 with it, when the centre is one."""
    scope = rubric.rubric.check_parameters.home_care_scope.strip()
    return scope if centre.kind is CentreKind.home and scope else None


def _exact(value: float) -> Fraction:
    # str() gives the shortest decimal that round-trips: the number as it was typed.
    return Fraction(str(value))


def _class_name(n: int, group: ClassGroup) -> str:
    return f"{CLASS_KIND_LABELS[group.kind]}「{group.name or f'第{n}个班'}」"


def _classes(centre: Centre, params: CheckParameters) -> list[Raw]:
    if not centre.classes:
        return [
            (CheckId.class_size, "unknown", "尚未填写班级设置，无法核对班级规模", True),
            (CheckId.carer_ratio, "unknown", "尚未填写班级设置，无法核对保育人员配比", True),
        ]
    out: list[Raw] = []
    for n, group in enumerate(centre.classes, start=1):
        limit = params.class_limits[group.kind.value]
        name = _class_name(n, group)
        over = group.children > limit.max_children
        out.append(
            (
                CheckId.class_size,
                "fail" if over else "ok",
                f"{name}{group.children} 人，{'超过' if over else '不超过'} {limit.max_children} 人"
                + ("上限" if over else ""),
                limit.verified,
            )
        )
        out.append(_carer_ratio(name, group, limit))
    return out


def _carer_ratio(name: str, group: ClassGroup, limit: ClassLimit) -> Raw:
    if limit.children_per_carer is None:
        return (
            CheckId.carer_ratio,
            "unknown",
            f"{name}无全国统一配比标准，请按属地规定判断",
            False,
        )
    needed = math.ceil(_exact(group.children) / _exact(limit.children_per_carer))
    ratio = f"1:{limit.children_per_carer:g}"
    status: Status = "ok" if group.carers >= needed else "fail"
    verb = "达到" if status == "ok" else "未达到"
    return (
        CheckId.carer_ratio,
        status,
        f"{name}{group.children} 名婴幼儿需至少 {needed} 名保育人员（{ratio}），现有 {group.carers} 名，{verb}要求",
        limit.ratio_is_verified(),
    )


def _health_staff(centre: Centre, params: CheckParameters) -> list[Raw]:
    """At least one full-time health worker per each N children (N = 150: 150 → 1, 151 → 2,
    300 → 2, 301 → 3); below N one full- or part-time worker; every centre has one."""
    per = params.health_children_per_fulltime or params.health_fulltime_from_children
    verified = params.health_verified
    if per is None:
        return [(CheckId.health_staff, "unknown", "评估标准未给出卫生保健人员配备参数", False)]
    children, staff = centre.children, centre.staff
    if children == 0:
        return [
            (CheckId.health_staff, "unknown", "尚未填写在托人数，无法核对卫生保健人员", verified)
        ]
    if children < per:
        ok = staff.health_fulltime + staff.health_parttime >= 1
        message = (
            f"在托 {children} 人（不足 {per} 人），应至少有 1 名专职或兼职卫生保健人员，"
            f"现有专职 {staff.health_fulltime} 名、兼职 {staff.health_parttime} 名"
        )
    else:
        needed = math.ceil(children / per)
        ok = staff.health_fulltime >= needed
        message = (
            f"在托 {children} 人，按每 {per} 人至少 1 名专职计，应至少有 {needed} 名专职卫生保健人员，"
            f"现有专职 {staff.health_fulltime} 名"
        )
    return [(CheckId.health_staff, "ok" if ok else "fail", message, verified)]


def _rooms(centre: Centre, params: CheckParameters) -> list[Raw]:
    """Each class's own activity room against its class type's minimum (WS/T 821: 乳儿班
    activity area 15 ㎡, 托小班/托大班 activity room 35 ㎡); no per-child figure exists."""
    verified = bool(params.room_verified)
    if not centre.classes:
        return [
            (CheckId.indoor_area, "unknown", "尚未填写班级设置，无法核对活动用房面积", verified)
        ]
    out: list[Raw] = []
    for n, group in enumerate(centre.classes, start=1):
        name = _class_name(n, group)
        minimum = params.class_limits[group.kind.value].min_room_m2
        if minimum is None:
            message = (
                f"评估标准未给出{CLASS_KIND_LABELS[group.kind]}活动用房面积下限，无法核对{name}"
            )
            out.append((CheckId.indoor_area, "unknown", message, False))
        elif group.room_m2 is None:
            message = f"尚未填写{name}的活动用房面积（下限 {minimum:g} m²）"
            out.append((CheckId.indoor_area, "unknown", message, verified))
        else:
            ok = _exact(group.room_m2) >= _exact(minimum)
            verb = "达到" if ok else "低于"
            message = f"{name}活动用房 {group.room_m2:g} m²，{verb}下限 {minimum:g} m²"
            out.append((CheckId.indoor_area, "ok" if ok else "fail", message, verified))
    return out


def _outdoor(centre: Centre, params: CheckParameters) -> list[Raw]:
    """Outdoor area per registered place (托位), not per enrolled child (JGJ 39: 3 ㎡, or the
    lower figure for a constrained urban refit when the profile says so)."""
    verified = params.area_verified
    per_place = params.outdoor_m2_per_place or params.outdoor_m2_per_child
    constrained = centre.outdoor_constrained and params.outdoor_m2_per_place_constrained is not None
    if constrained:
        per_place = params.outdoor_m2_per_place_constrained
    if per_place is None:
        return [(CheckId.outdoor_area, "unknown", "评估标准未给出户外面积参数", False)]
    if centre.places == 0 or centre.outdoor_area_m2 == 0:
        message = "尚未填写登记托位数或户外活动场地面积，无法按托位计算户外面积"
        return [(CheckId.outdoor_area, "unknown", message, verified)]
    ok = _exact(centre.outdoor_area_m2) >= _exact(per_place) * centre.places
    each = _exact(centre.outdoor_area_m2) / centre.places
    verb = "达到" if ok else "低于"
    refit = "（城市改扩建、设置确有困难，按较低下限）" if constrained else ""
    message = (
        f"户外活动场地 {centre.outdoor_area_m2:g} m²，登记托位 {centre.places} 个，"
        f"每托位 {float(each):.2f} m²，{verb}每托位 {per_place:g} m²{refit}"
    )
    return [(CheckId.outdoor_area, "ok" if ok else "fail", message, verified)]


def _home_care(centre: Centre, params: CheckParameters) -> list[Raw]:
    children, carers = centre.children, centre.staff.carers
    limit, per_carer = params.home_care_max_children, params.home_care_children_per_carer
    verified = params.home_care_verified
    out: list[Raw] = []
    if children > limit:
        message = f"家庭托育点收托 {children} 人，超过 {limit} 人，应登记为托育机构"
        out.append((CheckId.home_care, "fail", message, verified))
    else:
        message = f"家庭托育点收托 {children} 人，不超过 {limit} 人"
        out.append((CheckId.home_care, "ok", message, verified))
    needed = math.ceil(_exact(children) / _exact(per_carer))
    status: Status = "ok" if carers >= needed else "fail"
    out.append(
        (
            CheckId.home_care,
            status,
            f"{children} 名婴幼儿需至少 {needed} 名照护人员（每人不超过 {per_carer:g} 名），现有 {carers} 名",
            verified,
        )
    )
    return out
