"""Certification over time, recomputed from the record at the moment asked, never remembered.

A trainee is certified at time t exactly when the last `certification_window` test results
recorded up to t meet the rule together (as the Environment Rating Scales average the last
three reliability observations): their mean exact agreement reaches the threshold, and every
all-or-nothing part (each basic indicator judged alike, the same grade) holds in each of them;
and the newest of them is less than `validity_days` old (as CLASS renews yearly). A failed test
therefore withdraws certification at once. Each sample counts once: a retake the trainer
granted replaces the earlier attempt on that sample from the moment it is recorded. Practice
results never count, nor do results on open test samples (`TraineeResult.unvouched`): only a
sealed sample's reference is vouched for by a trainer's signature.
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


def counted_tests(results: Sequence[TraineeResult], at: datetime) -> list[TraineeResult]:
    """The vouched test results recorded up to `at`, oldest first, one per sample (the latest)."""
    latest: dict[str, TraineeResult] = {}
    for result in sorted(results, key=lambda r: r.submitted_at):
        if result.mode == "test" and not result.unvouched and result.submitted_at <= at:
            latest.pop(result.sample_id, None)  # a retake moves the sample to its new time
            latest[result.sample_id] = result
    return list(latest.values())


def certification(
    results: Sequence[TraineeResult], rule: ReliabilityRule, now: datetime
) -> Certification:
    """One trainee's state at `now`, from their whole record."""
    tests = counted_tests(results, now)
    latest = tests[-rule.certification_window :]
    if not latest:
        return Certification("not_certified", 0)
    mean = sum((r.exact for r in latest), Fraction(0)) / len(latest)
    if not window_passes(latest, rule):
        return Certification("not_certified", len(tests), mean)
    certified_at = latest[-1].submitted_at
    expires_at = certified_at + rule.validity
    state: State = "certified" if now < expires_at else "expired"
    return Certification(state, len(tests), mean, certified_at, expires_at)


def standing_text(state: Certification, rule: ReliabilityRule) -> str:
    """`已认证，有效期至 2027-01-09；最近 3 次测试平均完全一致 86.4%（…）`."""
    text = state.label
    if state.expires_at is not None:
        verb = "有效期至" if state.state == "certified" else "已于"
        text += f"，{verb} {beijing_text(state.expires_at, '%Y-%m-%d', suffix=False)}"
        text += "" if state.state == "certified" else " 过期"
    window = rule.certification_window
    if state.window_mean is not None:
        counted = min(state.tests, window)
        text += f"；最近 {counted} 次测试平均完全一致 {percent_text(state.window_mean)}"
    return text + f"（认证看最近 {window} 次测试样例的平均，已完成 {state.tests} 次测试）"
