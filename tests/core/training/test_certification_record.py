"""Certification recomputed from the record: the last three tests decide, at every moment.

The property test compares `certification` with a direct reading of the rule written here:
walk the record backwards from t, take the newest result of each sample until the window is
full, and judge those.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from assessor.core.training.certification import certification
from assessor.core.training.results import Trainee, TraineeResult
from assessor.core.training.rule import ReliabilityRule

START = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)
LI = Trainee(name="李静", trainee_id="T001")


def _test(
    sample: str,
    at: datetime,
    agreed: int,
    *,
    basic: bool = True,
    grade: bool = True,
    mode: str = "test",
    unvouched: bool = False,
) -> TraineeResult:
    return TraineeResult(
        trainee=LI,
        sample_id=sample,
        mode=mode,  # type: ignore[arg-type]
        submitted_at=at,
        agreed=agreed,
        compared=10,
        basic_agreement=basic,
        same_grade=grade,
        grade="B",
        passed=agreed >= 8 and basic and grade,
        scores=[],
        unvouched=unvouched,
    )


def _direct(
    results: list[TraineeResult], rule: ReliabilityRule, t: datetime
) -> tuple[str, datetime | None]:
    """The rule read literally: (state, newest of the deciding window)."""
    seen: set[str] = set()
    window: list[TraineeResult] = []
    # Newest first; of two recorded in the same second, the one recorded later is newer.
    for r in reversed(sorted(results, key=lambda r: r.submitted_at)):
        if r.mode != "test" or r.unvouched or r.submitted_at > t or r.sample_id in seen:
            continue
        seen.add(r.sample_id)
        window.append(r)
        if len(window) == rule.certification_window:
            break
    if len(window) < rule.certification_window:
        return "not_certified", None
    mean = Fraction(sum(r.agreed for r in window), sum(r.compared for r in window))
    meets = (
        mean >= Fraction(rule.min_exact_agreement)
        and all(r.basic_agreement or not rule.require_basic_agreement for r in window)
        and all(r.same_grade or not rule.require_same_grade for r in window)
    )
    if not meets:
        return "not_certified", None
    newest = window[0].submitted_at
    if t - newest >= timedelta(days=rule.validity_days):
        return "expired", newest
    return "certified", newest


_results = st.lists(
    st.builds(
        _test,
        sample=st.sampled_from(["s1", "s2", "s3", "s4", "s5"]),
        at=st.integers(0, 40 * 86400).map(lambda s: START + timedelta(seconds=s)),
        agreed=st.integers(5, 10),
        basic=st.sampled_from([True, True, True, False]),
        grade=st.sampled_from([True, True, True, False]),
        mode=st.sampled_from(["test", "test", "test", "practice"]),
        unvouched=st.sampled_from([False, False, False, True]),
    ),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(
    results=_results,
    window=st.integers(1, 4),
    validity=st.integers(1, 20),
    offset=st.integers(-86400, 70 * 86400),
)
def test_certification_is_the_rule_applied_to_the_record(
    results: list[TraineeResult], window: int, validity: int, offset: int
) -> None:
    rule = ReliabilityRule(certification_window=window, validity_days=validity)
    moments = [START + timedelta(seconds=offset)] + [r.submitted_at for r in results]
    for t in moments:
        state = certification(results, rule, t)
        expected, newest = _direct(results, rule, t)
        assert state.state == expected
        assert state.certified_at == newest
        if newest is not None:
            assert state.expires_at == newest + timedelta(days=validity)


def test_pass_pass_fail_withdraws_and_a_later_pass_restores() -> None:
    rule = ReliabilityRule()
    day = timedelta(days=1)
    record = [
        _test("s1", START + day, 10),
        _test("s2", START + 2 * day, 10),
        _test("s3", START + 3 * day, 10),
        _test("s4", START + 4 * day, 10, basic=False),  # one basic indicator judged otherwise
        _test("s5", START + 5 * day, 9),
        _test("s6", START + 6 * day, 9),
        _test("s7", START + 7 * day, 9),
    ]
    states = [certification(record, rule, START + n * day).state for n in range(1, 8)]
    assert states == [
        "not_certified",  # one test
        "not_certified",  # two tests
        "certified",  # pass, pass, pass
        "not_certified",  # pass, pass, fail: the failure withdraws it at once
        "not_certified",  # pass, fail, pass
        "not_certified",  # fail, pass, pass
        "certified",  # pass, pass, pass again
    ]
    assert certification(record, rule, START + 7 * day).certified_at == START + 7 * day


def test_certification_expires_at_the_boundary_second() -> None:
    rule = ReliabilityRule(validity_days=365)
    record = [_test(f"s{n}", START + timedelta(days=n), 9) for n in (1, 2, 3)]
    newest = START + timedelta(days=3)
    last_second = newest + timedelta(days=365) - timedelta(seconds=1)
    assert certification(record, rule, last_second).state == "certified"
    at_expiry = certification(record, rule, newest + timedelta(days=365))
    assert at_expiry.state == "expired"
    assert at_expiry.expires_at == newest + timedelta(days=365)


def test_a_granted_retake_replaces_the_failed_attempt_on_that_sample() -> None:
    rule = ReliabilityRule()
    day = timedelta(days=1)
    record = [
        _test("s1", START + day, 10),
        _test("s2", START + 2 * day, 10),
        _test("s3", START + 3 * day, 6, grade=False),
        _test("s3", START + 5 * day, 9),  # the retake of s3 the trainer granted
    ]
    assert certification(record, rule, START + 4 * day).state == "not_certified"
    after = certification(record, rule, START + 5 * day)
    assert after.state == "certified"
    assert after.tests == 3  # s3 counts once
    assert after.window_mean == Fraction(29, 30)
    assert after.certified_at == START + 5 * day


def test_results_on_an_open_test_sample_never_count() -> None:
    """Anyone can write an open test sample with a reference of their choosing; only sealed,
    trainer-signed samples vouch for theirs."""
    rule = ReliabilityRule()
    record = [_test(f"s{n}", START + timedelta(days=n), 10, unvouched=True) for n in (1, 2, 3)]
    state = certification(record, rule, START + timedelta(days=4))
    assert state.state == "not_certified" and state.tests == 0
