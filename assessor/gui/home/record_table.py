"""Editable tables (classes, staff, assessors) whose rows are checked by the core on every edit.

The model keeps what the assessor typed, even when invalid, so nothing vanishes under their
fingers; only a list that the core accepts reaches the store. Invalid cells turn red and the
form shows why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from assessor.gui.widgets.style import RED_LIGHT

Index = QModelIndex | QPersistentModelIndex
CellErrors = dict[tuple[int, str], str]


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    editable: bool = True
    choices: dict[str, str] = field(default_factory=dict)  # stored value → label


class RecordTableModel(QAbstractTableModel):
    """Rows of raw cell values; `commit(rows)` returns the cells the core refused."""

    def __init__(
        self, columns: list[Column], commit: Callable[[list[dict[str, Any]]], CellErrors]
    ) -> None:
        super().__init__()
        self.columns = columns
        self.rows: list[dict[str, Any]] = []
        self.errors: CellErrors = {}
        self._commit = commit
        self._read_only = False

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self.rows = [dict(r) for r in rows]
        self.errors = {}
        self.endResetModel()

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt override
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt override
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.columns[section].title
        return str(section + 1)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = self.columns[index.column()]
        value = self.rows[index.row()].get(column.key, "")
        if role == Qt.ItemDataRole.DisplayRole:
            return column.choices.get(value, str(value)) if column.choices else str(value)
        if role == Qt.ItemDataRole.EditRole:
            return str(value)
        if role == Qt.ItemDataRole.BackgroundRole and (index.row(), column.key) in self.errors:
            return QBrush(QColor(RED_LIGHT))
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.errors.get((index.row(), column.key))
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if self.columns[index.column()].editable and not self._read_only:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        key = self.columns[index.column()].key
        row = self.rows[index.row()]
        if str(row.get(key, "")) == str(value):
            return False
        row[key] = str(value).strip()
        self.commit()
        return True

    def add_row(self, defaults: dict[str, Any]) -> int:
        """Append a blank row to fill in; it is checked and saved from its first edit, so an
        untouched row is not already marked wrong (an empty row is never valid)."""
        position = len(self.rows)
        self.beginInsertRows(QModelIndex(), position, position)
        self.rows.append(dict(defaults))
        self.endInsertRows()
        return position

    def remove_row(self, position: int) -> None:
        if not 0 <= position < len(self.rows):
            return
        self.beginRemoveRows(QModelIndex(), position, position)
        del self.rows[position]
        self.endRemoveRows()
        self.commit()

    def commit(self) -> None:
        self.errors = self._commit([dict(r) for r in self.rows])
        if self.rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self.rows) - 1, len(self.columns) - 1)
            )

    def error_text_for(self, errors: CellErrors) -> str:
        titles = {c.key: c.title for c in self.columns}
        return "\n".join(
            f"第 {row + 1} 行「{titles.get(key, key)}」：{message}"
            for (row, key), message in sorted(errors.items())
        )


class ChoiceDelegate(QStyledItemDelegate):
    """A combo box editor for a column with fixed choices."""

    def __init__(self, choices: dict[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choices = choices

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        combo = QComboBox(parent)
        for value, label in self.choices.items():
            combo.addItem(label, value)
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
