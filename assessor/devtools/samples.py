"""Fictional but realistic centres and scorings, for first start, demos and import testing.

Everything is derived from a seed, so a sample can be reproduced exactly.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from assessor.core.assessment.model import (
    Assessment,
    AssessorRef,
    CareType,
    Centre,
    CentreKind,
    ClassGroup,
    IndicatorScore,
    Operator,
    StaffCounts,
    Visit,
)
from assessor.core.assessment.uscc import CHARSET, check_character
from assessor.core.document.new import new_assessment
from assessor.core.rubric.model import Indicator
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.session import EditingSession
from assessor.core.storage.store import Store
from assessor.core.vocabulary import ClassKind

# 福州市 districts, so the commission statistics have realistic division codes to group by.
DISTRICTS = {
    "350102": "鼓楼区",
    "350103": "台江区",
    "350104": "仓山区",
    "350105": "马尾区",
    "350111": "晋安区",
    "350112": "长乐区",
}
_NAME_HEADS = [
    "阳光",
    "小橡树",
    "七彩",
    "晨曦",
    "启航",
    "童心",
    "蒲公英",
    "小太阳",
    "贝儿",
    "禾苗",
    "悦成长",
    "星河",
]
_NAME_TAILS = ["托育中心", "婴幼儿照护中心", "托育园", "宝贝屋托育", "育儿园"]
_STREETS = ["五四路", "温泉支路", "工业路", "上浮路", "江滨西大道", "福飞北路", "首山路", "吴航路"]
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙林郑"
_GIVEN = ["晓燕", "丽华", "志强", "秀英", "建国", "海燕", "静", "敏", "婷婷", "伟", "芳", "磊"]
_USCC_PREFIX = {
    Operator.public: "12",
    Operator.private_nonprofit: "52",
    Operator.private_forprofit: "91",
    Operator.employer: "12",
    Operator.kindergarten: "52",
}


def sample_uscc(rng: random.Random, prefix: str, division: str) -> str:
    body = "".join(rng.choice(CHARSET) for _ in range(9))
    first17 = prefix + division + body
    return first17 + check_character(first17)


def sample_person(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + rng.choice(_GIVEN)


def sample_centre(rng: random.Random, name: str | None = None) -> Centre:
    division = rng.choice(sorted(DISTRICTS))
    operator = rng.choice(list(Operator))
    meals = rng.random() > 0.1
    kinds = [ClassKind.infant, ClassKind.toddler_small, ClassKind.toddler_large]
    classes = []
    for n, kind in enumerate([*rng.sample(kinds, k=rng.randint(2, 3)), ClassKind.toddler_large], 1):
        limit = {ClassKind.infant: 10, ClassKind.toddler_small: 15}.get(kind, 20)
        children = rng.randint(limit // 2, limit + (1 if rng.random() < 0.1 else 0))
        ratio = {ClassKind.infant: 3, ClassKind.toddler_small: 5}.get(kind, 7)
        carers = -(-children // ratio) - (1 if rng.random() < 0.08 else 0)
        classes.append(
            ClassGroup(name=f"{n}班", kind=kind, children=children, carers=max(carers, 1))
        )
    children = sum(c.children for c in classes)
    return Centre(
        name=name or rng.choice(_NAME_HEADS) + rng.choice(_NAME_TAILS),
        uscc=sample_uscc(rng, _USCC_PREFIX[operator], division),
        address=f"福建省福州市{DISTRICTS[division]}{rng.choice(_STREETS)}{rng.randint(1, 399)}号",
        division_code=division,
        kind=CentreKind.institution,
        operator=operator,
        care_types=[CareType.full_day] + ([CareType.half_day] if rng.random() < 0.5 else []),
        places=children + rng.randint(0, 20),
        meals_served=meals,
        classes=classes,
        staff=StaffCounts(
            principal=1,
            carers=sum(c.carers for c in classes) + rng.randint(0, 2),
            health_fulltime=1 if children >= 150 or rng.random() < 0.6 else 0,
            health_parttime=rng.randint(0, 1),
            security=rng.randint(1, 2),
            cooks=rng.randint(1, 3) if meals else 0,
        ),
        indoor_area_m2=round(children * rng.uniform(2.6, 5.0), 1),
        outdoor_area_m2=round(children * rng.uniform(1.5, 3.5), 1),
    )


def _pick_level(rng: random.Random, ind: Indicator, quality: float) -> IndicatorScore:
    levels = ind.levels  # best first
    chosen = levels[0] if rng.random() < quality else rng.choice(levels[1:])
    note = "" if chosen is levels[0] else f"现场核查：{chosen.criterion}"
    return IndicatorScore(indicator=ind.id, score=chosen.points, note=note)


def sample_scores(
    rng: random.Random, rubric: LoadedRubric, centre: Centre, quality: float
) -> list[IndicatorScore]:
    """Every indicator scored; basic indicators are met far more often than others."""
    no_infants = not any(c.kind is ClassKind.infant for c in centre.classes)
    scores = []
    for ind in rubric.indicators:
        meal_related = "膳食" in ind.na_condition or "供餐" in ind.na_condition
        infant_related = "乳儿班" in ind.na_condition
        if ind.na_allowed and (
            (meal_related and not centre.meals_served) or (infant_related and no_infants)
        ):
            scores.append(IndicatorScore(indicator=ind.id, na=True, note="经核实不适用"))
            continue
        bias = 0.99 if ind.basic else quality
        scores.append(_pick_level(rng, ind, bias))
    return scores


def sample_visit(rng: random.Random, when: date) -> Visit:
    return Visit(
        date=when,
        assessors=[
            AssessorRef(name=sample_person(rng), assessor_id=f"FZ{rng.randint(1, 999):04d}")
            for _ in range(2)
        ],
    )


def sample_assessment(
    rubric: LoadedRubric,
    seed: int,
    *,
    complete: bool = True,
    training: bool = True,
    name: str | None = None,
) -> Assessment:
    """A sample assessment; incomplete ones have the last third of indicators unscored."""
    rng = random.Random(seed)
    centre = sample_centre(rng, name)
    when = date(2026, 3, 2) + timedelta(days=rng.randint(0, 240))
    quality = rng.uniform(0.55, 0.97)
    scores = sample_scores(rng, rubric, centre, quality)
    if not complete:
        cut = len(scores) * 2 // 3
        scores = scores[:cut] + [IndicatorScore(indicator=s.indicator) for s in scores[cut:]]
    stamp = datetime(when.year, when.month, when.day, 9, 0, tzinfo=UTC)
    return new_assessment(rubric, training=training).model_copy(
        update={
            "centre": centre,
            "visit": sample_visit(rng, when),
            "scores": scores,
            "created_at": stamp,
            "updated_at": stamp,
        }
    )


# The draft a newcomer finds on first start: a fictional centre with a full profile.
SAMPLE_NAME = "示例：阳光宝贝托育中心"
_NEWCOMER_USCC_BODY = "52110105MJ0000001"  # 52: registered social organisation (民办非企业单位)


def newcomer_centre() -> Centre:
    return Centre(
        name=SAMPLE_NAME,
        uscc=_NEWCOMER_USCC_BODY + check_character(_NEWCOMER_USCC_BODY),
        address="（示例）北京市朝阳区阳光路 8 号",
        division_code="110105",
        operator=Operator.private_nonprofit,
        care_types=[CareType.full_day, CareType.half_day],
        places=50,
        meals_served=True,
        classes=[
            ClassGroup(name="小星星班", kind=ClassKind.infant, children=8, carers=3),
            ClassGroup(name="小太阳班", kind=ClassKind.toddler_small, children=14, carers=3),
            ClassGroup(name="小月亮班", kind=ClassKind.toddler_large, children=18, carers=3),
        ],
        staff=StaffCounts(principal=1, carers=9, health_fulltime=1, security=2, cooks=2),
        indoor_area_m2=320,
        outdoor_area_m2=180,
    )


def create_newcomer_sample(store: Store, rubric: LoadedRubric) -> EditingSession:
    """A training draft, so anything signed from it is marked 培训/样例."""
    return EditingSession.create(
        store,
        rubric,
        training=True,
        centre=newcomer_centre(),
        visit=Visit(assessors=[AssessorRef(name="示例评估员", assessor_id="DEMO-001")]),
    )
