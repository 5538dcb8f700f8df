"""Amendments: a final assessment is never edited; version n+1 supersedes version n."""

from __future__ import annotations

from datetime import datetime

from assessor.core.assessment.model import Assessment, IndicatorScore, Status, Supersedes
from assessor.core.audit import append
from assessor.core.canonical import sha256_hex
from assessor.core.clock import now_utc
from assessor.core.problems import UserError
from assessor.core.storage.store import Store, record_key

AMEND_ACTION = "amend"


def amend(store: Store, key: str, reason: str) -> Assessment:
    """Create and store the next version as a draft, citing the signed file it supersedes."""
    reason = reason.strip()
    if not reason:
        raise UserError("修订必须写明原因")
    previous = store.load(key)
    if store.exists(f"{previous.id}-v{previous.version + 1}"):
        raise UserError(f"该版本已被第 {previous.version + 1} 版取代，只能在最新版本上修订")
    if previous.status is not Status.final:
        raise UserError("只有已定稿的评估需要修订；草稿可以直接修改")
    signed = store.signed_json(key)
    if signed is None:
        raise UserError("该版本尚未签名导出；请先签名导出，再新建修订版本")
    amended = next_version(previous, signed, reason, now_utc()).model_copy(
        # Attached files are copied in after the record exists; until then none is cited,
        # so the record never points at a file its folder does not hold.
        update={"scores": [s.model_copy(update={"evidence": []}) for s in previous.scores]}
    )
    store.create(amended)
    amended.scores = _carry_evidence(store, key, record_key(amended), previous.scores)
    entry = append([], AMEND_ACTION, old=previous.version, new=amended.version, reason=reason)
    store.save(amended, entry)
    return amended


def next_version(
    previous: Assessment, previous_signed_json: bytes, reason: str, at: datetime
) -> Assessment:
    """Version n+1 as a draft: same content, citing the signed file of version n."""
    return Assessment.model_validate(
        previous.model_dump()
        | {
            "version": previous.version + 1,
            "supersedes": Supersedes(
                version=previous.version, sha256=sha256_hex(previous_signed_json)
            ),
            "amendment_reason": reason,
            "status": Status.draft,
            "finalised_at": None,
            "created_at": at,
            "updated_at": at,
        }
    )


def _carry_evidence(
    store: Store, old_key: str, new_key: str, scores: list[IndicatorScore]
) -> list[IndicatorScore]:
    """Copy attached files into the new version's folder, so each version stands alone."""
    carried = []
    for entry in scores:
        evidence = [
            store.add_evidence(new_key, store.evidence_path(old_key, ev), ev.caption).model_copy(
                update={"added_at": ev.added_at}
            )
            for ev in entry.evidence
        ]
        carried.append(entry.model_copy(update={"evidence": evidence}))
    return carried
