"""Building the whole report: page template, sections in order, and where the signature goes."""

from __future__ import annotations

from dataclasses import dataclass

from assessor.core.assessment.model import Assessment
from assessor.core.report.cover import cover
from assessor.core.report.details import improvement_section, indicator_section
from assessor.core.report.evidence import EvidenceFiles, evidence_section
from assessor.core.report.fonts import register_fonts
from assessor.core.report.pages import PageDecor, build_pdf
from assessor.core.report.signature import SignatureArea, signature_section
from assessor.core.report.summary import dimension_section, findings_section, veto_section
from assessor.core.report.team_page import CoSignerBox, acknowledgement_section, team_section
from assessor.core.rubric.model import Source
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.scoring.checks import Finding, scope_notice
from assessor.core.scoring.result import Result

PROVISIONAL_RULE_NOTICE = "等级划分规则为默认参数，以标准原文及属地细则为准"
DRAFTED_TEXT_NOTICE = "部分指标文字依据公开资料起草，以标准原文为准"
HOME_SCOPE_NOTICE = "家庭托育点：适用范围见封面"


def centre_name(assessment: Assessment) -> str:
    return assessment.centre.name.strip() or "机构名称未填写"


@dataclass(frozen=True)
class RenderedReport:
    pdf: bytes
    signature_page: int  # 0-based
    signature_box: tuple[float, float, float, float]  # PDF points: x1, y1, x2, y2
    # One (assessor id, page, box) per co-signer: every keyed team member but the first signer.
    cosign_boxes: tuple[tuple[str, int, tuple[float, float, float, float]], ...] = ()


def _decor(rubric: LoadedRubric, assessment: Assessment, training: bool) -> PageDecor:
    notices: list[str] = []
    if not rubric.rubric.grade_rule.verified:
        notices.append(PROVISIONAL_RULE_NOTICE)
    if any(ind.source is Source.drafted for ind in rubric.indicators):
        notices.append(DRAFTED_TEXT_NOTICE)
    if scope_notice(rubric, assessment.centre):
        notices.append(HOME_SCOPE_NOTICE)
    return PageDecor(
        header=f"托育机构质量评估报告 · {centre_name(assessment)}",
        footer_left=f"评估编号 {assessment.id[:8]} · 版本 v{assessment.version}",
        notices=tuple(notices),
        training=training,
    )


def render_report(
    rubric: LoadedRubric,
    assessment: Assessment,
    result: Result,
    findings: list[Finding],
    *,
    signer_name: str,
    signer_id: str,
    signature_image: bytes | None = None,
    training: bool,
    audit_head: str,
    evidence: EvidenceFiles | None = None,
) -> RenderedReport:
    """Render the A4 report; the signature box is left empty for the PAdES stamp.

    With `evidence` (where the attached files are), an appendix shows every photo.
    """
    register_fonts()  # the story's styles name the font
    decor = _decor(rubric, assessment, training)
    area = SignatureArea(signer_name, signer_id, signature_image)
    team = assessment.team
    cosigners = [
        CoSignerBox(m) for m in (team.signers if team else []) if m.assessor_id != signer_id
    ]
    story = [
        *cover(rubric, assessment, result),
        *dimension_section(rubric, result),
        *veto_section(rubric, result),
        *findings_section(findings),
        *indicator_section(rubric, assessment, result, findings),
        *improvement_section(rubric, assessment),
        *signature_section(rubric, assessment, area, training=training, audit_head=audit_head),
        *team_section(rubric, assessment, cosigners),
        *acknowledgement_section(rubric, assessment, evidence),
        *evidence_section(assessment, evidence),
    ]
    pdf = build_pdf(
        story,
        decor,
        title=f"托育机构质量评估报告 — {centre_name(assessment)}",
        author=signer_name,
        subject=f"{rubric.rubric.code} 评估编号 {assessment.id} 第 {assessment.version} 版",
    )
    if area.box is None or area.page_index is None:
        raise RuntimeError("signature area was not drawn")
    boxes = []
    for cosigner in cosigners:
        if cosigner.box is None or cosigner.page_index is None:
            raise RuntimeError("co-signer box was not drawn")
        boxes.append((cosigner.member.assessor_id, cosigner.page_index, cosigner.box))
    return RenderedReport(
        pdf=pdf, signature_page=area.page_index, signature_box=area.box, cosign_boxes=tuple(boxes)
    )
