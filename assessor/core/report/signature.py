"""The signature page, with the empty box that the PAdES signature stamp is placed into later."""

from __future__ import annotations

import io
from datetime import datetime

from reportlab.lib import colors
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Spacer

from assessor.core.assessment.model import Assessment
from assessor.core.clock import beijing_text, in_beijing
from assessor.core.problems import UserError
from assessor.core.report.fonts import clipped, fitted_size, register_fonts
from assessor.core.report.paragraph import Para
from assessor.core.report.styles import (
    FRAME_WIDTH,
    INK,
    MUTED,
    RED,
    RULE,
    ZEBRA,
    grid_table,
    styles,
)
from assessor.core.report.text import GAP, date_text, markup
from assessor.core.rubric.validate import LoadedRubric

BOX_WIDTH = 240
BOX_HEIGHT = 100
CAPTION_SPACE = 16
FRAME_GAP = 3
INK_WIDTH = 180
INK_HEIGHT = 56  # leaves the signer line above the image clear


def _beijing(moment: datetime | None) -> str:
    if moment is None:
        return "尚未定稿"
    return f"{date_text(in_beijing(moment).date())} {beijing_text(moment, '%H:%M')}"


class SignatureArea(Flowable):
    """Signer name and optional hand-drawn signature on the left, the reserved box on the right.

    The box is left empty: the PAdES stamp goes there after rendering. Where it ended up is
    recorded while drawing, the only moment its page and absolute position are known.
    """

    def __init__(
        self, signer_name: str, signer_id: str, image: bytes | None, id_label: str = "评估员编号"
    ) -> None:
        """`id_label` names what `signer_id` is: an assessor's number on a report, the
        signing certificate's number on a document the commission issues."""
        super().__init__()
        self.signer_name, self.signer_id, self.id_label = signer_name, signer_id, id_label
        self.image: ImageReader | None = None
        if image is not None:
            try:
                self.image = ImageReader(io.BytesIO(image))
                self.image.getSize()
            except Exception as exc:  # PIL raises many types for undecodable data
                raise UserError("手写签名图片无法读取，请使用 PNG 或 JPEG 图片") from exc
        self.width = FRAME_WIDTH
        self.height = BOX_HEIGHT + CAPTION_SPACE
        self.page_index: int | None = None
        self.box: tuple[float, float, float, float] | None = None

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        font = register_fonts()
        top = self.height
        c.setFillColor(MUTED)
        c.setFont(font, 9)
        c.drawString(0, top - 12, "签署人")
        c.setFillColor(INK)
        signer = f"{self.signer_name}（{self.id_label} {self.signer_id}）"
        room = self.width - BOX_WIDTH - 2 * FRAME_GAP - 12
        size = fitted_size(signer, 13, room, 8)
        c.setFont(font, size)
        c.drawString(0, top - 32, clipped(signer, size, room))
        if self.image is not None:
            w, h = self.image.getSize()
            scale = min(INK_WIDTH / w, INK_HEIGHT / h)
            c.drawImage(
                self.image,
                0,
                CAPTION_SPACE + 2,
                w * scale,
                h * scale,
                mask="auto",
            )
            c.setStrokeColor(RULE)
            c.setLineWidth(0.6)
            c.line(0, CAPTION_SPACE, INK_WIDTH, CAPTION_SPACE)
            c.setFillColor(MUTED)
            c.setFont(font, 8)
            c.drawString(0, CAPTION_SPACE - 11, "手写签名")

        # The dashed frame sits just outside the reserved box and inside the page margin.
        x = self.width - BOX_WIDTH - FRAME_GAP
        y = CAPTION_SPACE
        c.setStrokeColor(RULE)
        c.setLineWidth(0.6)
        c.setDash(3, 2)
        c.rect(
            x - FRAME_GAP,
            y - FRAME_GAP,
            BOX_WIDTH + 2 * FRAME_GAP,
            BOX_HEIGHT + 2 * FRAME_GAP,
            stroke=1,
            fill=0,
        )
        c.setDash()
        c.setFillColor(MUTED)
        c.setFont(font, 8)
        c.drawCentredString(x + BOX_WIDTH / 2, 2, "电子签名")
        x1, y1 = c.absolutePosition(x, y)
        x2, y2 = c.absolutePosition(x + BOX_WIDTH, y + BOX_HEIGHT)
        self.page_index = c.getPageNumber() - 1
        self.box = (x1, y1, x2, y2)


def signature_section(
    rubric: LoadedRubric,
    assessment: Assessment,
    area: SignatureArea,
    *,
    training: bool,
    audit_head: str,
) -> list[Flowable]:
    st = styles()
    r = rubric.rubric
    centre = markup(assessment.centre.name.strip() or "该机构")
    statements = [
        f"本报告依据 {markup(r.code)}《{markup(r.title)}》对{centre}开展质量评估后形成。"
        "评估人员对本报告内容负责：各项得分、基础指标判定和整改建议均依据现场查看、查阅资料、"
        "访谈、观察和操作演示取得的证据作出，如实记录。",
        "本报告以电子签名签署。签署后对报告的任何改动都会使签名验证失败；"
        "如需更正，须出具修订版本并重新签署。",
    ]
    if training:
        statements.append(
            f'<font color="{RED.hexval()}">本报告为培训/样例用途，由内置培训密钥签署，'
            "不作为正式评估结果。</font>"
        )
    signer = (area.signer_name, area.signer_id)
    rows = [[Para(t, st.head) for t in ("评估人员", "评估员编号", "签署")]]
    for a in assessment.visit.assessors:
        role = "签署人" if (a.name, a.assessor_id) == signer else ""
        rows.append(
            [
                Para(markup(a.name), st.cell),
                Para(markup(a.assessor_id), st.cell),
                Para(role, st.cell_center),
            ]
        )
    if signer not in {(a.name, a.assessor_id) for a in assessment.visit.assessors}:
        rows.append(
            [
                Para(markup(signer[0]), st.cell),
                Para(markup(signer[1]), st.cell),
                Para("签署人", st.cell_center),
            ]
        )
    people = grid_table(rows, [160, 160, FRAME_WIDTH - 320])
    dates = grid_table(
        [
            [
                Para("评估日期", st.cell_muted),
                Para(date_text(assessment.visit.date), st.cell),
            ],
            [
                Para("定稿时间", st.cell_muted),
                Para(_beijing(assessment.finalised_at), st.cell),
            ],
        ],
        [92, FRAME_WIDTH - 92],
        header_rows=0,
        extra=[("BACKGROUND", (0, 0), (0, -1), ZEBRA)],
    )
    technical = [
        f"评估编号{GAP}{assessment.id}{GAP}第 {assessment.version} 版",
        f"审计记录链末条哈希{GAP}{markup(audit_head)}",
        f"评估标准 SHA-256{GAP}{rubric.sha256}",
    ]
    block: list[Flowable] = [
        Para("六、评估人员签署", st.h1),
        *[Para(s, st.body.clone("statement", spaceAfter=6)) for s in statements],
        Spacer(1, 6),
        people,
        Spacer(1, 10),
        dates,
        Spacer(1, 28),
        area,
        Spacer(1, 28),
        Para(
            "技术信息（用于核验本报告与评估记录一致）",
            st.caption.clone("tech-title", textColor=colors.black),
        ),
        *[Para(line, st.mono) for line in technical],
    ]
    return [PageBreak(), KeepTogether(block)]
