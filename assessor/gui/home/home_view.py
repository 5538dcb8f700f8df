"""The home screen: local assessments with progress and grade so far, and the recycle bin."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from assessor.core.assessment.status import Status
from assessor.core.problems import UserError
from assessor.core.rubric.deferred import DeferredRubric, heading_of, loaded
from assessor.core.storage.errors import StorageError
from assessor.gui.assessment.meter import paint_meter
from assessor.gui.assessment.shortcuts_help import bind, binding, shown_keys
from assessor.gui.home.record_list import (
    DATE,
    GRADE,
    KEY_ROLE,
    PERCENT_ROLE,
    PROGRESS,
    STATUS,
    STATUS_FILTERS,
    UPDATED,
    BinModel,
    RecordListModel,
    Row,
    name_of,
)
from assessor.gui.widgets.background import BackgroundTask, Progress
from assessor.gui.widgets.dialogs import Dialogs
from assessor.gui.widgets.style import ems, tone

# The home screen shows before the store (and its lock, index and file libraries) is
# imported: the window is up first and the list is filled right after (see `attach_store`).
if TYPE_CHECKING:
    from PySide6.QtGui import QPainter
    from PySide6.QtWidgets import QStyleOptionViewItem

    from assessor.core.rubric.validate import LoadedRubric
    from assessor.core.storage.store import RecordSummary, Store

Index = QModelIndex | QPersistentModelIndex
READING = "正在读取…"  # the list between the first paint and the index read
SCORE_AT_ONCE = 8  # records without a remembered grade scored on the GUI thread


class ProgressDelegate(QStyledItemDelegate):
    """The progress column as a bar with its percentage."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        percent = index.data(PERCENT_ROLE)
        if percent is None:
            super().paint(painter, option, index)
            return
        # QStyle's ~20 enum types are built when the class is first imported: with the first
        # row, not on the start path.
        from PySide6.QtWidgets import QStyle

        # Selection background first, so the selected row still reads as selected.
        QApplication.style().drawPrimitive(
            QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, option.widget
        )
        rect = QRectF(option.rect).adjusted(4, 5, -4, -5)
        paint_meter(painter, rect, percent / 100, f"{percent}%")


def _table(model: QAbstractTableModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.setAlternatingRowColors(True)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    return view


def _sign_refusal(row: Row | None) -> str | None:
    """Why 签名导出 cannot succeed on this row, or None when it can."""
    if row is None:
        return "请先选择一个评估"
    s = row.summary
    if s.broken or s.status is not Status.final:
        return "只有已完成的评估才能签名导出；请先打开评估并完成评估"
    if row.superseded_by is not None:
        return f"该版本已被第 {row.superseded_by} 版取代，请对最新版本签名"
    if s.signed and not s.training_signed:
        return "该版本已用正式密钥签名；每个版本只签名一次，签名文件保存在本机评估记录中"
    return None


def _amend_refusal(row: Row | None) -> str | None:
    """Why 修订 cannot succeed on this row, or None when it can."""
    if row is None:
        return "请先选择一个评估"
    s = row.summary
    if s.broken or s.status is not Status.final or not s.signed:
        return "只有已签名导出的评估才能新建修订版本"
    if row.superseded_by is not None:
        return f"该版本已被第 {row.superseded_by} 版取代，只能修订最新版本"
    return None


def _remember_overviews(store: Store, rubric: LoadedRubric, _progress: Progress) -> None:
    from assessor.core.overviews import record_overviews

    record_overviews(store, [rubric])


class HomeView(QWidget):
    openRequested = Signal(str)
    newRequested = Signal()
    templateRequested = Signal(str)
    signRequested = Signal(str)
    keysRequested = Signal()
    backupRequested = Signal()
    aboutRequested = Signal()
    registerRequested = Signal()
    trainingRequested = Signal()
    plansRequested = Signal()
    teamPackageRequested = Signal()
    notice = Signal(str)

    def __init__(
        self,
        store: Store | None,
        rubric: LoadedRubric | DeferredRubric,
        dialogs: Dialogs,
        parent: QWidget | None = None,
    ) -> None:
        """Without a store, the list says 「正在读取…」 until `attach_store` gives it one."""
        super().__init__(parent)
        self._store = store
        self._rubric = rubric
        self.dialogs = dialogs
        self._scoring: BackgroundTask | None = None  # computing progress and grades
        self._scored_once = False

        title = QLabel("托育机构质量评估")
        title_font = title.font()
        title_font.setPointSizeF(title_font.pointSizeF() * 1.8)
        title_font.setBold(True)
        title.setFont(title_font)
        # The search box gives way first; the app's name is never cut.
        title.setMinimumWidth(title.sizeHint().width())
        r = heading_of(rubric)  # the list needs the rubric's name only, not the loaded rubric
        subtitle = QLabel(
            f"评估标准：{r.code}《{r.title}》　数据版本 {r.version}　·　本机离线保存，所有修改自动保存　·　时间均为北京时间"
        )
        tone(subtitle, "muted")
        subtitle.setWordWrap(True)

        self.search = QLineEdit()
        self.search.setPlaceholderText(
            f"搜索名称、信用代码或地址（{shown_keys(binding('评估列表', 'search'))}）"
        )
        self.search.setClearButtonEnabled(True)
        self.status_filter = QComboBox()
        for value, label in STATUS_FILTERS.items():
            self.status_filter.addItem(label, value)
        tools = QHBoxLayout()
        self.new_button = self._button(tools, "新建评估", "new", self.newRequested.emit)
        self.open_button = self._button(tools, "打开", "open", self.open_selected)
        self.template_button = self._button(tools, "复制为模板", "template", self.template_selected)
        self.sign_button = self._button(tools, "签名导出…", "sign", self.sign_selected)
        self.amend_button = self._button(tools, "修订…", "amend", self.amend_selected)
        self.delete_button = self._button(tools, "删除…", "delete", self.delete_selected)
        self.team_package_button = QPushButton("评估组任务包…")
        self.team_package_button.setToolTip("评估组成员：打开组长分发的任务包，评分自己负责的指标")
        self.team_package_button.clicked.connect(self.teamPackageRequested.emit)
        tools.addWidget(self.team_package_button)
        tools.addStretch(1)
        # The whole data folder, not the selected record: at the right end, beside the bin.
        self.backup_button = self._button(
            tools, "备份全部数据…", "backup", self.backupRequested.emit
        )
        self.bin_button = self._button(tools, "回收站", "bin", self.toggle_bin)
        # Beside the title, away from the record actions: keys belong to the assessor, not to
        # the selected record.
        # Search sits beside the title, so the row of record actions fits a narrow window.
        heading = QHBoxLayout()
        heading.addWidget(title)
        heading.addSpacing(ems(self, 1))
        # Narrow enough that the title and every button keep their full text at 1366×768, 150%.
        self.search.setMinimumWidth(ems(self.search, 10))
        heading.addWidget(self.search, 1)
        heading.addWidget(self.status_filter)
        self.register_button = self._button(
            heading, "登记库…", "register", self.registerRequested.emit
        )
        self.training_button = self._button(
            heading, "培训练习", "training", self.trainingRequested.emit
        )
        self.plans_button = self._button(heading, "评估任务…", "plans", self.plansRequested.emit)
        self.keys_button = self._button(heading, "签名密钥…", "keys", self.keysRequested.emit)
        self.about_button = self._button(heading, "关于", "about", self.aboutRequested.emit)

        self.model = RecordListModel()
        self.table = _table(self.model)
        self.table.setItemDelegateForColumn(PROGRESS, ProgressDelegate(self.table))
        header = self.table.horizontalHeader()
        # Measuring every row's text to fit columns would cost more than reading the index;
        # the columns get fixed widths in characters instead, names take the rest.
        for column, width in ((DATE, 7), (STATUS, 12), (PROGRESS, 6), (GRADE, 10), (UPDATED, 9)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.table.setColumnWidth(column, ems(self.table, width))
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(UPDATED, Qt.SortOrder.DescendingOrder)
        self.table.activated.connect(lambda _: self.open_selected())
        self.table.selectionModel().currentRowChanged.connect(self._update_actions)
        self.empty = QLabel()
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        tone(self.empty, "muted")
        # Records brought back from a backup: never silent, shown until dismissed.
        self.recovery = QLabel()
        self.recovery.setWordWrap(True)
        self.recovery.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        tone(self.recovery, "recovery")
        self.recovery_seen = QPushButton("已核对，不再提示")
        self.recovery_seen.clicked.connect(self.dismiss_recovery)
        recovery_row = QHBoxLayout()
        recovery_row.addWidget(self.recovery, 1)
        recovery_row.addWidget(self.recovery_seen, 0, Qt.AlignmentFlag.AlignTop)

        list_page = QWidget()
        list_layout = QVBoxLayout(list_page)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.addWidget(self.table, 1)
        list_layout.addWidget(self.empty)

        # The bin's page is built when first opened: a start shows only the list.
        self.bin_model = BinModel()
        self.bin_table: QTableView | None = None

        self.pages = QStackedWidget()
        self.pages.addWidget(list_page)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.addLayout(heading)
        layout.addWidget(subtitle)
        layout.addLayout(tools)
        layout.addLayout(recovery_row)
        layout.addWidget(self.pages, 1)

        self.search.textChanged.connect(self._filter)
        self.status_filter.currentIndexChanged.connect(self._filter)
        bind(
            self,
            "评估列表",
            "search",
            lambda: self.search.setFocus(Qt.FocusReason.ShortcutFocusReason),
        )
        if store is None:
            self.empty.setText(READING)
            self._update_recovery()
            self._update_actions()
        else:
            self.reload()

    @property
    def store(self) -> Store:
        if self._store is None:  # only for the moment between the first paint and the lock
            raise RuntimeError("评估记录尚未读取")
        return self._store

    @property
    def has_store(self) -> bool:
        return self._store is not None

    def attach_store(self, store: Store) -> None:
        """The store, opened (its folder locked) once the window was shown: fill the list."""
        self._store = store
        self.reload()

    @property
    def rubric(self) -> LoadedRubric:
        """The rubric, loaded at first need (scoring records the index has no progress for)."""
        return loaded(self._rubric)

    def _button(self, row: QHBoxLayout, text: str, name: str, slot: Any) -> QPushButton:
        button = QPushButton(text)
        b = binding("评估列表", name)
        button.setToolTip(shown_keys(b))
        button.clicked.connect(slot)
        row.addWidget(button)
        if name != "open":  # Return opens through the table's own activation
            bind(self, "评估列表", name, slot)
        return button

    # ---- data ------------------------------------------------------------------------------

    def reload(self, select: str | None = None) -> None:
        from assessor.core.overviews import record_overviews

        try:
            # From the index alone: the rubric is loaded only if a record must be scored.
            records = record_overviews(self.store, compute=False)
            pending = sum(r.pending for r in records)
            if pending and (pending <= SCORE_AT_ONCE or self._scored_once):
                # A few changed records are scored at once; many (a first start after an
                # upgrade, a lost index) in the background, once, see `_score_pending`.
                records = record_overviews(self.store, [self.rubric])
            elif pending and self._scoring is None:
                self._score_pending()
            self.model.set_records(records)
            self.bin_model.set_entries(self.store.bin_list())
        except StorageError as exc:
            self.dialogs.error("无法读取评估记录", str(exc))
        self.bin_button.setText(f"回收站（{len(self.bin_model.entries)}）")
        self._update_recovery()
        self._update_empty()
        self._select(select)
        self._update_actions()

    def _score_pending(self) -> None:
        """Score the records the index has no progress for in a worker thread; the list shows
        「计算中…」 meanwhile and reloads when the scores are remembered in the index."""
        task = BackgroundTask(partial(_remember_overviews, self.store, self.rubric))
        task.signals.succeeded.connect(self._scored)
        task.signals.failed.connect(self._scored)
        self._scoring = task
        task.start()

    def _scored(self, _outcome: object = None) -> None:
        self._scoring = None
        self._scored_once = True
        self.reload(select=self.selected_key())

    @property
    def scoring(self) -> bool:
        """Whether progress and grades are still being computed in the background."""
        return self._scoring is not None

    def _recovered(self) -> list[RecordSummary]:
        return [r.summary for r in self.model.all if r.summary.recovery]

    def _update_recovery(self) -> None:
        recovered = self._recovered()
        self.recovery.setText("\n".join(f"⚠ {r.recovery}" for r in recovered))
        self.recovery.setVisible(bool(recovered))
        self.recovery_seen.setVisible(bool(recovered))

    def dismiss_recovery(self) -> None:
        try:
            for summary in self._recovered():
                self.store.dismiss_recovery_notice(summary.key)
        except StorageError as exc:
            self.dialogs.error("无法删除恢复说明", str(exc))
        self.reload(self.selected_key())

    def _select(self, key: str | None) -> None:
        view = self.table
        for row in range(self.model.rowCount()):
            index = self.model.index(row, 0)
            if key is None or index.data(KEY_ROLE) == key:
                view.selectRow(row)
                view.setCurrentIndex(index)
                return

    def _update_empty(self) -> None:
        if not self.model.all:
            self.empty.setText(
                f"还没有评估记录。按 {shown_keys(binding('评估列表', 'new'))} 新建评估。"
            )
        elif not self.model.rowCount():
            self.empty.setText("没有符合条件的评估。")
        self.empty.setVisible(not self.model.rowCount())

    def _filter(self) -> None:
        self.model.set_filter(self.search.text(), self.status_filter.currentData())
        self._update_empty()
        self._update_actions()

    def selected_key(self) -> str | None:
        s = self.selected_record()
        return s.key if s else None

    def selected_row(self) -> Row | None:
        index = self.table.currentIndex()
        if not index.isValid() or self.pages.currentIndex() != 0:
            return None
        return self.model.row(index.row())

    def selected_record(self) -> RecordSummary | None:
        row = self.selected_row()
        return row.summary if row else None

    def _update_actions(self) -> None:
        """Offer only what can succeed on the selected record (nothing while in the bin)."""
        row = self.selected_row()
        for button in (self.open_button, self.template_button, self.delete_button):
            button.setEnabled(row is not None)
        sign_refusal = _sign_refusal(row)
        amend_refusal = _amend_refusal(row)
        self.sign_button.setEnabled(sign_refusal is None)
        self.sign_button.setToolTip(sign_refusal or shown_keys(binding("评估列表", "sign")))
        self.amend_button.setEnabled(amend_refusal is None)
        self.amend_button.setToolTip(amend_refusal or shown_keys(binding("评估列表", "amend")))

    def focus_list(self) -> None:
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    # ---- actions ---------------------------------------------------------------------------

    def open_selected(self) -> None:
        if self.pages.currentIndex() != 0:
            return
        key = self.selected_key()
        if key is None:
            self.notice.emit("请先选择一个评估")
        else:
            self.openRequested.emit(key)

    def template_selected(self) -> None:
        key = self.selected_key()
        if key is not None:
            self.templateRequested.emit(key)

    def sign_selected(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        if refusal := _sign_refusal(row):
            self.notice.emit(refusal)
            return
        self.signRequested.emit(row.summary.key)

    def amend_selected(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        if refusal := _amend_refusal(row):
            self.notice.emit(refusal)
            return
        s = row.summary
        prompt = (
            f"为“{name_of(s)}”第 {s.version} 版新建修订版本（第 {s.version + 1} 版）。\n"
            "原版本及其签名文件保持不变；修订版本从原版本的内容开始，"
            "修改后需要重新完成评估并签名。\n\n请写明修订原因（必填）："
        )
        reason = self.dialogs.ask_text("新建修订版本", prompt)
        while reason is not None and not reason.strip():
            reason = self.dialogs.ask_text("新建修订版本", "修订原因不能为空。\n\n" + prompt)
        if reason is None:
            return
        from assessor.core.amendment import amend
        from assessor.core.storage.store import record_key

        try:
            amended = amend(self.store, s.key, reason)
        except UserError as exc:
            self.dialogs.error("无法新建修订版本", str(exc))
            return
        key = record_key(amended)
        self.reload(select=key)
        self.notice.emit(f"已新建“{name_of(s)}”第 {amended.version} 版（修订）")
        self.openRequested.emit(key)

    def delete_selected(self) -> None:
        s = self.selected_record()
        if s is None:
            return
        key, name = s.key, name_of(s)
        if not self.dialogs.confirm(
            "删除评估",
            f"将“{name}”移入回收站？\n\n评估内容和证据文件都会保留，可随时从回收站恢复。",
            accept="移入回收站",
        ):
            return
        try:
            self.store.delete(key)
        except StorageError as exc:
            self.dialogs.error("删除失败", str(exc))
            return
        self.reload()
        self.notice.emit(f"已将“{name}”移入回收站")

    def _bin_page(self) -> QTableView:
        """The bin's table, with its page built on first use."""
        if self.bin_table is not None:
            return self.bin_table
        self.bin_table = _table(self.bin_model)
        bin_page = QWidget()
        bin_layout = QVBoxLayout(bin_page)
        bin_layout.setContentsMargins(0, 0, 0, 0)
        bin_title = QLabel("回收站：删除的评估保存在这里，可以恢复；彻底删除后无法找回。")
        tone(bin_title, "sectionTitle")
        bin_layout.addWidget(bin_title)
        bin_layout.addWidget(self.bin_table, 1)
        bin_buttons = QHBoxLayout()
        self.restore_button = QPushButton("恢复")
        self.restore_button.clicked.connect(self.restore_selected)
        self.purge_button = QPushButton("彻底删除…")
        self.purge_button.clicked.connect(self.purge_selected)
        back = QPushButton("返回评估列表")
        back.clicked.connect(self.toggle_bin)
        bin_buttons.addWidget(self.restore_button)
        bin_buttons.addWidget(self.purge_button)
        bin_buttons.addStretch(1)
        bin_buttons.addWidget(back)
        bin_layout.addLayout(bin_buttons)

        self.pages.addWidget(bin_page)
        return self.bin_table

    def toggle_bin(self) -> None:
        bin_table = self._bin_page()
        showing_bin = self.pages.currentIndex() == 1
        self.pages.setCurrentIndex(0 if showing_bin else 1)
        if not showing_bin and self.bin_model.entries:
            bin_table.selectRow(0)
        (self.table if showing_bin else bin_table).setFocus()
        self._update_actions()

    def _bin_key(self) -> tuple[str, str] | None:
        index = self._bin_page().currentIndex()
        if not index.isValid():
            return None
        return index.data(KEY_ROLE), index.siblingAtColumn(0).data()

    def restore_selected(self) -> None:
        chosen = self._bin_key()
        if chosen is None:
            return
        key, name = chosen
        try:
            self.store.restore(key)
        except StorageError as exc:
            self.dialogs.error("恢复失败", str(exc))
            return
        self.reload(select=key)
        self.notice.emit(f"已恢复“{name}”")

    def purge_selected(self) -> None:
        chosen = self._bin_key()
        if chosen is None:
            return
        key, name = chosen
        if not self.dialogs.confirm(
            "彻底删除",
            f"彻底删除“{name}”？\n\n评估内容、审计记录和证据文件将永久删除，无法恢复。",
            accept="彻底删除",
        ):
            return
        try:
            self.store.purge(key)
        except StorageError as exc:
            self.dialogs.error("彻底删除失败", str(exc))
            return
        self.reload()
        self.notice.emit(f"已彻底删除“{name}”")
