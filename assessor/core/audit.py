"""The audit trail of an assessment: a hash chain in which every entry pins the one before it.

Each entry's `hash` covers its own content and the previous entry's hash, so changing, removing
or reordering any entry breaks the chain from that point on. The chain proves its own history;
that its newest entry is really the newest is pinned elsewhere (the record seal, the signature).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, JsonValue, field_validator

from assessor.core.canonical import NotCanonical, canonical_sha256
from assessor.core.clock import now_utc

GENESIS = "0" * 64


class AuditEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    seq: int = Field(ge=1)
    at: AwareDatetime
    action: str = Field(min_length=1, description="score / note / na / profile / evidence / ...")
    indicator: str | None = None
    old: JsonValue = None
    new: JsonValue = None
    reason: str = ""
    by: str | None = Field(
        default=None, description="做出该记录的评估组成员编号（格式 2 起；单人评估为空）"
    )
    prev: str = Field(pattern=r"^[0-9a-f]{64}$")
    hash: str = Field(pattern=r"^[0-9a-f]{64}$")

    @field_validator("at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        # One zone for every entry, so the same instant always serialises (and hashes) the same.
        return value.astimezone(UTC)


def entry_hash(entry: AuditEntry) -> str:
    """The hash an entry must carry: canonical SHA-256 of every field except `hash`.

    An entry without an author hashes without the `by` member, exactly as entries written
    before teams existed did, so their chains stay intact."""
    exclude = {"hash"} if entry.by is not None else {"hash", "by"}
    return canonical_sha256(entry.model_dump(mode="json", exclude=exclude))


def head(entries: Sequence[AuditEntry]) -> str:
    return entries[-1].hash if entries else GENESIS


def append(
    chain: Sequence[AuditEntry],
    action: str,
    indicator: str | None = None,
    old: JsonValue = None,
    new: JsonValue = None,
    reason: str = "",
    at: datetime | None = None,
    by: str | None = None,
) -> AuditEntry:
    """The entry that follows `chain`; `chain` itself is left unchanged."""
    fields = {
        "seq": len(chain) + 1,
        "at": at if at is not None else now_utc(),
        "action": action,
        "indicator": indicator,
        "old": old,
        "new": new,
        "reason": reason,
        "by": by,
        "prev": head(chain),
    }
    # Validate before hashing so the hash covers the normalised values that will be stored.
    draft = AuditEntry.model_validate({**fields, "hash": GENESIS})
    return draft.model_copy(update={"hash": entry_hash(draft)})


def verify_chain(entries: Sequence[AuditEntry]) -> list[str]:
    """Every break in the chain, in Chinese; empty when the chain is intact."""
    problems: list[str] = []
    previous = GENESIS
    for position, entry in enumerate(entries, start=1):
        label = f"第 {position} 条审计记录"
        if entry.seq != position:
            problems.append(f"{label}：序号应为 {position}，实际为 {entry.seq}")
        if entry.prev != previous:
            problems.append(f"{label}：与上一条记录的链接断开（记录被删除、插入或改动）")
        try:
            intact = entry.hash == entry_hash(entry)
        except NotCanonical:  # a value no save writes: the entry was edited by hand
            intact = False
        if not intact:
            problems.append(f"{label}：哈希值与内容不符（内容被改动）")
        previous = entry.hash
    return problems
