"""The leader's side of a team visit on disk: keeping received parts with the record, what is
still missing, and merging once every member's part is in and every conflict decided."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509

from assessor.core.assessment.model import Status
from assessor.core.clock import now_utc
from assessor.core.problems import UserError
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.signing.keys import list_keys
from assessor.core.signing.training import training_ca
from assessor.core.signing.verification import load_trust_roots
from assessor.core.storage.atomic import atomic_write_bytes, create_folder
from assessor.core.storage.store import Store
from assessor.core.team.merge import Conflict, MergePlan, apply_merge, merged_parts, plan_merge
from assessor.core.team.package import laptop_member
from assessor.core.team.part import PART_SUFFIX, ReceivedPart, assigned, read_part_file


def machine_trust_roots(keystore_dir: Path) -> list[x509.Certificate]:
    """The CAs of the keys imported on this computer, and the training CA: who may sign a part."""
    roots = [training_ca()]
    for stored in list_keys(keystore_dir):
        pem = stored.path.with_suffix(".pem")
        try:
            certs = x509.load_pem_x509_certificates(pem.read_bytes())
        except (OSError, ValueError):
            continue
        roots += [c for c in certs[1:] if c not in roots]
    return [r for r in roots if _is_ca(r)]


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False


def trust_roots_from(paths: Sequence[Path], keystore_dir: Path) -> list[x509.Certificate]:
    if not paths:
        return machine_trust_roots(keystore_dir)
    return [*load_trust_roots(paths), training_ca()]


@dataclass(frozen=True)
class MemberState:
    member: str
    name: str
    indicators: int  # how many indicators are theirs
    received: int  # parts received (merged or waiting)


@dataclass(frozen=True)
class TeamStatus:
    members: tuple[MemberState, ...]
    plan: MergePlan
    merged: int  # parts already merged

    @property
    def missing(self) -> list[MemberState]:
        return [m for m in self.members if m.indicators and not m.received]

    @property
    def conflicts(self) -> tuple[Conflict, ...]:
        return self.plan.conflicts


def _leader_record(store: Store, key: str):
    assessment, chain = store.load_with_audit(key)
    if assessment.team is None:
        raise UserError("该评估没有评估组")
    if laptop_member(chain) is not None:
        raise UserError("这是评估组成员电脑上的记录；成员的部分只能导入组长电脑上的评估")
    return assessment, chain


def received_parts(
    store: Store, key: str, rubric: LoadedRubric, roots: list[x509.Certificate]
) -> list[ReceivedPart]:
    assessment, _ = _leader_record(store, key)
    folder = store.team_folder(key)
    paths = sorted(folder.glob(f"*{PART_SUFFIX}")) if folder.is_dir() else []
    return [read_part_file(p, assessment, rubric, roots) for p in paths]


def receive_part(
    store: Store, key: str, rubric: LoadedRubric, path: Path, roots: list[x509.Certificate]
) -> ReceivedPart:
    """Check a part and keep it with the leader's record (the same file twice is kept once)."""
    assessment, _ = _leader_record(store, key)
    if assessment.status is not Status.draft:
        raise UserError("该评估已定稿，不能再导入评估组成员的部分")
    received = read_part_file(path, assessment, rubric, roots)
    folder = store.team_folder(key)
    create_folder(folder)
    target = folder / f"{received.sha256}{PART_SUFFIX}"
    if not target.is_file():
        atomic_write_bytes(target, received.raw)
    return received


def team_status(
    store: Store, key: str, rubric: LoadedRubric, roots: list[x509.Certificate]
) -> TeamStatus:
    assessment, chain = _leader_record(store, key)
    parts = received_parts(store, key, rubric, roots)
    team = assessment.team
    assert team is not None
    members = tuple(
        MemberState(
            m.id,
            m.name,
            0 if m.id == team.leader else len(assigned(assessment, rubric, m.id)),
            sum(1 for p in parts if p.part.member == m.id),
        )
        for m in team.members
    )
    done = merged_parts(chain)
    merged = sum(1 for p in parts if p.sha256 in done)
    return TeamStatus(members, plan_merge(assessment, chain, rubric, parts), merged)


def merge_received(
    store: Store,
    key: str,
    rubric: LoadedRubric,
    roots: list[x509.Certificate],
    decisions: Mapping[str, str],
    *,
    by: str | None,
) -> int:
    """Merge every waiting part into the record; the number of audit entries written.

    Refuses while a member's part is missing or a conflict is undecided, so the record is
    merged from the whole set of parts at once, whatever order they arrived in.
    """
    status = team_status(store, key, rubric, roots)
    if status.missing:
        names = "、".join(m.name for m in status.missing)
        raise UserError(f"尚未收到评估组成员的部分：{names}")
    undecided = [c.indicator for c in status.conflicts if c.indicator not in decisions]
    if undecided:
        raise UserError(f"以下指标存在分歧，需要组长裁定：{'、'.join(undecided)}")
    if not status.plan.parts:
        return 0
    assessment, chain = store.load_with_audit(key)
    try:
        merged, entries = apply_merge(
            assessment, chain, status.plan, decisions, by=by, at=now_utc()
        )
    except ValueError as exc:
        raise UserError(f"裁定无效：{exc} 不是该分歧的任何一方") from None
    parts = {p.sha256: p for p in status.plan.parts}
    for candidate in [
        *status.plan.takes.values(),
        *(
            c
            for conflict in status.conflicts
            for c in conflict.candidates
            if decisions.get(conflict.indicator) == c.member
        ),
    ]:
        for evidence in candidate.score.evidence:
            store.put_evidence(key, evidence, parts[candidate.part].evidence[evidence.file])
    for entry in entries:
        store.save(merged, entry)
    return len(entries)
