"""The cover page: centre, visit, rubric, assessment identity and the grade in large type."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.platypus import Flowable, PageBreak, Spacer, Table

from assessor.core.assessment.model import (
    CARE_TYPE_LABELS,
    CENTRE_KIND_LABELS,
    OPERATOR_LABELS,
    Assessment,
    Status,
)
from assessor.core.report.fonts import clipped, fitted_size, register_fonts
from assessor.core.report.paragraph import Para
from assessor.core.report.styles import (
    ACCENT,
    FRAME_WIDTH,
    GREEN,
    MUTED,
    ORANGE,
    PALE,
    PALE_ORANGE,
    PRIMARY,
    RED,
    RULE,
    ZEBRA,
    grid_table,
    plain_table,
    styles,
)
from assessor.core.report.text import GAP, date_text, markup, percent, points
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.scoring.checks import scope_notice
from assessor.core.scoring.grade import ranked_bands
from assessor.core.scoring.result import Result

GRADE_COLOURS = (GREEN, ACCENT, ORANGE, RED)
MARK_SIZE = 118

STATUS_LABELS = {Status.draft: "草稿（未定稿）", Status.final: "已定稿"}


def grade_colour(rubric: LoadedRubric, grade: str) -> colors.Color:
    """Best band green through worst red, whatever the number of bands."""
    grades = [b.grade for b in ranked_bands(rubric.rubric.grade_rule)]
    rank = grades.index(grade) if grade in grades else len(grades) - 1
    last = max(1, len(grades) - 1)
    return GRADE_COLOURS[round(rank * (len(GRADE_COLOURS) - 1) / last)]


class GradeMark(Flowable):
    """The grade letter in large type on a coloured square, with its label underneath."""

    def __init__(self, grade: str, label: str, colour: colors.Color) -> None:
        super().__init__()
        self.grade, self.label, self.colour = grade, label, colour
        self.width = self.height = MARK_SIZE

    def draw(self) -> None:
        c = self.canv
        c.setFillColor(self.colour)
        c.roundRect(0, 0, self.width, self.height, 8, stroke=0, fill=1)
        c.setFillColor(colors.white)
        c.setStrokeColor(colors.white)
        # The font has one weight: filling and stroking the outline (text render mode 2) gives
        # the letter and its label weight.
        size = fitted_size(self.grade, 64, self.width - 16, 24)
        self._heavy_text(self.grade, size, 44, 1.6)
        label_size = fitted_size(self.label, 15, self.width - 12, 8)
        self._heavy_text(clipped(self.label, label_size, self.width - 12), label_size, 16, 0.4)

    def _heavy_text(self, value: str, size: float, baseline: float, stroke: float) -> None:
        font = register_fonts()
        c = self.canv
        c.setLineWidth(stroke)
        text = c.beginText()
        text.setTextRenderMode(2)
        text.setFont(font, size)
        text.setTextOrigin((self.width - c.stringWidth(value, font, size)) / 2, baseline)
        text.textOut(value)
        c.drawText(text)


def _grade_block(rubric: LoadedRubric, result: Result) -> Table:
    st = styles()
    ex = result.explanation
    rule = rubric.rubric.grade_rule
    colour = grade_colour(rubric, result.grade)
    side: list[Flowable] = [
        Para("评估结果", st.caption),
        Para(
            f'总分 <font size="15" color="{PRIMARY.hexval()}">{points(result.total)}</font>'
            f" / {points(result.max)} 分{GAP}得分率 {percent(result.total, result.max)}",
            st.body.clone("total-line", leading=22),
        ),
    ]
    side += [
        Para(f"• {markup(reason)}", st.small.clone("reason", leftIndent=8, firstLineIndent=-8))
        for reason in ex.reasons
        if reason != rule.notice
    ]
    if ex.capped_by_veto:
        side.append(
            Para(f"按总分应为 {markup(ex.band_grade)} 级，因基础指标未达标降级。", st.notice)
        )
    if not rule.verified:
        side.append(Spacer(1, 4))
        side.append(
            plain_table(
                [[Para(f"注意：{markup(rule.notice)}", st.notice)]],
                [FRAME_WIDTH - MARK_SIZE - 30],
                [
                    ("BACKGROUND", (0, 0), (-1, -1), PALE_ORANGE),
                    ("BOX", (0, 0), (-1, -1), 0.5, ORANGE),
                ],
            )
        )
    return plain_table(
        [[GradeMark(ex.grade, f"{ex.label}（预测）" if ex.predicted else ex.label, colour), side]],
        [MARK_SIZE + 18, FRAME_WIDTH - MARK_SIZE - 18],
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BOX", (0, 0), (-1, -1), 0.6, RULE),
            ("BACKGROUND", (0, 0), (-1, -1), PALE),
            ("TOPPADDING", (0, 0), (-1, -1), 10),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 10),
            ("LEFTPADDING", (0, 0), (0, 0), 10),
        ],
    )


def _or_missing(value: str) -> str:
    return markup(value) if value.strip() else '<font color="#9AA3AB">未填写</font>'


def _profile_rows(
    rubric: LoadedRubric, assessment: Assessment, result: Result
) -> list[tuple[str, str]]:
    centre, visit, r = assessment.centre, assessment.visit, rubric.rubric
    operator = OPERATOR_LABELS[centre.operator] if centre.operator else ""
    care = "、".join(CARE_TYPE_LABELS[c] for c in centre.care_types)
    assessors = "、".join(f"{a.name}（{a.assessor_id}）" for a in visit.assessors)
    rows = [
        ("机构名称", _or_missing(centre.name)),
        ("统一社会信用代码", _or_missing(centre.uscc)),
        ("机构地址", _or_missing(centre.address)),
        ("行政区划代码", _or_missing(centre.division_code)),
        ("机构类型", markup(CENTRE_KIND_LABELS[centre.kind])),
        ("举办性质", _or_missing(operator)),
        ("托育服务类型", _or_missing(care)),
        (
            "规模",
            f"登记托位 {centre.places} 个，在托婴幼儿 {centre.children} 人，"
            f"班级 {len(centre.classes)} 个",
        ),
        ("评估日期", date_text(visit.date)),
        ("评估人员", _or_missing(assessors)),
        (
            "评估标准",
            f"{markup(r.code)}《{markup(r.title)}》{GAP}数据版本 {markup(r.version)}"
            f"{GAP}哈希 {rubric.sha256[:16]}",
        ),
        ("评估编号", assessment.id),
        (
            "版本与状态",
            f"第 {assessment.version} 版{GAP}{STATUS_LABELS[assessment.status]}"
            f"{GAP}评分进度 {result.completeness.scored}/{result.completeness.total}",
        ),
    ]
    if assessment.supersedes is not None:
        rows.append(
            (
                "替代版本",
                f"第 {assessment.supersedes.version} 版（内容哈希 "
                f"{assessment.supersedes.sha256[:16]}）",
            )
        )
        rows.append(("修订原因", markup(assessment.amendment_reason)))
    return rows


def _scope(rubric: LoadedRubric, assessment: Assessment) -> list[Flowable]:
    """What the rubric says about a 家庭托育点, when the centre is one."""
    notice = scope_notice(rubric, assessment.centre)
    if notice is None:
        return []
    return [Spacer(1, 8), Para(f"适用范围：{markup(notice)}", styles().notice)]


def cover(rubric: LoadedRubric, assessment: Assessment, result: Result) -> list[Flowable]:
    st = styles()
    r = rubric.rubric
    label_width = 92
    rows = [
        [Para(label, st.cell_muted), Para(value, st.cell)]
        for label, value in _profile_rows(rubric, assessment, result)
    ]
    profile = grid_table(
        rows,
        [label_width, FRAME_WIDTH - label_width],
        header_rows=0,
        extra=[
            ("BACKGROUND", (0, 0), (0, -1), ZEBRA),
            ("TEXTCOLOR", (0, 0), (0, -1), MUTED),
        ],
    )
    name = assessment.centre.name.strip() or "（机构名称未填写）"
    return [
        Spacer(1, 18),
        Para("托育机构质量评估报告", st.title),
        Para(f"依据 {markup(r.code)}《{markup(r.title)}》", st.subtitle),
        Spacer(1, 14),
        Para(
            markup(name), st.title.clone("centre", fontSize=17, leading=24, textColor=colors.black)
        ),
        Spacer(1, 16),
        _grade_block(rubric, result),
        *_scope(rubric, assessment),
        Spacer(1, 16),
        profile,
        Para(f"等级规则：{markup(r.grade_rule.text)}", st.caption),
        PageBreak(),
    ]
