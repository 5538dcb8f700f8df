"""The register as a table: current assessments read from SQLite a page at a time, searched by
name or 统一社会信用代码 and filtered by district, grade and operator."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from assessor.core.assessment.model import OPERATOR_LABELS
from assessor.core.register.browse import (
    PAGE_SIZE,
    ListedAssessment,
    RegisterQuery,
    choices,
    count,
    page,
)
from assessor.core.register.db import connect
from assessor.gui.widgets.style import GRADE_COLOURS, ems, tone

Index = QModelIndex | QPersistentModelIndex

_OPERATORS = {k.value: v for k, v in OPERATOR_LABELS.items()}
COLUMNS: tuple[tuple[str, str], ...] = (
    ("centre_name", "机构名称"),
    ("centre_uscc", "统一社会信用代码"),
    ("division_code", "行政区划代码"),
    ("operator", "机构性质"),
    ("visit_date", "评估日期"),
    ("total", "总分"),
    ("grade", "等级"),
    ("version", "版本"),
    ("review", "审核状态"),
)


def points_text(value: str) -> str:
    """A stored total as an assessor writes it: 784, 865.63 (never 784.0)."""
    text = str(Decimal(value))
    return text.rstrip("0").rstrip(".") if "." in text else text


COLUMN_EMS = (
    12,
    6.5,
    6,
    6.5,
    4.5,
    3.5,
    3.5,
    4.5,
)  # every column after the name; 18 code characters fit


class RegisterModel(QAbstractTableModel):
    """Rows arrive in pages as the view scrolls (`canFetchMore`/`fetchMore`)."""

    def __init__(self, register: Path) -> None:
        super().__init__()
        self.register = register
        self.query = RegisterQuery()
        self.rows: list[ListedAssessment] = []
        self.total = 0

    def set_query(self, query: RegisterQuery) -> None:
        self.beginResetModel()
        self.query = query
        conn = connect(self.register)
        try:
            self.total = count(conn, query)
            self.rows = page(conn, query, 0, PAGE_SIZE)
        finally:
            conn.close()
        self.endResetModel()

    def reload(self) -> None:
        self.set_query(self.query)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008 - Qt override
        return not parent.isValid() and len(self.rows) < self.total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008 - Qt override
        conn = connect(self.register)
        try:
            more = page(conn, self.query, len(self.rows), PAGE_SIZE)
        finally:
            conn.close()
        if not more:
            self.total = len(self.rows)  # the register changed under us: stop asking
            return
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(more) - 1)
        self.rows.extend(more)
        self.endInsertRows()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt override
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt override
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section][1]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        key = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            value = getattr(row, key)
            if key == "operator":
                return _OPERATORS.get(value, value or "未填写")
            if key == "total":
                return points_text(value)
            if key == "centre_name" and row.training:
                return f"{value}（培训/样例）"
            return str(value)
        if role == Qt.ItemDataRole.ForegroundRole and key == "grade":
            return QBrush(QColor(GRADE_COLOURS.get(row.grade, "#1a1a1a")))
        if role == Qt.ItemDataRole.TextAlignmentRole and key in ("total", "version", "grade"):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def row_at(self, n: int) -> ListedAssessment:
        return self.rows[n]


class RegisterTable(QWidget):
    openRequested = Signal(str)  # sha256 of the current version

    def __init__(self, register: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText("搜索机构名称或统一社会信用代码（Ctrl+F）")
        self.search.setClearButtonEnabled(True)
        self.district = QComboBox()
        self.grade = QComboBox()
        self.operator = QComboBox()
        for combo, name in (
            (self.district, "行政区划"),
            (self.grade, "等级"),
            (self.operator, "机构性质"),
        ):
            combo.setAccessibleName(name)
        self.open_button = QPushButton("查看评估(&V)")
        self.counter = QLabel()
        tone(self.counter, "muted")

        self.model = RegisterModel(register)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.setAlternatingRowColors(True)
        # Fixed widths in characters: measuring every loaded row would grow with the register.
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in enumerate(COLUMN_EMS, start=1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.view.setColumnWidth(column, ems(self.view, width))
        self.view.setAccessibleName("登记表")
        self.view.activated.connect(self._open_index)

        filters = QHBoxLayout()
        filters.addWidget(self.search, 2)
        for label, combo in (
            ("区划", self.district),
            ("等级", self.grade),
            ("性质", self.operator),
        ):
            text = QLabel(label)
            text.setBuddy(combo)
            filters.addWidget(text)
            filters.addWidget(combo)
        filters.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.counter)

        self.search.textChanged.connect(self.apply)
        for combo in (self.district, self.grade, self.operator):
            combo.currentIndexChanged.connect(self.apply)
        self.open_button.clicked.connect(self.open_selected)
        self.reload()

    def reload(self) -> None:
        """Fresh choices and rows (after an import or a review change)."""
        conn = connect(self.model.register)
        try:
            found = choices(conn)
        finally:
            conn.close()
        for combo, key, labels in (
            (self.district, "division_code", {}),
            (self.grade, "grade", {}),
            (self.operator, "operator", _OPERATORS),
        ):
            chosen = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem("全部", "")
            for value in found[key]:
                combo.addItem(labels.get(value, value), value)
            combo.setCurrentIndex(max(0, combo.findData(chosen)))
            combo.blockSignals(False)
        self.apply()

    def query(self) -> RegisterQuery:
        return RegisterQuery(
            search=self.search.text(),
            district=self.district.currentData() or "",
            grade=self.grade.currentData() or "",
            operator=self.operator.currentData() or "",
        )

    def apply(self) -> None:
        self.model.set_query(self.query())
        self.counter.setText(f"共 {self.model.total} 份当前评估（每份评估只列当前版本）")
        if self.model.rowCount():
            self.view.selectRow(0)

    def open_selected(self) -> None:
        index = self.view.currentIndex()
        if index.isValid():
            self._open_index(index)

    def _open_index(self, index: QModelIndex) -> None:
        self.openRequested.emit(self.model.row_at(index.row()).sha256)
