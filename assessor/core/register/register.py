"""`Register`: one register folder, and everything a front end asks of it.

The GUI and the CLI hold a `Register` and call its methods; neither opens a connection, builds
an import's options or assembles import-then-refresh itself (as Anki's `Collection` is for its
front ends). Each call opens its own connection and closes it, so a `Register` can be used from
a worker thread and from the GUI thread alike, and database errors reach the person as Chinese
text (`UserError`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from assessor.core.problems import UserError
from assessor.core.register import browse, db, flags, review
from assessor.core.register.check import rubric_paths, trust_pems
from assessor.core.register.cycle_calls import RegisterCycle
from assessor.core.register.exports.run import ExportRequest, Step, run_exports
from assessor.core.register.filters import AssessmentFilter
from assessor.core.register.flags import FlagItem, KindCount
from assessor.core.register.importer import CHUNK_SIZE, ImportOptions, run_import
from assessor.core.register.review import ReviewResult
from assessor.core.register.rows import (
    BatchInputRow,
    BatchRow,
    FlagKind,
    ReviewLogRow,
    ReviewState,
)
from assessor.core.register.settings import Settings, read_settings, set_min_team_size
from assessor.core.register.stats import compute_statistics
from assessor.core.register.stats_model import Statistics, StatsFilter
from assessor.core.register.stats_summary import catch_up
from assessor.core.register.summary import Summary
from assessor.core.register.trust import cycle_start as parse_cycle_start
from assessor.core.register.trust import trust_roots
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.signing.revocation import load_crls


@dataclass(frozen=True)
class ImportRequest:
    """What a person asks of an import, as files and settings (the GUI dialog, the CLI)."""

    trust: Sequence[Path] = ()
    allow_training: bool = False
    crls: Sequence[Path] = ()
    cycle_start: str = "01-01"
    rubrics: Sequence[Path] = ()
    who: str = ""
    dry_run: bool = False
    workers: int = 1
    chunk_size: int = CHUNK_SIZE

    def options(self) -> ImportOptions:
        """The importer's options; UserError in Chinese for a bad CA, CRL or cycle start."""
        roots = trust_roots(self.trust, self.allow_training)
        return ImportOptions(
            trust_pems=trust_pems(roots),
            allow_training=self.allow_training,
            rubric_paths=rubric_paths(list(self.rubrics)),
            crl_revocations=tuple(load_crls(self.crls, roots)),
            cycle_start=parse_cycle_start(self.cycle_start),
            who=self.who,
            dry_run=self.dry_run,
            workers=self.workers,
            chunk_size=self.chunk_size,
        )


class Register:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @classmethod
    def open(cls, folder: Path, *, create: bool = False) -> Register:
        """The register in `folder`, migrated; `create` makes an empty one when missing."""
        db.connect(folder, create=create).close()
        return cls(folder)

    @property
    def cycle(self) -> RegisterCycle:
        """The assessment cycle's part: roster, plans, rectification and follow-ups."""
        return RegisterCycle(self._connection)

    @property
    def quarantine_folder(self) -> Path:
        return db.quarantine_dir(self.folder)

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        conn = db.connect(self.folder)
        try:
            yield conn
        except sqlite3.Error as exc:
            raise UserError(f"登记库 {self.folder} 读写失败：{exc}") from exc
        finally:
            conn.close()

    # ---- import ----------------------------------------------------------------------------

    def import_files(
        self,
        paths: list[Path],
        request: ImportRequest | ImportOptions,
        *,
        progress: Callable[[Summary], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
        refreshing: Callable[[Summary], None] | None = None,
    ) -> Summary:
        """Import `paths`, then bring the statistics summary up to date (so the first
        statistics after an import are instant); `refreshing` is told before that step."""
        options = request.options() if isinstance(request, ImportRequest) else request
        summary = run_import(self.folder, paths, options, progress=progress, cancelled=cancelled)
        if not options.dry_run:
            if refreshing:
                refreshing(summary)
            with self._connection() as conn:
                catch_up(conn)
        return summary

    # ---- browsing ---------------------------------------------------------------------------

    def count(self, chosen: AssessmentFilter) -> int:
        with self._connection() as conn:
            return browse.count(conn, chosen)

    def page(
        self, chosen: AssessmentFilter, offset: int, limit: int = browse.PAGE_SIZE
    ) -> list[browse.ListedAssessment]:
        with self._connection() as conn:
            return browse.page(conn, chosen, offset, limit)

    def choices(self) -> dict[str, list[str]]:
        with self._connection() as conn:
            return browse.choices(conn)

    def detail(self, sha256: str) -> browse.AssessmentDetail:
        with self._connection() as conn:
            return browse.detail(conn, sha256)

    def stored_file(self, sha256: str) -> bytes:
        with self._connection() as conn:
            return browse.stored_file(conn, sha256)

    def quarantined(self, batch_id: int) -> list[tuple[str, str | None, str, str]]:
        with self._connection() as conn:
            return browse.quarantined(conn, batch_id)

    def batches(self) -> list[BatchRow]:
        with self._connection() as conn:
            return db.select(conn, BatchRow, "1 ORDER BY id")

    def batch_inputs(self, batch_id: int) -> list[BatchInputRow]:
        with self._connection() as conn:
            rows = db.select(conn, BatchInputRow, "batch_id = ? ORDER BY seq", (batch_id,))
            if (
                not rows
                and not conn.execute("SELECT 1 FROM batches WHERE id = ?", (batch_id,)).fetchone()
            ):
                raise UserError(f"登记库中没有导入批次 {batch_id}")
            return rows

    def batch_flags(self, batch_id: int) -> dict[str, int]:
        """Assessments the batch's flag items are about, per kind."""
        with self._connection() as conn:
            return flags.batch_counts(conn, batch_id)

    # ---- flags ------------------------------------------------------------------------------

    def flags(
        self,
        *,
        kind: FlagKind | None = None,
        open_only: bool = False,
        assessment_ids: tuple[str, ...] = (),
    ) -> list[FlagItem]:
        with self._connection() as conn:
            return flags.items(conn, kind=kind, open_only=open_only, assessment_ids=assessment_ids)

    def open_flags(self) -> tuple[tuple[int, int], list[KindCount]]:
        """((assessments, centres) held by open items, the same per kind)."""
        with self._connection() as conn:
            return flags.held_total(conn), flags.open_counts(conn)

    def resolve_flag(self, flag_id: int, *, who: str, comment: str) -> FlagItem:
        with self._connection() as conn:
            return flags.resolve(conn, flag_id, who=who, comment=comment)

    # ---- the commission's settings ---------------------------------------------------------

    def settings(self) -> Settings:
        with self._connection() as conn:
            return read_settings(conn)

    def set_min_team_size(self, size: int, *, who: str) -> Settings:
        """Files imported from now on signed by fewer team members are flagged."""
        with self._connection() as conn:
            return set_min_team_size(conn, size, who)

    # ---- review -----------------------------------------------------------------------------

    def set_review(
        self,
        chosen: AssessmentFilter,
        state: ReviewState,
        *,
        who: str,
        comment: str = "",
        include_flagged: bool = False,
    ) -> ReviewResult:
        with self._connection() as conn:
            return review.set_state(
                conn, chosen, state, who=who, comment=comment, include_flagged=include_flagged
            )

    def undo_review(self, chosen: AssessmentFilter, *, who: str) -> int:
        with self._connection() as conn:
            return review.undo_last(conn, chosen, who=who)

    def review_log(self, assessment_ids: Iterable[str] = ()) -> list[ReviewLogRow]:
        with self._connection() as conn:
            return review.review_log(conn, assessment_ids)

    # ---- statistics and exports -------------------------------------------------------------

    def statistics(
        self,
        chosen: StatsFilter,
        rubrics: Iterable[LoadedRubric] = (),
        list_limit: int | None = None,
    ) -> Statistics:
        with self._connection() as conn:
            return compute_statistics(conn, chosen, rubrics=rubrics, list_limit=list_limit)

    def export(
        self,
        chosen: StatsFilter,
        request: ExportRequest,
        rubrics: Iterable[LoadedRubric] = (),
        step: Step | None = None,
    ) -> dict[str, int]:
        with self._connection() as conn:
            return run_exports(conn, chosen, request, rubrics, step)
