"""The team's page of the report (who was on the team, who answered for what, one reserved
signature box per co-signer) and the centre's acknowledgement on a page of its own."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, Image, PageBreak, Spacer

from assessor.core.assessment.model import Assessment
from assessor.core.assessment.team import Team, TeamMember
from assessor.core.clock import beijing_text
from assessor.core.report.evidence import EvidenceFiles
from assessor.core.report.fonts import register_fonts
from assessor.core.report.paragraph import Para
from assessor.core.report.signature import BOX_HEIGHT, BOX_WIDTH
from assessor.core.report.styles import FRAME_WIDTH, INK, MUTED, RULE, grid_table, styles
from assessor.core.report.text import markup
from assessor.core.rubric.validate import LoadedRubric

Box = tuple[float, float, float, float]


class CoSignerBox(Flowable):
    """A co-signer's name and the empty box their PAdES stamp goes into; where it ended up is
    recorded while drawing."""

    def __init__(self, member: TeamMember) -> None:
        super().__init__()
        self.member = member
        self.width, self.height = FRAME_WIDTH, BOX_HEIGHT + 12
        self.page_index: int | None = None
        self.box: Box | None = None

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        font = register_fonts()
        c.setFillColor(INK)
        c.setFont(font, 11)
        c.drawString(0, self.height - 18, self.member.name)
        c.setFillColor(MUTED)
        c.setFont(font, 8.5)
        c.drawString(0, self.height - 32, f"评估员编号 {self.member.assessor_id}")
        c.drawString(0, self.height - 44, self.member.body)
        x = self.width - BOX_WIDTH
        c.setStrokeColor(RULE)
        c.setDash(3, 2)
        c.rect(x, 6, BOX_WIDTH, BOX_HEIGHT, stroke=1, fill=0)
        c.setDash()
        x1, y1 = c.absolutePosition(x, 6)
        x2, y2 = c.absolutePosition(x + BOX_WIDTH, 6 + BOX_HEIGHT)
        self.page_index = c.getPageNumber() - 1
        self.box = (x1, y1, x2, y2)


def _responsibilities(rubric: LoadedRubric, team: Team, member_id: str) -> str:
    parts = [
        f"{d.id} {d.name}"
        for d in rubric.rubric.dimensions
        if team.assignment.get(d.id) == member_id
    ]
    parts += [k for k, v in team.assignment.items() if v == member_id and k in rubric.by_id]
    if member_id == team.leader:
        parts.append("其余指标")
    return "、".join(parts) or "—"


def team_section(
    rubric: LoadedRubric, assessment: Assessment, boxes: list[CoSignerBox]
) -> list[Flowable]:
    """The team table and the co-signers' boxes; nothing for a record without a team."""
    team = assessment.team
    if team is None:
        return []
    st = styles()
    rows = [[Para(t, st.head) for t in ("成员", "所属单位", "评估员编号", "负责")]]
    for m in team.members:
        name = f"{m.name}（组长）" if m.id == team.leader else m.name
        rows.append(
            [
                Para(markup(name), st.cell),
                Para(markup(m.body or "—"), st.cell),
                Para(markup(m.assessor_id or "无密钥"), st.cell),
                Para(markup(_responsibilities(rubric, team, m.id)), st.cell),
            ]
        )
    story: list[Flowable] = [
        PageBreak(),
        Para("评估组成员签署", st.h1),
        Para(
            "评估组每位持有密钥的成员对本报告共同签署；每个签名都覆盖其前的全部签名。",
            st.body,
        ),
        Spacer(1, 6),
        grid_table(rows, [110, 110, 110, FRAME_WIDTH - 330]),
        Spacer(1, 16),
    ]
    for box in boxes:
        story += [box, Spacer(1, 12)]
    return story


def acknowledgement_section(
    rubric: LoadedRubric, assessment: Assessment, evidence: EvidenceFiles | None
) -> list[Flowable]:
    """The centre's acknowledgement (现场反馈确认) on its own page."""
    ack = assessment.acknowledgement
    if ack is None:
        return []
    st = styles()
    story: list[Flowable] = [
        PageBreak(),
        Para("现场反馈确认", st.h1),
        Para(
            "评估组已向机构负责人反馈本次评估发现（各维度情况、未达标的基础指标、总分与预计等级）。"
            "以下确认是本评估记录的一部分，评估组成员的签名覆盖本页内容。",
            st.body,
        ),
        Spacer(1, 8),
        grid_table(
            [
                [Para("签字人", st.cell_muted), Para(markup(ack.director), st.cell)],
                [Para("职务", st.cell_muted), Para(markup(ack.role), st.cell)],
                [Para("时间", st.cell_muted), Para(beijing_text(ack.at), st.cell)],
                [
                    Para("确认情况", st.cell_muted),
                    Para("拒签" if ack.refused else "已签字确认", st.cell),
                ],
            ],
            [92, FRAME_WIDTH - 92],
            header_rows=0,
        ),
        Spacer(1, 10),
    ]
    if ack.refused:
        story.append(Para(f"组长说明：{markup(ack.leader_note)}", st.body))
    if ack.signature is not None:
        story.append(Para(f"手写签名（SHA-256 {ack.signature.sha256}）", st.caption))
        path: Path | None = evidence(ack.signature) if evidence is not None else None
        if path is not None and path.is_file():
            reader = ImageReader(str(path))
            w, h = reader.getSize()
            scale = min(220 / w, 90 / h)
            story.append(Image(str(path), w * scale, h * scale, hAlign="LEFT"))
    story += [Spacer(1, 10), Para("异议", st.h2)]
    if not ack.objections:
        story.append(Para("机构负责人对评估发现无异议。", st.body))
    else:
        rows = [[Para(t, st.head) for t in ("指标", "异议内容")]]
        for o in ack.objections:
            short = rubric.by_id[o.indicator].short if o.indicator in rubric.by_id else ""
            rows.append(
                [
                    Para(markup(f"{o.indicator} {short}"), st.cell),
                    Para(markup(o.text), st.cell),
                ]
            )
        story.append(grid_table(rows, [140, FRAME_WIDTH - 140]))
    return story
