"""What still blocks finalising, as a list the assessor clicks (or Enters) to jump to."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from assessor.core.consistency import VISIT_DATE
from assessor.core.session import EditingSession
from assessor.gui.widgets.style import tone

_KIND_ROLE = Qt.ItemDataRole.UserRole
_TARGET_ROLE = Qt.ItemDataRole.UserRole + 1


class MissingPanel(QFrame):
    indicatorChosen = Signal(str)
    gapChosen = Signal(str)  # a profile_gaps label
    closedWithoutFocus = Signal()  # closed, and nobody to give the keyboard back to

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        tone(self, "missing")
        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        self.title = QLabel()
        tone(self.title, "sectionTitle")
        head.addWidget(self.title, 1)
        close = QPushButton("关闭")
        close.clicked.connect(self.close_panel)
        head.addWidget(close)
        layout.addLayout(head)
        self.list = QListWidget()
        self.list.setMaximumHeight(self.list.fontMetrics().height() * 7)
        self.list.itemActivated.connect(self._chosen)
        self.list.itemClicked.connect(self._chosen)
        layout.addWidget(self.list)
        # Where the keyboard was before the panel took it; it goes back there on closing, or
        # digits, Esc and Enter would reach nothing until the tree is clicked.
        self._return_to: QWidget | None = None
        self.hide()

    def open_with_focus(self, session: EditingSession) -> None:
        """Show what is missing and give the list the keyboard, remembering who had it."""
        had = QApplication.focusWidget()
        if had is not None and not self.isAncestorOf(had):
            self._return_to = had
        self.show_missing(session)
        self.list.setFocus()

    def close_panel(self) -> None:
        self.hide()
        back = self._return_to
        self._return_to = None
        if back is not None and shiboken6.isValid(back) and back.isVisible():
            back.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.closedWithoutFocus.emit()

    def show_missing(self, session: EditingSession) -> None:
        self.list.clear()
        unscored, gaps = session.unscored(), session.profile_gaps()
        conflicts = session.unresolved_warnings()
        for conflict in conflicts:
            if conflict.indicator is None:
                self._add(f"一致性提示：{conflict.message}", "gap", VISIT_DATE)
            else:
                self._add(
                    f"一致性提示：{conflict.text}（更正评分或在备注中说明）",
                    "indicator",
                    conflict.indicator,
                )
        for gap in gaps:
            self._add(f"机构信息：尚未填写「{gap}」", "gap", gap)
        for ind_id in unscored:
            self._add(f"未评分：{ind_id} {session.rubric.by_id[ind_id].short}", "indicator", ind_id)
        parts = []
        if unscored:
            parts.append(f"{len(unscored)} 项指标未评分")
        if gaps:
            parts.append(f"{len(gaps)} 项机构/评估信息未填写")
        if conflicts:
            parts.append(f"{len(conflicts)} 项一致性提示未处理")
        self.title.setText("尚不能完成评估：" + "，".join(parts) + "。点击条目跳转。")
        self.setVisible(bool(parts))
        if parts:
            self.list.setCurrentRow(0)

    def refresh(self, session: EditingSession) -> None:
        """Keep an open list current as items are completed."""
        if self.isVisible():
            self.show_missing(session)

    def _add(self, text: str, kind: str, target: str) -> None:
        item = QListWidgetItem(text)
        item.setData(_KIND_ROLE, kind)
        item.setData(_TARGET_ROLE, target)
        self.list.addItem(item)

    def _chosen(self, item: QListWidgetItem) -> None:
        target = item.data(_TARGET_ROLE)
        if item.data(_KIND_ROLE) == "indicator":
            self.indicatorChosen.emit(target)
        else:
            self.gapChosen.emit(target)
