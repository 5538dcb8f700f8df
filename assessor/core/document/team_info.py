"""Who made a document: its signers and which team member answered for each dimension, for the
register's statistics (calibration per member, team size, signers stored)."""

from __future__ import annotations

from dataclasses import dataclass

from assessor.core.assessment.team import TeamMember
from assessor.core.document.model import AssessmentDocument
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.signing.cosign import CoSignatureBlock
from assessor.core.signing.json_envelope import certificate
from assessor.core.signing.training import fingerprint


@dataclass(frozen=True)
class DocumentSigner:
    name: str
    assessor_id: str
    fingerprint: str  # SHA-256 of the signing certificate


def document_signers(document: AssessmentDocument) -> list[DocumentSigner]:
    """Every signer as the signature block states it (signing-time order); verify the file
    first (`verify_json`), which checks the block against the signatures."""
    block = document.signature
    if block is None:
        return []
    if isinstance(block, CoSignatureBlock):
        return [
            DocumentSigner(c.signer.name, c.signer.assessor_id, c.fingerprint)
            for c in block.cosigners
        ]
    cert = certificate(block.chain[0])
    return [DocumentSigner(block.signer.name, block.signer.assessor_id, fingerprint(cert))]


def dimension_members(
    document: AssessmentDocument, rubric: LoadedRubric
) -> dict[str, list[TeamMember]]:
    """Per dimension id, the members responsible for any of its indicators (team order);
    empty when the document has no team."""
    team = document.team
    if team is None:
        return {}
    found: dict[str, list[TeamMember]] = {}
    for dim, _, ind in rubric.walk():
        member = team.member(team.responsible(ind.id, dim.id))
        members = found.setdefault(dim.id, [])
        if member not in members:
            members.append(member)
    order = [m.id for m in team.members]
    return {d: sorted(ms, key=lambda m: order.index(m.id)) for d, ms in found.items()}
