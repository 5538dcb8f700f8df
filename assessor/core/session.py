"""Editing one assessment: the domain service that the GUI (and the CLI) change a record through.

Every change is checked against the rubric, applied in memory, recorded as an audit entry and
saved together with that entry in one atomic `Store.save`. A save that fails leaves the change
in memory (nothing typed is lost) and queues its audit entry; the next change or `retry_save`
writes the queue in order. Widgets never compute scores or touch files: they call this class
and read `result`, `findings` and the assessment back.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, JsonValue, ValidationError

from assessor.core import audit
from assessor.core.assessment.model import (
    ASSESSMENT_FORMAT,
    Assessment,
    Centre,
    Evidence,
    IndicatorScore,
    Status,
    Visit,
    profile_gaps,
)
from assessor.core.assessment.team import Acknowledgement, Objection, Team
from assessor.core.audit import AuditEntry
from assessor.core.clock import now_utc
from assessor.core.consistency import ConsistencyWarning, consistency_warnings
from assessor.core.document.new import new_assessment
from assessor.core.problems import ProblemsError, UserError, problems_from_validation
from assessor.core.rubric.model import Indicator
from assessor.core.rubric.registry import rubric_for
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.scoring.checks import Finding, findings_for, run_checks
from assessor.core.scoring.engine import compute_result, level_problem
from assessor.core.scoring.result import Result
from assessor.core.storage.atomic import StorageError
from assessor.core.storage.store import FINALISE_ACTION, Store, record_key

PROFILE_FORM = "机构信息"
VISIT_FORM = "评估信息"
UNDO_REASON = "撤销"
REDO_REASON = "重做"

FinaliseHook = Callable[[Assessment], None]


@dataclass(frozen=True)
class ScoreState:
    """What an indicator's score is: points, not applicable, or nothing yet."""

    score: float | None = None
    na: bool = False

    @classmethod
    def of(cls, entry: IndicatorScore) -> ScoreState:
        return cls(entry.score, entry.na)

    def as_json(self) -> JsonValue:
        return "na" if self.na else self.score


@dataclass(frozen=True)
class Change:
    """One undoable step: an indicator's score state or note, before and after."""

    indicator: str
    kind: Literal["score", "na", "note"]
    old: ScoreState | str
    new: ScoreState | str


class FinaliseBlocked(UserError):
    """Finalising refused; `unscored` (rubric order), `gaps` and unresolved `conflicts` let
    the GUI offer jumps."""

    def __init__(
        self,
        unscored: Sequence[str],
        gaps: Sequence[str],
        conflicts: Sequence[ConsistencyWarning] = (),
    ) -> None:
        self.unscored = list(unscored)
        self.gaps = list(gaps)
        self.conflicts = list(conflicts)
        parts = []
        if self.unscored:
            parts.append(f"尚有 {len(self.unscored)} 项指标未评分：{'、'.join(self.unscored)}")
        if self.gaps:
            parts.append(f"机构信息或评估信息尚缺：{'、'.join(self.gaps)}")
        if self.conflicts:
            parts.append(
                f"{len(self.conflicts)} 项一致性提示尚未处理（更正评分，或在该指标的备注中"
                f"说明理由）：{'；'.join(c.text for c in self.conflicts)}"
            )
        super().__init__("不能完成评估。" + "；".join(parts) + "。")


def _same_points(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, abs_tol=1e-9)


def _dump(value: Any) -> JsonValue:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [_dump(v) for v in value]
    return value


class EditingSession:
    """One open assessment with its rubric and store; every mutation is validated and saved."""

    def __init__(
        self,
        store: Store,
        rubric: LoadedRubric,
        assessment: Assessment,
        chain: Sequence[AuditEntry],
        *,
        on_finalised: Iterable[FinaliseHook] = (),
        member: str | None = None,
    ) -> None:
        if assessment.rubric.sha256 != rubric.sha256:
            raise UserError(
                f"评估所用评估标准（{assessment.rubric.code} {assessment.rubric.version}）"
                "与提供的评估标准不一致"
            )
        self.store = store
        self.rubric = rubric
        self.assessment = assessment
        self.key = record_key(assessment)
        # The team member working on this laptop: every audit entry names them, and a member
        # other than the leader may change only the indicators assigned to them.
        self.member = member
        # Called with the frozen assessment after a successful finalise: signing and export
        # plug in here without the session knowing about them.
        self.on_finalised: list[FinaliseHook] = list(on_finalised)
        self._chain: list[AuditEntry] = list(chain)
        self._saved = len(self._chain)
        self._position = {entry.indicator: n for n, entry in enumerate(assessment.scores)}
        self._undo: list[Change] = []
        self._redo: list[Change] = []
        self._result: Result | None = None
        self._findings: list[Finding] | None = None
        self._warnings: list[ConsistencyWarning] | None = None  # until the next change
        self.save_error: str | None = None
        self.last_saved_at: datetime | None = assessment.updated_at

    # ---- opening ---------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        store: Store,
        key: str,
        known: Sequence[LoadedRubric] = (),
        *,
        on_finalised: Iterable[FinaliseHook] = (),
        member: str | None = None,
    ) -> EditingSession:
        assessment, chain = store.load_with_audit(key)
        rubric = rubric_for(assessment.rubric, known)
        return cls(store, rubric, assessment, chain, on_finalised=on_finalised, member=member)

    @classmethod
    def create(
        cls,
        store: Store,
        rubric: LoadedRubric,
        *,
        training: bool = False,
        centre: Centre | None = None,
        visit: Visit | None = None,
        on_finalised: Iterable[FinaliseHook] = (),
    ) -> EditingSession:
        """A new draft, stored before it is returned."""
        assessment = new_assessment(rubric, training=training)
        if centre is not None:
            assessment.centre = centre
        if visit is not None:
            assessment.visit = visit
        store.create(assessment)
        return cls(store, rubric, assessment, [], on_finalised=on_finalised)

    @classmethod
    def from_template(
        cls,
        store: Store,
        key: str,
        rubric: LoadedRubric,
        *,
        on_finalised: Iterable[FinaliseHook] = (),
    ) -> EditingSession:
        """A new draft with the profile and assessors of record `key` and no scores.

        The new draft uses `rubric` (normally the current one), so a template from an older
        rubric edition still starts a fresh assessment against today's rubric.
        """
        source = store.load(key)
        return cls.create(
            store,
            rubric,
            training=source.training,
            centre=source.centre.model_copy(deep=True),
            visit=Visit(assessors=[a.model_copy() for a in source.visit.assessors]),
            on_finalised=on_finalised,
        )

    def reload(self) -> None:
        """Take the record as stored, after a merge of team parts wrote it outside this
        session; undo history ends there."""
        self.retry_save()
        assessment, chain = self.store.load_with_audit(self.key)
        self.assessment = assessment
        self._chain = list(chain)
        self._saved = len(self._chain)
        self._undo.clear()
        self._redo.clear()
        self._result = self._findings = self._warnings = None
        self.last_saved_at = assessment.updated_at

    # ---- reading ---------------------------------------------------------------------------

    @property
    def is_final(self) -> bool:
        return self.assessment.status is Status.final

    @property
    def result(self) -> Result:
        if self._result is None:
            self._result = compute_result(self.rubric, self.assessment)
        return self._result

    @property
    def findings(self) -> list[Finding]:
        if self._findings is None:
            self._findings = run_checks(self.rubric, self.assessment.centre)
        return self._findings

    def warnings(self) -> list[ConsistencyWarning]:
        """Scores that contradict the profile, the checks or the calendar (see consistency)."""
        if self._warnings is None:
            self._warnings = consistency_warnings(self.rubric, self.assessment, self.findings)
        return self._warnings

    def unresolved_warnings(self) -> list[ConsistencyWarning]:
        return [w for w in self.warnings() if not w.resolved]

    def findings_for(self, indicator_id: str) -> list[Finding]:
        return findings_for(self.findings, indicator_id)

    def entry(self, indicator_id: str) -> IndicatorScore:
        return self.assessment.scores[self._position[indicator_id]]

    def indicator(self, indicator_id: str) -> Indicator:
        try:
            return self.rubric.by_id[indicator_id]
        except KeyError:
            raise UserError(f"评估标准中没有指标 {indicator_id}") from None

    def responsible(self, indicator_id: str) -> str | None:
        """The member who scores the indicator; None when the assessment has no team."""
        team = self.assessment.team
        if team is None:
            return None
        return team.responsible(indicator_id, self.rubric.dimension_of(indicator_id).id)

    def may_edit(self, indicator_id: str) -> bool:
        """Whether the laptop's member may change the indicator (the leader may change all)."""
        team = self.assessment.team
        if team is None or self.member is None or self.member == team.leader:
            return True
        return self.responsible(indicator_id) == self.member

    @property
    def is_leader(self) -> bool:
        team = self.assessment.team
        return team is None or self.member is None or self.member == team.leader

    def unscored(self) -> list[str]:
        return list(self.result.completeness.missing)

    def profile_gaps(self) -> list[str]:
        return profile_gaps(self.assessment)

    def evidence_path(self, evidence: Evidence) -> Path:
        return self.store.evidence_path(self.key, evidence)

    @property
    def audit_trail(self) -> list[AuditEntry]:
        return list(self._chain)

    @property
    def can_undo(self) -> bool:
        return bool(self._undo) and not self.is_final

    @property
    def can_redo(self) -> bool:
        return bool(self._redo) and not self.is_final

    @property
    def unsaved(self) -> int:
        """Changes held only in memory because their save failed."""
        return len(self._chain) - self._saved

    # ---- scores and notes ------------------------------------------------------------------

    def set_score(self, indicator_id: str, points: float | None) -> bool:
        """Give `points` (one of the indicator's levels), or clear the score with None."""
        return self._change_score(indicator_id, ScoreState(points, False), "score")

    def set_na(self, indicator_id: str, na: bool) -> bool:
        """Mark not applicable (where the rubric allows it), or unmark back to unscored."""
        entry = self.entry(self._known(indicator_id))
        if not na and not entry.na:
            return False
        return self._change_score(indicator_id, ScoreState(None, na), "na")

    def set_note(self, indicator_id: str, text: str, *, continued: bool = False) -> bool:
        """Save the note; `continued` folds it into the previous note change on the same
        indicator, so a note saved every few keystrokes is still undone as one step."""
        self._refuse_if_final()
        entry = self.entry(self._known(indicator_id))
        if entry.note == text:
            return False
        change = Change(indicator_id, "note", entry.note, text)
        self._apply(change, "")
        last = self._undo[-1] if self._undo else None
        if continued and last and last.kind == "note" and last.indicator == indicator_id:
            self._undo[-1] = Change(indicator_id, "note", last.old, text)
        else:
            self._undo.append(change)
        self._redo.clear()
        return True

    def undo(self) -> str | None:
        """Revert the last score or note change; the indicator it touched, or None."""
        self._refuse_if_final()
        if not self._undo:
            return None
        change = self._undo.pop()
        self._apply(Change(change.indicator, change.kind, change.new, change.old), UNDO_REASON)
        self._redo.append(change)
        return change.indicator

    def redo(self) -> str | None:
        self._refuse_if_final()
        if not self._redo:
            return None
        change = self._redo.pop()
        self._apply(change, REDO_REASON)
        self._undo.append(change)
        return change.indicator

    def _known(self, indicator_id: str) -> str:
        self.indicator(indicator_id)
        if not self.may_edit(indicator_id):
            assert self.assessment.team is not None
            who = self.assessment.team.member(self.responsible(indicator_id) or "").name
            raise UserError(f"指标 {indicator_id} 由评估组成员{who}负责，您只能查看")
        return indicator_id

    def _refuse_unless_leader(self) -> None:
        if not self.is_leader:
            raise UserError("机构信息、评估信息和评估组由组长填写，评估组成员只能查看")

    def _change_score(
        self, indicator_id: str, new: ScoreState, kind: Literal["score", "na"]
    ) -> bool:
        self._refuse_if_final()
        ind = self.indicator(self._known(indicator_id))
        entry = self.entry(indicator_id)
        old = ScoreState.of(entry)
        candidate = IndicatorScore(indicator=ind.id, score=new.score, na=new.na)
        if problem := level_problem(ind, candidate):
            raise UserError(problem)
        if old.na == new.na and _same_points(old.score, new.score):
            return False
        change = Change(indicator_id, kind, old, new)
        self._apply(change, "")
        self._undo.append(change)
        self._redo.clear()
        return True

    def _apply(self, change: Change, reason: str) -> None:
        position = self._position[change.indicator]
        entry = self.assessment.scores[position]
        if isinstance(change.new, ScoreState):
            assert isinstance(change.old, ScoreState)
            updated = entry.model_copy(update={"score": change.new.score, "na": change.new.na})
            old_json, new_json = change.old.as_json(), change.new.as_json()
            self._result = None
        else:
            updated = entry.model_copy(update={"note": change.new})
            old_json, new_json = change.old, change.new
        self.assessment.scores[position] = updated
        self._commit(change.kind, change.indicator, old_json, new_json, reason)

    # ---- profile and visit -----------------------------------------------------------------

    def update_centre(self, **changes: Any) -> bool:
        """Change some profile fields; raw form text is accepted and validated here.

        Raises ProblemsError (where 机构信息, path = field, Chinese message) and changes
        nothing when any value is invalid.
        """
        self._refuse_if_final()
        current = self.assessment.centre
        data = current.model_dump()
        unknown = sorted(set(changes) - set(data))
        if unknown:
            raise UserError(f"机构信息没有字段：{'、'.join(unknown)}")
        data.update(changes)
        try:
            centre = Centre.model_validate(data)
        except ValidationError as exc:
            raise ProblemsError(problems_from_validation(PROFILE_FORM, exc)) from None
        return self.set_centre(centre)

    def set_centre(self, centre: Centre) -> bool:
        self._refuse_if_final()
        self._refuse_unless_leader()
        old, new = self.assessment.centre, Centre.model_validate(centre.model_dump())
        diff = _field_diff(old, new)
        if not diff:
            return False
        self.assessment.centre = new
        self._findings = None
        self._commit("profile", None, diff[0], diff[1], "")
        return True

    def update_visit(self, **changes: Any) -> bool:
        """Change the visit date and/or assessors; same contract as `update_centre`."""
        self._refuse_if_final()
        self._refuse_unless_leader()
        data = self.assessment.visit.model_dump()
        unknown = sorted(set(changes) - set(data))
        if unknown:
            raise UserError(f"评估信息没有字段：{'、'.join(unknown)}")
        data.update(changes)
        if data.get("date") == "":
            data["date"] = None
        try:
            visit = Visit.model_validate(data)
        except ValidationError as exc:
            raise ProblemsError(problems_from_validation(VISIT_FORM, exc)) from None
        diff = _field_diff(self.assessment.visit, visit)
        if not diff:
            return False
        self.assessment.visit = visit
        self._commit("visit", None, diff[0], diff[1], "")
        return True

    # ---- team and acknowledgement -----------------------------------------------------------

    def set_team(self, team: Team | None) -> bool:
        """Set (or remove) the team; the record becomes format 2, which can hold one."""
        self._refuse_if_final()
        self._refuse_unless_leader()
        old = self.assessment.team
        if old == team:
            return False
        self.assessment.format = ASSESSMENT_FORMAT
        self.assessment.team = team
        self._commit("team", None, _dump(old), _dump(team), "")
        return True

    def set_acknowledgement(self, acknowledgement: Acknowledgement | None) -> bool:
        """Record the director's acknowledgement (or refusal) of the on-site feedback."""
        self._refuse_if_final()
        self._refuse_unless_leader()
        for objection in acknowledgement.objections if acknowledgement else []:
            self.indicator(objection.indicator)
        old = self.assessment.acknowledgement
        if old == acknowledgement:
            return False
        self.assessment.format = ASSESSMENT_FORMAT
        self.assessment.acknowledgement = acknowledgement
        self._commit("acknowledgement", None, _dump(old), _dump(acknowledgement), "")
        return True

    def acknowledge(
        self,
        director: str,
        *,
        signature_png: bytes | None,
        objections: Mapping[str, str] | None = None,
        refused: bool = False,
        leader_note: str = "",
        role: str = "机构负责人",
    ) -> Acknowledgement:
        """Record the director's acknowledgement: the pad's image is kept in the record's
        folder like evidence and the record holds its hash; `objections` by indicator."""
        self._refuse_if_final()
        self._refuse_unless_leader()
        image = None
        if signature_png is not None:
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / "机构负责人签字.png"
                path.write_bytes(signature_png)
                try:
                    image = self.store.add_evidence(self.key, path, "机构负责人手写签名")
                except StorageError as exc:
                    raise UserError(str(exc)) from exc
        try:
            acknowledgement = Acknowledgement(
                director=director.strip(),
                role=role.strip(),
                at=now_utc(),
                refused=refused,
                leader_note=leader_note.strip(),
                signature=image,
                objections=[
                    Objection(indicator=i, text=t.strip())
                    for i, t in (objections or {}).items()
                    if t.strip()
                ],
            )
        except ValidationError as exc:
            raise ProblemsError(problems_from_validation("现场反馈确认", exc)) from None
        self.set_acknowledgement(acknowledgement)
        return acknowledgement

    # ---- evidence --------------------------------------------------------------------------

    def attach_evidence(self, indicator_id: str, source: str | Path, caption: str = "") -> Evidence:
        """Copy a file into the record's own folder and attach it to the indicator."""
        self._refuse_if_final()
        self._known(indicator_id)
        try:
            evidence = self.store.add_evidence(self.key, Path(source), caption)
        except StorageError as exc:
            raise UserError(str(exc)) from exc
        position = self._position[indicator_id]
        entry = self.assessment.scores[position]
        self.assessment.scores[position] = entry.model_copy(
            update={"evidence": [*entry.evidence, evidence]}
        )
        self._commit("evidence", indicator_id, None, _dump(evidence), "")
        return evidence

    def remove_evidence(self, indicator_id: str, file: str) -> bool:
        """Detach a file from the indicator; the copy stays in the record's folder."""
        self._refuse_if_final()
        position = self._position[self._known(indicator_id)]
        entry = self.assessment.scores[position]
        kept = [e for e in entry.evidence if e.file != file]
        if len(kept) == len(entry.evidence):
            return False
        removed = next(e for e in entry.evidence if e.file == file)
        self.assessment.scores[position] = entry.model_copy(update={"evidence": kept})
        self._commit("evidence_removed", indicator_id, _dump(removed), None, "")
        return True

    def set_evidence_caption(self, indicator_id: str, file: str, caption: str) -> bool:
        """Change what an attached file shows (the report prints it under the thumbnail)."""
        self._refuse_if_final()
        position = self._position[self._known(indicator_id)]
        entry = self.assessment.scores[position]
        current = next((e for e in entry.evidence if e.file == file), None)
        if current is None:
            raise UserError(f"指标 {indicator_id} 没有证据文件 {file}")
        caption = caption.strip()
        if current.caption == caption:
            return False
        updated = current.model_copy(update={"caption": caption})
        self.assessment.scores[position] = entry.model_copy(
            update={"evidence": [updated if e.file == file else e for e in entry.evidence]}
        )
        self._commit("evidence_caption", indicator_id, current.caption, caption, file)
        return True

    # ---- finalising ------------------------------------------------------------------------

    def finalise(self) -> None:
        """Freeze the assessment; refuses (FinaliseBlocked) while anything is missing.

        The `on_finalised` hooks run once the frozen record is on disk; if one raises, the
        exception reaches the caller and the assessment stays final (signing can be retried).
        """
        self._refuse_if_final()
        unscored, gaps = self.unscored(), self.profile_gaps()
        conflicts = self.unresolved_warnings()
        if unscored or gaps or conflicts:
            raise FinaliseBlocked(unscored, gaps, conflicts)
        if not self.retry_save():
            raise UserError(f"尚有修改未能保存（{self.save_error}），请先排除保存问题再完成评估")
        if self._changed_since_acknowledgement():
            raise UserError(
                "现场反馈确认之后评分、备注或证据又有改动：机构负责人确认的已不是现在的结果，"
                "请重新进行现场反馈确认后再完成评估"
            )
        result = self.result
        frozen = self.assessment.model_copy(
            update={"status": Status.final, "finalised_at": now_utc()}
        )
        entry = audit.append(
            self._chain,
            FINALISE_ACTION,
            old=Status.draft.value,
            new={"total": result.total, "grade": result.grade},
            by=self.member,
        )
        try:
            self.store.save(frozen, entry)
        except StorageError as exc:
            # Nothing was frozen: the draft stays editable and nothing is lost.
            raise UserError(f"完成评估时保存失败：{exc}") from exc
        self.assessment = frozen
        self._chain.append(entry)
        self._saved = len(self._chain)
        self.last_saved_at = frozen.updated_at
        self._undo.clear()
        self._redo.clear()
        for hook in self.on_finalised:
            hook(frozen)

    def _changed_since_acknowledgement(self) -> bool:
        if self.assessment.acknowledgement is None:
            return False
        last = max(n for n, e in enumerate(self._chain) if e.action == "acknowledgement")
        return any(e.indicator is not None for e in self._chain[last + 1 :])

    # ---- saving ----------------------------------------------------------------------------

    def retry_save(self) -> bool:
        """Write any changes whose save failed; True when everything is on disk."""
        if self._saved == len(self._chain):
            return True
        self._flush()
        return self._saved == len(self._chain)

    def compact(self) -> None:
        """On close: fold the record's journal into its record file, so the next open reads one
        file. Best effort: the journal already holds every save, so a failure loses nothing."""
        if self._saved != len(self._chain):
            return
        with suppress(StorageError):
            self.store.compact(self.key)

    def _refuse_if_final(self) -> None:
        if self.is_final:
            raise UserError("该评估已完成（定稿），不能再修改；如需更正，请新建修订版本")

    def _commit(
        self,
        action: str,
        indicator: str | None,
        old: JsonValue,
        new: JsonValue,
        reason: str,
    ) -> None:
        self._chain.append(
            audit.append(self._chain, action, indicator, old, new, reason, by=self.member)
        )
        self._warnings = None
        self._flush()

    def _flush(self) -> None:
        if self.save_error is not None:
            self._catch_up()
        try:
            while self._saved < len(self._chain):
                self.store.save(self.assessment, self._chain[self._saved])
                self._saved += 1
        except StorageError as exc:
            self.save_error = str(exc)
            return
        self.save_error = None
        self.last_saved_at = self.assessment.updated_at

    def _catch_up(self) -> None:
        """After a failed save, count entries that did reach the disk (e.g. the file was
        replaced but syncing the folder then failed), so they are not written twice."""
        try:
            stored = self.store.audit(self.key)
        except StorageError:
            return
        n = len(stored)
        if self._saved < n <= len(self._chain) and stored[-1].hash == self._chain[n - 1].hash:
            self._saved = n


def _field_diff(old: BaseModel, new: BaseModel) -> tuple[dict, dict] | None:
    """The fields that differ, as JSON, old values then new; None when nothing changed."""
    before, after = old.model_dump(mode="json"), new.model_dump(mode="json")
    changed = [k for k in after if before.get(k) != after[k]]
    if not changed:
        return None
    return {k: before.get(k) for k in changed}, {k: after[k] for k in changed}
