"""Certification over time: the mean of the last test results against the reliability rule.

As the Environment Rating Scales do, a trainee is certified when the average over the last
`certification_window` test samples meets the rule: the mean exact agreement reaches the
threshold, and the all-or-nothing parts (every basic indicator agreeing, the same grade) hold in
each of them (a mean of all-or-nothing conditions meets "all" only when every one does). As
CLASS does, a certificate lapses `validity_days` after the test that earned it. Practice results
never count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import Literal

from assessor.core.clock import beijing_text
from assessor.core.training.numbers import percent_text
from assessor.core.training.results import TraineeResult
from assessor.core.training.rule import ReliabilityRule

State = Literal["certified", "expired", "not_certified"]

STATE_LABELS: dict[State, str] = {
    "certified": "已认证",
    "expired": "认证已过期",
    "not_certified": "未认证",
}


def window_passes(window: Sequence[TraineeResult], rule: ReliabilityRule) -> bool:
    if len(window) < rule.certification_window:
        return False
    mean = sum((r.exact for r in window), Fraction(0)) / len(window)
    return (
        mean >= rule.threshold
        and (not rule.require_basic_agreement or all(r.basic_agreement for r in window))
        and (not rule.require_same_grade or all(r.same_grade for r in window))
    )


@dataclass(frozen=True)
class Certification:
    state: State
    tests: int
    window_mean: Fraction | None = None
    certified_at: datetime | None = None
    expires_at: datetime | None = None

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]


def certification(
    results: Sequence[TraineeResult], rule: ReliabilityRule, now: datetime
) -> Certification:
    """One trainee's state at `now`, from their results in time order."""
    tests = [r for r in results if r.mode == "test"]
    size = rule.certification_window
    latest = tests[-size:]
    mean = sum((r.exact for r in latest), Fraction(0)) / len(latest) if latest else None
    earned = [
        tests[end - 1].submitted_at
        for end in range(size, len(tests) + 1)
        if window_passes(tests[end - size : end], rule)
    ]
    if not earned:
        return Certification("not_certified", len(tests), mean)
    certified_at = earned[-1]
    expires_at = certified_at + rule.validity
    state: State = "certified" if now < expires_at else "expired"
    return Certification(state, len(tests), mean, certified_at, expires_at)


def standing_text(state: Certification, rule: ReliabilityRule) -> str:
    """`已认证，有效期至 2027-01-09；最近 3 次测试平均完全一致 86.4%（…）`."""
    text = state.label
    if state.expires_at is not None:
        text += f"，有效期至 {beijing_text(state.expires_at, '%Y-%m-%d', suffix=False)}"
    window = rule.certification_window
    if state.window_mean is not None:
        counted = min(state.tests, window)
        text += f"；最近 {counted} 次测试平均完全一致 {percent_text(state.window_mean)}"
    return text + f"（认证看最近 {window} 次测试样例的平均，已完成 {state.tests} 次测试）"
