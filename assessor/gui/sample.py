"""The sample draft a newcomer finds on first start: a fictional centre with a full profile."""

from __future__ import annotations

from assessor.core.assessment.model import (
    AssessorRef,
    CareType,
    Centre,
    ClassGroup,
    ClassKind,
    Operator,
    StaffCounts,
    Visit,
)
from assessor.core.assessment.uscc import check_character
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.session import EditingSession
from assessor.core.storage.store import Store

SAMPLE_NAME = "示例：阳光宝贝托育中心"
_USCC_BODY = "52110105MJ0000001"  # 52: registered social organisation (民办非企业单位)


def sample_centre() -> Centre:
    return Centre(
        name=SAMPLE_NAME,
        uscc=_USCC_BODY + check_character(_USCC_BODY),
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


def create_sample(store: Store, rubric: LoadedRubric) -> EditingSession:
    """A training draft, so anything signed from it is marked 培训/样例."""
    return EditingSession.create(
        store,
        rubric,
        training=True,
        centre=sample_centre(),
        visit=Visit(assessors=[AssessorRef(name="示例评估员", assessor_id="DEMO-001")]),
    )
