"""The register as an Excel workbook: the register sheet, one sheet per dimension with every
indicator's score, and a statistics sheet with native Excel charts (openpyxl chart objects, so
the city's staff can restyle or copy them).

Every sheet has its header row frozen and a filter on its columns. The workbook is written in
openpyxl's streaming mode, so a register of any size passes through in constant memory.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from assessor.core.register.exports.columns import REGISTER_COLUMNS
from assessor.core.register.exports.dimension_rows import document_scores
from assessor.core.register.exports.output import replacing
from assessor.core.register.exports.source import current_rows
from assessor.core.register.exports.xlsx_stats import write_statistics_sheets
from assessor.core.register.exports.xlsx_tables import finish_table, table_sheet
from assessor.core.register.stats_model import Statistics, StatsFilter
from assessor.core.register.stats_rubrics import RubricFacts

REGISTER_SHEET = "登记表"
PROGRESS_EVERY = 500


def _register_sheet(book: Workbook, conn: sqlite3.Connection, chosen: StatsFilter) -> int:
    sheet = table_sheet(book, REGISTER_SHEET, [c.title for c in REGISTER_COLUMNS])
    count = 0
    for row in current_rows(conn, chosen):
        sheet.append([c.value(row) for c in REGISTER_COLUMNS])
        count += 1
    finish_table(sheet, len(REGISTER_COLUMNS), count)
    return count


def _dimension_sheets(
    book: Workbook,
    conn: sqlite3.Connection,
    chosen: StatsFilter,
    facts: RubricFacts,
    total: int,
    step: Callable[[int, str], None] | None,
) -> None:
    dims = sorted(facts.indicators_by_dimension, key=facts.dimension_rank)
    sheets: dict[str, tuple[WriteOnlyWorksheet, list[str]]] = {}
    fixed = ["机构名称", "统一社会信用代码", "评估编号", "版本", "等级", "维度得分"]
    for dim in dims:
        indicators = facts.indicators_by_dimension[dim]
        title = f"{dim} {facts.dimension_names.get(dim, '')}"
        sheet = table_sheet(book, title, fixed + [f"{i} {facts.short(i)}" for i in indicators])
        sheets[dim] = (sheet, indicators)
    count = 0
    for doc in document_scores(conn, chosen):
        count += 1
        if step and count % PROGRESS_EVERY == 0:
            step(round(100 * count / max(total, 1)), f"正在写入各维度指标得分：{count}/{total} 份")
        for dim, (sheet, indicators) in sheets.items():
            scores = doc.scores.get(dim, {})
            sheet.append(
                [
                    doc.centre_name,
                    doc.centre_uscc,
                    doc.assessment_id,
                    doc.version,
                    doc.grade,
                    doc.dimensions.get(dim),
                    *(scores.get(i) for i in indicators),
                ]
            )
    for sheet, indicators in sheets.values():
        finish_table(sheet, len(fixed) + len(indicators), count)


def export_xlsx(
    conn: sqlite3.Connection,
    chosen: StatsFilter,
    stats: Statistics,
    facts: RubricFacts,
    path: Path,
    step: Callable[[int, str], None] | None = None,
) -> int:
    """Write the workbook; returns the number of assessments in the register sheet.

    A full register's 13 million indicator cells take openpyxl minutes: `step` hears how far
    the dimension sheets have got (percent of assessments written, Chinese text)."""
    book = Workbook(write_only=True)
    count = _register_sheet(book, conn, chosen)
    _dimension_sheets(book, conn, chosen, facts, count, step)
    write_statistics_sheets(book, stats)
    with replacing(path) as temp:
        book.save(temp)
    return count
