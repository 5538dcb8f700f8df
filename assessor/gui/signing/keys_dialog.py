"""The signing keys this computer holds: the imported assessor keys and the training key."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from assessor.core.clock import beijing_text, now_utc
from assessor.core.problems import UserError
from assessor.core.signing.keys import (
    KeyInfo,
    StoredKey,
    import_key,
    inspect_p12,
    list_keys,
    remove_key,
)
from assessor.core.signing.training import TRAINING_PASSPHRASE, training_key_path
from assessor.gui.widgets.dialogs import Dialogs
from assessor.gui.widgets.style import GREEN, RED, ems

TRAINING_LABEL = "培训密钥（内置，签名标记为培训/样例）"


def _date(info: KeyInfo) -> str:
    return beijing_text(info.not_after, "%Y-%m-%d", suffix=False)


@dataclass(frozen=True)
class KeyChoice:
    """A key the assessor can sign with; the built-in one needs no passphrase."""

    path: Path
    info: KeyInfo
    builtin: bool = False

    @property
    def problem(self) -> str | None:
        return self.info.problem_at(now_utc())

    @property
    def label(self) -> str:
        if self.builtin:
            return TRAINING_LABEL
        state = "（不可用）" if self.problem else ""
        return f"{self.info.name}（{self.info.assessor_id}）有效期至 {_date(self.info)}{state}"


def key_choices(keys_dir: Path) -> list[KeyChoice]:
    """The imported keys, newest first, then the training key, which is always offered."""
    imported = [KeyChoice(k.path, k.info) for k in list_keys(keys_dir)]
    training = training_key_path()
    return [*imported, KeyChoice(training, inspect_p12(training, TRAINING_PASSPHRASE), True)]


def import_key_file(dialogs: Dialogs, keys_dir: Path) -> StoredKey | None:
    """Ask for a .p12 file and its passphrase, check it opens, copy it into the key folder.

    The passphrase only opens the file this once; it is neither kept nor written anywhere.
    """
    path = dialogs.choose_key_file("导入签名密钥文件")
    if path is None:
        return None
    passphrase = dialogs.ask_secret(
        "导入签名密钥",
        f"请输入密钥文件“{path.name}”的口令。\n口令只用于检查文件能否打开，不会被保存；"
        "每次签名时需要再次输入。",
    )
    if passphrase is None:
        return None
    try:
        return import_key(path, passphrase, keys_dir)
    except UserError as exc:
        dialogs.error("无法导入签名密钥", str(exc))
        return None


class KeysDialog(QDialog):
    """Lists the keys and imports new ones."""

    HEADERS = ("评估员", "评估员编号", "颁发者", "有效期至", "状态")

    def __init__(self, keys_dir: Path, dialogs: Dialogs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.keys_dir = keys_dir
        self.dialogs = dialogs
        self.choices: list[KeyChoice] = []  # one per table row
        self.setWindowTitle("签名密钥")
        intro = QLabel(
            "签名密钥由卫生健康委签发（.p12 文件，口令保护）。导入后，每次签名时输入口令即可；"
            "口令不会保存在本机。没有密钥时可使用内置的培训密钥练习，其签名的文件标记为培训/样例，"
            "不能作为正式评估结果。"
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(0, len(self.HEADERS))
        self.table.setHorizontalHeaderLabels(list(self.HEADERS))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.import_button = QPushButton("导入密钥文件…")
        self.import_button.clicked.connect(self.import_key)
        self.remove_button = QPushButton("删除所选密钥…")
        self.remove_button.clicked.connect(self.remove_selected)
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.resize(ems(self, 60), ems(self, 22))
        self.reload()

    def reload(self) -> None:
        try:
            choices = key_choices(self.keys_dir)
        except UserError as exc:
            self.dialogs.error("无法读取签名密钥", str(exc))
            choices = []
        self.choices = choices
        self.table.setRowCount(len(choices))
        for row, choice in enumerate(choices):
            info, problem = choice.info, choice.problem
            if choice.builtin:
                status, colour = "仅供培训", None
            elif problem:
                status, colour = "不可用", RED
            else:
                status, colour = "可用", GREEN
            cells = (
                TRAINING_LABEL if choice.builtin else info.name,
                info.assessor_id,
                info.issuer,
                _date(info),
                status,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(problem or "")
                item.setData(Qt.ItemDataRole.UserRole, info.fingerprint)
                if column == len(cells) - 1 and colour:
                    item.setForeground(QBrush(QColor(colour)))
                self.table.setItem(row, column, item)

    def remove_selected(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.choices):
            return
        choice = self.choices[row]
        if choice.builtin:
            self.dialogs.error("不能删除", "内置的培训密钥不能删除。")
            return
        info = choice.info
        if not self.dialogs.confirm(
            "删除签名密钥",
            f"从本机删除 {info.name}（评估员编号 {info.assessor_id}）的签名密钥？\n\n"
            "已签名导出的文件不受影响；以后要用它签名，需要重新导入密钥文件。",
            accept="删除",
        ):
            return
        try:
            remove_key(StoredKey(choice.path, info))
        except UserError as exc:
            self.dialogs.error("无法删除签名密钥", str(exc))
        self.reload()

    def import_key(self) -> None:
        stored = import_key_file(self.dialogs, self.keys_dir)
        if stored is None:
            return
        self.reload()
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).data(Qt.ItemDataRole.UserRole) == stored.info.fingerprint:
                self.table.selectRow(row)
                break
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
