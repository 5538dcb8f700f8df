"""Follow-up visits on the laptop: the task installed, outcomes recorded, the record signed.

<data>/followups/<task id>/task.assessor-followup   the task as received
<data>/followups/<task id>/record.json              outcomes so far (unsigned)
<data>/followups/<task id>/<sha256>.<ext>           evidence files
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Collection, Sequence
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from assessor.core.amendment import amend
from assessor.core.canonical import canonical_bytes, sha256_hex
from assessor.core.clock import now_utc
from assessor.core.cycle.followup_model import EvidenceFile, FollowUp, FollowUpTask, Outcome
from assessor.core.cycle.laptop_trust import install_trust, installed_roots, verified, write_file
from assessor.core.cycle.rectification import OUTCOME_LABELS
from assessor.core.cycle.signed_json import read_signed, sign_document
from assessor.core.problems import UserError, os_error_text
from assessor.core.rubric.registry import installed_rubric_paths, load_rubric_cached
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.safe_input import parse_json_strict, read_regular_file
from assessor.core.session import EditingSession
from assessor.core.signing.keys import SigningKey
from assessor.core.storage.store import Store, record_key

FOLLOWUPS_DIR = "followups"
TASK_FILE = "task.assessor-followup"
RECORD_FILE = "record.json"
MAX_TASK_BYTES = 5 * 1024 * 1024
MAX_EVIDENCE_BYTES = 50 * 1024 * 1024
_RECORD = TypeAdapter(list[Outcome])


def _folder(data_dir: Path, task_id: str) -> Path:
    return data_dir / FOLLOWUPS_DIR / task_id


def install_task(
    data_dir: Path, path: Path, *, accepted_roots: Collection[str] = ()
) -> FollowUpTask:
    where = f"复查任务 {path.name} "
    raw = read_regular_file(path, MAX_TASK_BYTES, where.strip())
    task = verified(raw, FollowUpTask, where, data_dir, accepted_roots)
    install_trust(data_dir, task, where)
    keep_task(data_dir, task, raw)
    return task


def keep_task(data_dir: Path, task: FollowUpTask, raw: bytes) -> None:
    """Keep a verified task's file; the outcomes recorded so far stay as they are."""
    write_file(_folder(data_dir, task.task_id) / TASK_FILE, raw)


def load_task(data_dir: Path, task_id: str) -> FollowUpTask:
    path = _folder(data_dir, task_id) / TASK_FILE
    if not path.is_file():
        raise UserError(f"本机没有复查任务 {task_id}，请先导入复查任务")
    raw = read_regular_file(path, MAX_TASK_BYTES, f"复查任务 {task_id}")
    return read_signed(raw, FollowUpTask, installed_roots(data_dir), what=f"复查任务 {task_id} ")


def outcomes(data_dir: Path, task_id: str) -> dict[str, Outcome]:
    """What has been recorded so far, by indicator."""
    path = _folder(data_dir, task_id) / RECORD_FILE
    if not path.is_file():
        return {}
    raw = read_regular_file(path, MAX_TASK_BYTES, f"复查记录 {task_id}")
    try:
        recorded = _RECORD.validate_python(parse_json_strict(raw, f"复查记录 {task_id}"))
    except ValidationError:
        raise UserError(f"复查记录 {task_id} 已损坏") from None
    return {o.indicator_id: o for o in recorded}


def record_outcome(
    data_dir: Path,
    task_id: str,
    indicator_id: str,
    outcome: str,
    note: str = "",
    evidence: Collection[Path] = (),
) -> Outcome:
    """Record (or change) one item's outcome, copying its evidence into the task's folder."""
    task = load_task(data_dir, task_id)
    if indicator_id not in {i.indicator_id for i in task.items}:
        raise UserError(f"复查任务 {task_id} 中没有条款 {indicator_id} 的整改事项")
    if outcome not in OUTCOME_LABELS:
        raise UserError(
            "复查结论应为 已整改（rectified）、部分整改（partly）或 未整改（not_rectified）"
        )
    folder = _folder(data_dir, task_id)
    files = []
    for source in evidence:
        content = read_regular_file(source, MAX_EVIDENCE_BYTES, f"证据文件 {source.name}")
        digest = sha256_hex(content)
        name = f"{digest[:16]}{source.suffix.lower()}"
        write_file(folder / name, content)
        files.append(EvidenceFile(file=name, sha256=digest, caption=source.name))
    entry = Outcome.model_validate(
        {"indicator_id": indicator_id, "outcome": outcome, "note": note[:2000], "evidence": files}
    )
    recorded = outcomes(data_dir, task_id) | {indicator_id: entry}
    write_file(
        folder / RECORD_FILE,
        canonical_bytes([o.model_dump(mode="json") for o in recorded.values()]),
    )
    return entry


def sign_followup(
    data_dir: Path, task_id: str, signer: SigningKey, visited_on: dt.date
) -> tuple[FollowUp, bytes]:
    """The signed follow-up record; every item of the task needs an outcome first."""
    task = load_task(data_dir, task_id)
    recorded = outcomes(data_dir, task_id)
    missing = [i.indicator_id for i in task.items if i.indicator_id not in recorded]
    if missing:
        raise UserError(f"尚有 {len(missing)} 项未填写复查结论：{'、'.join(missing)}")
    followup = FollowUp(
        task_id=task.task_id,
        assessment_id=task.assessment_id,
        version=task.version,
        original_sha256=task.original_sha256,
        centre=task.centre,
        visited_on=visited_on,
        assessor_name=signer.info.name,
        assessor_id=signer.info.assessor_id,
        outcomes=[recorded[i.indicator_id] for i in task.items],
    )
    signed = sign_document(followup, signer, now_utc())
    return FollowUp.model_validate_json(signed), signed


def export_followup(data_dir: Path, task_id: str, signed: bytes, out_dir: Path) -> Path:
    """The signed record and its evidence files, in `out_dir`, for the commission."""
    target = out_dir / f"{task_id}.followup.json"
    try:
        write_file(target, signed)
        folder = _folder(data_dir, task_id)
        for outcome in FollowUp.model_validate_json(signed).outcomes:
            for evidence in outcome.evidence:
                shutil.copyfile(folder / evidence.file, out_dir / evidence.file)
    except OSError as exc:
        raise UserError(f"无法写入 {out_dir}：{os_error_text(exc)}") from exc
    return target


def amend_after_followup(
    store: Store, task_id: str, known: Sequence[LoadedRubric] = ()
) -> tuple[str, list[str]]:
    """Version n+1 of the original assessment, with every rectified item at full marks.

    Only the laptop that holds the original record can amend it (the amendment cites its signed
    file). Returns the new draft's key and the indicators changed; the assessor reviews,
    finalises and signs it as any amendment, so the register regrades the centre.
    """
    data_dir = store.root
    task = load_task(data_dir, task_id)
    key = f"{task.assessment_id}-v{task.version}"
    if not store.exists(key):
        raise UserError(
            f"本机没有原评估记录（评估编号 {task.assessment_id} 第 {task.version} 版）："
            "只能在保存原评估的电脑上修订评分"
        )
    recorded = outcomes(data_dir, task_id)
    rectified = [i.indicator_id for i in task.items if _rectified(recorded.get(i.indicator_id))]
    if not rectified:
        raise UserError("复查中没有已整改的事项，评分不变，不需要修订")
    reason = f"复查（任务 {task_id}）：条款 {'、'.join(rectified)} 已整改，按复查结果改为满分"
    amended = amend(store, key, reason)
    installed = [load_rubric_cached(p) for p in installed_rubric_paths(data_dir)]
    session = EditingSession.open(store, record_key(amended), [*known, *installed])
    for indicator_id in rectified:
        note = recorded[indicator_id].note
        session.set_score(indicator_id, session.indicator(indicator_id).max)
        session.set_note(indicator_id, f"复查 {task_id}：已整改。{note}".strip())
    return record_key(amended), rectified


def _rectified(outcome: Outcome | None) -> bool:
    return outcome is not None and outcome.outcome == "rectified"
