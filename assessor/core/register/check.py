"""One input's verdict: refused with the first reason that applies, or a candidate for the register.

`check` needs nothing but the bytes and a `CheckContext`, so it runs in worker processes as well
as in the importer's own. It parses strictly (`safe_input`), refuses an unknown `format`,
verifies through `verify_adapter`, applies the revocations the register knows, and extracts
the register's columns from the verified document. What a file is relative to the register
(duplicate, conflict, amendment) is decided later, by the importer, inside its transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from assessor.core.assessment.model import ASSESSMENT_FORMATS
from assessor.core.document.model import AssessmentDocument
from assessor.core.register.row_values import document_values
from assessor.core.register.rows import Reason, decimal_text
from assessor.core.register.sources import Rejection
from assessor.core.register.team_columns import (
    StoredSigner,
    objection_detail,
    responsibility_values,
    signer_values,
    stored_signers,
)
from assessor.core.register.verify_adapter import verdict
from assessor.core.rubric.registry import rubric_for
from assessor.core.signing.revocation import Revoked

# Reasons verification finds after the certificate checks; a revoked certificate comes first.
_AFTER_REVOCATION = frozenset(
    {
        Reason.training,
        Reason.not_final,
        Reason.unknown_engine,
        Reason.rubric_unknown,
        Reason.score_invalid,
        Reason.result_mismatch,
    }
)


@dataclass(frozen=True)
class CheckContext:
    """Everything a check needs; plain data, so it can be sent to worker processes."""

    trust_pems: tuple[bytes, ...]
    allow_training: bool
    rubric_paths: tuple[str, ...] = ()
    revoked: tuple[Revoked, ...] = ()
    cycle_start: tuple[int, int] = (1, 1)
    """Month and day an assessment cycle starts; the default is the calendar year."""

    @property
    def trust_roots(self) -> list[x509.Certificate]:
        return _load_roots(self.trust_pems)

    @property
    def revoked_by_cert(self) -> dict[tuple[str, str], datetime]:
        return _by_cert(self.revoked)


# Loaded once per process (a context travels to worker processes as plain data).
@lru_cache(maxsize=4)
def _load_roots(pems: tuple[bytes, ...]) -> list[x509.Certificate]:
    return [x509.load_pem_x509_certificate(p) for p in pems]


@lru_cache(maxsize=4)
def _by_cert(revoked: tuple[Revoked, ...]) -> dict[tuple[str, str], datetime]:
    return {(r.issuer, r.serial): r.revoked_at for r in revoked}


@dataclass(frozen=True)
class Candidate:
    """A verified file, with the register's columns except those the importer decides."""

    sha256: str
    content: bytes
    document: dict[str, Any]
    """DocumentRow fields without `batch_id` and `current`."""
    document_values: tuple[Any, ...]
    """The same as DocumentRow column values (`row_values.document_values`)."""
    dimensions: list[tuple[Any, ...]]
    """DimensionRow column values, in column order."""
    scores: list[tuple[Any, ...]]
    """ScoreRow column values, in column order (a hundred and more per file: built here, in
    the worker process, straight from the validated document rather than through a model
    each)."""
    signers: list[tuple[Any, ...]] = field(default_factory=list)
    """SignerRow column values: every signer (a co-signed file has several)."""
    responsibilities: list[tuple[Any, ...]] = field(default_factory=list)
    """ResponsibilityRow column values (team documents only)."""
    revocations: tuple[tuple[str, datetime], ...] = ()
    """(certificate serial, revoked at) of every signer whose certificate was revoked after
    the signing time that signer declares: it is registered, flagged for review once per such
    signer (an offline signing time is only the signer's claim)."""
    objections: str = ""
    """The centre's objections or refusal to sign, in Chinese ("" when none)."""


@lru_cache(maxsize=256)
def _issuer_and_serial(pem: str) -> tuple[str, str]:
    """The signer certificate's issuer (RFC 4514) and serial: the few dozen certificates of an
    import are each read once, not once per file."""
    signer = x509.load_pem_x509_certificate(pem.encode("ascii"))
    return signer.issuer.rfc4514_string(), str(signer.serial_number)


def cycle_of(day: Any, start: tuple[int, int]) -> str:
    """The cycle a visit date falls in, named by the year the cycle starts."""
    if day is None:
        return ""
    return str(day.year if (day.month, day.day) >= start else day.year - 1)


# Every format this release reads: files signed by earlier releases stay importable.


def check(raw: bytes, context: CheckContext) -> Candidate | Rejection:
    found = verdict(raw, context.trust_roots, context.allow_training, context.rubric_paths)
    data, document = found.data, found.document
    if data is None:  # not JSON: the parser's reason
        assert found.reason is not None
        return Rejection(found.reason, found.message)
    if "format" in data and data["format"] not in ASSESSMENT_FORMATS:
        shown = str(data["format"])[:60]
        return Rejection(
            Reason.unknown_format,
            f"不认识的文件格式版本：{shown}（本程序读取 {'、'.join(ASSESSMENT_FORMATS)}），请升级本程序",
        )
    if found.reason is not None and found.reason not in _AFTER_REVOCATION:
        return Rejection(found.reason, found.message)
    # Reasons that let a file this far come after the schema and the signature checks.
    assert document is not None and document.signature is not None
    issuer, serial = _issuer_and_serial(document.signature.chain[0])
    signers = stored_signers(document)
    revocations: list[tuple[str, datetime]] = []
    # Every signer's certificate counts: one co-signer whose key was revoked before they
    # signed refuses the file, as a single signer's does.
    for signer in signers:
        revoked_at = context.revoked_by_cert.get((signer.issuer, signer.serial))
        if revoked_at is not None and signer.signed_at > revoked_at:
            return Rejection(
                Reason.revoked,
                f"签名证书（序列号 {signer.serial}{_whose(signer, signers)}）已吊销，"
                "文件的签名时间晚于吊销时间",
            )
        if revoked_at is not None:
            revocations.append((signer.serial, revoked_at))
    if found.reason is not None:
        return Rejection(found.reason, found.message)
    candidate = _candidate(raw, document, issuer, serial, context)
    return _with_team(candidate, document, signers, tuple(revocations), context)


def _whose(signer: StoredSigner, signers: list[StoredSigner]) -> str:
    """Names the co-signer when there are several."""
    return f"，签名人 {signer.name}" if len(signers) > 1 else ""


def _with_team(
    candidate: Candidate,
    document: AssessmentDocument,
    signers: list[StoredSigner],
    revocations: tuple[tuple[str, datetime], ...],
    context: CheckContext,
) -> Candidate:
    """The candidate with the signers, the team's responsibilities and the objections."""
    rubric = rubric_for(document.rubric, context.rubric_paths)
    sha = candidate.sha256
    return replace(
        candidate,
        signers=signer_values(sha, signers),
        responsibilities=responsibility_values(sha, document, rubric),
        revocations=revocations,
        objections=objection_detail(document),
    )


def _candidate(
    raw: bytes,
    document: AssessmentDocument,
    issuer: str,
    serial: str,
    context: CheckContext,
) -> Candidate:
    assert document.signature is not None
    sha = hashlib.sha256(raw).hexdigest()
    rubric = rubric_for(document.rubric, context.rubric_paths)
    result, centre, visit = document.result, document.centre, document.visit
    fired = [v.indicator for v in result.vetoes if v.status == "unmet"]
    row = {
        "sha256": sha,
        "assessment_id": document.id,
        "version": document.version,
        "supersedes_sha256": document.supersedes.sha256 if document.supersedes else None,
        "centre_uscc": centre.uscc,
        "centre_name": centre.name,
        "centre_address": centre.address,
        "division_code": centre.division_code,
        "operator": centre.operator.value if centre.operator else None,
        "care_types": [c.value for c in centre.care_types],
        "centre_kind": centre.kind.value,
        "places": centre.places,
        "visit_date": visit.date,
        "cycle": cycle_of(visit.date, context.cycle_start),
        "assessor_ids": [a.assessor_id for a in visit.assessors],
        "assessor_names": [a.name for a in visit.assessors],
        "total": decimal_text(result.total),
        "max_total": decimal_text(result.max),
        "grade": result.grade,
        "vetoes_fired": fired,
        "rubric_sha256": document.rubric.sha256,
        "rubric_code": document.rubric.code,
        "signer_name": document.signature.signer.name,
        "signer_id": document.signature.signer.assessor_id,
        "cert_serial": serial,
        "cert_issuer": issuer,
        "signed_at": document.signature.signed_at,
        "training": document.training,
    }
    dimensions = [
        (sha, d.id, d.name, str(decimal_text(d.score)), str(decimal_text(d.max)))
        for d in result.dimensions
    ]
    scores = [
        (
            sha,
            s.indicator,
            rubric.dimension_of(s.indicator).id,
            None if s.score is None else str(decimal_text(s.score)),
            str(decimal_text(rubric.by_id[s.indicator].max)),
            s.na,
        )
        for s in document.scores
    ]
    return Candidate(sha, raw, row, document_values(row), dimensions, scores)


def trust_pems(roots: Sequence[x509.Certificate]) -> tuple[bytes, ...]:
    """Trust roots as the plain data a CheckContext carries."""
    return tuple(c.public_bytes(Encoding.PEM) for c in roots)


def rubric_paths(paths: Sequence[Path]) -> tuple[str, ...]:
    """Rubric files as the plain data a CheckContext carries."""
    return tuple(str(p) for p in paths)
