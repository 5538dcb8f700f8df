"""A rubric as an Excel workbook and back, so a commission can type its printed 附录A (or its
province's 细则) into a spreadsheet and turn it into a rubric file without writing code.

The workbook holds exactly the data of the rubric file, nothing more and nothing less, so
`rubric_from_xlsx(rubric_to_xlsx(r, path)).sha256 == r.sha256`. Reading goes through the same
pydantic models and the same `structural_problems` as a JSON file; every problem is reported
at once and points at a sheet, row and column rather than at a JSON path.

The work is split in three modules of this package: `xlsx_layout` (sheets and columns),
`xlsx_write` and `xlsx_read`. Import from here.
"""

from __future__ import annotations

from assessor.core.rubric.xlsx_read import rubric_from_xlsx
from assessor.core.rubric.xlsx_write import rubric_to_xlsx

__all__ = ["rubric_from_xlsx", "rubric_to_xlsx"]
