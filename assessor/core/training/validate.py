"""Checking a sample centre against its rubric, reporting every problem with its path.

The declared grade and total are checked by scoring the reference through the same engine as
`assessor score`, so a sample can never teach a grade the app would not compute.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from assessor.core.problems import Problem, ProblemsError, UserError
from assessor.core.rubric.model import Indicator
from assessor.core.rubric.registry import rubric_for
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.scoring.engine import compute_result, level_problem, score_problems
from assessor.core.scoring.exact import cut, exact
from assessor.core.scoring.result import Result
from assessor.core.training.applicability import applicability_problems
from assessor.core.training.rationale import rationale_problems
from assessor.core.training.reference import reference_assessment
from assessor.core.training.restatement import plain_text, restated_part
from assessor.core.training.sample import SampleCentre, load_sample
from assessor.core.training.wording import terms_problems

# Fewer characters than this cannot say what was seen, read and heard on the day.
MIN_FOUND_CHARS = 15


@dataclass(frozen=True)
class CheckedSample:
    """A sample that passed every check, with its rubric and the engine's result."""

    sample: SampleCentre
    rubric: LoadedRubric
    result: Result


def check_sample_file(
    path: str | Path, extra_rubrics: Iterable[str | Path | LoadedRubric] = ()
) -> CheckedSample:
    """Load a sample, find its rubric by hash, and check it; ProblemsError lists every problem."""
    where = str(path)
    sample = load_sample(path)
    try:
        rubric = rubric_for(sample.rubric, extra_rubrics)
    except UserError as exc:
        raise ProblemsError([Problem(where, "rubric.sha256", str(exc))]) from exc
    return check_sample(sample, rubric, where)


def check_sample(sample: SampleCentre, rubric: LoadedRubric, where: str) -> CheckedSample:
    problems = sample_problems(sample, rubric, where)
    if problems:
        raise ProblemsError(problems)
    return CheckedSample(sample, rubric, compute_result(rubric, reference_assessment(sample)))


def sample_problems(sample: SampleCentre, rubric: LoadedRubric, where: str) -> list[Problem]:
    problems = _rubric_ref_problems(sample, rubric, where)
    problems += _dossier_problems(sample, rubric, where)
    problems += terms_problems(sample, where)
    problems += rationale_problems(sample, rubric.by_id, where)
    problems += applicability_problems(sample, rubric.by_id, where)
    if problems:
        # The declared result is only meaningful for a complete, allowed scoring.
        return problems
    assessment = reference_assessment(sample)
    engine_problems = score_problems(rubric, assessment, where)
    if engine_problems:
        return engine_problems
    return _declared_result_problems(sample, compute_result(rubric, assessment), where)


def _rubric_ref_problems(sample: SampleCentre, rubric: LoadedRubric, where: str) -> list[Problem]:
    ref, actual = sample.rubric, rubric.rubric
    problems: list[Problem] = []
    if ref.sha256 != rubric.sha256:
        problems.append(
            Problem(where, "rubric.sha256", f"与评估标准 {actual.version} 的哈希不一致")
        )
    if (ref.code, ref.version) != (actual.code, actual.version):
        problems.append(
            Problem(
                where,
                "rubric",
                f"样例写明评估标准 {ref.code} {ref.version}，"
                f"哈希对应的却是 {actual.code} {actual.version}",
            )
        )
    return problems


class Finding(Protocol):
    """A dossier entry as an open or a sealed sample holds it."""

    @property
    def indicator(self) -> str: ...

    @property
    def found(self) -> str: ...


def _dossier_problems(sample: SampleCentre, rubric: LoadedRubric, where: str) -> list[Problem]:
    problems, known = dossier_problems(sample.dossier, rubric, where)
    references = reference_assessment(sample).scores
    for n, ind in known:
        if problem := level_problem(ind, references[n]):
            field = "na" if sample.dossier[n].reference.na else "score"
            problems.append(Problem(where, f"dossier[{n}].reference.{field}", problem))
    return problems


def dossier_problems(
    dossier: Sequence[Finding], rubric: LoadedRubric, where: str
) -> tuple[list[Problem], list[tuple[int, Indicator]]]:
    """What every dossier is checked for, open or sealed: findings that describe the centre
    rather than restate a criterion, each indicator of the rubric exactly once. Also the
    entries that name a rubric indicator, for the checks only an open reference allows."""
    problems: list[Problem] = []
    known: list[tuple[int, Indicator]] = []
    seen: dict[str, int] = {}
    texts: dict[str, int] = {}
    for n, entry in enumerate(dossier):
        path = f"dossier[{n}]"
        problems += _text_problems(entry.found, n, texts, where)
        ind = rubric.by_id.get(entry.indicator)
        if ind is None:
            problems.append(
                Problem(where, f"{path}.indicator", f"评估标准中没有指标 {entry.indicator}")
            )
            continue
        if entry.indicator in seen:
            problems.append(
                Problem(
                    where,
                    f"{path}.indicator",
                    f"指标 {entry.indicator} 已在 dossier[{seen[entry.indicator]}] 出现过，"
                    "每项指标只能有一条档案",
                )
            )
        seen.setdefault(entry.indicator, n)
        known.append((n, ind))
        for k, level in enumerate(ind.levels):
            part = restated_part(entry.found, level.criterion)
            if part is not None:
                problems.append(
                    Problem(
                        where,
                        f"{path}.found",
                        f"档案照抄了第 {k + 1} 档（{level.label}）的评分标准“{part}”；"
                        "请写评估当天查到、看到、听到的具体情况",
                    )
                )
    problems += [
        Problem(where, "dossier", f"缺少指标 {ind.id}（{ind.short}）的档案")
        for ind in rubric.indicators
        if ind.id not in seen
    ]
    return problems, known


def _text_problems(found: str, n: int, texts: dict[str, int], where: str) -> list[Problem]:
    """A dossier entry must describe this centre: a few words, or the same words as another
    entry, are a template rather than what an assessor found."""
    path = f"dossier[{n}].found"
    problems: list[Problem] = []
    if len(plain_text(found)) < MIN_FOUND_CHARS:
        problems.append(
            Problem(where, path, f"档案过于简略（少于 {MIN_FOUND_CHARS} 字），请写具体发现")
        )
    earlier = texts.setdefault(plain_text(found), n)
    if earlier != n:
        problems.append(Problem(where, path, f"与 dossier[{earlier}] 的档案内容相同"))
    return problems


def _declared_result_problems(sample: SampleCentre, result: Result, where: str) -> list[Problem]:
    problems: list[Problem] = []
    # The engine's stored total, in its one rounding rule (cut to 0.01), as an exact decimal.
    computed_total = cut(exact(result.total))
    if computed_total != sample.expected_total:
        problems.append(
            Problem(
                where,
                "expected_total",
                f"写明总分 {sample.expected_total}，按参考评分计算为 {computed_total}",
            )
        )
    if result.grade != sample.expected_grade:
        problems.append(
            Problem(
                where,
                "expected_grade",
                f"写明等级 {sample.expected_grade}，按参考评分计算为 {result.grade}"
                f"（{'；'.join(result.explanation.reasons[:3])}）",
            )
        )
    return problems
