"""Checking a sealed test sample without the trainer key: what its open part can show.

The rubric reference, every indicator covered exactly once by a dossier finding, and findings
that describe the centre rather than restate a criterion. The reference inside stays shut; with
the trainer key, `unseal` gives the plain sample and `validate.check_sample` checks it all.
"""

from __future__ import annotations

from assessor.core.problems import Problem, ProblemsError
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.training.restatement import restated_part
from assessor.core.training.sealed import SealedSample
from assessor.core.training.validate import _rubric_ref_problems, _text_problems


def check_sealed_sample(sample: SealedSample, rubric: LoadedRubric, where: str) -> None:
    problems = _rubric_ref_problems(sample, rubric, where)  # type: ignore[arg-type]
    problems += _findings_problems(sample, rubric, where)
    if problems:
        raise ProblemsError(problems)


def _findings_problems(sample: SealedSample, rubric: LoadedRubric, where: str) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    texts: dict[str, int] = {}
    for n, entry in enumerate(sample.dossier):
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
        for k, level in enumerate(ind.levels):
            if (part := restated_part(entry.found, level.criterion)) is not None:
                problems.append(
                    Problem(
                        where,
                        f"{path}.found",
                        f"档案照抄了第 {k + 1} 档（{level.label}）的评分标准“{part}”",
                    )
                )
    problems += [
        Problem(where, "dossier", f"缺少指标 {ind.id}（{ind.short}）的档案")
        for ind in rubric.indicators
        if ind.id not in seen
    ]
    return problems
