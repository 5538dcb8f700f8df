"""The scoring view: the rubric tree beside the selected indicator, driven by the keyboard."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from assessor.core.session import EditingSession
from assessor.gui.assessment.controller import AssessmentController
from assessor.gui.assessment.indicator_panel import IndicatorPanel
from assessor.gui.assessment.rubric_tree import (
    FILTERS,
    MARKS_HELP,
    RubricTreeModel,
    indicator_at,
)
from assessor.gui.assessment.shortcuts_help import LEVEL_KEYS, bind, bind_keys, binding, shown_keys
from assessor.gui.widgets.dialogs import Dialogs
from assessor.gui.widgets.style import ems, points

_FULL_WIDTH = str.maketrans("０１２３４５６７８９．。", "0123456789..")


def _passes(kind: str, session: EditingSession, indicator_id: str) -> bool:
    entry = session.entry(indicator_id)
    if kind == "unscored":
        return not entry.is_scored
    if kind == "lost":
        maximum = session.indicator(indicator_id).max
        return entry.score is not None and entry.score < maximum - 1e-9
    if kind == "noted":
        return bool(entry.note.strip())
    return True


class ScoringView(QWidget):
    notice = Signal(str)  # a short message for the status bar
    indicatorShown = Signal(str)  # the indicator now in the panel
    allScored = Signal()  # asked for the next unscored indicator when there is none

    def __init__(
        self, controller: AssessmentController, dialogs: Dialogs, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        session = controller.session
        self._order = [ind.id for ind in session.rubric.indicators]
        self._position = {ind_id: n for n, ind_id in enumerate(self._order)}

        self.model = RubricTreeModel()
        self.model.build(session.rubric)
        self.model.refresh_all(session)
        self.tree = QTreeView()
        self.tree.setModel(self.model)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # A fixed score column: measuring it to its contents on every score change would
        # re-measure all rows of the full rubric.
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(1, self.tree.fontMetrics().horizontalAdvance("未评/100  ") + 8)
        self.tree.expandAll()
        # Three levels deep: Qt's default indentation alone would take the width of a name.
        self.tree.setIndentation(ems(self, 0.9))
        # Wide enough for a clause number and the start of its name at any window size.
        self.tree.setMinimumWidth(ems(self, 17))
        self.tree.selectionModel().currentChanged.connect(self._current_changed)

        self.panel = IndicatorPanel(controller, dialogs)

        bar = QHBoxLayout()
        bar.addWidget(QLabel("跳转到条款"))
        self.jump_edit = QLineEdit()
        self.jump_edit.setPlaceholderText(
            f"输入条款号，如 {self._order[-1]}（{shown_keys(binding('评分', 'jump'))}）"
        )
        self.jump_edit.setClearButtonEnabled(True)
        completer = QCompleter([f"{ind.id} {ind.short}" for ind in session.rubric.indicators], self)
        completer.setFilterMode(Qt.MatchFlag.MatchStartsWith)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.jump_edit.setCompleter(completer)
        self.jump_edit.returnPressed.connect(self._jump_entered)
        # Choosing a suggestion (Enter or click in the popup) jumps at once.
        completer.activated.connect(self._jump_entered)
        bar.addWidget(self.jump_edit, 1)
        for text, section_key, slot in (
            ("上一个", "previous", self.previous),
            ("下一个", "next", self.next),
            ("下一个未评分", "next_unscored", self.next_unscored),
        ):
            button = QPushButton(text)
            button.setToolTip(shown_keys(binding("评分", section_key)))
            button.clicked.connect(slot)
            bar.addWidget(button)

        self.filter = QComboBox()
        for value, label in FILTERS.items():
            self.filter.addItem(label, value)
        self.filter.setToolTip(MARKS_HELP)
        self.filter.currentIndexChanged.connect(self.apply_filter)
        tree_side = QWidget()
        tree_layout = QVBoxLayout(tree_side)
        tree_layout.setContentsMargins(0, 0, 0, 0)
        tree_layout.addWidget(self.filter)
        tree_layout.addWidget(self.tree, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(tree_side)
        splitter.addWidget(self.panel)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([440, 560])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)

        for n, key in enumerate(LEVEL_KEYS, start=1):
            bind_keys(self, key, lambda n=n: self.panel.choose_level(n))
            bind_keys(self, f"Num+{key}", lambda n=n: self.panel.choose_level(n))
        bind(self, "评分", "na", self.panel.mark_na)
        bind(self, "评分", "clear", self.panel.clear_score)
        bind(self, "评分", "next", self.next)
        bind(self, "评分", "previous", self.previous)
        bind(self, "评分", "next_unscored", self._return_pressed)
        bind(self, "评分", "jump", self.focus_jump)
        bind(self, "评分", "note", self.panel.focus_note)
        bind(self, "评分", "leave", self.focus_tree)
        bind(self, "评分", "attach", self.panel.attach)
        bind_keys(
            self.panel.evidence,
            "Delete",
            self.panel.remove_selected_evidence,
            Qt.ShortcutContext.WidgetShortcut,
        )

        controller.scoresChanged.connect(self._scores_changed)
        controller.profileChanged.connect(self.panel.refresh_findings)
        controller.finalised.connect(self.panel.refresh)
        first = session.unscored()
        self.select(first[0] if first else self._order[0])

    # ---- navigation ------------------------------------------------------------------------

    def current(self) -> str | None:
        return self.panel.indicator.id if self.panel.indicator else None

    def select(self, indicator_id: str) -> None:
        index = self.model.index_of(indicator_id)
        self.tree.scrollTo(index)
        self.tree.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )

    def focus_tree(self) -> None:
        self.tree.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focus_jump(self) -> None:
        self.jump_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.jump_edit.selectAll()

    def next(self) -> None:
        self._step(+1)

    def previous(self) -> None:
        self._step(-1)

    def next_unscored(self) -> None:
        session = self.controller.session
        start = self._anchor()
        n = len(self._order)
        for offset in range(1, n + 1):
            candidate = self._order[(start + offset) % n]
            if not session.entry(candidate).is_scored:
                self.select(candidate)
                return
        self.allScored.emit()

    def jump_to(self, text: str) -> bool:
        """Select the indicator (or the first one of the item/dimension) a clause names."""
        clause = text.translate(_FULL_WIDTH).strip().split(" ")[0].strip(".")
        target = (
            next((i for i in self._order if i == clause or i.startswith(clause + ".")), None)
            if clause
            else None
        )
        if target is None:
            self.notice.emit(f"没有条款 {clause or text}")
            return False
        self.select(target)
        return True

    def _anchor(self) -> int:
        """Position in rubric order the next/previous moves start from."""
        current = self.current()
        if current is not None:
            return self._position[current]
        # A dimension or item is selected: start just before its first indicator.
        index = self.tree.currentIndex()
        while index.isValid() and indicator_at(index) is None:
            index = self.model.index(0, 0, index)
        first = indicator_at(index) if index.isValid() else None
        return self._position[first] - 1 if first else -1

    def _step(self, delta: int) -> None:
        position = self._anchor() + delta
        if 0 <= position < len(self._order):
            self.select(self._order[position])
        else:
            self.notice.emit("已是最后一个指标" if delta > 0 else "已是第一个指标")

    def _return_pressed(self) -> None:
        # QLineEdit leaves Return to shortcuts, so the jump box's Enter arrives here.
        if self.jump_edit.hasFocus():
            self._jump_entered()
        else:
            self.next_unscored()

    def _jump_entered(self, chosen: str = "") -> None:
        text = chosen or self.jump_edit.text()
        # Empty when the popup's choice already jumped and cleared the box.
        if text.strip() and self.jump_to(text):
            # Back to scoring: the popup would otherwise keep the keyboard, so the next
            # level key would be typed into the box instead of scoring the indicator.
            self.jump_edit.completer().popup().hide()
            self.jump_edit.clear()
            self.focus_tree()

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        indicator = indicator_at(current)
        if indicator is not None:
            self.panel.show_indicator(indicator)
            self.indicatorShown.emit(indicator)
            return
        node = current.siblingAtColumn(0)
        score = current.siblingAtColumn(1).data() or ""
        clause, _, name = (node.data() or "").partition("  ")
        count = self.model.itemFromIndex(node).rowCount() if node.isValid() else 0
        self.panel.show_group(clause, name, f"含 {count} 个下级条目　·　得分 {score}")

    def apply_filter(self) -> None:
        """Show only the indicators the filter names, with the items and dimensions holding
        them; the selection moves to the first one shown when it was hidden."""
        kind = self.filter.currentData()
        session = self.controller.session
        for dim in range(self.model.rowCount()):
            dim_index = self.model.index(dim, 0)
            dim_shown = False
            for item in range(self.model.rowCount(dim_index)):
                item_index = self.model.index(item, 0, dim_index)
                item_shown = False
                for row in range(self.model.rowCount(item_index)):
                    ind_id = indicator_at(self.model.index(row, 0, item_index))
                    shown = ind_id is not None and _passes(kind, session, ind_id)
                    self.tree.setRowHidden(row, item_index, not shown)
                    item_shown |= shown
                self.tree.setRowHidden(item, dim_index, not item_shown)
                dim_shown |= item_shown
            self.tree.setRowHidden(dim, QModelIndex(), not dim_shown)
        current = self.current()
        if current is not None and not _passes(kind, session, current):
            first = next((i for i in self._order if _passes(kind, session, i)), None)
            if first is not None:
                self.select(first)

    def _scores_changed(self, indicator_id: str) -> None:
        session = self.controller.session
        self.model.refresh_indicator(session, indicator_id)
        # Any score can change the grade the shown indicator's veto warning quotes.
        self.panel.refresh()
        total = session.result.completeness
        if total.scored == total.total:
            self.notice.emit(
                f"全部 {total.total} 项指标已评分，总分 {points(session.result.total)}"
            )
