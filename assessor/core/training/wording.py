"""Sample texts use childcare words, as the rubric does (`KINDERGARTEN_TERMS`)."""

from __future__ import annotations

from assessor.core.problems import Problem
from assessor.core.training.sample import SampleCentre
from assessor.core.vocabulary import KINDERGARTEN_TERMS, kindergarten_terms


def terms_problems(sample: SampleCentre, where: str) -> list[Problem]:
    texts = [("title", sample.title), ("summary", sample.summary)]
    for n, entry in enumerate(sample.dossier):
        texts.append((f"dossier[{n}].found", entry.found))
        texts.append((f"dossier[{n}].reference.rationale", entry.reference.rationale))
    return [
        Problem(where, path, f"用了幼儿园用语“{term}”，托育机构应写“{KINDERGARTEN_TERMS[term]}”")
        for path, text in texts
        for term in kindergarten_terms(text)
    ]
