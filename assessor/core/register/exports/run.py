"""Writing the register's outputs over one connection (the `Register` object owns it)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from assessor.core.clock import beijing_today
from assessor.core.cycle.stats_pages import cycle_pages
from assessor.core.problems import UserError
from assessor.core.register.exports.csv_files import export_public_csv, export_register_csv
from assessor.core.register.exports.pdf_report import export_statistics_pdf
from assessor.core.register.exports.source import count_rows
from assessor.core.register.exports.xlsx_file import export_xlsx
from assessor.core.register.stats import compute_statistics
from assessor.core.register.stats_model import Statistics, StatsFilter
from assessor.core.register.stats_rubrics import rubric_facts
from assessor.core.register.texts import held_text
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


def _share(step: Step | None, n: int, of: int) -> Step | None:
    """The n-th of `of` outputs reports its own percent as its share of the whole."""
    if step is None:
        return None
    start, span = 100 * n // of, 100 // of
    return lambda percent, text: step(start + percent * span // 100, text)


def _rows_to_write(
    conn: sqlite3.Connection, chosen: StatsFilter, kind: str, stats: Statistics | None
) -> int:
    if kind == "report":
        assert stats is not None
        return stats.count
    return count_rows(conn, chosen, public=kind == "public")


def _report_filter(chosen: StatsFilter) -> StatsFilter:
    """The leadership report counts only what may be published."""
    return chosen.model_copy(update={"confirmed_only": True})


def run_exports(
    conn: sqlite3.Connection,
    chosen: StatsFilter,
    request: ExportRequest,
    rubrics: Iterable[LoadedRubric] = (),
    step: Step | None = None,
) -> dict[str, int]:
    """Write every requested file; returns the rows written per kind (the report: assessments).

    An output that would hold no assessment is refused before anything is written: a header-only
    public list must never look like a published one.
    """
    outputs = request.outputs()
    rubrics = list(rubrics)
    stats: Statistics | None = None
    report: Statistics | None = None
    if any(kind == "xlsx" for kind, _ in outputs):
        stats = compute_statistics(conn, chosen, rubrics=rubrics)
    if any(kind == "report" for kind, _ in outputs):
        report = compute_statistics(conn, _report_filter(chosen), rubrics=rubrics)
    for kind, _ in outputs:
        if not _rows_to_write(conn, chosen, kind, report if kind == "report" else stats):
            raise UserError(empty_text(conn, chosen, kind))
    written: dict[str, int] = {}
    for n, (kind, path) in enumerate(outputs):
        if step:
            step(round(100 * n / len(outputs)), f"正在导出{EXPORT_LABELS[kind]}…")
        if kind == "csv":
            written[kind] = export_register_csv(conn, chosen, path)
        elif kind == "public":
            written[kind] = export_public_csv(conn, chosen, path)
        elif kind == "xlsx":
            assert stats is not None
            hashes = [r[0] for r in conn.execute("SELECT DISTINCT rubric_sha256 FROM documents")]
            written[kind] = export_xlsx(
                conn,
                chosen,
                stats,
                rubric_facts(hashes, rubrics),
                path,
                _share(step, n, len(outputs)),
            )
        else:
            assert report is not None
            export_statistics_pdf(report, path, cycle_pages(conn, beijing_today()))
            written[kind] = report.count
    if step:
        step(100, "导出完成")
    return written


def empty_text(conn: sqlite3.Connection, chosen: StatsFilter, kind: str) -> str:
    """Why an output would be empty, in Chinese, saying what is held back."""
    what = EXPORT_LABELS[kind]
    if kind in ("public", "report") or chosen.confirmed_only:
        overall = chosen.model_copy(update={"by": None, "confirmed_only": False})
        held = compute_statistics(conn, overall, list_limit=0).held_back
        return "未写入文件：" + held_text(
            f"{what}中没有可列入的评估（只列已确认且无待核实事项的评估）", held
        )
    return f"未写入文件：{what}中没有可列入的评估（{chosen.describe()}）。"
