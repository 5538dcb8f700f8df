"""Is a reference N/A backed by the sample's profile, and does the profile call for one?

An indicator may be N/A only under its rubric's condition. Some conditions are facts the
sample's profile states (meals served, care types, classes, outdoor area): there the profile
decides. A condition the profile cannot state (no large outdoor equipment) is left to the
dossier. Conditions are recognised by their wording, so a rubric that words one differently
is simply not checked against the profile.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from assessor.core.assessment.model import CareType, Centre
from assessor.core.problems import Problem
from assessor.core.rubric.model import Indicator
from assessor.core.training.sample import SampleCentre
from assessor.core.vocabulary import ClassKind

_HOURLY_OR_TEMPORARY = {CareType.hourly, CareType.temporary}


@dataclass(frozen=True)
class ProfileCondition:
    phrase: str  # words of the rubric's N/A condition that name this condition
    profile: str  # the condition as the profile states it, in Chinese
    holds: Callable[[Centre], bool]
    # Whether the profile alone makes the indicator inapplicable, so scoring it is an error.
    decides: bool


CONDITIONS = (
    ProfileCondition(
        "不向婴幼儿提供任何餐食和点心",
        "不供餐，且只开展计时托或临时托",
        lambda c: not c.meals_served and set(c.care_types) <= _HOURLY_OR_TEMPORARY,
        decides=True,
    ),
    ProfileCondition(
        "不提供也不安排婴幼儿进食",
        "不供餐，且只开展计时托或临时托",
        lambda c: not c.meals_served and set(c.care_types) <= _HOURLY_OR_TEMPORARY,
        decides=False,  # whether children eat food from home is the dossier's to say
    ),
    ProfileCondition(
        "在托期间不安排进餐",
        "不供餐，且只开展计时托",
        lambda c: not c.meals_served and set(c.care_types) <= {CareType.hourly},
        decides=False,
    ),
    ProfileCondition(
        "未设乳儿班",
        "未设乳儿班",
        lambda c: all(group.kind != ClassKind.infant for group in c.classes),
        decides=True,
    ),
    ProfileCondition(
        "无自有户外场地",
        "户外场地面积为 0",
        lambda c: c.outdoor_area_m2 == 0,
        decides=True,
    ),
    ProfileCondition(
        "在托期间不安排睡眠",
        "只开展半日托或计时托",
        lambda c: set(c.care_types) <= {CareType.half_day, CareType.hourly},
        decides=False,
    ),
)


def condition_of(ind: Indicator) -> ProfileCondition | None:
    if not ind.na_allowed:
        return None
    return next((c for c in CONDITIONS if c.phrase in ind.na_condition), None)


def applicability_problems(
    sample: SampleCentre, by_id: dict[str, Indicator], where: str
) -> list[Problem]:
    problems: list[Problem] = []
    for n, entry in enumerate(sample.dossier):
        ind = by_id.get(entry.indicator)
        condition = None if ind is None else condition_of(ind)
        if condition is None:
            continue
        holds = condition.holds(sample.centre)
        if entry.reference.na and not holds:
            problems.append(
                Problem(
                    where,
                    f"dossier[{n}].reference.na",
                    f"指标 {entry.indicator} 判为不适用，但样例概况不是“{condition.profile}”",
                )
            )
        elif not entry.reference.na and holds and condition.decides:
            problems.append(
                Problem(
                    where,
                    f"dossier[{n}].reference.score",
                    f"样例概况为“{condition.profile}”，指标 {entry.indicator} 应判为不适用",
                )
            )
    return problems
