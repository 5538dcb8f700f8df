"""Checking a sealed test sample without the trainer key: what its open part can show.

The rubric reference, every indicator covered exactly once by a dossier finding, and findings
that describe the centre rather than restate a criterion. The reference inside stays shut; with
the trainer key, `unseal` gives the plain sample and `validate.check_sample` checks it all.
"""

from __future__ import annotations

from assessor.core.problems import ProblemsError
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.training.sealed import SealedSample
from assessor.core.training.validate import _rubric_ref_problems, dossier_problems


def check_sealed_sample(sample: SealedSample, rubric: LoadedRubric, where: str) -> None:
    problems = _rubric_ref_problems(sample, rubric, where)  # type: ignore[arg-type]
    problems += dossier_problems(sample.dossier, rubric, where)[0]
    if problems:
        raise ProblemsError(problems)
