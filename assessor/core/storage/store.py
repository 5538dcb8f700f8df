"""The on-disk layout of assessments and every operation the app performs on it.

    <root>/assessments/<id>-v<version>/record.json   TinyDB tables: assessment, audit, seal
    <root>/assessments/<id>-v<version>/journal.jsonl the saves since record.json was last
                                                     rewritten (see journal.py), and
                                                     journal.jsonl.prev the ones before
    <root>/assessments/<id>-v<version>/evidence/     files attached to scores
    <root>/assessments/<id>-v<version>/signed/<n>/   the n-th signing of a final record: the
                                                     signed JSON and PDF, as exported
    <root>/bin/<id>-v<version>/                      deleted records, with deleted.json
    <root>/index.json                                what the home list shows (see index.py)

A version is signed once. The signing is an event in the record's audit chain (action
`signed`, with the signed JSON's sha256): the files are written first and the audit entry is
the commit point, so a crash in between leaves files no entry names, which the next signing
replaces. The one exception: a version signed with the training key may be signed again with a
real key; both signings stay. Records signed before signings were numbered keep their pair
directly in `signed/`.

One small database per assessment version. The assessment, its audit chain and the seal
binding the two are written in one atomic file write; an autosave does not rewrite them but
appends the state it saves and its audit entry to the record's journal, whose cost does not grow
with the chain. The record file is rewritten with the journal folded in ("compacted") when the
journal has grown to a few times the record's size, when the record is finalised or signed, and
on `compact`. A load replays the journal on top of the record file; a folder without a journal
(every record written before journals existed) is just its record file.

The seal (the stored assessment's hash plus the chain's head and length) and the chain's own
hashes make a load notice a record edited outside this program. A save re-verifies the whole
record unless its files are unchanged since this store last wrote or verified them, so a save
never re-seals a tampered file as genuine.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tinydb import TinyDB

from assessor.core.assessment.status import Status
from assessor.core.canonical import sha256_hex
from assessor.core.clock import now_utc
from assessor.core.file_names import safe_file_name
from assessor.core.problems import os_error_text, problems_from_validation
from assessor.core.safe_input import InputRejected, parse_json_object, read_json_file
from assessor.core.storage.atomic import (
    AtomicJSONStorage,
    Recovery,
    StorageError,
    atomic_write_bytes,
    copy_file_atomic,
    corrupt_name,
    create_folder,
    fsync_dir,
    modified_at,
    remove_stale_temps,
)
from assessor.core.storage.folder_lock import hold_folder
from assessor.core.storage.index import (
    INDEX_FILE,
    IndexEntry,
    Overview,
    Place,
    RecordIndex,
    Stamp,
    file_stamp,
)
from assessor.core.storage.journal import (
    JOURNAL_FILE,
    PREVIOUS_FILE,
    JournalRead,
    append_line,
    cut_torn_tail,
    encode_line,
    read_journal,
    set_aside,
    unapplied,
)
from assessor.core.storage.recovery import (
    NOTICE_FILE,
    RecoveryNotice,
    notice_for,
    read_notice,
    record_notice,
)
from assessor.core.storage.root import default_root as default_root

# Listing the records reads the index only. The assessment and audit models (and pydantic
# behind them) are imported where a record is read, written or checked, so that a start which
# shows the home list from the index does not pay for them.
if TYPE_CHECKING:
    from assessor.core.assessment.model import Assessment, Evidence
    from assessor.core.audit import AuditEntry

RECORD_FILE = "record.json"
EVIDENCE_DIR = "evidence"
TEAM_DIR = "team-parts"
SIGNED_DIR = "signed"
SIGNED_JSON = "assessment.json"
SIGNED_PDF = "report.pdf"
DELETED_FILE = "deleted.json"
FINALISE_ACTION = "finalise"
SIGN_ACTION = "signed"
# One more team member's signature on the same version: new files beside the earlier ones.
COSIGN_ACTION = "cosigned"

_KEY = re.compile(r"^[0-9a-f]{32}-v[1-9][0-9]*$")
# Folders being created or purged carry these prefixes until the operation's final rename.
_STAGING_PREFIX = ".new-"
_PURGING_PREFIX = ".purge-"
_SINGLE_DOC = "1"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MAX_NOTE_BYTES = 64 * 1024
# The journal is folded into the record file once it outgrows this many times the record file
# (and this floor): rewrites then cost no more than the appends they replace, and a load
# replays a few megabytes at most.
_JOURNAL_FACTOR = 4
_JOURNAL_FLOOR_BYTES = 1 << 20
# A reader that raced a compaction (record file read before it, journal after) reads again.
_READER_ATTEMPTS = 5

_FileIdentity = tuple[int, int, int]
_Identity = tuple[_FileIdentity, _FileIdentity | None]


class StoreError(StorageError):
    """An operation the store refuses or cannot complete; the message is in Chinese."""


def record_key(assessment: Assessment) -> str:
    return f"{assessment.id}-v{assessment.version}"


@dataclass(frozen=True)
class SigningState:
    """Whether a record was signed, and whether only with the built-in training key."""

    signed: bool = False
    training: bool = False


@dataclass(frozen=True)
class RecordSummary:
    """One line of the drafts list; `problem` says why a broken record cannot be opened.

    `overview` is the progress and grade the index remembers (None until computed for the
    record as it now is); `stamp` identifies the files the summary was read from.
    """

    key: str
    id: str
    version: int
    status: Status | None = None
    centre_name: str = ""
    uscc: str = ""
    address: str = ""
    visit_date: date | None = None
    updated_at: datetime | None = None
    training: bool = False
    signed: bool = False
    training_signed: bool = False
    """Signed, but so far only with the built-in training key (培训/样例)."""
    problem: str | None = None
    # Set when the record was restored from its backup: what may have been lost.
    recovery: str | None = None
    overview: Overview | None = None
    stamp: Stamp | None = field(default=None, compare=False)

    @property
    def broken(self) -> bool:
        return self.problem is not None


def _summary_of(entry: IndexEntry) -> RecordSummary:
    record_id, version = entry.key.rsplit("-v", 1)
    return RecordSummary(
        key=entry.key,
        id=record_id,
        version=int(version),
        status=entry.status,
        centre_name=entry.centre_name,
        uscc=entry.uscc,
        address=entry.address,
        visit_date=entry.visit_date,
        updated_at=entry.updated_at,
        training=entry.training,
        signed=entry.signed,
        training_signed=entry.training_signed,
        problem=entry.problem,
        recovery=entry.recovery,
        overview=entry.overview,
        stamp=entry.stamp,
    )


@dataclass(frozen=True)
class Signing:
    """One signing of a final version: where its files are kept and what the chain says."""

    sha256: str
    training: bool
    signed_at: datetime
    folder: Path

    @property
    def json_path(self) -> Path:
        return self.folder / SIGNED_JSON

    @property
    def pdf_path(self) -> Path:
        return self.folder / SIGNED_PDF


def current_signing(signings: list[Signing]) -> Signing | None:
    """The signing that stands for the version: the official one, else the last training one."""
    official = [s for s in signings if not s.training]
    return (official or signings or [None])[-1]


@dataclass(frozen=True)
class BinEntry:
    summary: RecordSummary
    deleted_at: datetime | None

    @property
    def key(self) -> str:
        return self.summary.key


@dataclass(frozen=True)
class _Stored:
    """The raw tables of one record file, checked against their seal."""

    assessment: dict[str, Any]
    audit: dict[str, dict[str, Any]]
    seal: dict[str, Any]


@contextmanager
def _disk(action: str) -> Iterator[None]:
    """Report file-system and storage failures as StoreError, the one error the store raises."""
    try:
        yield
    except StoreError:
        raise
    except StorageError as exc:
        raise StoreError(str(exc)) from exc
    except OSError as exc:
        raise StoreError(f"{action}失败：{os_error_text(exc)}") from exc


def _checked_key(key: str) -> str:
    if not _KEY.fullmatch(key):
        raise StoreError(f"评估记录编号格式不正确：{key!r}")
    return key


def _seal(assessment_doc: dict[str, Any], audit_docs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    # The chain's head commits to every entry before it, so only the assessment needs hashing.
    # The seal is never exported: a stable Python serialisation suffices, ten times faster
    # than RFC 8785.
    from assessor.core.audit import GENESIS

    content = json.dumps(assessment_doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    last = audit_docs.get(str(len(audit_docs)))
    return {
        "assessment_sha256": sha256_hex(content.encode("utf-8")),
        "audit_head": last.get("hash", "") if last else GENESIS,
        "audit_length": len(audit_docs),
    }


def _file_identity(path: Path) -> _FileIdentity | None:
    """What changes whenever the file is replaced or edited (one writer assumed)."""
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_ino, status.st_size, status.st_mtime_ns


def _identity(path: Path) -> _Identity | None:
    """What changes whenever the record file is replaced or its journal appended to."""
    record = _file_identity(path)
    if record is None:
        return None
    return record, _file_identity(path.parent / JOURNAL_FILE)


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


class _JournalGap(Exception):
    """The journal continues a state other than the record file's."""


def _replayed(path: Path, base: _Stored, lines: list[dict[str, Any]]) -> _Stored:
    """The record after the journal lines that follow it; each line holds the whole state
    it saved, so the last one's assessment stands and every entry joins the chain."""
    if not lines:
        return base
    audit = dict(base.audit)
    for line in lines:
        if line["entry"] is not None:
            audit[str(len(audit) + 1)] = line["entry"]
    stored = _Stored(lines[-1]["assessment"], audit, lines[-1]["seal"])
    if stored.seal != _seal(stored.assessment, stored.audit):
        raise _corrupt(path.parent / JOURNAL_FILE, "日志中保存的内容与其校验值不符")
    return stored


def _line(before: _Stored, after: _Stored, entry: dict[str, Any] | None) -> bytes:
    return encode_line(
        {"before": before.seal, "seal": after.seal, "assessment": after.assessment, "entry": entry}
    )


def _corrupt(path: Path, detail: str) -> StoreError:
    return StoreError(f"评估记录文件 {path} 已损坏或被改动：{detail}")


def _only_doc(path: Path, raw: dict[str, dict[str, Any]], table: str) -> dict[str, Any]:
    docs = raw.get(table, {})
    if len(docs) != 1:
        raise _corrupt(path, f"“{table}”表应恰好有一条记录，实际有 {len(docs)} 条")
    return next(iter(docs.values()))


def _stored(path: Path, raw: dict[str, dict[str, Any]]) -> _Stored:
    """Split a record file into its tables; refuse one whose seal does not match its content."""
    stored = _Stored(
        assessment=_only_doc(path, raw, "assessment"),
        audit=raw.get("audit", {}),
        seal=_only_doc(path, raw, "seal"),
    )
    if stored.seal != _seal(stored.assessment, stored.audit):
        raise _corrupt(path, "评估内容或审计记录与保存时的校验值不符（文件在本程序之外被修改过）")
    return stored


def _assessment(path: Path, key: str, doc: dict[str, Any]) -> Assessment:
    from pydantic import ValidationError

    from assessor.core.assessment.model import Assessment

    try:
        assessment = Assessment.model_validate(doc)
    except ValidationError as exc:
        details = "；".join(str(p) for p in problems_from_validation("评估内容", exc))
        raise _corrupt(path, details) from None
    if record_key(assessment) != key:
        raise _corrupt(path, f"文件中的评估编号与文件夹名 {key} 不一致")
    return assessment


def _audit_entries(path: Path, docs: dict[str, dict[str, Any]]) -> list[AuditEntry]:
    from pydantic import ValidationError

    from assessor.core.audit import AuditEntry, verify_chain

    entries: list[AuditEntry] = []
    for seq in range(1, len(docs) + 1):
        doc = docs.get(str(seq))
        if doc is None:
            raise _corrupt(path, f"缺少第 {seq} 条审计记录")
        try:
            entries.append(AuditEntry.model_validate(doc))
        except ValidationError as exc:
            details = "；".join(
                str(p) for p in problems_from_validation(f"第 {seq} 条审计记录", exc)
            )
            raise _corrupt(path, details) from None
    if problems := verify_chain(entries):
        raise _corrupt(path, "；".join(problems))
    return entries


def _new_file(stored: _Stored) -> dict[str, dict[str, Any]]:
    return {
        "assessment": {_SINGLE_DOC: stored.assessment},
        "audit": stored.audit,
        "seal": {_SINGLE_DOC: stored.seal},
    }


def _signing_docs(audit: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    ordered = sorted(audit.items(), key=lambda kv: int(kv[0]) if kv[0].isdigit() else 0)
    return [doc for _, doc in ordered if doc.get("action") == SIGN_ACTION]


def _stamp(folder: str | Path, signed: bool = True) -> Stamp:
    return file_stamp(
        os.path.join(folder, RECORD_FILE),
        os.path.join(folder, SIGNED_DIR, SIGNED_JSON) if signed else None,
        os.path.join(folder, JOURNAL_FILE),
    )


def _evidence_name(source: Path, folder: Path) -> str:
    # Keep the original name readable (Chinese included) but free of anything a file system or
    # a later export could trip on; the random prefix makes it unique.
    stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in source.stem)[:40] or "file"
    suffix = source.suffix.lower() if source.suffix[1:].isalnum() else ""
    return safe_file_name(f"{uuid.uuid4().hex[:8]}-{stem}", suffix[:10], folder=folder)


class Store:
    """All assessments under one root folder.

    Thread-safe within one process (every operation holds the store's lock). One process at a
    time writes to a root: a writing store holds the folder's lock (see `folder_lock`) and
    raises FolderInUse when another process has it; only the writer cleans up what a crashed
    writer left. A read-only store (`read_only=True`, for `assessor list`) takes no lock and
    changes nothing on disk (its index stays in memory).
    """

    def __init__(
        self, root: Path, *, read_only: bool = False, journal_limit: int | None = None
    ) -> None:
        self.root = root
        self.read_only = read_only
        # A fixed journal size that triggers a compaction, instead of the size-based rule
        # (tests make it small so that crashes land inside compactions too).
        self._journal_limit = journal_limit
        self._records = root / "assessments"
        self._bin = root / "bin"
        self._lock = threading.RLock()
        # Per key, the record file as this store last wrote or fully verified it, so that an
        # autosave need not re-read and re-verify a growing audit chain it wrote itself.
        self._known: dict[str, tuple[_Identity, _Stored]] = {}
        self._index = RecordIndex(root / INDEX_FILE, writable=not read_only)
        self._unsaved_notices: dict[str, str] = {}
        if root.exists() and not root.is_dir():
            raise StoreError(f"数据文件夹 {root} 不是文件夹")
        if read_only:
            return
        with _disk(f"打开数据文件夹 {root}"):
            create_folder(root)
        self._folder_lock = hold_folder(root)  # FolderInUse when another process writes here
        with _disk(f"打开数据文件夹 {root}"):
            create_folder(self._records)
            create_folder(self._bin)
            # Leftovers of a create or purge that a crash interrupted: never acknowledged data.
            for leftover in (
                *self._records.glob(f"{_STAGING_PREFIX}*"),
                *self._bin.glob(f"{_PURGING_PREFIX}*"),
            ):
                shutil.rmtree(leftover, ignore_errors=True)

    # ---- records -------------------------------------------------------------------------

    def create(self, assessment: Assessment) -> None:
        """Store a new draft; the record appears on disk complete or not at all."""
        self._writable()
        key = record_key(assessment)
        if assessment.status is not Status.draft:
            raise StoreError("只能新建草稿状态的评估")
        doc = assessment.model_dump(mode="json")
        content = _Stored(assessment=doc, audit={}, seal=_seal(doc, {}))
        with self._lock:
            self._refuse_existing(key)
            staging = self._records / f"{_STAGING_PREFIX}{key}-{uuid.uuid4().hex}"
            with _disk(f"新建评估记录 {key}"):
                staging.mkdir()
                try:
                    record = staging / RECORD_FILE
                    self._storage(record).write(_new_file(content))
                    # The backup a damaged record file falls back on; the journal replays
                    # every save on top of it. A copy, not a link: damage to the file's
                    # blocks would reach both names of one inode.
                    copy_file_atomic(record, record.with_name(f"{RECORD_FILE}.bak"))
                    os.rename(staging, self._records / key)
                except BaseException:
                    shutil.rmtree(staging, ignore_errors=True)
                    raise
                fsync_dir(self._records)
            self._index_record(key, assessment, {})

    def exists(self, key: str) -> bool:
        """Whether a record with this key is in use: stored, or in the recycle bin."""
        return (self._records / _checked_key(key)).exists() or (self._bin / key).exists()

    def load(self, key: str) -> Assessment:
        return self.load_with_audit(key)[0]

    def audit(self, key: str) -> list[AuditEntry]:
        return self.load_with_audit(key)[1]

    def load_with_audit(self, key: str) -> tuple[Assessment, list[AuditEntry]]:
        """The assessment and its audit chain, after checking the chain and the seal."""
        with self._lock:
            _, assessment, entries = self._verified(self._record_file(key), key)
            return assessment, entries

    def save(self, assessment: Assessment, entry: AuditEntry | None) -> None:
        """Durably store `assessment` and `entry` together; sets `assessment.updated_at`.

        `entry` must continue the stored chain (see `audit.append`). A final record is frozen;
        the only save that may make a record final is the one carrying a finalise entry.
        """
        self._writable()
        key = record_key(assessment)
        with self._lock:
            path = self._record_file(key)
            stored = self._current(path, key)
            if stored.assessment.get("status") == Status.final:
                raise StoreError("该评估已定稿，不能再修改；如需更正，请新建修订版本")
            finalising = entry is not None and entry.action == FINALISE_ACTION
            if finalising != (assessment.status is Status.final):
                raise StoreError("定稿必须与一条“定稿”审计记录一同保存")
            audit = dict(stored.audit)
            entry_doc = None
            if entry is not None:
                self._check_continues(stored, entry)
                entry_doc = audit[str(entry.seq)] = entry.model_dump(mode="json")
            saved_at = now_utc()
            doc = assessment.model_copy(update={"updated_at": saved_at}).model_dump(mode="json")
            content = _Stored(assessment=doc, audit=audit, seal=_seal(doc, audit))
            line = _line(stored, content, entry_doc)
            with _disk(f"保存评估记录 {key}"):
                # A final record is read far more than written: keep it in one file.
                if finalising or self._journal_full(path, len(line)):
                    self._write_record(path, content)
                else:
                    self._append(key, path, line)
            self._remember(key, path, content)
            assessment.updated_at = saved_at
            self._index_record(key, assessment, audit)

    def list(self) -> list[RecordSummary]:
        """Every record, newest change first; broken ones last, each with its problem.

        Read from the index; only records written behind this store's back are read in full.
        """
        with self._lock:
            summaries = [_summary_of(e) for e in self._indexed(Place.records)]
        healthy = sorted(
            (s for s in summaries if not s.broken),
            key=lambda s: s.updated_at or _EPOCH,
            reverse=True,
        )
        return healthy + [s for s in summaries if s.broken]

    # ---- evidence ------------------------------------------------------------------------

    def add_evidence(self, key: str, source_path: Path, caption: str = "") -> Evidence:
        """Copy a file into the record's evidence folder; the caller attaches the result."""
        from assessor.core.assessment.model import Evidence

        self._writable()
        source = Path(source_path)
        with self._lock:
            path = self._record_file(key)
            if self._current(path, key).assessment.get("status") == Status.final:
                raise StoreError("该评估已定稿，不能再添加证据")
            if not source.is_file():
                raise StoreError(f"找不到证据文件：{source}")
            folder = path.parent / EVIDENCE_DIR
            with _disk(f"复制证据文件 {source}"):
                create_folder(folder)
                remove_stale_temps(folder)
                name = _evidence_name(source, folder)
                sha256 = copy_file_atomic(source, folder / name)
        return Evidence(
            file=f"{EVIDENCE_DIR}/{name}", sha256=sha256, caption=caption, added_at=now_utc()
        )

    def put_evidence(self, key: str, evidence: Evidence, data: bytes) -> None:
        """Write a file another laptop attached (a team member's part) under the name and
        hash it was attached with, so the merged record names it exactly as the part did."""
        self._writable()
        if sha256_hex(data) != evidence.sha256:
            raise StoreError(f"证据文件内容与其 SHA-256 不符：{evidence.file}")
        target = self.evidence_path(key, evidence)
        with self._lock, _disk(f"保存证据文件 {evidence.file}"):
            create_folder(target.parent)
            if not (target.is_file() and sha256_hex(target.read_bytes()) == evidence.sha256):
                atomic_write_bytes(target, data)

    def team_folder(self, key: str) -> Path:
        """Where a team leader's record keeps the members' parts it received."""
        return self._records / _checked_key(key) / TEAM_DIR

    def evidence_path(self, key: str, evidence: Evidence) -> Path:
        """Where an attached file lives; refuses paths that lead outside the record's folder."""
        folder = (self._records / _checked_key(key)).resolve()
        path = (folder / evidence.file).resolve()
        if not path.is_relative_to(folder / EVIDENCE_DIR):
            raise StoreError(f"证据文件路径不在评估记录的证据文件夹内：{evidence.file}")
        return path

    # ---- signed exports ------------------------------------------------------------------

    def record_signing(
        self,
        key: str,
        json_bytes: bytes,
        pdf_bytes: bytes,
        *,
        training: bool,
        signed_at: datetime,
    ) -> Signing:
        """Keep the signed files of a final record and write the signing into its audit chain."""
        from assessor.core.assessment.model import Assessment
        from assessor.core.audit import append

        self._writable()
        with self._lock:
            path = self._record_file(key)
            stored, _, entries = self._verified(path, key)
            if stored.assessment.get("status") != Status.final:
                raise StoreError("只有已定稿的评估才能签名")
            signings = self._signings(path.parent, entries)
            if any(not s.training for s in signings):
                raise StoreError("该版本已经签名，每个版本只签名一次；如需更正，请新建修订版本")
            if training and signings:
                raise StoreError("该版本已用培训密钥签名；只能再用正式密钥签名一次")
            folder = path.parent / SIGNED_DIR / str(len(signings) + 1)
            sha256 = sha256_hex(json_bytes)
            entry = append(
                entries,
                SIGN_ACTION,
                new={"sha256": sha256, "training": training, "folder": folder.name},
                at=signed_at,
            )
            audit = {**stored.audit, str(entry.seq): entry.model_dump(mode="json")}
            content = _Stored(stored.assessment, audit, _seal(stored.assessment, audit))
            with _disk(f"保存签名文件 {key}"):
                if folder.exists():  # files of a signing that never reached the chain
                    shutil.rmtree(folder)
                create_folder(folder)
                atomic_write_bytes(folder / SIGNED_PDF, pdf_bytes)
                atomic_write_bytes(folder / SIGNED_JSON, json_bytes)
                self._write_record(path, content)
            self._remember(key, path, content)
            self._index_record(key, Assessment.model_validate(stored.assessment), audit)
            return Signing(sha256, training, signed_at, folder)

    def record_cosigning(
        self, key: str, json_bytes: bytes, pdf_bytes: bytes, *, signed_at: datetime, by: str
    ) -> Signing:
        """Keep the files of the current signing with one more team member's signature (`by`,
        their assessor id) in a new signing folder; the earlier files stay where they were."""
        from assessor.core.assessment.model import Assessment
        from assessor.core.audit import append

        self._writable()
        with self._lock:
            path = self._record_file(key)
            stored, _, entries = self._verified(path, key)
            signings = self._signings(path.parent, entries)
            current = current_signing(signings)
            if current is None:
                raise StoreError("该版本尚未签名，不能共同签名")
            folder = path.parent / SIGNED_DIR / str(len(signings) + 1)
            sha256 = sha256_hex(json_bytes)
            entry = append(
                entries,
                COSIGN_ACTION,
                old=current.sha256,
                new={"sha256": sha256, "training": current.training, "folder": folder.name},
                at=signed_at,
                reason=by,
            )
            audit = {**stored.audit, str(entry.seq): entry.model_dump(mode="json")}
            content = _Stored(stored.assessment, audit, _seal(stored.assessment, audit))
            with _disk(f"保存签名文件 {key}"):
                if folder.exists():
                    shutil.rmtree(folder)
                create_folder(folder)
                atomic_write_bytes(folder / SIGNED_PDF, pdf_bytes)
                atomic_write_bytes(folder / SIGNED_JSON, json_bytes)
                self._write_record(path, content)
            self._remember(key, path, content)
            self._index_record(key, Assessment.model_validate(stored.assessment), audit)
            return Signing(sha256, current.training, signed_at, folder)

    def compact(self, key: str) -> None:
        """Fold the record's journal into its record file (e.g. when the assessment is
        closed), so that the next load reads one file and replays nothing."""
        self._writable()
        with self._lock:
            path = self._record_file(key)
            stored = self._current(path, key)
            if not (path.parent / JOURNAL_FILE).exists():
                return
            with _disk(f"保存评估记录 {key}"):
                self._write_record(path, stored)
            self._remember(key, path, stored)

    def signing_state(self, key: str) -> SigningState:
        """Whether a record was signed and whether only with the training key."""
        with self._lock:
            stored = self._current(self._record_file(key), key)
            return self._signing_state(self._records / key, stored.audit)

    def remember_overviews(self, computed: list[tuple[RecordSummary, Overview]]) -> None:
        """Keep progress and grade computed for listed records, unless they changed since."""
        with self._lock:
            updates = []
            for summary, overview in computed:
                entry = self._index.get(Place.records, summary.key)
                if entry is not None and entry.stamp == summary.stamp:
                    updates.append(replace(entry, overview=overview))
            self._index.put(*updates)
            self._index.flush()

    def signings(self, key: str) -> list[Signing]:
        """Every signing of a record, oldest first."""
        with self._lock:
            path = self._record_file(key)
            _, _, entries = self._verified(path, key)
            return self._signings(path.parent, entries)

    def signed_json(self, key: str) -> bytes | None:
        """The signed JSON that stands for a record (see `current_signing`), or None."""
        signing = current_signing(self.signings(key))
        if signing is None:
            return None
        with _disk(f"读取签名文件 {key}"):
            return signing.json_path.read_bytes()

    @staticmethod
    def _signings(folder: Path, entries: list[AuditEntry]) -> list[Signing]:
        signings = [
            Signing(e.new["sha256"], e.new["training"], e.at, folder / SIGNED_DIR / e.new["folder"])
            for e in entries
            if e.action in (SIGN_ACTION, COSIGN_ACTION) and isinstance(e.new, dict)
        ]
        legacy = folder / SIGNED_DIR / SIGNED_JSON
        if not signings and legacy.is_file():
            raw = legacy.read_bytes()
            try:
                training = bool(parse_json_object(raw, str(legacy)).get("training"))
            except InputRejected:
                training = False
            moment = datetime.fromtimestamp(legacy.stat().st_mtime, UTC)
            signings = [Signing(sha256_hex(raw), training, moment, legacy.parent)]
        return signings

    # ---- recycle bin ---------------------------------------------------------------------

    def delete(self, key: str) -> None:
        """Move a record, evidence included, to the recycle bin."""
        self._writable()
        with self._lock:
            source = self._records / _checked_key(key)
            target = self._bin / key
            if not source.is_dir():
                raise StoreError(f"评估记录 {key} 不存在")
            if target.exists():
                raise StoreError(f"回收站中已有评估记录 {key}，请先将其彻底删除")
            note = {"key": key, "deleted_at": now_utc().isoformat(), "from": f"assessments/{key}"}
            with _disk(f"删除评估记录 {key}"):
                # Written before the move: a crash in between leaves a harmless note in a live
                # record rather than a bin entry that cannot say when it was deleted.
                atomic_write_bytes(
                    source / DELETED_FILE, json.dumps(note, ensure_ascii=False).encode("utf-8")
                )
                os.rename(source, target)
                fsync_dir(self._records)
                fsync_dir(self._bin)
            self._known.pop(key, None)
            self._move_entry(key, Place.records, Place.bin, target)

    def bin_list(self) -> list[BinEntry]:
        with self._lock:
            entries = [BinEntry(_summary_of(e), e.deleted_at) for e in self._indexed(Place.bin)]
        return sorted(entries, key=lambda e: e.deleted_at or _EPOCH, reverse=True)

    def restore(self, key: str) -> None:
        self._writable()
        with self._lock:
            source = self._bin / _checked_key(key)
            target = self._records / key
            if not source.is_dir():
                raise StoreError(f"回收站中没有评估记录 {key}")
            if target.exists():
                raise StoreError(f"已存在评估记录 {key}，不能从回收站恢复；请先处理现有记录")
            with _disk(f"恢复评估记录 {key}"):
                os.rename(source, target)
                fsync_dir(self._bin)
                fsync_dir(self._records)
                (target / DELETED_FILE).unlink(missing_ok=True)
            self._move_entry(key, Place.bin, Place.records, target)

    def purge(self, key: str) -> None:
        """Delete a record from the recycle bin forever."""
        self._writable()
        with self._lock:
            source = self._bin / _checked_key(key)
            if not source.is_dir():
                raise StoreError(f"回收站中没有评估记录 {key}")
            doomed = self._bin / f"{_PURGING_PREFIX}{key}-{uuid.uuid4().hex}"
            with _disk(f"彻底删除评估记录 {key}"):
                # Renamed first so an interrupted removal never looks like a damaged record.
                os.rename(source, doomed)
                fsync_dir(self._bin)
                self._index.drop(Place.bin, key)
                shutil.rmtree(doomed)

    # ---- internals -----------------------------------------------------------------------

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError(f"数据文件夹 {self.root} 以只读方式打开，不能修改")

    def _storage(self, path: Path) -> AtomicJSONStorage:
        # TinyDB fixes the file format; whole-file reads and writes go through its storage so
        # that the assessment, the audit chain and the seal change in one atomic write.
        with _disk(f"打开评估记录文件 {path}"):
            return TinyDB(path, storage=AtomicJSONStorage, writer=not self.read_only).storage

    def _record_file(self, key: str) -> Path:
        return self._records / _checked_key(key) / RECORD_FILE

    def _read(self, path: Path, key: str) -> tuple[dict[str, dict[str, Any]], Recovery | None]:
        """The record file's tables, and how they were recovered from its backup, if so."""
        with _disk(f"读取评估记录文件 {path}"):
            storage = self._storage(path)
            raw = storage.read()
        if raw is None:
            raise StoreError(f"评估记录 {key} 不存在")
        return raw, storage.recovered

    def _load(self, path: Path, key: str) -> _Stored:
        """The record as last saved: its file, checked against its seal, and its journal."""
        attempts = _READER_ATTEMPTS if self.read_only else 1
        for attempt in range(1, attempts + 1):
            raw, recovered = self._read(path, key)
            base = _stored(path, raw)
            try:
                stored, journal = self._replay(path, base)
            except _JournalGap:
                if attempt < attempts:
                    continue
                raise _corrupt(
                    path.parent / JOURNAL_FILE, "日志与评估记录文件不衔接（其中一个被替换或改动过）"
                ) from None
            break
        if recovered is not None:
            self._notify(key, path.parent, notice_for(key, recovered, _new_file(stored)))
        if journal.torn is not None:
            self._drop_torn_tail(key, path.parent, journal, stored)
        return stored

    def _replay(self, path: Path, base: _Stored) -> tuple[_Stored, JournalRead]:
        """`base` with the journal lines that follow it, and the journal as read."""
        with _disk(f"读取评估记录日志 {path.parent / JOURNAL_FILE}"):
            journal = read_journal(path.parent / JOURNAL_FILE)
            lines = unapplied(journal.lines, base.seal, base.audit)
            if lines is None:
                # The record file is one compaction older than the journal (restored from its
                # backup): the previous journal bridges the two.
                previous = read_journal(path.parent / PREVIOUS_FILE)
                lines = unapplied(previous.lines + journal.lines, base.seal, base.audit)
        if lines is None:
            raise _JournalGap
        return _replayed(path, base, lines), journal

    def _notify(self, key: str, folder: Path, notice: RecoveryNotice) -> None:
        with _disk(f"保存恢复说明 {key}"):
            record_notice(folder, notice)
        # A reader repairs nothing and keeps no notice file: it shows this one itself.
        self._unsaved_notices[key] = notice.text()

    def _drop_torn_tail(
        self, key: str, folder: Path, journal: JournalRead, stored: _Stored
    ) -> None:
        """Cut a crash's half-written last line from the journal, keeping a copy and a notice.

        That save was never acknowledged. A reader leaves it alone: it is most likely an
        append still in flight, and the writer deals with it if it stays torn."""
        if self.read_only:
            return
        path = folder / JOURNAL_FILE
        kept, damaged_at = corrupt_name(path), modified_at(path)
        with _disk(f"修复评估记录日志 {path}"):
            cut_torn_tail(path, journal, kept)
        recovery = Recovery(journal.torn or "", kept, damaged_at)
        self._notify(key, folder, notice_for(key, recovery, _new_file(stored), "journal"))

    def _journal_full(self, path: Path, extra: int) -> bool:
        """Whether appending `extra` bytes would make the journal due for a compaction."""
        limit = self._journal_limit
        if limit is None:
            limit = max(_JOURNAL_FLOOR_BYTES, _JOURNAL_FACTOR * _file_size(path))
        return _file_size(path.parent / JOURNAL_FILE) + extra > limit

    def _append(self, key: str, path: Path, line: bytes) -> None:
        try:
            append_line(path.parent / JOURNAL_FILE, line)
        except BaseException:
            # Whatever reached the file, the next operation reads it again in full.
            self._known.pop(key, None)
            raise

    def _write_record(self, path: Path, content: _Stored) -> None:
        """Rewrite the record file with everything in it, then start a new journal. A crash in
        between leaves lines the record already holds, which a replay skips."""
        self._storage(path).write(_new_file(content))
        set_aside(path.parent)

    def dismiss_recovery_notice(self, key: str) -> None:
        """The person has seen the notice: stop showing it."""
        self._writable()
        with self._lock, _disk(f"删除恢复说明 {key}"):
            folder = self._records / _checked_key(key)
            (folder / NOTICE_FILE).unlink(missing_ok=True)
            fsync_dir(folder)
            entry = self._index.get(Place.records, key)
            if entry is not None:
                self._index.put(replace(entry, recovery=None))

    def _verified(self, path: Path, key: str) -> tuple[_Stored, Assessment, list[AuditEntry]]:
        """Read the record and check all of it: seal, assessment and every audit entry."""
        stored = self._load(path, key)
        assessment = _assessment(path, key, stored.assessment)
        entries = _audit_entries(path, stored.audit)
        self._remember(key, path, stored)
        return stored, assessment, entries

    def _current(self, path: Path, key: str) -> _Stored:
        """The stored record, fully verified again if anything else has touched the file."""
        known = self._known.get(key)
        if known is not None and known[0] == _identity(path):
            return known[1]
        return self._verified(path, key)[0]

    def _remember(self, key: str, path: Path, stored: _Stored) -> None:
        identity = _identity(path)
        if identity is None:
            self._known.pop(key, None)
        else:
            self._known[key] = (identity, stored)

    def _refuse_existing(self, key: str) -> None:
        if (self._records / key).exists():
            raise StoreError(f"评估记录 {key} 已存在")
        if (self._bin / key).exists():
            raise StoreError(f"回收站中已有评估记录 {key}，请先恢复或彻底删除")

    @staticmethod
    def _check_continues(stored: _Stored, entry: AuditEntry) -> None:
        from assessor.core.audit import entry_hash

        if entry.seq != stored.seal["audit_length"] + 1 or entry.prev != stored.seal["audit_head"]:
            raise StoreError(
                "审计记录与已保存的记录不衔接（可能在别处修改过本评估），请重新打开该评估"
            )
        if entry.hash != entry_hash(entry):
            raise StoreError("审计记录的哈希值与内容不符")

    # ---- the index -----------------------------------------------------------------------

    def _indexed(self, place: Place) -> list[IndexEntry]:
        """The index entries of every folder in `place`, re-read where a record changed."""
        parent = self._records if place is Place.records else self._bin
        # Plain strings and os.scandir: with hundreds of records, pathlib's object creation
        # costs more than the stat calls themselves.
        if not parent.exists():  # a reader on a folder no writer has set up yet
            return []
        with _disk(f"读取文件夹 {parent}"), os.scandir(parent) as listing:
            names = sorted(e.name for e in listing if e.is_dir() and _KEY.fullmatch(e.name))
        self._index.keep_only(place, set(names))
        entries, fresh = [], []
        for name in names:
            folder = os.path.join(parent, name)
            entry = self._index.get(place, name)
            # A draft cannot hold signed files, so its record file alone is stamped.
            draft = entry is not None and entry.status is Status.draft
            stamp = _stamp(folder, signed=not draft)
            if entry is None or entry.stamp != stamp:
                entry = self._read_entry(place, Path(folder), stamp)
                fresh.append(entry)
            entries.append(entry)
        self._index.put(*fresh)
        self._index.flush()
        return entries

    def _read_entry(self, place: Place, folder: Path, stamp: Stamp) -> IndexEntry:
        key = folder.name
        path = folder / RECORD_FILE
        deleted_at = self._deleted_at(folder) if place is Place.bin else None
        from pydantic import ValidationError

        try:
            stored = self._load(path, key)
            assessment = _assessment(path, key, stored.assessment)
            signing = self._signing_state(folder, stored.audit)
            recovery = self._unsaved_notices.pop(key, None) or read_notice(folder)
        except StorageError as exc:
            problem = str(exc)
        except OSError as exc:
            problem = os_error_text(exc)
        except ValidationError:
            problem = f"评估记录文件 {path} 已损坏或被改动：签名记录格式不正确"
        else:
            entry = self._entry(place, folder, assessment, signing, stamp, deleted_at)
            return replace(entry, recovery=recovery)
        return IndexEntry(key=key, place=place, stamp=stamp, problem=problem, deleted_at=deleted_at)

    def _entry(
        self,
        place: Place,
        folder: Path,
        assessment: Assessment,
        signing: SigningState,
        stamp: Stamp,
        deleted_at: datetime | None = None,
    ) -> IndexEntry:
        return IndexEntry(
            key=folder.name,
            place=place,
            stamp=stamp,
            status=assessment.status,
            centre_name=assessment.centre.name,
            uscc=assessment.centre.uscc,
            address=assessment.centre.address,
            visit_date=assessment.visit.date,
            updated_at=assessment.updated_at,
            training=assessment.training,
            signed=signing.signed,
            training_signed=signing.training,
            deleted_at=deleted_at,
        )

    def _index_record(
        self, key: str, assessment: Assessment, audit: dict[str, dict[str, Any]]
    ) -> None:
        folder = self._records / key
        signing = self._signing_state(folder, audit)
        self._index.put(self._entry(Place.records, folder, assessment, signing, _stamp(folder)))

    def _move_entry(self, key: str, source: Place, target: Place, folder: Path) -> None:
        entry = self._index.get(source, key)
        self._index.drop(source, key)
        if entry is not None and entry.problem is None:
            deleted_at = self._deleted_at(folder) if target is Place.bin else None
            self._index.put(
                replace(entry, place=target, stamp=_stamp(folder), deleted_at=deleted_at)
            )

    def _signing_state(self, folder: Path, audit: dict[str, dict[str, Any]]) -> SigningState:
        """The one place that reads "signed" and "training-signed": from the signing entries
        of the record's audit chain (or a pair kept before signings were recorded there).
        Raises ValidationError for a malformed signing entry."""
        from assessor.core.audit import AuditEntry

        entries = [AuditEntry.model_validate(d) for d in _signing_docs(audit)]
        signings = self._signings(folder, entries)
        return SigningState(
            signed=bool(signings), training=bool(signings) and all(s.training for s in signings)
        )

    @staticmethod
    def _deleted_at(folder: Path) -> datetime | None:
        try:
            note = read_json_file(folder / DELETED_FILE, _MAX_NOTE_BYTES)
            return datetime.fromisoformat(note["deleted_at"])
        except (InputRejected, ValueError, KeyError, TypeError):
            return None
