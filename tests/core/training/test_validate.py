"""Every shipped sample passes the validator; each kind of broken sample is caught with its path."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from assessor.core.paths import samples_dir
from assessor.core.problems import ProblemsError
from assessor.core.rubric.registry import default_rubric
from assessor.core.training.sample import load_sample
from assessor.core.training.validate import check_sample_file
from tests.training_samples import plain_sample_paths

BASE = samples_dir() / "gulou-public-a.json"


def test_there_are_samples_to_check() -> None:
    assert len(plain_sample_paths()) >= 1


@pytest.mark.parametrize("path", plain_sample_paths(), ids=lambda p: p.stem)
def test_each_shipped_sample_passes(path: Path) -> None:
    checked = check_sample_file(path)
    assert checked.rubric.sha256 == default_rubric().sha256
    assert checked.result.grade == checked.sample.expected_grade
    assert len(checked.sample.dossier) == len(default_rubric().indicators)


@pytest.fixture
def base() -> dict[str, Any]:
    return json.loads(BASE.read_text(encoding="utf-8"))


def entry(data: dict[str, Any], indicator: str) -> dict[str, Any]:
    return next(e for e in data["dossier"] if e["indicator"] == indicator)


def problems_of(data: dict[str, Any], tmp_path: Path) -> str:
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ProblemsError) as caught:
        check_sample_file(path)
    text = str(caught.value)
    assert all(line.startswith(str(path)) for line in text.splitlines())
    return text


def _drop(data: dict[str, Any]) -> None:
    data["dossier"] = [e for e in data["dossier"] if e["indicator"] != "6.4.2"]


def _duplicate(data: dict[str, Any]) -> None:
    data["dossier"].append(copy.deepcopy(entry(data, "7.1.1")))


def _unknown(data: dict[str, Any]) -> None:
    entry(data, "10.4.3")["indicator"] = "10.4.9"


def _bad_level(data: dict[str, Any]) -> None:
    entry(data, "4.2.2")["reference"]["score"] = 4


def _na_not_allowed(data: dict[str, Any]) -> None:
    entry(data, "4.1.1")["reference"] = {"na": True, "rationale": "不适用"}


def _grade(data: dict[str, Any]) -> None:
    data["expected_grade"] = "B"


def _total(data: dict[str, Any]) -> None:
    data["expected_total"] = 976


def _veto(data: dict[str, Any]) -> None:
    # A fired veto caps the grade at D although the total stays far above 900.
    entry(data, "9.4.3")["reference"] = {
        "score": 0,
        "rationale": "一键报警按下无反应，属「无一键报警装置或装置失效」",
    }
    data["expected_total"] = 958


def _verbatim(data: dict[str, Any]) -> None:
    entry(data, "7.5.4")["found"] = "查看记录：通风记录完整，现场空气清新。"


def _mostly(data: dict[str, Any]) -> None:
    entry(data, "7.2.2")["found"] = (
        "抽查 5 份档案，既往病史、过敏史、入托体检和最近一次定期体检结果都有"
    )


def _terse(data: dict[str, Any]) -> None:
    entry(data, "6.2.4")["found"] = "情况良好。"


def _repeated(data: dict[str, Any]) -> None:
    entry(data, "10.2.2")["found"] = entry(data, "10.2.1")["found"]


def _rubric_version(data: dict[str, Any]) -> None:
    data["rubric"]["version"] = "2099.1"


def _rubric_hash(data: dict[str, Any]) -> None:
    data["rubric"]["sha256"] = "0" * 64


BREAKS: list[tuple[Callable[[dict[str, Any]], None], str, str]] = [
    (_drop, "dossier", "缺少指标 6.4.2"),
    (_duplicate, "dossier[132].indicator", "已在 dossier["),
    (_unknown, "dossier[131].indicator", "没有指标 10.4.9"),
    (_bad_level, "dossier[7].reference.score", "不是允许的分值（5、3、0）"),
    (_na_not_allowed, "dossier[0].reference.na", "不允许标记为不适用"),
    (_grade, "expected_grade", "计算为 A"),
    (_total, "expected_total", "计算为 970.00"),
    (_veto, "expected_grade", "9.4.3"),
    (_verbatim, "dossier[85].found", "照抄了第 1 档"),
    (_mostly, "dossier[68].found", "照抄了第 1 档"),
    (_terse, "dossier[46].found", "档案过于简略"),
    (_repeated, "dossier[125].found", "与 dossier[124] 的档案内容相同"),
    (_rubric_version, "rubric", "2099.1"),
    (_rubric_hash, "rubric.sha256", "找不到"),
]


@pytest.mark.parametrize(("breaks", "path", "message"), BREAKS, ids=[b[0].__name__ for b in BREAKS])
def test_a_broken_sample_is_caught_with_its_path(
    base: dict[str, Any], tmp_path: Path, breaks, path: str, message: str
) -> None:
    breaks(base)
    text = problems_of(base, tmp_path)
    assert f": {path}: " in text and message in text, text


def test_every_problem_is_reported_at_once(base: dict[str, Any], tmp_path: Path) -> None:
    for breaks in (_drop, _bad_level, _na_not_allowed, _verbatim):
        breaks(base)
    assert len(problems_of(base, tmp_path).splitlines()) == 4


def test_na_where_the_rubric_allows_it_is_scored_by_rescaling(
    base: dict[str, Any], tmp_path: Path
) -> None:
    # The corrected rubric rescales the total once: the sample earns 970 of 1000. With 9.2.5
    # (6 points, scored 6) not applicable it earns 964 of 994, and 964 / 994 × 1000 =
    # 969.818…, stored cut to 0.01 as 969.81.
    entry(base, "9.2.5")["reference"] = {
        "na": True,
        "rationale": "滑梯已拆除，依「机构未设户外大型玩具和运动器械」判为不适用",
    }
    assert "计算为 969.81" in problems_of(base, tmp_path)
    base["expected_total"] = 969.81
    path = tmp_path / "na.json"
    path.write_text(json.dumps(base, ensure_ascii=False), encoding="utf-8")
    checked = check_sample_file(path)
    assert checked.result.dimensions[5].applicable_max == 194
    assert checked.result.grade == "A"
    assert load_sample(path).dossier[105].reference.na
