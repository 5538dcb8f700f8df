"""Computed checks from the national rules (托育机构设置标准/管理规范), run on the profile.

They assist the assessor and never score anything: each finding names the indicators it
informs, as the rubric's `checks` lists say.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, ConfigDict

from assessor.core.assessment.model import Centre, CentreKind
from assessor.core.rubric.model import CheckId, CheckParameters
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.vocabulary import CLASS_KIND_LABELS

Status = Literal["ok", "fail", "unknown"]

STATUS_LABELS: dict[str, str] = {"ok": "符合", "fail": "不符合", "unknown": "无法判断"}


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
    raw: list[tuple[CheckId, Status, str, bool]] = []
    if centre.kind is CentreKind.home:
        raw += _home_care(centre, params)
    else:
        raw += _classes(centre, params)
    raw += _health_staff(centre, params)
    raw += _areas(centre, params)
    return [
        Finding(check=c, status=s, message=m, indicators=informs[c], verified=v)
        for c, s, m, v in raw
    ]


def findings_for(findings: list[Finding], indicator_id: str) -> list[Finding]:
    return [f for f in findings if indicator_id in f.indicators]


def _classes(centre: Centre, params: CheckParameters) -> list[tuple[CheckId, Status, str, bool]]:
    if not centre.classes:
        return [
            (CheckId.class_size, "unknown", "尚未填写班级设置，无法核对班级规模", True),
            (CheckId.carer_ratio, "unknown", "尚未填写班级设置，无法核对保育人员配比", True),
        ]
    out: list[tuple[CheckId, Status, str, bool]] = []
    for n, group in enumerate(centre.classes, start=1):
        limit = params.class_limits[group.kind.value]
        name = f"{CLASS_KIND_LABELS[group.kind]}「{group.name or f'第{n}个班'}」"
        if group.children > limit.max_children:
            out.append(
                (
                    CheckId.class_size,
                    "fail",
                    f"{name}{group.children} 人，超过 {limit.max_children} 人上限",
                    limit.verified,
                )
            )
        else:
            out.append(
                (
                    CheckId.class_size,
                    "ok",
                    f"{name}{group.children} 人，不超过 {limit.max_children} 人",
                    limit.verified,
                )
            )
        if limit.children_per_carer is None:
            out.append(
                (
                    CheckId.carer_ratio,
                    "unknown",
                    f"{name}无全国统一配比标准，请按属地规定判断",
                    False,
                )
            )
            continue
        needed = math.ceil(group.children / limit.children_per_carer)
        ratio = f"1:{limit.children_per_carer:g}"
        status: Status = "ok" if group.carers >= needed else "fail"
        verb = "达到" if status == "ok" else "未达到"
        out.append(
            (
                CheckId.carer_ratio,
                status,
                f"{name}{group.children} 名婴幼儿需至少 {needed} 名保育人员（{ratio}），现有 {group.carers} 名，{verb}要求",
                limit.verified,
            )
        )
    return out


def _health_staff(
    centre: Centre, params: CheckParameters
) -> list[tuple[CheckId, Status, str, bool]]:
    children, staff, threshold = centre.children, centre.staff, params.health_fulltime_from_children
    if children >= threshold:
        ok = staff.health_fulltime >= 1
        message = (
            f"在托 {children} 人（≥{threshold}），应至少有 1 名专职卫生保健人员，"
            f"现有专职 {staff.health_fulltime} 名"
        )
    else:
        ok = staff.health_fulltime + staff.health_parttime >= 1
        message = (
            f"在托 {children} 人（<{threshold}），应有专职或兼职卫生保健人员，"
            f"现有专职 {staff.health_fulltime} 名、兼职 {staff.health_parttime} 名"
        )
    return [(CheckId.health_staff, "ok" if ok else "fail", message, params.health_verified)]


def _areas(centre: Centre, params: CheckParameters) -> list[tuple[CheckId, Status, str, bool]]:
    out: list[tuple[CheckId, Status, str, bool]] = []
    for check, area, per_child, label in (
        (CheckId.indoor_area, centre.indoor_area_m2, params.indoor_m2_per_child, "室内生活用房"),
        (CheckId.outdoor_area, centre.outdoor_area_m2, params.outdoor_m2_per_child, "户外活动场地"),
    ):
        if centre.children == 0 or area == 0:
            out.append(
                (
                    check,
                    "unknown",
                    f"尚未填写在托人数或{label}面积，无法计算生均面积",
                    params.area_verified,
                )
            )
            continue
        each = area / centre.children
        status: Status = "ok" if each >= per_child else "fail"
        verb = "达到" if status == "ok" else "低于"
        out.append(
            (
                check,
                status,
                f"{label}生均 {each:.2f} m²，{verb}每名婴幼儿 {per_child:g} m² 的参考值",
                params.area_verified,
            )
        )
    return out


def _home_care(centre: Centre, params: CheckParameters) -> list[tuple[CheckId, Status, str, bool]]:
    children, carers = centre.children, centre.staff.carers
    limit, per_carer = params.home_care_max_children, params.home_care_children_per_carer
    out: list[tuple[CheckId, Status, str, bool]] = []
    if children > limit:
        out.append(
            (
                CheckId.home_care,
                "fail",
                f"家庭托育点收托 {children} 人，超过 {limit} 人，应登记为托育机构",
                params.home_care_verified,
            )
        )
    else:
        out.append(
            (
                CheckId.home_care,
                "ok",
                f"家庭托育点收托 {children} 人，不超过 {limit} 人",
                params.home_care_verified,
            )
        )
    needed = math.ceil(children / per_carer)
    status: Status = "ok" if carers >= needed else "fail"
    out.append(
        (
            CheckId.home_care,
            status,
            f"{children} 名婴幼儿需至少 {needed} 名照护人员（每人不超过 {per_carer:g} 名），现有 {carers} 名",
            params.home_care_verified,
        )
    )
    return out
