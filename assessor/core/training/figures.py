"""The figures of a comparison as the rows people read: one list for the comparison screen,
`assessor train report` and the practice PDF, so the three always say the same.

These are the trainer's figures: for a test sample only a trainer, holding the trainer key,
sees them; the trainee sees `trainee_view.py`'s rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from assessor.core.assessment.model import IndicatorScore
from assessor.core.rubric.model import Indicator
from assessor.core.training.comparison import (
    Comparison,
    IndicatorComparison,
    basic_status,
    points,
)
from assessor.core.training.numbers import (
    coefficient_text,
    percent_text,
    points_text,
    signed_points_text,
)

_BASIC = {"met": "达标", "unmet": "未达标", "na": "不适用"}
# Said beside every met/unmet figure: the comparison uses the grade engine's veto line.
BASIC_MEANING = "达标即得分不低于否决线，与定级同一标准"
UNDEFINED_KAPPA = "无法计算（参与比较的指标全在同一档，没有可校正的机会一致）"
UNDEFINED_AC1 = "无法计算（没有双方都评了达标/未达标的基础指标）"


@dataclass(frozen=True)
class Figure:
    key: str  # stable machine name, used by `--json` and to find the row on screen
    label: str
    value: str


@dataclass(frozen=True)
class Disagreement:
    indicator: str
    short: str
    trainee: str
    reference: str
    rationale: str


def level_text(indicator: Indicator, entry: IndicatorScore) -> str:
    if entry.na:
        return "不适用"
    score = points(entry.score or 0)
    label = next(lv.label for lv in indicator.levels if points(lv.points) == score)
    return f"{label}（{points_text(score)} 分）"


def bias_text(value: Decimal) -> str:
    if value == 0:
        return "0（与参考持平）"
    return f"{signed_points_text(value)} 分（{'偏宽' if value > 0 else '偏严'}）"


def comparison_figures(c: Comparison) -> list[Figure]:
    exact, within, kappa, ac1 = c.exact, c.within_one, c.kappa, c.basic_ac1
    rows = [
        Figure(
            "sample",
            "样例",
            f"{c.sample_title}（{c.sample_id}，{'练习' if c.mode == 'practice' else '测试'}）",
        ),
        Figure(
            "exact",
            "完全一致",
            f"{percent_text(exact)}（{c.agreed}/{len(c.indicators)} 项指标）"
            if exact is not None
            else "—",
        ),
        Figure("within_one", "相差不超过一档", percent_text(within) if within is not None else "—"),
        Figure(
            "kappa",
            "线性加权 kappa",
            coefficient_text(kappa) if kappa is not None else UNDEFINED_KAPPA,
        ),
        Figure(
            "basic_ac1",
            "基础指标达标判断一致性（Gwet AC1）",
            coefficient_text(ac1) if ac1 is not None else UNDEFINED_AC1,
        ),
        Figure(
            "basic_disagreements",
            f"基础指标判断不一致（{BASIC_MEANING}）",
            _basic_text(c),
        ),
    ]
    own, ref = c.trainee_result, c.reference_result
    rows.append(Figure("grade", "等级", f"你的评分 {own.grade}，参考 {ref.grade}"))
    rows.append(
        Figure(
            "total",
            "总分",
            f"你的评分 {points_text(points(own.total))}，参考 {points_text(points(ref.total))}"
            f"（{signed_points_text(c.total_difference)}）",
        )
    )
    rows.extend(
        Figure(f"bias.{b.id}", f"偏差：{b.id} {b.name}", bias_text(b.bias)) for b in c.biases
    )
    rows.append(Figure("rule", "可靠性规则", _rule_text(c)))
    return rows


def disagreements(c: Comparison, limit: int = 10) -> list[Disagreement]:
    """The largest disagreements with the reference rationale."""
    return [_disagreement(item) for item in c.largest_disagreements(limit)]


def _disagreement(item: IndicatorComparison) -> Disagreement:
    return Disagreement(
        indicator=item.indicator.id,
        short=item.indicator.short,
        trainee=level_text(item.indicator, item.trainee),
        reference=level_text(item.indicator, item.reference),
        rationale=item.rationale,
    )


def _basic_text(c: Comparison) -> str:
    wrong = c.basic_disagreements
    if not wrong:
        return f"无（{len(c.basics)} 项全部一致）"
    return "；".join(
        f"{w.indicator.id} {w.indicator.short}：你的评分 "
        f"{_BASIC[basic_status(w.indicator, w.trainee)]}，参考 "
        f"{_BASIC[basic_status(w.indicator, w.reference)]}"
        for w in wrong
    )


def _rule_text(c: Comparison) -> str:
    rule = c.rule
    misses = []
    if not c.meets_agreement:
        misses.append(f"完全一致低于 {rule.threshold_text}")
    if rule.require_basic_agreement and c.basic_disagreements:
        misses.append("有基础指标判断不一致")
    if rule.require_same_grade and not c.same_grade:
        misses.append("等级与参考不同")
    return "通过" if not misses else "未通过：" + "；".join(misses)
