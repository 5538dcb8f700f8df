"""A sample centre as an Excel workbook and back, so trainers write their own samples the way
commissions write rubrics.

The workbook holds exactly the data of the sample file (plus, in the dossier, the indicator
names and allowed points for reference, ignored on reading), so the round trip keeps the
canonical bytes. The work is split in `xlsx_layout`, `xlsx_write` and `xlsx_read`; import from
here.
"""

from __future__ import annotations

from assessor.core.training.xlsx_read import SampleWorkbook, sample_from_xlsx
from assessor.core.training.xlsx_write import sample_to_xlsx

__all__ = ["SampleWorkbook", "sample_from_xlsx", "sample_to_xlsx"]
