"""The leader decides each disagreement: what the record holds and what each part says, side by
side (score, note, evidence, who, when). Keys 1…n choose a side, Enter goes to the next."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from assessor.core.assessment.model import IndicatorScore
from assessor.core.assessment.team import Team
from assessor.core.clock import beijing_text
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.team.merge import KEEP, Conflict

_DIGITS = {getattr(Qt.Key, f"Key_{n}"): n for n in range(1, 10)}


def score_text(score: IndicatorScore) -> str:
    value = "不适用" if score.na else ("未评分" if score.score is None else f"{score.score:g} 分")
    lines = [value, f"备注：{score.note or '—'}", f"证据：{len(score.evidence)} 项"]
    lines += [f"  · {e.caption or e.file}" for e in score.evidence]
    return "\n".join(lines)


class ConflictDialog(QDialog):
    """One conflict at a time; `decisions` maps each indicator to a member id or KEEP."""

    def __init__(
        self,
        conflicts: tuple[Conflict, ...],
        team: Team,
        rubric: LoadedRubric,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("裁定评估组成员之间的分歧")
        self.conflicts, self.team, self.rubric = conflicts, team, rubric
        self.decisions: dict[str, str] = {}
        self.position = 0
        self.heading = QLabel()
        self.grid = QGridLayout()
        self.options: list[tuple[QRadioButton, str]] = []
        hint = QLabel("按数字键选择采用哪一方，按 Enter 确认并进入下一项；Esc 取消，不合并。")
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(self.grid)
        layout.addWidget(hint)
        self._show()

    @property
    def current(self) -> Conflict:
        return self.conflicts[self.position]

    def _who(self, member: str | None) -> str:
        return self.team.member(member).name if member else "—"

    def _show(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        conflict = self.current
        ind = self.rubric.by_id[conflict.indicator]
        self.heading.setText(
            f"分歧 {self.position + 1}/{len(self.conflicts)}：{ind.id} {ind.short}"
        )
        sides = [
            (
                KEEP,
                f"现有记录（{self._who(conflict.current_by)}，"
                f"{beijing_text(conflict.current_at) if conflict.current_at else '—'}）",
                conflict.current,
            ),
            *[
                (c.member, f"{self._who(c.member)}的部分（{beijing_text(c.at)}）", c.score)
                for c in conflict.candidates
            ],
        ]
        self.options = []
        for column, (choice, title, score) in enumerate(sides):
            button = QRadioButton(f"{column + 1}. {title}")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            body = QLabel(score_text(score))
            body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.grid.addWidget(button, 0, column)
            self.grid.addWidget(body, 1, column, Qt.AlignmentFlag.AlignTop)
            self.options.append((button, choice))
        self.options[0][0].setChecked(True)

    def choose(self, number: int) -> None:
        if 1 <= number <= len(self.options):
            self.options[number - 1][0].setChecked(True)

    def confirm(self) -> None:
        choice = next(c for button, c in self.options if button.isChecked())
        self.decisions[self.current.indicator] = choice
        if self.position + 1 < len(self.conflicts):
            self.position += 1
            self._show()
        else:
            self.accept()

    def event(self, event: QEvent) -> bool:
        # The scoring screen binds the digit keys as shortcuts; here they choose a side, so
        # the dialog claims them before any shortcut does.
        claimed = (*_DIGITS, Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.key() in claimed
        ):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in _DIGITS:
            self.choose(_DIGITS[key])
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.confirm()
        else:
            super().keyPressEvent(event)
