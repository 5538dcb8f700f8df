"""Signed sample assessments: one for a newcomer to look at, or many for testing imports.

The samples go through the same document building and signing as a real export; only the
visit is simulated (profile, scores and an audit chain as a day on site would produce them).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from assessor.core.amendment import next_version
from assessor.core.assessment.model import Assessment, IndicatorScore, Status
from assessor.core.audit import AuditEntry, append
from assessor.core.document.signed import document_bytes
from assessor.core.export.signed_export import SignedFiles, sign_files, sign_json
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.signing.keys import SigningKey
from assessor.devtools.samples import sample_assessment

AMENDMENT_SHARE = 0.1
_AMEND_REASONS = (
    "复核时发现 {id} 的佐证材料已补齐，更正评分",
    "机构申诉后复核现场记录，{id} 评分有误",
    "录入笔误：{id} 的评分档次选错",
)


def simulated_visit(assessment: Assessment, start: datetime) -> tuple[Assessment, list[AuditEntry]]:
    """The assessment finalised at the end of the day, with the audit chain of its scoring."""
    chain: list[AuditEntry] = []
    at = start
    chain.append(append(chain, "profile", new=assessment.centre.name, at=at))
    for entry in assessment.scores:
        at += timedelta(minutes=3)
        value = "na" if entry.na else entry.score
        chain.append(append(chain, "score", indicator=entry.indicator, new=value, at=at))
    at += timedelta(minutes=10)
    chain.append(append(chain, "finalise", old="draft", new="final", at=at))
    final = assessment.model_copy(
        update={"status": Status.final, "finalised_at": at, "updated_at": at}
    )
    return final, chain


def _visit_start(assessment: Assessment) -> datetime:
    day = assessment.visit.date
    assert day is not None  # samples always have a visit date
    return datetime(day.year, day.month, day.day, 1, 0, tzinfo=UTC)  # 09:00 Beijing time


def amended_version(
    rubric: LoadedRubric, previous: Assessment, previous_json: bytes, rng: random.Random
) -> tuple[Assessment, list[AuditEntry]]:
    """Version n+1 a week later: one lowered score raised to full points, with a reason."""
    lowered = [
        s
        for s in previous.scores
        if s.score is not None and s.score < rubric.by_id[s.indicator].max
    ]
    target = rng.choice(lowered) if lowered else previous.scores[0]
    full = rubric.by_id[target.indicator].max
    scores = [
        IndicatorScore(indicator=s.indicator, score=full, note="复核后更正")
        if s.indicator == target.indicator
        else s
        for s in previous.scores
    ]
    reason = rng.choice(_AMEND_REASONS).format(id=target.indicator)
    start = (previous.finalised_at or _visit_start(previous)) + timedelta(days=7)
    chain: list[AuditEntry] = []
    chain.append(
        append(
            chain, "amend", old=previous.version, new=previous.version + 1, reason=reason, at=start
        )
    )
    chain.append(
        append(
            chain,
            "score",
            indicator=target.indicator,
            old=target.score,
            new=full,
            reason=reason,
            at=start + timedelta(minutes=5),
        )
    )
    end = start + timedelta(minutes=15)
    chain.append(append(chain, "finalise", old="draft", new="final", at=end))
    amended = next_version(previous, previous_json, reason, start).model_copy(
        update={
            "scores": scores,
            "status": Status.final,
            "updated_at": end,
            "finalised_at": end,
        }
    )
    return amended, chain


DEMO_MARK = "样例："


def demo_assessment(rubric: LoadedRubric, seed: int) -> Assessment:
    """An invented centre, marked as a sample inside the document itself: whatever key signs
    it, `verify` and the import refuse it as an official result without --allow-training."""
    draft = sample_assessment(rubric, seed, training=True)
    centre = draft.centre.model_copy(update={"name": DEMO_MARK + draft.centre.name})
    return draft.model_copy(update={"centre": centre})


def demo_files(
    rubric: LoadedRubric,
    signer: SigningKey,
    *,
    count: int,
    seed: int = 2024,
    with_pdf: bool = True,
) -> Iterator[SignedFiles]:
    """`count` signed assessments; about one in ten is followed by its amendment.

    Without `with_pdf` only the JSON is signed (the PDF field is empty), which is what an
    import test at scale needs and is 20 times faster.
    """
    rng = random.Random(seed)
    produced = 0
    n = 0
    while produced < count:
        draft = demo_assessment(rubric, seed + n)
        n += 1
        final, chain = simulated_visit(draft, _visit_start(draft))
        files = _sign(rubric, final, chain, signer, with_pdf)
        yield files
        produced += 1
        if produced < count and rng.random() < AMENDMENT_SHARE:
            amended, amend_chain = amended_version(rubric, final, files.json_bytes, rng)
            yield _sign(rubric, amended, amend_chain, signer, with_pdf)
            produced += 1


def _sign(
    rubric: LoadedRubric,
    assessment: Assessment,
    chain: list[AuditEntry],
    signer: SigningKey,
    with_pdf: bool,
) -> SignedFiles:
    if with_pdf:
        return sign_files(rubric, assessment, chain, signer)
    signed = sign_json(rubric, assessment, chain, signer)
    return SignedFiles(signed, document_bytes(signed), b"")
