"""Where in a workbook a problem is, said the same way for every workbook the app reads.

Every problem reads 「<file> 工作表「X」第 N 行「列名」列：<message>」; a problem about a whole
row leaves out the column (「第 N 行（表头）」), one about a whole sheet (missing, unknown) the
row too.
"""

from __future__ import annotations

from dataclasses import dataclass

from assessor.core.problems import Problem


def cell_text(row: int, header: str) -> str:
    """`第 3 行「满分」列`: a cell by its row and the name its column is headed with."""
    return f"第 {row} 行「{header}」列"


def row_text(row: int, note: str = "") -> str:
    """`第 3 行`, or `第 3 行（表头）`."""
    return f"第 {row} 行" + (f"（{note}）" if note else "")


@dataclass(frozen=True)
class CellProblem(Problem):
    """A Problem whose `where` names the file and sheet and whose `path` the row and column."""

    def __str__(self) -> str:
        return f"{self.where}{self.path}：{self.message}"


def sheet_problem(file: str, sheet: str, place: str, message: str) -> CellProblem:
    return CellProblem(f"{file} 工作表「{sheet}」", place, message)
