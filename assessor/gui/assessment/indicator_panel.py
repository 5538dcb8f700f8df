"""The selected indicator: its text, levels as large buttons, N/A, note, evidence, checks."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, QUrl
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QIcon,
    QImageReader,
    QPalette,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from assessor.core.assessment.model import Evidence
from assessor.core.rubric.basis import describe_basis
from assessor.core.rubric.model import METHOD_LABELS, Indicator, Source
from assessor.core.scoring.checks import STATUS_LABELS
from assessor.gui.assessment.controller import AssessmentController
from assessor.gui.widgets.dialogs import Dialogs
from assessor.gui.widgets.style import (
    BLUE,
    BLUE_LIGHT,
    RED,
    RED_LIGHT,
    STATUS_COLOURS,
    STATUS_MARKS,
    ems,
    points,
    tone,
)

# A note is saved at most this long after the first unsaved keystroke, even while typing
# goes on (the timer is not restarted per key), so a crash loses only the last keystrokes.
NOTE_SAVE_MS = 100
THUMBNAIL = 88
_IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff"}
_SOURCE_BADGES = {
    Source.drafted: ("拟定文本", "本指标文本依据公开资料拟定，以标准原文为准"),
    Source.secondary: ("转述文本", "本指标文本来自公开资料的转述，以标准原文为准"),
}


def _label(text: str = "", name: str = "", wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(wrap)
    if name:
        tone(label, name)
    return label


def _set_text(label: QLabel, text: str) -> None:
    if label.text() != text:
        label.setText(text)


def evidence_name(evidence: Evidence) -> str:
    """The original file name, without the folder and the store's unique prefix."""
    name = Path(evidence.file).name
    prefix, _, rest = name.partition("-")
    return rest if len(prefix) == 8 and rest else name


class IndicatorPanel(QScrollArea):
    """Shows one indicator and turns clicks and keys into controller calls."""

    def __init__(
        self, controller: AssessmentController, dialogs: Dialogs, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.dialogs = dialogs
        self.indicator: Indicator | None = None
        self._thumbnails: dict[Path, QIcon] = {}
        self._level_buttons: list[QPushButton] = []
        self._na_button: QPushButton | None = None
        self._clear_button: QPushButton | None = None
        self._note_timer = QTimer(self)
        self._note_timer.setSingleShot(True)
        self._note_timer.setInterval(NOTE_SAVE_MS)
        self._note_timer.timeout.connect(self.flush_note)
        self._note_pending = False
        # Saves after the first one of a stretch of typing extend one undo step.
        self._note_continued = False

        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        # Nothing here needs more than the panel's minimum width (the text wraps); should a
        # font or a translation ever need more, a scroll bar beats text cut at the edge.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setMinimumWidth(ems(self, 20))
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(12, 8, 12, 8)

        head = QHBoxLayout()
        self.clause = _label(wrap=False, name="clause")
        clause_font = self.clause.font()
        clause_font.setPointSizeF(clause_font.pointSizeF() * 1.5)
        self.clause.setFont(clause_font)
        self.short = _label()
        short_font = self.short.font()
        short_font.setPointSizeF(short_font.pointSizeF() * 1.2)
        short_font.setBold(True)
        self.short.setFont(short_font)
        self.basic_badge = _label("基础指标（否决项）", "badgeBasic", wrap=False)
        self.source_badge = _label(name="badgeDrafted", wrap=False)
        self.badges = QWidget()
        badges = QHBoxLayout(self.badges)
        badges.setContentsMargins(0, 0, 0, 0)
        badges.addWidget(self.basic_badge)
        badges.addWidget(self.source_badge)
        head.addWidget(self.clause)
        head.addStretch(1)
        head.addWidget(self.badges)
        self._head = head
        layout.addLayout(head)
        # Where the badges go when the clause and both badges do not fit on one line (a 150%
        # screen with the summary open): their own line, rather than past the panel's edge.
        self._badge_line = QHBoxLayout()
        self._badge_line.setContentsMargins(0, 0, 0, 0)
        self._badge_line.addStretch(1)
        layout.addLayout(self._badge_line)
        # On its own line: beside the badges a long name would be squeezed to one character.
        layout.addWidget(self.short)

        self.path = _label(name="muted")
        layout.addWidget(self.path)
        self.text = _label()
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.text)
        self.methods = _label(name="muted")
        layout.addWidget(self.methods)
        self.basis = _label(name="muted")
        self.basis.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.basis)

        self.detail = QWidget()
        detail_layout = QVBoxLayout(self.detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        self.read_only = _label("本评估已完成，内容只读。", "readOnly")
        self.read_only.hide()
        detail_layout.addWidget(self.read_only)
        self.levels = QVBoxLayout()
        self.levels.setSpacing(6)
        detail_layout.addLayout(self.levels)
        self.veto = _label()
        self.veto.setMargin(6)
        self.veto.setAutoFillBackground(True)
        self._alarmed: bool | None = None
        detail_layout.addWidget(self.veto)
        self.conflicts = _label(name="conflict")
        self.conflicts.hide()
        detail_layout.addWidget(self.conflicts)

        self.findings_title = _label(
            "核查提示（依据机构信息自动计算，仅供参考，由评估员判断）", "sectionTitle"
        )
        self.findings = _label()
        self.findings.setTextFormat(Qt.TextFormat.RichText)
        detail_layout.addWidget(self.findings_title)
        detail_layout.addWidget(self.findings)
        self.hints_title = _label("证据提示", "sectionTitle")
        self.hints = _label()
        detail_layout.addWidget(self.hints_title)
        detail_layout.addWidget(self.hints)

        detail_layout.addWidget(_label("备注（Ctrl+E）", "sectionTitle"))
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText("记录现场所见、访谈要点、扣分理由……输入后自动保存")
        self.note.setMinimumHeight(72)
        self.note.setTabChangesFocus(True)
        self.note.textChanged.connect(self._note_typed)
        self.note.installEventFilter(self)
        detail_layout.addWidget(self.note)

        # The buttons on a line of their own: beside the title they made the panel wider than
        # a 150% screen with the summary open leaves it.
        detail_layout.addWidget(_label("证据文件", "sectionTitle"))
        evidence_head = QHBoxLayout()
        self.attach_button = QPushButton("添加…")
        self.attach_button.setToolTip("Ctrl+Shift+A：复制照片或文档到本评估的文件夹")
        self.attach_button.clicked.connect(self.attach)
        self.caption_button = QPushButton("编辑说明…")
        self.caption_button.setToolTip("说明印在报告附录的照片下方")
        self.caption_button.clicked.connect(self.edit_selected_caption)
        self.remove_button = QPushButton("移除…")
        self.remove_button.setToolTip("从本评估中移除选中的证据文件")
        self.remove_button.clicked.connect(self.remove_selected_evidence)
        evidence_head.addWidget(self.attach_button)
        evidence_head.addWidget(self.caption_button)
        evidence_head.addWidget(self.remove_button)
        evidence_head.addStretch(1)
        detail_layout.addLayout(evidence_head)
        self.evidence = QListWidget()
        self.evidence.setViewMode(QListView.ViewMode.IconMode)
        self.evidence.setIconSize(QSize(THUMBNAIL, THUMBNAIL))
        self.evidence.setResizeMode(QListView.ResizeMode.Adjust)
        self.evidence.setMovement(QListView.Movement.Static)
        self.evidence.setWordWrap(True)
        self.evidence.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.evidence.setMinimumHeight(THUMBNAIL + 50)
        self.evidence.setMaximumHeight(THUMBNAIL + 70)
        self.evidence.itemActivated.connect(self._open_evidence)
        detail_layout.addWidget(self.evidence)
        layout.addWidget(self.detail)
        layout.addStretch(1)
        self.setWidget(body)

    # ---- showing ---------------------------------------------------------------------------

    def show_group(self, clause: str, name: str, detail: str) -> None:
        """A dimension or item is selected: say what it holds; level keys do nothing."""
        self.flush_note()
        self.indicator = None
        self.clause.setText(clause)
        self.short.setText(name)
        self.basic_badge.hide()
        self.source_badge.hide()
        self.path.setText(detail)
        self.text.setText("选择其中的一个指标进行评分（按 Enter 跳到下一个未评分的指标）。")
        self.methods.clear()
        self.basis.hide()
        self.detail.hide()

    def show_indicator(self, indicator_id: str) -> None:
        self.flush_note()
        session = self.controller.session
        ind = session.indicator(indicator_id)
        self.indicator = ind
        self.detail.show()
        dim, item = session.rubric.dimension_of(ind.id), session.rubric.item_of(ind.id)
        self.clause.setText(ind.id)
        self.short.setText(ind.short)
        self.basic_badge.setVisible(ind.basic is not None)
        badge = _SOURCE_BADGES.get(ind.source)
        self.source_badge.setVisible(badge is not None)
        if badge:
            self.source_badge.setText(badge[0])
            self.source_badge.setToolTip(badge[1])
        self.path.setText(
            f"{dim.id} {dim.name} › {item.id} {item.name}　·　满分 {points(ind.max)} 分"
        )
        self.text.setText(ind.text)
        self.methods.setText("评估方法：" + "、".join(METHOD_LABELS[m] for m in ind.methods))
        # Format 1 rubrics state no basis; the line is left out rather than saying 未注明.
        self.basis.setVisible(ind.basis is not None)
        self.basis.setText("依据：" + describe_basis(session.rubric.rubric, ind.basis))
        self.hints_title.setVisible(bool(ind.evidence_hints))
        self.hints.setVisible(bool(ind.evidence_hints))
        self.hints.setText("\n".join(f"· {h}" for h in ind.evidence_hints))
        self._place_badges()
        self._build_levels(ind)
        self._load_note()
        self.refresh_findings()
        self.refresh()
        self.verticalScrollBar().setValue(0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_badges()

    def _place_badges(self) -> None:
        """Beside the clause when both fit the panel's width, else on a line of their own."""
        margins = self.widget().layout().contentsMargins()
        needed = (
            self.clause.sizeHint().width()
            + self._head.spacing()
            + self.badges.sizeHint().width()
            + margins.left()
            + margins.right()
        )
        beside = self.viewport().width() >= needed
        target = self._head if beside else self._badge_line
        if target.indexOf(self.badges) >= 0:
            return
        (self._badge_line if beside else self._head).removeWidget(self.badges)
        target.insertWidget(target.count() if beside else 0, self.badges)

    def _build_levels(self, ind: Indicator) -> None:
        while self.levels.count():
            widget = self.levels.takeAt(0).widget()
            if widget is not None:
                # Hidden now: deleteLater alone leaves it painted until the event loop runs.
                widget.hide()
                widget.deleteLater()
        # One row widget per level, in a box layout: word-wrapped criteria get the height
        # they need at any width (a grid clipped long criteria on narrow windows).
        self._level_buttons = []
        rows: list[tuple[str, str, str]] = [
            (str(n), f"{lv.label}　{points(lv.points)} 分", lv.criterion)
            for n, lv in enumerate(ind.levels, start=1)
        ]
        if ind.na_allowed:
            rows.append(("N", "不适用", ind.na_condition))
        for key, title, criterion in rows:
            button = QPushButton(f"{key}　{title}")
            tone(button, "level")
            button.setCheckable(True)
            button.setMinimumHeight(button.fontMetrics().height() * 2 + 12)
            button.setMinimumWidth(
                button.fontMetrics().horizontalAdvance("0　部分符合　10.5 分") + 32
            )
            button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
            big = button.font()
            big.setPointSizeF(big.pointSizeF() * 1.15)
            big.setBold(True)
            button.setFont(big)
            button.setToolTip(f"按 {key} 键选择")
            row = QWidget()
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            line.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
            line.addWidget(_label(criterion), 1)
            self.levels.addWidget(row)
            if key == "N":
                self._na_button = button
                button.clicked.connect(self.mark_na)
            else:
                self._level_buttons.append(button)
                button.clicked.connect(lambda _=False, n=int(key): self.choose_level(n))
        if not ind.na_allowed:
            self._na_button = None
        clear = QPushButton("0　清除评分")
        clear.setToolTip("按 0 键清除本指标的评分")
        clear.clicked.connect(self.clear_score)
        self._clear_button = clear
        self.levels.addWidget(clear, 0, Qt.AlignmentFlag.AlignLeft)

    def refresh(self) -> None:
        """Update what a score, note or evidence change alters; cheap enough per keystroke."""
        ind = self.indicator
        if ind is None:
            return
        session = self.controller.session
        entry = session.entry(ind.id)
        for button, level in zip(self._level_buttons, ind.levels, strict=True):
            button.setChecked(entry.score is not None and abs(entry.score - level.points) < 1e-9)
        if self._na_button is not None:
            self._na_button.setChecked(entry.na)
        veto = next((v for v in session.result.vetoes if v.indicator == ind.id), None)
        self.veto.setVisible(veto is not None)
        if veto is not None:
            cap = session.rubric.rubric.grade_rule.veto_grade
            if veto.status == "unmet":
                e = session.result.explanation
                text = (
                    f"✘ 基础指标未达标：任一基础指标未达标时，等级最高为 {cap}。"
                    f"当前预测等级为 {e.grade}（{e.label}）。"
                )
            else:
                line = ind.veto_threshold()
                below = "满分" if line >= ind.max else f"{points(line)} 分（否决线）"
                text = f"基础指标（否决项）：得分低于{below}即为未达标，未达标时等级最高为 {cap}。"
            # Same box, new words and colours: no relayout of the panel on a score change.
            _set_text(self.veto, text)
            self._alarm(veto.status == "unmet")
        if entry.note != self.note.toPlainText() and not self._note_pending:
            self._load_note()
        self.refresh_conflicts()
        self._show_evidence(entry.evidence)
        self._apply_read_only()

    def _alarm(self, on: bool) -> None:
        if on == self._alarmed:
            return
        self._alarmed = on
        palette = self.veto.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor(RED_LIGHT if on else BLUE_LIGHT))
        palette.setColor(QPalette.ColorRole.WindowText, QColor(RED if on else BLUE))
        self.veto.setPalette(palette)

    @property
    def veto_unmet(self) -> bool:
        """Whether the shown indicator's veto consequence is on screen."""
        return bool(self._alarmed) and self.veto.isVisibleTo(self)

    def refresh_conflicts(self) -> None:
        """The consistency warnings on this indicator, and whether a note explains them."""
        if self.indicator is None:
            return
        mine = [w for w in self.controller.session.warnings() if w.indicator == self.indicator.id]
        self.conflicts.setVisible(bool(mine))
        if not mine:
            return
        lines = [f"！一致性提示：{w.message}" for w in mine]
        if all(w.resolved for w in mine):
            lines.append("已在备注中说明理由，可以完成评估。")
        else:
            lines.append("请更正评分，或在下方备注中说明保留该评分的理由；否则不能完成评估。")
        _set_text(self.conflicts, "\n".join(lines))

    def refresh_findings(self) -> None:
        self.refresh_conflicts()
        if self.indicator is None:
            return
        found = self.controller.session.findings_for(self.indicator.id)
        self.findings_title.setVisible(bool(found))
        self.findings.setVisible(bool(found))
        self.findings.setText(
            "<br>".join(
                f"<span style='color:{STATUS_COLOURS[f.status]}'>{STATUS_MARKS[f.status]}"
                f" {STATUS_LABELS[f.status]}</span>：{escape(f.message)}"
                + ("" if f.verified else "<span style='color:#6b7280'>（参考值待核实）</span>")
                for f in found
            )
        )

    def _apply_read_only(self) -> None:
        session = self.controller.session
        others = self.indicator is not None and not session.may_edit(self.indicator.id)
        final = session.is_final or others
        for button in [*self._level_buttons, self._na_button, self._clear_button]:
            if button is not None:
                button.setEnabled(not final)
        self.note.setReadOnly(final)
        self.attach_button.setEnabled(not final)
        self.caption_button.setEnabled(not final)
        self.remove_button.setEnabled(not final)
        if others:
            assert self.indicator is not None and session.assessment.team is not None
            who = session.assessment.team.member(session.responsible(self.indicator.id) or "")
            self.read_only.setText(f"该指标由评估组成员{who.name}负责，您只能查看。")
        else:
            self.read_only.setText("本评估已完成，内容只读。")
        self.read_only.setVisible(final)

    # ---- scoring ---------------------------------------------------------------------------

    def choose_level(self, number: int) -> None:
        """Score with the n-th level (1-based, as numbered on the buttons)."""
        ind = self.indicator
        if ind is None:
            return
        if not 1 <= number <= len(ind.levels):
            self.controller.failed.emit(f"指标 {ind.id} 只有 {len(ind.levels)} 个评分档次")
            self.refresh()
            return
        self.controller.set_score(ind.id, ind.levels[number - 1].points)
        self.refresh()

    def mark_na(self) -> None:
        ind = self.indicator
        if ind is None:
            return
        if not ind.na_allowed:
            self.controller.failed.emit(f"指标 {ind.id} 不允许标记为不适用")
            return
        self.controller.set_na(ind.id, not self.controller.session.entry(ind.id).na)
        self.refresh()

    def clear_score(self) -> None:
        if self.indicator is not None:
            self.controller.set_score(self.indicator.id, None)
            self.refresh()

    # ---- note ------------------------------------------------------------------------------

    def focus_note(self) -> None:
        self.ensureWidgetVisible(self.note)
        self.note.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _load_note(self) -> None:
        self._note_timer.stop()
        self._note_pending = False
        self._note_continued = False
        self.note.blockSignals(True)
        self.note.setPlainText(
            self.controller.session.entry(self.indicator.id).note if self.indicator else ""
        )
        self.note.blockSignals(False)

    def _note_typed(self) -> None:
        if self.note.isReadOnly():
            return
        self._note_pending = True
        if not self._note_timer.isActive():
            self._note_timer.start()

    def flush_note(self) -> None:
        """Save a note typed since the last save (timer, indicator change, focus out, close)."""
        if not self._note_pending or self.indicator is None:
            return
        self._note_timer.stop()
        self._note_pending = False
        if self.controller.set_note(
            self.indicator.id, self.note.toPlainText(), continued=self._note_continued
        ):
            self._note_continued = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.note and event.type() == QEvent.Type.FocusOut:
            self.flush_note()
            self._note_continued = False
        return super().eventFilter(watched, event)

    # ---- evidence --------------------------------------------------------------------------

    def attach(self) -> None:
        ind = self.indicator
        if ind is None or self.controller.session.is_final:
            return
        files = self.dialogs.choose_files(f"为指标 {ind.id} 添加证据文件")
        if files:
            self.controller.attach_evidence(ind.id, files)
            self.refresh()

    def edit_selected_caption(self) -> None:
        item = self.evidence.currentItem()
        if item is None or self.indicator is None or self.controller.session.is_final:
            return
        evidence: Evidence = item.data(Qt.ItemDataRole.UserRole)
        caption = self.dialogs.ask_text(
            "证据说明",
            f"“{evidence_name(evidence)}”的说明（印在报告附录的照片下方）：",
            evidence.caption,
        )
        if caption is not None:
            self.controller.set_evidence_caption(self.indicator.id, evidence.file, caption)
            self.refresh()

    def remove_selected_evidence(self) -> None:
        item = self.evidence.currentItem()
        if item is None or self.indicator is None:
            return
        evidence: Evidence = item.data(Qt.ItemDataRole.UserRole)
        if self.dialogs.confirm(
            "移除证据",
            f"从指标 {self.indicator.id} 移除证据“{evidence_name(evidence)}”？\n"
            "文件副本仍保留在本评估的文件夹中。",
            accept="移除",
        ):
            self.controller.remove_evidence(self.indicator.id, evidence.file)
            self.refresh()

    def _show_evidence(self, attached: list[Evidence]) -> None:
        shown = [
            self.evidence.item(r).data(Qt.ItemDataRole.UserRole)
            for r in range(self.evidence.count())
        ]
        if shown == attached:
            return
        self.evidence.clear()
        for evidence in attached:
            item = QListWidgetItem(
                self._icon(evidence), evidence.caption or evidence_name(evidence)
            )
            item.setData(Qt.ItemDataRole.UserRole, evidence)
            item.setToolTip(f"{evidence_name(evidence)}\n双击打开")
            self.evidence.addItem(item)

    def _icon(self, evidence: Evidence) -> QIcon:
        path = self.controller.session.evidence_path(evidence)
        if path not in self._thumbnails:
            self._thumbnails[path] = self._thumbnail(path)
        return self._thumbnails[path]

    def _thumbnail(self, path: Path) -> QIcon:
        if path.suffix.lower() in _IMAGE_SUFFIXES:
            reader = QImageReader(str(path))
            reader.setAutoTransform(True)
            size = reader.size()
            if size.isValid():
                # Decode at thumbnail size: phone photos are 12 MP and the list shows 88 px.
                ratio = self.devicePixelRatioF()
                reader.setScaledSize(
                    size.scaled(
                        QSize(round(THUMBNAIL * ratio), round(THUMBNAIL * ratio)),
                        Qt.AspectRatioMode.KeepAspectRatio,
                    )
                )
            image = reader.read()
            if not image.isNull():
                pixmap = QPixmap.fromImage(image)
                pixmap.setDevicePixelRatio(self.devicePixelRatioF())
                return QIcon(pixmap)
        return self.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon)

    def _open_evidence(self, item: QListWidgetItem) -> None:
        evidence: Evidence = item.data(Qt.ItemDataRole.UserRole)
        QDesktopServices.openUrl(
            QUrl.fromLocalFile(str(self.controller.session.evidence_path(evidence)))
        )
