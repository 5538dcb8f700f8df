"""The register as a table: current assessments read a page at a time, searched by name or
统一社会信用代码 and filtered by district, grade, operator, review state and 待核实 flags; review
states set on the chosen rows or on the whole filtered selection (buttons, context menu, keys),
with a comment, logged and reversible."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from assessor.core.assessment.model import OPERATOR_LABELS
from assessor.core.problems import UserError
from assessor.core.register.browse import PAGE_SIZE, ListedAssessment
from assessor.core.register.filters import AssessmentFilter
from assessor.core.register.register import Register
from assessor.core.register.rows import FLAG_KINDS, REVIEW_LABELS, FlagKind, ReviewState
from assessor.core.register.who import os_user
from assessor.gui.assessment.shortcuts_help import binding
from assessor.gui.widgets.dialogs import Dialogs
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
    ("flags", "待核实"),
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
    5.5,
)  # every column after the name; 18 code characters fit; a long flag list shows in a tooltip

FLAG_FILTERS: tuple[tuple[str, bool | None, FlagKind | None], ...] = (
    ("全部", None, None),
    ("有待核实事项", True, None),
    ("无待核实事项", False, None),
    *((f"待核实：{info.short}", True, kind) for kind, info in FLAG_KINDS.items()),
)

REVIEW_ACTIONS: tuple[tuple[ReviewState, str, str], ...] = (
    (ReviewState.confirmed, "确认(&Y)", "confirm"),
    (ReviewState.query, "有疑问(&J)", "query"),
    (ReviewState.returned, "退回(&T)", "return"),
    (ReviewState.pending, "改回待审核(&P)", "pending"),
)
"""Review states a person sets from the table: button text and its key in the keyboard map."""


class RegisterModel(QAbstractTableModel):
    """Rows arrive in pages as the view scrolls (`canFetchMore`/`fetchMore`)."""

    def __init__(self, register: Register) -> None:
        super().__init__()
        self.register = register
        self.query = AssessmentFilter()
        self.rows: list[ListedAssessment] = []
        self.total = 0

    def set_query(self, query: AssessmentFilter) -> None:
        self.beginResetModel()
        self.query = query
        self.total = self.register.count(query)
        self.rows = self.register.page(query, 0, PAGE_SIZE)
        self.endResetModel()

    def reload(self) -> None:
        self.set_query(self.query)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008 - Qt override
        return not parent.isValid() and len(self.rows) < self.total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008 - Qt override
        more = self.register.page(self.query, len(self.rows), PAGE_SIZE)
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
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
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
        if role == Qt.ItemDataRole.ForegroundRole and key == "flags" and row.flags:
            return QBrush(QColor("#b3261e"))
        if role == Qt.ItemDataRole.TextAlignmentRole and key in ("total", "version", "grade"):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def row_at(self, n: int) -> ListedAssessment:
        return self.rows[n]


class RegisterTable(QWidget):
    openRequested = Signal(str)  # sha256 of the current version
    notice = Signal(str)
    reviewed = Signal()  # review states changed

    def __init__(self, register: Register, dialogs: Dialogs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.register = register
        self.dialogs = dialogs
        self.last_message = ""
        self.search = QLineEdit()
        self.search.setPlaceholderText("搜索机构名称或统一社会信用代码（Ctrl+F）")
        self.search.setClearButtonEnabled(True)
        self.district = QComboBox()
        self.grade = QComboBox()
        self.operator = QComboBox()
        self.state = QComboBox()
        self.state.addItem("全部", "")
        for state, label in REVIEW_LABELS.items():
            self.state.addItem(label, state.value)
        self.flagged = QComboBox()
        for n, (label, _, _) in enumerate(FLAG_FILTERS):
            self.flagged.addItem(label, n)
        # The flag filter's longest entries would otherwise push the search box off the row.
        self.flagged.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.flagged.setMinimumContentsLength(6)
        for combo, name in (
            (self.district, "行政区划"),
            (self.grade, "等级"),
            (self.operator, "机构性质"),
            (self.state, "审核状态"),
            (self.flagged, "待核实"),
        ):
            combo.setAccessibleName(name)
        self.open_button = QPushButton("查看评估(&V)")
        self.counter = QLabel()
        tone(self.counter, "muted")

        self.model = RegisterModel(register)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
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

        # Review: the chosen rows, or every assessment the filters select.
        self.whole_filter = QCheckBox("应用于全部筛选结果(&W)")
        self.whole_filter.setToolTip("不勾选：只更改表中选中的行；勾选：更改当前筛选出的全部评估")
        self.review_actions: dict[ReviewState, QAction] = {}
        self.review_buttons: dict[ReviewState, QPushButton] = {}
        review_row = QHBoxLayout()
        review_row.addWidget(QLabel("审核："))
        for state, text, name in REVIEW_ACTIONS:
            keys = binding("登记库", name).keys[0]
            action = QAction(text.replace("(&", "（").replace(")", "）"), self)
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(lambda _=False, s=state: self.set_review(s))
            self.addAction(action)
            self.review_actions[state] = action
            button = QPushButton(text)
            button.setToolTip(keys)
            button.clicked.connect(lambda _=False, s=state: self.set_review(s))
            self.review_buttons[state] = button
            review_row.addWidget(button)
        self.undo_action = QAction("撤销上一次更改", self)
        self.undo_action.setShortcut(QKeySequence(binding("登记库", "undo").keys[0]))
        self.undo_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.undo_action.triggered.connect(self.undo_review)
        self.addAction(self.undo_action)
        self.undo_button = QPushButton("撤销(&U)")
        self.undo_button.setToolTip("Ctrl+Z：撤销所选评估的上一次审核状态更改")
        self.undo_button.clicked.connect(self.undo_review)
        review_row.addWidget(self.undo_button)
        review_row.addWidget(self.whole_filter)
        review_row.addStretch(1)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)

        filters = QHBoxLayout()
        filters.addWidget(self.search, 2)
        for label, combo in (
            ("区划", self.district),
            ("等级", self.grade),
            ("性质", self.operator),
            ("审核", self.state),
            ("待核实(&K)", self.flagged),
        ):
            text = QLabel(label)
            text.setBuddy(combo)
            filters.addWidget(text)
            filters.addWidget(combo)
        filters.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(review_row)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.counter)

        self.search.textChanged.connect(self.apply)
        for combo in (self.district, self.grade, self.operator, self.state, self.flagged):
            combo.currentIndexChanged.connect(self.apply)
        self.open_button.clicked.connect(self.open_selected)
        self.reload()

    def reload(self) -> None:
        """Fresh choices and rows (after an import or a review change)."""
        found = self.register.choices()
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

    def query(self) -> AssessmentFilter:
        state = self.state.currentData()
        _, flagged, kind = FLAG_FILTERS[self.flagged.currentData() or 0]
        return AssessmentFilter(
            search=self.search.text(),
            division_code=self.district.currentData() or "",
            grade=self.grade.currentData() or "",
            operator=self.operator.currentData() or "",
            state=ReviewState(state) if state else None,
            flagged=flagged,
            flag_kind=kind,
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

    # ---- review ----------------------------------------------------------------------------

    def chosen_ids(self) -> list[str]:
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        return [self.model.row_at(r).assessment_id for r in rows]

    def selection(self) -> tuple[AssessmentFilter, int] | None:
        """What a review change applies to, and how many that is; None when nothing is chosen."""
        if self.whole_filter.isChecked():
            return self.query(), self.model.total
        ids = self.chosen_ids()
        return (AssessmentFilter(assessment_ids=ids), len(ids)) if ids else None

    def set_review(self, state: ReviewState) -> None:
        chosen = self.selection()
        if chosen is None or not chosen[1]:
            self.dialogs.error(
                "无法更改审核状态", "请先在表中选择评估，或勾选「应用于全部筛选结果」。"
            )
            return
        selection, count = chosen
        label = REVIEW_LABELS[state]
        comment = self.dialogs.ask_text(
            f"改为「{label}」", f"将 {count} 份评估的审核状态改为「{label}」。审核意见（可留空）："
        )
        if comment is None:
            return
        try:
            result = self.register.set_review(selection, state, who=os_user(), comment=comment)
        except UserError as exc:
            self.dialogs.error("无法更改审核状态", str(exc))
            return
        message = f"已将 {result.changed} 份评估的审核状态改为「{label}」。"
        if result.skipped_total:
            message += result.skipped_text() + "请在评估详情中逐项核实后再确认。"
            self.dialogs.inform("部分评估未确认", message)
        self.notice.emit(message)
        self.last_message = message
        self._changed()

    def undo_review(self) -> None:
        chosen = self.selection()
        if chosen is None:
            self.dialogs.error("无法撤销", "请先在表中选择评估，或勾选「应用于全部筛选结果」。")
            return
        try:
            changed = self.register.undo_review(chosen[0], who=os_user())
        except UserError as exc:
            self.dialogs.error("无法撤销", str(exc))
            return
        self.last_message = f"已撤销 {changed} 份评估的上一次审核状态更改。"
        self.notice.emit(self.last_message)
        self._changed()

    def _changed(self) -> None:
        """Rows read again with their new states; the same rows stay chosen."""
        chosen = set(self.chosen_ids())
        current = self.view.currentIndex().row()
        self.model.reload()
        self.counter.setText(f"共 {self.model.total} 份当前评估（每份评估只列当前版本）")
        selection = self.view.selectionModel()
        for n, row in enumerate(self.model.rows):
            if row.assessment_id in chosen:
                selection.select(
                    self.model.index(n, 0),
                    QItemSelectionModel.SelectionFlag.Select
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
        if 0 <= current < self.model.rowCount():
            selection.setCurrentIndex(
                self.model.index(current, 0), QItemSelectionModel.SelectionFlag.NoUpdate
            )
        self.reviewed.emit()

    def _context_menu(self, point) -> None:
        menu = self.context_menu()
        menu.exec(self.view.viewport().mapToGlobal(point))

    def context_menu(self) -> QMenu:
        menu = QMenu(self)
        menu.addAction("查看评估", self.open_selected)
        menu.addSeparator()
        for action in self.review_actions.values():
            menu.addAction(action)
        menu.addAction(self.undo_action)
        return menu
