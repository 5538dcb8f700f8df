"""Results kept in the data folder, certification over the last test samples, trainer view."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from assessor.core.rubric.validate import LoadedRubric
from assessor.core.storage.atomic import StorageError
from assessor.core.training.certification import certification
from assessor.core.training.comparison import compare
from assessor.core.training.results import ResultStore, Trainee, TraineeResult, result_of
from assessor.core.training.rule import ReliabilityRule, load_rule
from assessor.core.training.trainer import most_mis_scored, trainee_summaries
from tests.training_samples import SMALL_REFERENCE, scoring, small_sample

START = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)
LI = Trainee(name="李静", trainee_id="T001")
WANG = Trainee(name="王芳", trainee_id="T002")


def _result(trainee: Trainee, agreed: int, day: int, mode: str = "test", **extra) -> TraineeResult:
    values = {
        "trainee": trainee,
        "sample_id": f"s{day}",
        "mode": mode,
        "submitted_at": START + timedelta(days=day),
        "agreed": agreed,
        "compared": 10,
        "basic_agreement": True,
        "same_grade": True,
        "grade": "B",
        "reference_grade": "B",
        "passed": agreed >= 8,
        "scores": [],
    }
    values.update(extra)
    return TraineeResult.model_validate(values)


def test_certified_on_the_mean_of_the_last_three_tests_and_lapses_after_a_year() -> None:
    rule = ReliabilityRule()
    # 7/10 alone fails, but (7 + 9 + 8) / 30 = 80% over the window passes, as ERS averages.
    results = [
        _result(LI, 9, 1, mode="practice"),
        _result(LI, 7, 2),
        _result(LI, 9, 3),
        _result(LI, 8, 4),
    ]
    state = certification(results, rule, START + timedelta(days=10))
    assert state.state == "certified"
    assert state.window_mean == Fraction(8, 10)
    assert state.certified_at == START + timedelta(days=4)
    assert state.expires_at == START + timedelta(days=4 + 365)
    later = certification(results, rule, START + timedelta(days=4 + 365))
    assert later.state == "expired" and later.label == "认证已过期"


def test_not_certified_with_too_few_tests_a_low_mean_or_one_basic_miss() -> None:
    rule = ReliabilityRule()
    now = START + timedelta(days=30)
    assert (
        certification([_result(LI, 10, 1), _result(LI, 10, 2)], rule, now).state == "not_certified"
    )
    low = [_result(LI, 8, 1), _result(LI, 8, 2), _result(LI, 7, 3)]
    assert certification(low, rule, now).state == "not_certified"
    vetoed = [_result(LI, 10, 1), _result(LI, 10, 2, basic_agreement=False), _result(LI, 10, 3)]
    assert certification(vetoed, rule, now).state == "not_certified"
    # Practice results never count towards the window.
    practice = [_result(LI, 10, d, mode="practice") for d in range(1, 5)]
    assert certification(practice, rule, now).tests == 0


def test_a_shorter_window_and_validity_come_from_the_rule_file(tmp_path: Path) -> None:
    (tmp_path / "training").mkdir()
    (tmp_path / "training" / "rule.json").write_text(
        '{"certification_window": 1, "validity_days": 30, "min_exact_agreement": 0.9}',
        encoding="utf-8",
    )
    rule = load_rule(tmp_path)
    assert rule.min_exact_agreement == Decimal("0.9")
    state = certification([_result(LI, 9, 1)], rule, START + timedelta(days=40))
    assert state.state == "expired"
    assert load_rule(None) == ReliabilityRule()  # the bundled rule holds the defaults


def test_results_survive_reopening_and_keep_time_order(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    assert store.all() == []
    store.add(_result(WANG, 9, 3))
    store.add(_result(LI, 7, 1))
    again = ResultStore(tmp_path).all()
    assert [(r.trainee.trainee_id, r.agreed) for r in again] == [("T001", 7), ("T002", 9)]
    assert again[0].submitted_at.tzinfo is not None
    assert (tmp_path / "training" / "results.json").is_file()


def test_a_damaged_results_file_is_a_chinese_error_and_is_kept(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    store.add(_result(LI, 7, 1))
    path = tmp_path / "training" / "results.json"
    path.write_text('{"results": {"1": {"trainee": 3}}}', encoding="utf-8")
    with pytest.raises(StorageError, match="培训成绩文件第 1 条记录无法读取"):
        store.all()
    assert path.read_text(encoding="utf-8") == '{"results": {"1": {"trainee": 3}}}'


def test_trainer_view_lists_trends_and_the_group_s_mis_scores(small_rubric: LoadedRubric) -> None:
    sample = small_sample(small_rubric)
    rule = ReliabilityRule()
    lenient = {**SMALL_REFERENCE, "4.1.2": 4}
    severe = {**SMALL_REFERENCE, "4.1.2": 0, "4.1.1": 3}
    na_disputed = {**SMALL_REFERENCE, "5.1.2": 5}
    zhao = Trainee(name="赵敏", trainee_id="T003")
    results = [
        result_of(
            who,
            compare(small_rubric, sample, scoring(small_rubric, own), rule),
            START + timedelta(days=n),
        )
        for n, (who, own) in enumerate(
            [(LI, severe), (LI, lenient), (WANG, lenient), (zhao, na_disputed)]
        )
    ]
    rows = most_mis_scored(small_rubric, sample, results)
    # Li counts once, with the later (lenient) scoring: 4.1.2 lenient by Li and Wang.
    assert [(r.indicator.id, r.wrong, r.direction) for r in rows] == [
        ("4.1.2", 2, "偏宽"),
        ("5.1.2", 1, "不适用判断不一"),
    ]
    summaries = trainee_summaries(results, rule, START + timedelta(days=5))
    assert [s.trainee.name for s in summaries] == ["李静", "王芳", "赵敏"]
    assert summaries[0].trend == [Fraction(3, 5), Fraction(4, 5)]
    assert all(s.certification.state == "not_certified" for s in summaries)


def test_the_bundled_rule_validates_against_its_published_schema() -> None:
    import json

    import jsonschema

    from assessor.core.schemas import schema_json
    from assessor.core.training.rule import bundled_rule_path

    data = json.loads(bundled_rule_path().read_text(encoding="utf-8"))
    jsonschema.validate(data, json.loads(schema_json("training-rule")))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data | {"validity_days": 0}, json.loads(schema_json("training-rule")))


def test_a_broken_rule_file_is_a_chinese_error_naming_the_field(tmp_path: Path) -> None:
    from assessor.core.problems import ProblemsError

    (tmp_path / "training").mkdir()
    (tmp_path / "training" / "rule.json").write_text('{"validity_days": 0}', encoding="utf-8")
    with pytest.raises(ProblemsError, match="validity_days"):
        load_rule(tmp_path)


def test_standing_is_worded_with_the_window_and_the_expiry_in_beijing_time() -> None:
    from assessor.core.training.certification import standing_text

    rule = ReliabilityRule()
    results = [_result(LI, 7, 2), _result(LI, 9, 3), _result(LI, 8, 4)]
    state = certification(results, rule, START + timedelta(days=10))
    # Certified by the test of 2026-01-09 02:00 UTC (10:00 in Beijing), for 365 days.
    assert standing_text(state, rule) == (
        "已认证，有效期至 2027-01-09；最近 3 次测试平均完全一致 80.0%"
        "（认证看最近 3 次测试样例的平均，已完成 3 次测试）"
    )
    one = certification(results[:1], rule, START + timedelta(days=10))
    assert standing_text(one, rule).startswith("未认证；最近 1 次测试平均完全一致 70.0%")


def test_a_read_only_result_store_reads_and_never_writes(tmp_path: Path) -> None:
    ResultStore(tmp_path).add(_result(LI, 7, 1))
    reader = ResultStore(tmp_path, read_only=True)
    before = (tmp_path / "training" / "results.json").read_bytes()
    assert [r.agreed for r in reader.all()] == [7]
    with pytest.raises(StorageError, match="只读"):
        reader.add(_result(LI, 8, 2))
    assert (tmp_path / "training" / "results.json").read_bytes() == before
