"""One call for each thing the CLI and the GUI ask of the register's outputs."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from assessor.core.clock import beijing_today
from assessor.core.cycle.stats_pages import cycle_pages
from assessor.core.problems import UserError
from assessor.core.register.db import connect
from assessor.core.register.exports.csv_files import export_public_csv, export_register_csv
from assessor.core.register.exports.pdf_report import export_statistics_pdf
from assessor.core.register.exports.xlsx_file import export_xlsx
from assessor.core.register.stats import compute_statistics
from assessor.core.register.stats_model import Statistics, StatsFilter
from assessor.core.register.stats_rubrics import rubric_facts
from assessor.core.rubric.validate import LoadedRubric

Step = Callable[[int, str], None]  # percent, what is being written (Chinese)


@dataclass(frozen=True)
class ExportRequest:
    csv: Path | None = None
    xlsx: Path | None = None
    public: Path | None = None
    report: Path | None = None

    def outputs(self) -> list[tuple[str, Path]]:
        named = (
            ("csv", self.csv),
            ("xlsx", self.xlsx),
            ("public", self.public),
            ("report", self.report),
        )
        return [(kind, path) for kind, path in named if path is not None]


EXPORT_LABELS = {
    "csv": "登记表 CSV",
    "xlsx": "登记表 XLSX（含统计图表）",
    "public": "信息公示名单 CSV",
    "report": "统计报告 PDF",
}


@contextmanager
def _register(register: Path) -> Iterator[sqlite3.Connection]:
    """A connection whose database errors (a full disk, a read-only folder, a damaged file)
    reach the user as Chinese text."""
    conn = connect(register)
    try:
        yield conn
    except sqlite3.Error as exc:
        raise UserError(f"登记库 {register} 读写失败：{exc}") from exc
    finally:
        conn.close()


def _share(step: Step | None, n: int, of: int) -> Step | None:
    """The n-th of `of` outputs reports its own percent as its share of the whole."""
    if step is None:
        return None
    start, span = 100 * n // of, 100 // of
    return lambda percent, text: step(start + percent * span // 100, text)


def register_statistics(
    register: Path,
    chosen: StatsFilter,
    rubrics: Iterable[LoadedRubric] = (),
    list_limit: int | None = None,
) -> Statistics:
    with _register(register) as conn:
        return compute_statistics(conn, chosen, rubrics=rubrics, list_limit=list_limit)


def run_exports(
    register: Path,
    chosen: StatsFilter,
    request: ExportRequest,
    rubrics: Iterable[LoadedRubric] = (),
    step: Step | None = None,
) -> dict[str, int]:
    """Write every requested file; returns the rows written per kind (the report: pages 0)."""
    outputs = request.outputs()
    rubrics = list(rubrics)
    written: dict[str, int] = {}
    with _register(register) as conn:
        stats: Statistics | None = None
        for n, (kind, path) in enumerate(outputs):
            if step:
                step(round(100 * n / len(outputs)), f"正在导出{EXPORT_LABELS[kind]}…")
            if kind in ("xlsx", "report") and stats is None:
                stats = compute_statistics(conn, chosen, rubrics=rubrics)
            if kind == "csv":
                written[kind] = export_register_csv(conn, chosen, path)
            elif kind == "public":
                written[kind] = export_public_csv(conn, chosen, path)
            elif kind == "xlsx":
                assert stats is not None
                hashes = [
                    r[0] for r in conn.execute("SELECT DISTINCT rubric_sha256 FROM documents")
                ]
                written[kind] = export_xlsx(
                    conn,
                    chosen,
                    stats,
                    rubric_facts(hashes, rubrics),
                    path,
                    _share(step, n, len(outputs)),
                )
            else:
                assert stats is not None
                export_statistics_pdf(stats, path, cycle_pages(conn, beijing_today()))
                written[kind] = stats.count
    if step:
        step(100, "导出完成")
    return written
