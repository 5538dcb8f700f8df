"""The home list's model: one row per record version, superseded versions under their newest.

What a row says comes from the store's index (see `core/storage/index.py`), so building the
list never reads a record. Sorting is the model's own: a group (the newest version of an
assessment and the versions it replaced) sorts by its newest row and stays together.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from assessor.core.assessment.status import Status
from assessor.gui.widgets.style import GRADE_COLOURS, GREY, RED

# The list is built before the store is opened (the window shows first): the store's types
# are for the type checker only.
if TYPE_CHECKING:
    from datetime import datetime

    from assessor.core.overviews import RecordOverview
    from assessor.core.storage.store import BinEntry, RecordSummary

Index = QModelIndex | QPersistentModelIndex
KEY_ROLE = Qt.ItemDataRole.UserRole + 1
PERCENT_ROLE = Qt.ItemDataRole.UserRole + 4
SUPERSEDED_MARK = "↳ "
STATUS_FILTERS = {"": "全部状态", "draft": "草稿", "final": "已完成", "training": "培训/样例"}
NAME, DATE, STATUS, PROGRESS, GRADE, UPDATED = range(6)


@lru_cache(maxsize=4096)  # repainting a row must not convert its time zone again
def when(moment: datetime | None) -> str:
    # The clock's time zones (zoneinfo) are imported with the first row, after the first paint.
    from assessor.core.clock import beijing_text

    return beijing_text(moment, "%Y-%m-%d %H:%M", suffix=False) if moment else ""


def name_of(summary: RecordSummary) -> str:
    return summary.centre_name or "（未填写机构名称）"


def status_text(summary: RecordSummary, superseded_by: int | None = None) -> str:
    if summary.broken:
        return "无法打开"
    if superseded_by is not None:
        text = f"已被第 {superseded_by} 版取代"
    elif summary.status is Status.final:
        if summary.training_signed:
            text = "已签名（培训密钥）"
        else:
            text = "已签名" if summary.signed else "已完成，未签名"
    else:
        text = "草稿"
    notes = [f"第 {summary.version} 版"] if summary.version > 1 or superseded_by else []
    if summary.training:
        notes.append("培训/样例")
    return text + (f"（{'，'.join(notes)}）" if notes else "")


def is_training(summary: RecordSummary) -> bool:
    """Marked 培训: a training record, or one signed only with the training key."""
    return summary.training or summary.training_signed


@dataclass(frozen=True)
class Row:
    record: RecordOverview
    superseded_by: int | None  # the newest version, when this one was replaced

    @property
    def summary(self) -> RecordSummary:
        return self.record.summary


def grade_text(record: RecordOverview) -> str:
    """Nothing before scoring starts; marked 预测 until every indicator is scored."""
    if not record.started or record.grade is None:
        return ""
    predicted = "" if record.complete else "，预测"
    return f"{record.grade}（{record.grade_label}{predicted}）"


def _matches(summary: RecordSummary, text: str) -> bool:
    return any(text in field.lower() for field in (name_of(summary), summary.uscc, summary.address))


# Per column, what a group's newest row sorts by (only that column is computed).
_SORT_KEYS: tuple[Callable[[Row], Any], ...] = (
    lambda r: name_of(r.summary),
    lambda r: r.summary.visit_date.isoformat() if r.summary.visit_date else "",
    lambda r: status_text(r.summary, r.superseded_by),
    lambda r: r.record.percent or 0,
    lambda r: grade_text(r.record),
    lambda r: r.summary.updated_at.isoformat() if r.summary.updated_at else "",
)


class ListModel(QAbstractTableModel):
    """A read-only table of one row per item in `rows()`, with fixed column headers."""

    HEADERS: tuple[str, ...] = ()
    rows: Callable[[], Sequence[object]]  # each subclass names the list it shows

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt override
        return 0 if parent.isValid() else len(self.rows())

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt override
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None


class RecordListModel(ListModel):
    HEADERS = ("机构名称", "评估日期", "状态", "进度", "预测等级", "最后修改")

    def rows(self) -> Sequence[object]:
        return self.shown

    def __init__(self) -> None:
        super().__init__()
        self.all: list[RecordOverview] = []
        self.shown: list[Row] = []  # those that pass the filter, in display order
        self._newest: dict[str, int] = {}
        self._text = ""
        self._status = ""
        self._sort: tuple[int, Qt.SortOrder] = (UPDATED, Qt.SortOrder.DescendingOrder)

    def set_records(self, records: list[RecordOverview]) -> None:
        self.all = records
        self._newest = {}
        for r in records:
            s = r.summary
            self._newest[s.id] = max(self._newest.get(s.id, 0), s.version)
        self._rebuild()

    def set_filter(self, text: str, status: str) -> None:
        """Search by centre name, credit code and address; filter by status."""
        self._text, self._status = text.strip().lower(), status
        self._rebuild()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = (column, order)
        self._rebuild()

    def row(self, position: int) -> Row:
        return self.shown[position]

    def superseded_by(self, summary: RecordSummary) -> int | None:
        newest = self._newest.get(summary.id, summary.version)
        return newest if newest > summary.version else None

    def _shown(self, record: RecordOverview) -> bool:
        s = record.summary
        if self._text and not _matches(s, self._text):
            return False
        if self._status == "training":
            return is_training(s)
        return not self._status or (s.status is not None and s.status.value == self._status)

    def _rebuild(self) -> None:
        groups: dict[str, list[Row]] = {}
        for record in self.all:
            if self._shown(record):
                s = record.summary
                groups.setdefault(s.id, []).append(Row(record, self.superseded_by(s)))
        column, order = self._sort
        descending = order == Qt.SortOrder.DescendingOrder
        for rows in groups.values():
            rows.sort(key=lambda r: r.summary.version, reverse=True)
        healthy = [g for g in groups.values() if not g[0].summary.broken]
        broken = [g for g in groups.values() if g[0].summary.broken]
        key = _SORT_KEYS[column]
        healthy.sort(key=lambda g: key(g[0]), reverse=descending)
        self.beginResetModel()
        self.shown = [row for group in healthy + broken for row in group]
        self.endResetModel()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.shown[index.row()]
        record, s, column = row.record, row.summary, index.column()
        if role == KEY_ROLE:
            return s.key
        if role == PERCENT_ROLE and column == PROGRESS:
            return record.percent
        if role == Qt.ItemDataRole.ToolTipRole:
            return record.problem or "\n".join(
                f for f in (f"统一社会信用代码：{s.uscc}" if s.uscc else "", s.address) if f
            )
        if role == Qt.ItemDataRole.ForegroundRole:
            if s.broken:
                return QBrush(QColor(RED))
            if row.superseded_by is not None:
                return QBrush(QColor(GREY))
            if column == GRADE and record.grade and record.complete:
                return QBrush(QColor(GRADE_COLOURS.get(record.grade, GREY)))
            if column == GRADE:
                return QBrush(QColor(GREY))
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                (SUPERSEDED_MARK if row.superseded_by is not None else "") + name_of(s),
                s.visit_date.isoformat() if s.visit_date else "未填写",
                status_text(s, row.superseded_by),
                "计算中…"
                if record.pending
                else f"{record.percent}%"
                if record.percent is not None
                else "",
                grade_text(record),
                when(s.updated_at),
            )[column]
        return None


class BinModel(ListModel):
    HEADERS = ("机构名称", "评估日期", "状态", "删除时间")

    def rows(self) -> Sequence[object]:
        return self.entries

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[BinEntry] = []

    def set_entries(self, entries: list[BinEntry]) -> None:
        self.beginResetModel()
        self.entries = entries
        self.endResetModel()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry = self.entries[index.row()]
        s = entry.summary
        if role == KEY_ROLE:
            return s.key
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                name_of(s),
                s.visit_date.isoformat() if s.visit_date else "未填写",
                status_text(s),
                when(entry.deleted_at),
            )[index.column()]
        return None
