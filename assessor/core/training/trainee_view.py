"""What a trainee sees of a test sample: what CLASS and ERS observers learn of a reliability
check, and nothing else.

Passed or not, exact agreement, within-one agreement, and which parts of the rule failed, by
name: never a total, a grade or a grade comparison, a bias, or anything per indicator. Built
from the recorded result only, so the same view comes out of the text, JSON, PDF and screen
whatever scoring is shown next to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from assessor.core.training.figures import Figure
from assessor.core.training.numbers import percent_text
from assessor.core.training.results import TraineeResult
from assessor.core.training.rule import ReliabilityRule

TEST_VIEW_NOTE = (
    "这是测试样例：只给出是否通过与一致性结果，参考评分、等级、总分与各指标的差异不公开。"
)
WAITING_TEXT = (
    "已提交。测试样例的参考评分已密封，只有培训师用培训师密钥才能评判；"
    "评判后这里只显示是否通过、完全一致、相差不超过一档，以及未达到的规则要求。"
)


@dataclass(frozen=True)
class TraineeView:
    sample_id: str
    passed: bool
    exact: Fraction
    within_one: Fraction | None
    failed: tuple[str, ...]  # the rule parts not met, by name


def trainee_view(result: TraineeResult, rule: ReliabilityRule) -> TraineeView:
    failed = []
    if result.exact < rule.threshold:
        failed.append(f"计分指标完全一致未达到 {rule.threshold_text}")
    if rule.require_basic_agreement and not result.basic_agreement:
        failed.append("基础指标达标/未达标判断未全部一致")
    if rule.require_same_grade and not result.same_grade:
        failed.append("等级与参考不同")
    # Passed is judged under the rule as it is now, like certification.
    return TraineeView(
        result.sample_id, not failed, result.exact, result.within_one_share, tuple(failed)
    )


def trainee_figures(view: TraineeView) -> list[Figure]:
    return [
        Figure("passed", "测试结果", "通过" if view.passed else "未通过"),
        Figure("exact", "完全一致", percent_text(view.exact)),
        Figure(
            "within_one",
            "相差不超过一档",
            percent_text(view.within_one) if view.within_one is not None else "—",
        ),
        Figure("failed", "未达到的规则要求", "；".join(view.failed) if view.failed else "无"),
    ]
