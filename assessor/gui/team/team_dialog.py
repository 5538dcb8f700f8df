"""The team's actions on an open assessment: the leader exports the package, imports the
members' parts (deciding every disagreement) and takes the centre's acknowledgement; a member
exports their part; after finalising, each member co-signs with their own key and passphrase."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QVBoxLayout, QWidget

from assessor.core.problems import UserError
from assessor.core.session import EditingSession
from assessor.core.storage.atomic import StorageError
from assessor.gui.widgets.dialogs import Dialogs

PACKAGE_FILTER = "评估组任务包 (*.assessor-team)"
PART_FILTER = "评估组成员部分 (*.assessor-part)"


class TeamDialog(QDialog):
    def __init__(
        self,
        session: EditingSession,
        dialogs: Dialogs,
        keys_dir: Path,
        refresh: Callable[[], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("评估组")
        self.session, self.dialogs, self.keys_dir, self.refresh = (
            session,
            dialogs,
            keys_dir,
            refresh,
        )
        team = session.assessment.team
        layout = QVBoxLayout(self)
        if team is not None:
            me = team.member(session.member or team.leader)
            role = "组长" if session.is_leader else "成员"
            layout.addWidget(QLabel(f"本电脑使用者：{me.name}（{role}）"))
        else:
            layout.addWidget(QLabel("本评估尚未设置评估组。"))
        self.setup_button = self._button(layout, "设置评估组…", self.edit_team)
        self.package_button = self._button(layout, "导出评估组任务包…", self.export_package)
        self.part_button = self._button(layout, "导出我的部分…", self.export_part)
        self.import_button = self._button(layout, "导入成员的部分…", self.import_parts)
        self.ack_button = self._button(layout, "现场反馈确认…", self.acknowledge)
        self.cosign_button = self._button(layout, "共同签名…", self.cosign)
        leader, final = session.is_leader, session.is_final
        hub = leader and not self._from_package  # the leader's own laptop
        self.setup_button.setVisible(hub)
        self.package_button.setVisible(hub and team is not None)
        self.part_button.setVisible(self._from_package)
        self.import_button.setVisible(hub and team is not None)
        self.ack_button.setVisible(hub and team is not None)
        self.cosign_button.setVisible(team is not None)
        buttons = (self.setup_button, self.package_button, self.part_button, self.import_button)
        for button in (*buttons, self.ack_button):
            button.setEnabled(not final)
        self.cosign_button.setEnabled(final)

    @property
    def _from_package(self) -> bool:
        from assessor.core.team.package import laptop_member

        return laptop_member(self.session.audit_trail) is not None

    def _button(self, layout: QVBoxLayout, text: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(slot)
        layout.addWidget(button)
        return button

    def _run(self, title: str, action: Callable[[], str | None]) -> None:
        try:
            done = action()
        except (UserError, StorageError) as exc:
            self.dialogs.error(title, str(exc))
            return
        if done:
            self.dialogs.inform(title, done)
        self.refresh()

    def export_package(self) -> None:
        from assessor.core.team.package import export_package

        path = self.dialogs.choose_save_path(
            "导出评估组任务包", Path.home() / "评估组任务包.assessor-team", PACKAGE_FILTER
        )
        if path is None:
            return

        def export() -> str:
            export_package(self.session.store, self.session.key, path)
            return f"已导出：{path}"

        self._run("导出评估组任务包", export)

    def export_part(self) -> None:
        path = self.dialogs.choose_save_path(
            "导出我的部分", Path.home() / "我的部分.assessor-part", PART_FILTER
        )
        if path is None:
            return

        def export() -> str:
            from assessor.core.signing.keys import load_signer
            from assessor.core.team.part import export_part

            signer = None
            key_file = self.dialogs.choose_key_file("用您的密钥签署（可取消：没有密钥时不签名）")
            if key_file is not None:
                passphrase = self.dialogs.ask_secret("密钥口令", "请输入您的密钥口令：")
                if passphrase is None:
                    return ""
                signer = load_signer(key_file, passphrase)
            session = self.session
            part = export_part(session.store, session.key, session.rubric, path, signer)
            signed = "已签名" if part.signature else "未签名"
            return f"已导出（{signed}）：{path}"

        self._run("导出我的部分", export)

    def import_parts(self) -> None:
        from assessor.core.team.workflow import (
            machine_trust_roots,
            merge_received,
            receive_part,
            team_status,
        )

        session = self.session
        paths = self.dialogs.choose_files("选择评估组成员的部分（.assessor-part）")
        if not paths:
            return
        roots = machine_trust_roots(self.keys_dir)

        def merge() -> str:
            for path in paths:
                receive_part(session.store, session.key, session.rubric, path, roots)
            status = team_status(session.store, session.key, session.rubric, roots)
            if status.missing:
                return f"已收到。尚缺：{'、'.join(m.name for m in status.missing)}（到齐后合并）"
            decisions: dict[str, str] = {}
            if status.conflicts:
                from assessor.gui.team.conflict_dialog import ConflictDialog

                assert session.assessment.team is not None
                dialog = ConflictDialog(
                    status.conflicts, session.assessment.team, session.rubric, self
                )
                decided = self.decide(dialog)
                decisions = dialog.decisions
                dialog.deleteLater()  # answered: never left behind as the active window
                if not decided:
                    return "已收到，尚未合并：分歧未裁定"
            written = merge_received(
                session.store, session.key, session.rubric, roots, decisions, by=session.member
            )
            session.reload()
            return f"已合并评估组成员的部分（{written} 条审计记录）"

        self._run("导入成员的部分", merge)

    def decide(self, dialog: QDialog) -> bool:
        """Run the conflict dialog; tests replace this to drive it by keyboard."""
        return dialog.exec() == QDialog.DialogCode.Accepted

    def edit_team(self) -> None:
        from assessor.gui.team.team_editor import TeamEditor

        self.editor = TeamEditor(self.session, self)
        self.editor.accepted.connect(self.refresh)
        # Gone once answered: a hidden dialog would stay the application's active window.
        self.editor.finished.connect(self.editor.deleteLater)
        self.dialogs.present(self.editor)

    def acknowledge(self) -> None:
        from assessor.gui.team.acknowledgement_dialog import AcknowledgementDialog

        self.ack_dialog = AcknowledgementDialog(self.session, self)
        self.ack_dialog.accepted.connect(self.refresh)
        self.ack_dialog.finished.connect(self.ack_dialog.deleteLater)
        self.dialogs.present(self.ack_dialog)

    def cosign(self) -> None:
        from assessor.core.export.signed_export import export_signed
        from assessor.core.signing.keys import load_signer

        session = self.session
        key_file = self.dialogs.choose_key_file("共同签名：选择评估组成员的密钥")
        if key_file is None:
            return
        passphrase = self.dialogs.ask_secret("密钥口令", "请该成员输入自己的密钥口令：")
        if passphrase is None:
            return
        folder = self.dialogs.choose_folder("导出文件夹", Path.home())
        if folder is None:
            return

        def sign() -> str:
            signer = load_signer(key_file, passphrase)
            files = export_signed(session.store, session.key, signer, folder, rubric=session.rubric)
            from assessor.core.document.cosign import missing_signatures

            missing = missing_signatures(files.document)
            left = f"尚缺 {missing} 名评估组成员签名" if missing else "评估组成员签名已齐全"
            return f"{signer.info.name}已签名：{files.json_path}\n{left}"

        self._run("共同签名", sign)
