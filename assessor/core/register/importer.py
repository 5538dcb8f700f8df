"""`register import`: every input file ends in the register or in quarantine, exactly once.

How a run goes:
1. The batch is logged first (who, when, the paths, the options) and committed, so a run that
   dies leaves an unfinished batch behind. A later run with the same paths and options (same
   `fingerprint`) resumes that batch: the inputs it already logged are not processed again.
2. Inputs are walked in a fixed order (`sources.walk`), read within limits and checked
   (`check.check`; in worker processes when there are many) in chunks of `chunk_size`.
3. Each chunk is one transaction: the stored file, its document, dimension and score rows,
   flags, conflicts and one `batch_inputs` line per input commit together. Quarantine copies
   are written just before, named by content, so a rerun finds them there.
4. The batch is closed with its counts. Counts come from `batch_inputs` (`summary.py`).

Deciding what a verified file is, in order: same bytes already stored → duplicate; same
assessment id and version, other bytes → conflict (stored, not current; the first stays current
until a person resolves it); otherwise registered (version > 1: counted as an amendment), and
current when it is the newest version of its assessment. A version whose predecessor is not in
the register is flagged `chain_gap` (the flag goes when the predecessor arrives); two current
assessments of one centre (USCC) in one cycle are both flagged `same_centre_in_cycle`; a file
signed before its certificate's revocation is flagged `signed_before_revocation` (once per
revoked signer of a co-signed file); a file signed by fewer team members than the register's
minimum team size (`settings.py`; a one-signer file is a team of one) is flagged
`team_too_small`; a centre's objections or refusal to sign open `centre_objection`.

`dry_run` does all of this inside one transaction that is rolled back, writes no quarantine
copies, and uses an in-memory database when the register does not exist yet.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import sqlite3
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from assessor.core.clock import now_utc
from assessor.core.problems import UserError
from assessor.core.register import db, flags
from assessor.core.register.check import Candidate, CheckContext, check, trust_pems
from assessor.core.register.quarantine import sync_folder, write_quarantine
from assessor.core.register.ranking import outranks
from assessor.core.register.row_values import insert_rows
from assessor.core.register.rows import (
    BatchInputRow,
    BatchRow,
    ConflictRow,
    DimensionRow,
    DocumentRow,
    FileRow,
    FlagKind,
    Outcome,
    QuarantineRow,
    Reason,
    ResponsibilityRow,
    RevocationRow,
    ScoreRow,
    SignerRow,
)
from assessor.core.register.settings import Settings, read_settings
from assessor.core.register.sources import Limits, Rejection, Source, walk
from assessor.core.register.summary import Summary, batch_summary
from assessor.core.register.worker_life import watch_parent
from assessor.core.signing.revocation import Revoked
from assessor.core.signing.training import training_ca

log = logging.getLogger(__name__)

CHUNK_SIZE = 200
CHUNK_BYTES = 64 * 1024 * 1024
PARALLEL_FROM = CHUNK_SIZE
"""Worker processes start only for a chunk of at least this many inputs: for fewer, their
start-up (importing pyHanko, about a second) costs more than they save."""


@dataclass(frozen=True)
class ImportOptions:
    trust_pems: tuple[bytes, ...]
    allow_training: bool = False
    rubric_paths: tuple[str, ...] = ()
    crl_revocations: tuple[Revoked, ...] = ()
    cycle_start: tuple[int, int] = (1, 1)
    who: str = ""
    dry_run: bool = False
    limits: Limits = field(default_factory=Limits)
    workers: int = 1
    chunk_size: int = CHUNK_SIZE
    parallel_from: int = PARALLEL_FROM

    def fingerprint(self, paths: list[Path]) -> str:
        """Same paths and options → same batch (a rerun resumes it)."""
        data = {
            "paths": [str(p.resolve()) for p in paths],
            "trust": sorted(hashlib.sha256(p).hexdigest() for p in self.trust_pems),
            "training": self.allow_training,
            "rubrics": list(self.rubric_paths),
            "crls": sorted(
                [r.issuer, r.serial, r.revoked_at.isoformat()] for r in self.crl_revocations
            ),
            "cycle": list(self.cycle_start),
            "limits": [getattr(self.limits, f) for f in self.limits.__dataclass_fields__],
        }
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()

    def described(self) -> str:
        return json.dumps(
            {
                "trust_roots": [hashlib.sha256(p).hexdigest() for p in self.trust_pems],
                "allow_training": self.allow_training,
                "rubrics": list(self.rubric_paths),
                "crl_entries": len(self.crl_revocations),
                "cycle_start": "{:02d}-{:02d}".format(*self.cycle_start),
            },
            ensure_ascii=False,
        )


Progress = Callable[[Summary], None]


@dataclass(frozen=True)
class _Checking:
    """A chunk whose checks are under way; `verdicts` waits for them."""

    pending: list[tuple[int, Source]]
    verdicts: Callable[[], list[Candidate | Rejection]]


def run_import(
    register: Path,
    paths: list[Path],
    options: ImportOptions,
    *,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Summary:
    """Import `paths` into the register folder `register` and return the batch's summary.

    `progress` is called after every committed chunk with the counts so far (for a GUI: from
    the worker thread); `cancelled` is asked between chunks. A cancelled batch stays unfinished
    (`complete=False`) and the next import with the same paths and options completes it.
    """
    conn = _open(register, options.dry_run)
    try:
        if options.dry_run:
            conn.execute("BEGIN IMMEDIATE")
        return _Run(conn, register, paths, options, progress, cancelled).run()
    except sqlite3.Error as exc:
        raise UserError(
            f"写入登记库失败：{exc}。已提交的部分完好保留，排除问题后再次运行同一导入即可接着完成。"
        ) from exc
    finally:
        if options.dry_run and conn.in_transaction:
            conn.execute("ROLLBACK")
        conn.close()


def _open(register: Path, dry_run: bool) -> sqlite3.Connection:
    if dry_run and not db.db_path(register).exists():
        return db.connect_memory()
    return db.connect(register, create=not dry_run)


class _Run:
    def __init__(
        self,
        conn: sqlite3.Connection,
        register: Path,
        paths: list[Path],
        options: ImportOptions,
        progress: Progress | None,
        cancelled: Callable[[], bool] | None,
    ) -> None:
        self.conn = conn
        self.register = register
        self.paths = paths
        self.options = options
        self.progress = progress
        self.cancelled = cancelled or (lambda: False)
        self.pool: ProcessPoolExecutor | None = None
        self.pool_failed = False
        self.settings: Settings = read_settings(conn)

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        if self.options.dry_run:  # everything runs inside the one transaction rolled back
            yield
            return
        with db.transaction(self.conn):
            yield

    # ---- the batch ----------------------------------------------------------------------

    def run(self) -> Summary:
        batch_id, resumed = self._start_batch()
        context = self._context(batch_id)
        done = {
            seq
            for (seq,) in self.conn.execute(
                "SELECT seq FROM batch_inputs WHERE batch_id = ?", (batch_id,)
            )
        }
        walked = walk(self.paths, self.options.limits)
        numbered = enumerate(walked.sources)
        total = 0
        waiting: _Checking | None = None  # checked in workers while the chunk before commits
        try:
            while True:
                chunk = _take_chunk(numbered, self.options.chunk_size)
                total += len(chunk)
                pending = [(seq, source) for seq, source in chunk if seq not in done]
                checking = self._check(pending, context) if pending else None
                if waiting is not None:
                    self._commit_chunk(batch_id, waiting.pending, waiting.verdicts())
                    if self.progress:
                        self.progress(self._summary(batch_id, walked.skipped_counts(), resumed))
                    if self.cancelled():
                        return self._summary(batch_id, walked.skipped_counts(), resumed)
                if not chunk:
                    break
                waiting = checking
        finally:
            if self.pool is not None:
                self.pool.shutdown(cancel_futures=True)
        summary = self._finish(batch_id, walked.skipped_counts(), resumed)
        assert summary.inputs == total, f"{total} inputs walked, {summary.inputs} logged"
        return summary

    def _start_batch(self) -> tuple[int, bool]:
        fingerprint = self.options.fingerprint(self.paths)
        with self._transaction():
            row = self.conn.execute(
                "SELECT id FROM batches WHERE fingerprint = ? AND finished_at IS NULL "
                "ORDER BY id DESC LIMIT 1",
                (fingerprint,),
            ).fetchone()
            if row is not None:
                return int(row[0]), True
            batch = BatchRow(
                started_at=now_utc(),
                who=self.options.who,
                inputs=[str(p) for p in self.paths],
                fingerprint=fingerprint,
                options=self.options.described(),
            )
            batch_id = db.insert(self.conn, batch)
            for revoked in self.options.crl_revocations:
                db.insert(
                    self.conn,
                    RevocationRow(
                        issuer=revoked.issuer,
                        serial=revoked.serial,
                        revoked_at=revoked.revoked_at,
                        reason=revoked.reason,
                        learnt_batch_id=batch_id,
                    ),
                    or_ignore=True,
                )
            return batch_id, False

    def _context(self, batch_id: int) -> CheckContext:
        """Every revocation the register knows applies to new files (never to stored ones)."""
        revoked = tuple(
            Revoked(
                r["issuer"], r["serial"], RevocationRow.from_db(dict(r)).revoked_at, r["reason"]
            )
            for r in self.conn.execute(
                "SELECT * FROM revocations WHERE learnt_batch_id <= ? ORDER BY issuer, serial",
                (batch_id,),
            )
        )
        # The training CA is always known, so that a training file is refused as training (and
        # accepted with allow_training) rather than as signed by an unknown CA.
        training = trust_pems([training_ca()])
        return CheckContext(
            trust_pems=tuple(dict.fromkeys(self.options.trust_pems + training)),
            allow_training=self.options.allow_training,
            rubric_paths=self.options.rubric_paths,
            revoked=revoked,
            cycle_start=self.options.cycle_start,
        )

    def _finish(self, batch_id: int, skipped: dict[str, int], resumed: bool) -> Summary:
        with self._transaction():
            summary = self._summary(batch_id, skipped, resumed, complete=True)
            self.conn.execute(
                "UPDATE batches SET finished_at = ?, counts = ? WHERE id = ?",
                (_utc_text(), _counts_json(summary), batch_id),
            )
        return summary

    def _summary(
        self, batch_id: int, skipped: dict[str, int], resumed: bool, *, complete: bool = False
    ) -> Summary:
        return batch_summary(
            self.conn,
            batch_id,
            skipped=sum(skipped.values()),
            skipped_reasons=skipped,
            complete=complete,
            resumed=resumed,
            dry_run=self.options.dry_run,
        )

    # ---- one chunk ----------------------------------------------------------------------

    def _check(self, pending: list[tuple[int, Source]], context: CheckContext) -> _Checking:
        """Start checking a chunk: in worker processes for big imports, else here and now."""
        jobs = [s.data for _, s in pending]

        def here() -> list[Candidate | Rejection]:
            return [_check_one(data, context) for data in jobs]

        parallel = self.pool is not None or len(jobs) >= self.options.parallel_from
        if self.options.workers < 2 or not parallel or self.pool_failed:
            done = here()
            return _Checking(pending, lambda: done)
        try:
            if self.pool is None:
                self.pool = ProcessPoolExecutor(
                    self.options.workers,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_set_worker_context,
                    initargs=(context, os.getpid()),
                )
            results = self.pool.map(_check_in_worker, jobs, chunksize=8)
        except (OSError, BrokenProcessPool):
            return self._without_pool(pending, here)

        def wait() -> list[Candidate | Rejection]:
            try:
                return list(results)
            except BrokenProcessPool:
                return self._without_pool(pending, here).verdicts()

        return _Checking(pending, wait)

    def _without_pool(
        self, pending: list[tuple[int, Source]], here: Callable[[], list[Candidate | Rejection]]
    ) -> _Checking:
        """Workers could not start or died (a frozen app without freeze_support, no memory):
        the import goes on in this process, slower but complete."""
        log.warning("register import: worker processes failed; checking in-process", exc_info=True)
        self.pool_failed = True
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None
        done = here()
        return _Checking(pending, lambda: done)

    def _commit_chunk(
        self,
        batch_id: int,
        pending: list[tuple[int, Source]],
        verdicts: list[Candidate | Rejection],
    ) -> None:
        stored: dict[int, str | None] = {}
        for (seq, source), verdict in zip(pending, verdicts, strict=True):
            if isinstance(verdict, Rejection) and not self.options.dry_run:
                raw = source.data if isinstance(source.data, bytes) else None
                stored[seq] = write_quarantine(self.register, batch_id, source.name, raw, verdict)
        if stored:
            sync_folder(self.register)
        with self._transaction():
            # Another process resuming the same batch may have logged some of them meanwhile.
            logged = {
                seq
                for (seq,) in self.conn.execute(
                    "SELECT seq FROM batch_inputs WHERE batch_id = ? AND seq BETWEEN ? AND ?",
                    (batch_id, pending[0][0], pending[-1][0]),
                )
            }
            lines: list[tuple[object, ...]] = []
            for (seq, source), verdict in zip(pending, verdicts, strict=True):
                if seq in logged:
                    continue
                raw = source.data if isinstance(source.data, bytes) else None
                if isinstance(verdict, Candidate):
                    sha = verdict.sha256  # the worker hashed the same bytes
                else:
                    sha = hashlib.sha256(raw).hexdigest() if raw is not None else None
                if isinstance(verdict, Rejection):
                    db.insert(
                        self.conn,
                        QuarantineRow(
                            batch_id=batch_id,
                            seq=seq,
                            original_path=source.name,
                            stored_copy=stored.get(seq),
                            reason_code=verdict.code,
                            reason=verdict.message,
                        ),
                    )
                    line = (Outcome.quarantined.value, Reason(verdict.code).value, verdict.message)
                else:
                    outcome, note = self._place(batch_id, verdict)
                    line = (outcome.value, None, note)
                lines.append((batch_id, seq, source.name, sha, *line))
            insert_rows(self.conn, BatchInputRow, lines)

    # ---- deciding what a verified file is ------------------------------------------------

    def _place(self, batch_id: int, c: Candidate) -> tuple[Outcome, str]:
        conn = self.conn
        if conn.execute("SELECT 1 FROM documents WHERE sha256 = ?", (c.sha256,)).fetchone():
            return Outcome.duplicate, ""
        ident, version = c.document["assessment_id"], c.document["version"]
        first = conn.execute(
            # The one that counts: never a file already kept as a conflict.
            "SELECT sha256 FROM documents WHERE assessment_id = ? AND version = ? "
            "AND sha256 NOT IN (SELECT other_sha256 FROM conflicts) ORDER BY rowid LIMIT 1",
            (ident, version),
        ).fetchone()
        if first is not None and outranks(c, conn, first[0]):
            return self._replace_training(batch_id, c, first[0])
        if first is not None:
            self._store(batch_id, c, current=False)
            db.insert(
                conn,
                ConflictRow(
                    assessment_id=ident,
                    version=version,
                    current_sha256=first[0],
                    other_sha256=c.sha256,
                    batch_id=batch_id,
                ),
            )
            self._conflict_flag(batch_id, ident, first[0], c.sha256)
            return (
                Outcome.conflict,
                "与已登记的同一评估同一版本内容不同，先登记的版本保持有效，待人工处理",
            )
        newest = conn.execute(
            "SELECT sha256, version FROM documents WHERE assessment_id = ? AND current = 1",
            (ident,),
        ).fetchone()
        current = newest is None or version > newest[1]
        if current and newest is not None:
            conn.execute("UPDATE documents SET current = 0 WHERE sha256 = ?", (newest[0],))
            flags.close_superseded(conn, newest[0], f"已被第 {version} 版取代")
        self._store(batch_id, c, current=current)
        self._new_version_flags(batch_id, c, current)
        return (Outcome.amendment if version > 1 else Outcome.registered), ""

    def _new_version_flags(self, batch_id: int, c: Candidate, current: bool) -> None:
        self._chain_flags(batch_id, c)
        if current:
            self._same_centre_flags(batch_id, c)
        for serial, revoked_at in c.revocations:
            self._flag(
                batch_id,
                c,
                FlagKind.signed_before_revocation,
                serial,
                f"签名证书（序列号 {serial}）已于 "
                f"{revoked_at:%Y-%m-%d %H:%M:%S} UTC 吊销；文件声明的签名时间更早，需人工核实",
            )
        self._team_flags(batch_id, c)

    def _team_flags(self, batch_id: int, c: Candidate) -> None:
        signed = len(c.signers)
        least = self.settings.min_team_size
        if signed < least:
            one = "单人签名的文件即一人评估组；" if signed == 1 else ""
            self._flag(
                batch_id,
                c,
                FlagKind.team_too_small,
                str(least),
                f"{one}签名的评估组成员 {signed} 人，少于规定的最少 {least} 人",
            )
        if c.objections:
            self._flag(batch_id, c, FlagKind.centre_objection, "", c.objections)

    def _replace_training(self, batch_id: int, c: Candidate, training: str) -> tuple[Outcome, str]:
        """An official file arrives after a training file of the same assessment id and
        version: the official one takes the training one's place, which stays as the conflict."""
        conn, ident = self.conn, c.document["assessment_id"]
        (was_current,) = conn.execute(
            "SELECT current FROM documents WHERE sha256 = ?", (training,)
        ).fetchone()
        conn.execute("UPDATE documents SET current = 0 WHERE sha256 = ?", (training,))
        flags.close_superseded(
            conn, training, "同一评估同一版本的正式文件已登记，培训/样例文件让位"
        )
        self._store(batch_id, c, current=bool(was_current))
        conn.execute(
            "UPDATE conflicts SET current_sha256 = ? WHERE current_sha256 = ?", (c.sha256, training)
        )
        db.insert(
            conn,
            ConflictRow(
                assessment_id=ident,
                version=c.document["version"],
                current_sha256=c.sha256,
                other_sha256=training,
                batch_id=batch_id,
            ),
        )
        self._new_version_flags(batch_id, c, bool(was_current))
        self._conflict_flag(batch_id, ident, c.sha256, training)
        outcome = Outcome.amendment if c.document["version"] > 1 else Outcome.registered
        return outcome, "正式文件优先于同一评估同一版本的培训/样例文件，后者保留为冲突"

    def _conflict_flag(self, batch_id: int, ident: str, current: str, other: str) -> None:
        flags.open_item(
            self.conn,
            batch_id=batch_id,
            kind=FlagKind.conflict,
            assessment_id=ident,
            document_sha256=current,
            other=other,
            detail=f"同一评估同一版本另有内容不同的文件（哈希 {other[:12]}…），需人工核实哪一份有效",
        )

    def _store(self, batch_id: int, c: Candidate, *, current: bool) -> None:
        # Plain column values built by the worker (row_values.py): no model per row here.
        insert_rows(self.conn, FileRow, [(c.sha256, len(c.content), c.content)])
        insert_rows(self.conn, DocumentRow, [(*c.document_values, batch_id, current)])
        insert_rows(self.conn, DimensionRow, c.dimensions)
        insert_rows(self.conn, ScoreRow, c.scores)
        insert_rows(self.conn, SignerRow, c.signers)
        insert_rows(self.conn, ResponsibilityRow, c.responsibilities)

    def _chain_flags(self, batch_id: int, c: Candidate) -> None:
        # This file may be the predecessor someone was missing.
        flags.clear_gap(self.conn, c.sha256)
        predecessor = c.document["supersedes_sha256"]
        if predecessor is None:
            return
        if not self.conn.execute(
            "SELECT 1 FROM documents WHERE sha256 = ?", (predecessor,)
        ).fetchone():
            self._flag(
                batch_id,
                c,
                FlagKind.chain_gap,
                predecessor,
                f"第 {c.document['version'] - 1} 版（哈希 {predecessor[:12]}…）不在登记库中",
            )

    def _same_centre_flags(self, batch_id: int, c: Candidate) -> None:
        uscc, cycle = c.document["centre_uscc"], c.document["cycle"]
        if not uscc or not cycle:
            return
        others = self.conn.execute(
            "SELECT sha256, assessment_id FROM documents WHERE current = 1 AND centre_uscc = ? "
            "AND cycle = ? AND assessment_id != ?",
            (uscc, cycle, c.document["assessment_id"]),
        ).fetchall()
        for other_sha, other_id in others:
            # One item names both assessments of the pair.
            flags.open_item(
                self.conn,
                batch_id=batch_id,
                kind=FlagKind.same_centre_in_cycle,
                assessment_id=c.document["assessment_id"],
                document_sha256=c.sha256,
                other=other_sha,
                other_assessment_id=other_id,
                detail=f"同一机构（{uscc}）在 {cycle} 评估周期内有评估 "
                f"{c.document['assessment_id']} 和 {other_id}",
            )

    def _flag(self, batch_id: int, c: Candidate, kind: FlagKind, other: str, detail: str) -> None:
        flags.open_item(
            self.conn,
            batch_id=batch_id,
            kind=kind,
            assessment_id=c.document["assessment_id"],
            document_sha256=c.sha256,
            other=other,
            detail=detail,
        )


def _counts_json(summary: Summary) -> str:
    """The counts as the batch log keeps them: the same whether or not the batch was resumed."""
    counts = {k: v for k, v in summary.to_json().items() if k not in ("resumed", "dry_run")}
    return json.dumps(counts, ensure_ascii=False)


def _utc_text() -> str:
    return now_utc().isoformat().replace("+00:00", "Z")


def _take_chunk(numbered: Iterator[tuple[int, Source]], size: int) -> list[tuple[int, Source]]:
    """Up to `size` inputs, fewer when their bytes pass CHUNK_BYTES."""
    chunk: list[tuple[int, Source]] = []
    held = 0
    for item in islice(numbered, size):
        chunk.append(item)
        held += len(item[1].data) if isinstance(item[1].data, bytes) else 0
        if held > CHUNK_BYTES:
            break
    return chunk


def _check_one(data: bytes | Rejection, context: CheckContext) -> Candidate | Rejection:
    return data if isinstance(data, Rejection) else check(data, context)


_worker_context: CheckContext | None = None


def _set_worker_context(context: CheckContext, importer_pid: int) -> None:
    global _worker_context
    _worker_context = context
    watch_parent(importer_pid)


def _check_in_worker(data: bytes | Rejection) -> Candidate | Rejection:
    assert _worker_context is not None
    return _check_one(data, _worker_context)
