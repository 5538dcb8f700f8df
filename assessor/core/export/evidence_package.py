"""The evidence package: every evidence file of a signed assessment, in a zip beside the pair.

    <stem>.json            the signed document; each evidence entry names a file and its SHA-256
    <stem>-证据包.zip       evidence/<name> for every evidence entry, byte for byte, and
                           manifest.json (which indicator, caption, size; the JSON it belongs to)

The signed JSON is the authority: checking a package recomputes the SHA-256 of every file the
JSON lists and refuses a missing, replaced or unlisted file. The manifest is for people and
other tools; its hashes are never trusted on their own.
"""

from __future__ import annotations

import hashlib
import os
import uuid
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from assessor.core.assessment.model import Assessment, Evidence
from assessor.core.canonical import sha256_hex
from assessor.core.problems import UserError, os_error_text
from assessor.core.storage.atomic import replace_file
from assessor.core.zip_members import ZIP_MEMBER_ERRORS

MANIFEST = "manifest.json"
PACKAGE_SUFFIX = "-证据包.zip"
# Already compressed: deflating photos costs time and saves nothing.
_STORED_SUFFIXES = {".jpg", ".jpeg", ".png", ".heic", ".gif", ".webp", ".zip", ".docx", ".xlsx"}
_CHUNK = 1 << 20
MAX_MEMBERS = 10_000
MAX_TOTAL_BYTES = 8 * 1024**3


class ManifestFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    indicator: str
    file: str = Field(description="包内路径，与签名 JSON 中证据的 file 相同")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: int = Field(ge=0)
    caption: str = ""
    added_at: AwareDatetime


class EvidenceManifest(BaseModel):
    """What an evidence package holds and which signed JSON it belongs to."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["assessor.evidence/1"] = "assessor.evidence/1"
    assessment_id: str
    version: int
    document: str = Field(description="所属签名 JSON 的文件名")
    document_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    files: list[ManifestFile]


def package_path(json_path: Path) -> Path:
    """Where the package of a signed JSON lives: beside it, named after it."""
    return json_path.with_name(json_path.stem + PACKAGE_SUFFIX)


def listed_evidence(assessment: Assessment) -> Iterator[tuple[str, Evidence]]:
    """Every (indicator, evidence) pair the document lists, in rubric order."""
    for score in assessment.scores:
        for evidence in score.evidence:
            yield score.indicator, evidence


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def write_evidence_package(
    document: Assessment,
    json_path: Path,
    json_bytes: bytes,
    files: Callable[[Evidence], Path],
) -> Path | None:
    """Write the package beside `json_path`; None (and nothing written) without evidence.
    `files` says where an attached file lives on this computer.

    Refuses (UserError) when a file is missing or no longer what the signed JSON says: the
    package must hold exactly what was signed. Written to a temporary name, then renamed.
    """
    listed = list(listed_evidence(document))
    if not listed:
        return None
    target = package_path(json_path)
    entries: list[tuple[ManifestFile, Path]] = []
    for indicator, evidence in listed:
        source = files(evidence)
        try:
            actual = _file_sha256(source)
        except OSError as exc:
            raise UserError(
                f"无法读取指标 {indicator} 的证据文件 {evidence.file}：{os_error_text(exc)}"
            ) from exc
        if actual != evidence.sha256:
            raise UserError(
                f"指标 {indicator} 的证据文件 {evidence.file} 与签名文件记录的 SHA-256 不符"
                "（文件在本机被改动过），不能导出证据包"
            )
        entry = ManifestFile(
            indicator=indicator,
            file=evidence.file,
            sha256=actual,
            size=source.stat().st_size,
            caption=evidence.caption,
            added_at=evidence.added_at,
        )
        entries.append((entry, source))
    manifest = EvidenceManifest(
        assessment_id=document.id,
        version=document.version,
        document=json_path.name,
        document_sha256=sha256_hex(json_bytes),
        files=[e for e, _ in entries],
    )
    temp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        with zipfile.ZipFile(temp, "w") as archive:
            archive.writestr(
                MANIFEST,
                manifest.model_dump_json(indent=2).encode("utf-8"),
                compress_type=zipfile.ZIP_DEFLATED,
            )
            written: set[str] = set()
            for entry, source in entries:
                if entry.file in written:  # one file attached to two indicators
                    continue
                written.add(entry.file)
                stored = Path(entry.file).suffix.lower() in _STORED_SUFFIXES
                archive.write(
                    source,
                    entry.file,
                    compress_type=zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED,
                )
        with open(temp, "rb+") as handle:
            os.fsync(handle.fileno())
        replace_file(temp, target)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise UserError(f"无法写入证据包 {target}：{os_error_text(exc)}") from exc
    return target


def check_evidence_package(document: Assessment, json_bytes: bytes, package: Path) -> list[str]:
    """Problems (in Chinese) with a package against the signed JSON it claims to belong to."""
    try:
        archive = zipfile.ZipFile(package)
    except (OSError, zipfile.BadZipFile) as exc:
        return [f"证据包无法读取：{package.name}（{exc}）"]
    with archive:
        members = {info.filename: info for info in archive.infolist()}
        if len(members) > MAX_MEMBERS or sum(i.file_size for i in members.values()) > (
            MAX_TOTAL_BYTES
        ):
            return [f"证据包过大，拒绝检查：{package.name}"]
        problems = _manifest_problems(archive, members, json_bytes)
        expected: dict[str, tuple[str, str]] = {}
        for indicator, evidence in listed_evidence(document):
            expected.setdefault(evidence.file, (indicator, evidence.sha256))
        for name, (indicator, sha256) in expected.items():
            if name not in members:
                problems.append(f"证据包缺少指标 {indicator} 的证据文件 {name}")
                continue
            try:
                actual = _member_sha256(archive, name)
            except ZIP_MEMBER_ERRORS as exc:
                problems.append(f"证据包中的文件 {name} 无法读取：{exc}")
                continue
            if actual != sha256:
                problems.append(
                    f"指标 {indicator} 的证据文件 {name} 与签名文件记录的 SHA-256 不符"
                    "（文件被替换或改动过）"
                )
        unlisted = sorted(set(members) - set(expected) - {MANIFEST})
        problems += [f"证据包中有签名文件未列出的文件：{name}" for name in unlisted]
    return problems


def _member_sha256(archive: zipfile.ZipFile, name: str) -> str:
    digest = hashlib.sha256()
    with archive.open(name) as member:
        while chunk := member.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _manifest_problems(
    archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], json_bytes: bytes
) -> list[str]:
    if MANIFEST not in members:
        return [f"证据包缺少 {MANIFEST}"]
    if members[MANIFEST].file_size > 16 * 1024 * 1024:
        return [f"证据包中的 {MANIFEST} 过大"]
    try:
        manifest = EvidenceManifest.model_validate_json(archive.read(MANIFEST))
    except (ValidationError, ValueError, zipfile.BadZipFile):
        return [f"证据包中的 {MANIFEST} 格式不正确"]
    if manifest.document_sha256 != sha256_hex(json_bytes):
        return [f"证据包属于另一份签名文件（{manifest.document}），不是本文件的证据包"]
    return []
