"""The team (评估组) that makes an assessment, and the centre's acknowledgement of its findings.

A team has a leader and members from several bodies; each dimension or indicator may be
assigned to one member (an indicator's own assignment wins over its dimension's; whatever is
not assigned is the leader's). Members are named by a short `id` that audit entries carry in
their `by` field. The acknowledgement (现场反馈确认) is what the centre's director signed on
the pad after the on-site feedback, or their refusal, with objections per indicator.
"""

from __future__ import annotations

from pydantic import AwareDatetime, Field, model_validator

from assessor.core.assessment.base import Evidence, Strict, new_id

MEMBER_ID = r"^[0-9a-f]{32}$"


class TeamMember(Strict):
    id: str = Field(default_factory=new_id, pattern=MEMBER_ID, description="成员编号")
    name: str = Field(min_length=1, max_length=40)
    assessor_id: str = Field(
        default="", max_length=40, description="评估员编号（取自其签名证书；无密钥时为空）"
    )
    body: str = Field(default="", max_length=60, description="所属单位，如卫生健康委、教育局")


class Team(Strict):
    leader: str = Field(pattern=MEMBER_ID, description="组长的成员编号")
    members: list[TeamMember] = Field(min_length=1, max_length=20, description="组长在内的全体成员")
    assignment: dict[str, str] = Field(
        default_factory=dict,
        description="维度号或指标条款号 → 负责成员编号；未分配的由组长负责",
    )

    @model_validator(mode="after")
    def _consistent(self) -> Team:
        ids = [m.id for m in self.members]
        if len(set(ids)) != len(ids):
            raise ValueError("评估组成员编号重复")
        keyed = [m.assessor_id for m in self.members if m.assessor_id]
        if len(set(keyed)) != len(keyed):
            raise ValueError("评估组中有两名成员的评估员编号相同")
        if self.leader not in ids:
            raise ValueError("组长必须是评估组成员")
        unknown = sorted({m for m in self.assignment.values() if m not in ids})
        if unknown:
            raise ValueError(f"分工中有不属于评估组的成员编号：{'、'.join(unknown)}")
        return self

    def member(self, member_id: str) -> TeamMember:
        for m in self.members:
            if m.id == member_id:
                return m
        raise KeyError(member_id)

    def responsible(self, indicator_id: str, dimension_id: str) -> str:
        """Who scores the indicator: its own assignment, else its dimension's, else the leader."""
        return self.assignment.get(indicator_id) or self.assignment.get(dimension_id, self.leader)

    @property
    def signers(self) -> list[TeamMember]:
        """Members with a key: each of them signs the final document."""
        return [m for m in self.members if m.assessor_id]


class Objection(Strict):
    indicator: str = Field(min_length=1, description="有异议的指标条款号")
    text: str = Field(min_length=1, max_length=1000, description="机构负责人的异议")


class Acknowledgement(Strict):
    """The centre's acknowledgement of the on-site feedback (现场反馈确认)."""

    director: str = Field(min_length=1, max_length=40, description="签字人姓名")
    role: str = Field(default="机构负责人", min_length=1, max_length=40)
    at: AwareDatetime
    refused: bool = Field(default=False, description="拒签")
    leader_note: str = Field(default="", max_length=1000, description="拒签时组长的说明")
    signature: Evidence | None = Field(default=None, description="手写签名图片（其 SHA-256）")
    objections: list[Objection] = Field(default_factory=list)

    @model_validator(mode="after")
    def _signed_or_refused(self) -> Acknowledgement:
        if self.refused and not self.leader_note.strip():
            raise ValueError("机构负责人拒签时，组长必须写明情况说明")
        if not self.refused and self.signature is None:
            raise ValueError("机构负责人未拒签时必须有手写签名")
        indicators = [o.indicator for o in self.objections]
        if len(set(indicators)) != len(indicators):
            raise ValueError("同一指标只能有一条异议")
        return self
