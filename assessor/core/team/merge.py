"""Merging members' parts into the leader's record: a pure function of the record, its chain,
the set of parts and the leader's decisions.

Parts are taken as a set (the same file twice is one part; a part whose receipt is already in
the chain is done) and applied in a fixed order (by member, then in the order each member made
them), so the merged record and the entries appended to the chain are the same whatever order
the parts came in. For each indicator (rubric order) the value comes from its responsible
member's latest part. The leader decides where nothing may be taken silently: a part that
changes what the record already holds (a score, note or evidence someone entered), or two
members' parts that disagree. Every change and every decision is an audit entry by the person
merging; each part's receipt entry carries the member's own audit entries.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from assessor.core import audit
from assessor.core.assessment.model import Assessment, IndicatorScore
from assessor.core.audit import AuditEntry
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.team.part import ReceivedPart

PART_ACTION = "team_part"
MERGE_ACTION = "team_merge"
DECISION_ACTION = "team_decision"
KEEP = "keep"
"""The decision that keeps what the record holds."""


@dataclass(frozen=True)
class Candidate:
    """One member's value for an indicator, from their latest part."""

    member: str
    score: IndicatorScore
    at: datetime  # when the member last changed the indicator (their part's export time if never)
    part: str  # the part file's SHA-256


@dataclass(frozen=True)
class Conflict:
    """Where the leader must choose: what the record holds and what the parts say."""

    indicator: str
    current: IndicatorScore
    current_by: str | None
    current_at: datetime | None
    candidates: tuple[Candidate, ...]


@dataclass(frozen=True)
class MergePlan:
    parts: tuple[ReceivedPart, ...]  # new parts, deduplicated, in applying order
    takes: dict[str, Candidate]  # indicators taken without question
    conflicts: tuple[Conflict, ...]  # rubric order


def merged_parts(chain: Sequence[AuditEntry]) -> set[str]:
    """The SHA-256 of every part the chain has a receipt for."""
    return {
        e.new["sha256"]
        for e in chain
        if e.action == PART_ACTION and isinstance(e.new, dict) and "sha256" in e.new
    }


def _merged_lengths(chain: Sequence[AuditEntry]) -> dict[str, int]:
    """Per member, how far along their own chain the newest merged part was."""
    lengths: dict[str, int] = {}
    for e in chain:
        if e.action == PART_ACTION and isinstance(e.new, dict):
            member, entries = e.new.get("member"), e.new.get("audit")
            if isinstance(member, str) and isinstance(entries, list):
                lengths[member] = max(lengths.get(member, 0), len(entries))
    return lengths


def _content(score: IndicatorScore) -> tuple:
    return score.score, score.na, score.note, tuple(e.model_dump_json() for e in score.evidence)


def _empty(score: IndicatorScore) -> bool:
    return not score.is_scored and not score.note and not score.evidence


def _last_change(entries: Sequence[AuditEntry], indicator: str) -> AuditEntry | None:
    return next((e for e in reversed(entries) if e.indicator == indicator), None)


def plan_merge(
    assessment: Assessment,
    chain: Sequence[AuditEntry],
    rubric: LoadedRubric,
    parts: Iterable[ReceivedPart],
) -> MergePlan:
    done, reached = merged_parts(chain), _merged_lengths(chain)
    # A part no newer than one of the same member's already merged is superseded: skipped.
    unique = {
        p.sha256: p
        for p in parts
        if p.sha256 not in done and len(p.part.audit) > reached.get(p.part.member, 0)
    }
    ordered = tuple(sorted(unique.values(), key=lambda p: p.order))
    latest: dict[str, ReceivedPart] = {}
    for received in ordered:  # a member's later part supersedes their earlier one
        latest[received.part.member] = received
    takes: dict[str, Candidate] = {}
    conflicts: list[Conflict] = []
    for ind in rubric.indicators:
        candidates = []
        for member, received in sorted(latest.items()):
            score = next((s for s in received.part.scores if s.indicator == ind.id), None)
            if score is None:
                continue
            change = _last_change(received.part.audit, ind.id)
            at = change.at if change else received.part.exported_at
            candidates.append(Candidate(member, score, at, received.sha256))
        current = assessment.score_of(ind.id)
        differing = [c for c in candidates if _content(c.score) != _content(current)]
        if not differing:
            continue
        values = {_content(c.score) for c in candidates}
        if len(values) == 1 and _empty(current):
            takes[ind.id] = differing[0]
            continue
        last = _last_change(chain, ind.id)
        conflicts.append(
            Conflict(
                ind.id,
                current,
                last.by if last else None,
                last.at if last else None,
                tuple(candidates),
            )
        )
    return MergePlan(ordered, takes, tuple(conflicts))


def _dump(score: IndicatorScore) -> dict:
    return score.model_dump(mode="json")


def apply_merge(
    assessment: Assessment,
    chain: Sequence[AuditEntry],
    plan: MergePlan,
    decisions: Mapping[str, str],
    *,
    by: str | None,
    at: datetime,
) -> tuple[Assessment, list[AuditEntry]]:
    """The merged record and the entries to append; `decisions` maps every conflict's
    indicator to a candidate's member id or `KEEP`. Raises KeyError naming an undecided
    indicator, ValueError for a decision that names no candidate."""
    merged = assessment.model_copy(deep=True)
    entries: list[AuditEntry] = []

    def add(action: str, indicator: str | None, old, new, reason: str) -> None:
        entries.append(
            audit.append([*chain, *entries], action, indicator, old, new, reason, at=at, by=by)
        )

    def put(score: IndicatorScore) -> None:
        position = next(n for n, s in enumerate(merged.scores) if s.indicator == score.indicator)
        merged.scores[position] = score

    conflicts = {c.indicator: c for c in plan.conflicts}
    for indicator in [s.indicator for s in assessment.scores]:
        if indicator in plan.takes:
            taken = plan.takes[indicator]
            add(
                MERGE_ACTION,
                indicator,
                _dump(assessment.score_of(indicator)),
                _dump(taken.score),
                f"合并评估组成员的部分（{taken.member}）",
            )
            put(taken.score)
        elif indicator in conflicts:
            conflict = conflicts[indicator]
            choice = decisions[indicator]
            chosen = next((c for c in conflict.candidates if c.member == choice), None)
            if choice != KEEP and chosen is None:
                raise ValueError(choice)
            old = {
                "current": _dump(conflict.current),
                "current_by": conflict.current_by,
                "candidates": [
                    {"member": c.member, "score": _dump(c.score), "at": c.at.isoformat()}
                    for c in conflict.candidates
                ],
            }
            new = {"choice": choice, "score": _dump(chosen.score if chosen else conflict.current)}
            add(DECISION_ACTION, indicator, old, new, "组长裁定评估组成员之间或与已有记录的分歧")
            if chosen is not None:
                put(chosen.score)
    for received in plan.parts:
        part = received.part
        add(
            PART_ACTION,
            None,
            None,
            {
                "member": part.member,
                "sha256": received.sha256,
                "exported_at": part.exported_at.isoformat(),
                "signed": part.signature is not None,
                "audit": [e.model_dump(mode="json") for e in part.audit],
            },
            "收到评估组成员的部分",
        )
    return merged, entries
