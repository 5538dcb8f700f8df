"""Co-signed team files for the register tests, made the real way (export signing, then each
member's co-signature)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from assessor.core.assessment.model import ASSESSMENT_FORMAT, Assessment
from assessor.core.assessment.team import Acknowledgement, Team, TeamMember
from assessor.core.clock import now_utc
from assessor.core.document.cosign import cosign_document
from assessor.core.document.signed import document_bytes
from assessor.core.export.signed_export import sign_json
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.signing.keys import SigningKey
from tests.core.register.builders import assessment

TEAM = (
    ("张三", "T-001", "卫生健康委"),
    ("李四", "T-002", "教育局"),
    ("王五", "T-003", "妇幼保健院"),
)


def team_record(
    rubric: LoadedRubric,
    n: int,
    *,
    acknowledgement: Acknowledgement | None = None,
    members: Sequence[tuple[str, str, str]] = TEAM,
) -> Assessment:
    """Assessment n made by a team, split across three members: the first dimension is 李四's,
    the first indicator of the second 王五's, the leader 张三 answers for the rest."""
    team_members = [TeamMember(name=a, assessor_id=b, body=c) for a, b, c in members]
    first, second = rubric.rubric.dimensions[:2]
    split = (first.id, second.items[0].indicators[0].id)
    assignment = {key: m.id for key, m in zip(split, team_members[1:], strict=False)}
    team = Team(leader=team_members[0].id, members=team_members, assignment=assignment)
    return assessment(rubric, n).model_copy(
        update={"format": ASSESSMENT_FORMAT, "team": team, "acknowledgement": acknowledgement}
    )


def cosigned(
    rubric: LoadedRubric,
    record: Assessment,
    keys: Sequence[SigningKey],
    times: Sequence[dt.datetime] | None = None,
) -> bytes:
    """Signed by every key in turn, a minute apart unless `times` says when."""
    start = now_utc() - dt.timedelta(minutes=30)
    times = times or [start + dt.timedelta(minutes=k) for k in range(len(keys))]
    document = sign_json(rubric, record, [], keys[0], times[0])
    for key, at in zip(keys[1:], times[1:], strict=True):
        document = cosign_document(document, key, at)
    return document_bytes(document)
