"""The main window: home screen or one open assessment, the save indicator and the help panel."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from assessor import __version__
from assessor.core.problems import UserError, os_error_text
from assessor.core.rubric.deferred import DeferredRubric, loaded
from assessor.core.storage.errors import StorageError
from assessor.gui.assessment.shortcuts_help import ShortcutsHelp, bind
from assessor.gui.home.home_view import HomeView
from assessor.gui.widgets.dialogs import Dialogs
from assessor.gui.widgets.settings import (
    fit_frame_to_screen,
    restore_geometry,
    save_geometry,
    settings,
)
from assessor.gui.widgets.style import ems, tone

# The home screen is all a start shows: the assessment, training and register screens and the
# signing dialogs (with cryptography and pyHanko behind them) are imported when first opened.
if TYPE_CHECKING:
    from assessor.core.assessment.model import Assessment
    from assessor.core.export.signed_export import ExportedFiles
    from assessor.core.rubric.validate import LoadedRubric
    from assessor.core.session import EditingSession, FinaliseHook
    from assessor.core.storage.store import Store
    from assessor.gui.assessment.controller import AssessmentController
    from assessor.gui.assessment.workspace import Workspace
    from assessor.gui.followup.followup_screen import FollowUpScreen
    from assessor.gui.plans.plans_screen import PlansScreen
    from assessor.gui.register.register_screen import RegisterScreen
    from assessor.gui.signing.keys_dialog import KeysDialog
    from assessor.gui.signing.sign_dialog import SignDialog
    from assessor.gui.training.training_screen import TrainingScreen

NOTICE_MS = 6000
FRAME_FIT_MS = (0, 500)
LAST_INDICATOR = "last_indicator/"


class SaveBanner(QWidget):
    """Non-blocking: a failed autosave is reported here while the assessor keeps working."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        tone(self, "banner")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        row = QHBoxLayout(self)
        self.text = QLabel()
        tone(self.text, "bannerText")
        self.text.setWordWrap(True)
        row.addWidget(self.text, 1)
        self.retry = QPushButton("立即重试")
        row.addWidget(self.retry)
        self.hide()

    def show_error(self, error: str, unsaved: int) -> None:
        self.text.setText(
            f"自动保存失败：{error}\n"
            f"有 {unsaved} 项修改暂存在内存中，未丢失；下一次修改时会自动重试。请勿关闭程序。"
        )
        self.show()


class MainWindow(QMainWindow):
    def __init__(
        self,
        store: Store | Path,
        rubric: LoadedRubric | DeferredRubric,
        dialogs: Dialogs | None = None,
        finalise_hooks: Iterable[FinaliseHook] = (),
        keys_dir: Path | None = None,
    ) -> None:
        """`store` is the opened store, or only its folder: then the window can show before
        the folder is locked and the store imported, its list saying 「正在读取…」 until
        `attach_store` gives it the store."""
        super().__init__()
        self.root = store if isinstance(store, Path) else store.root
        self._rubric = rubric
        self.dialogs = dialogs or Dialogs(self)
        self.dialogs.settings_root = self.root
        self.keys_dir = keys_dir or self.root / "keys"
        # Given to every session opened here; signing is offered through it the moment an
        # assessment is finalised.
        self.finalise_hooks: list[FinaliseHook] = [*finalise_hooks, self.offer_signing]
        self.controller: AssessmentController | None = None
        self.workspace: Workspace | None = None
        self.sign_dialog: SignDialog | None = None
        self.keys_dialog: KeysDialog | None = None
        self.register_screen: RegisterScreen | None = None
        self.register_dir = self.root / "register"
        self.training: TrainingScreen | None = None
        self.plans: PlansScreen | None = None
        self.followup: FollowUpScreen | None = None
        self.team_dialog: QDialog | None = None

        self.setWindowTitle("托育机构质量评估")
        # Small enough for a 1366×768 screen at 150% scaling (911×512 logical pixels); every
        # screen scrolls or splits below its comfortable size rather than being cut off.
        self.setMinimumSize(640, 400)
        # On a first start the window manager's frame is known only once the window shows.
        self._fit_frame = not restore_geometry(self, self.root)
        self._first_size = self.size()

        self.banner = SaveBanner()
        self.banner.retry.clicked.connect(self._retry_save)
        self.home = HomeView(None if isinstance(store, Path) else store, rubric, self.dialogs)
        self.home.openRequested.connect(self.open_assessment)
        self.home.newRequested.connect(self.new_assessment)
        self.home.templateRequested.connect(self.new_from_template)
        self.home.signRequested.connect(self.sign_record)
        self.home.keysRequested.connect(self.show_keys)
        self.home.backupRequested.connect(self.backup)
        self.home.aboutRequested.connect(self.show_about)
        self.home.registerRequested.connect(self.show_register)
        self.home.trainingRequested.connect(self.show_training)
        self.home.plansRequested.connect(lambda: self.show_plans())
        self.home.teamPackageRequested.connect(self.open_team_package)
        self.home.notice.connect(self.show_notice)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.home)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.save_state = QLabel()
        tone(self.save_state, "muted")
        self.statusBar().addPermanentWidget(self.save_state)
        # Who uses this laptop for a team's assessment: every change is recorded in their name.
        self.member_label = QLabel()
        self.statusBar().addPermanentWidget(self.member_label)
        self.member_label.hide()
        # 「已自动保存」 speaks of the open assessment: shown only while it is on screen.
        self.stack.currentChanged.connect(
            lambda _index: self.save_state.setVisible(
                self.workspace is not None and self.stack.currentWidget() is self.workspace
            )
        )

        self.help = QDockWidget("快捷键（F1）")
        self.help.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.help)
        self.resizeDocks([self.help], [ems(self, 16)], Qt.Orientation.Horizontal)
        self.help.hide()
        bind(self, "通用", "help", self.toggle_help, Qt.ShortcutContext.WindowShortcut)
        self.home.focus_list()

    @property
    def store(self) -> Store:
        return self.home.store

    def attach_store(self, store: Store) -> None:
        """The store of `root`, opened once the window was shown: the list is filled."""
        self.home.attach_store(store)

    @property
    def rubric(self) -> LoadedRubric:
        """The rubric new and opened assessments are scored against, loaded at first need."""
        return loaded(self._rubric)

    def load_rubric(self) -> LoadedRubric:
        """Load and check the rubric now; raises UserError when it is not a valid rubric."""
        return self.rubric

    # ---- opening and closing ---------------------------------------------------------------
    # The editing session (scoring engine, checks) is imported on the first open, not at start.

    def new_assessment(self) -> None:
        from assessor.core.session import EditingSession

        self._start(
            lambda: EditingSession.create(self.store, self.rubric, on_finalised=self.finalise_hooks)
        )

    def new_from_template(self, key: str) -> None:
        from assessor.core.session import EditingSession

        self._start(
            lambda: EditingSession.from_template(
                self.store, key, self.rubric, on_finalised=self.finalise_hooks
            )
        )

    def known_rubrics(self) -> list[LoadedRubric]:
        """The current rubric and those that came with the commission's plan packages."""
        from assessor.core.rubric.registry import installed_rubric_paths, load_rubric_cached

        installed = [load_rubric_cached(p) for p in installed_rubric_paths(self.root)]
        return [self.rubric, *installed]

    def open_assessment(self, key: str) -> None:
        from assessor.core.session import EditingSession

        self._start(
            lambda: EditingSession.open(
                self.store, key, self.known_rubrics(), on_finalised=self.finalise_hooks
            )
        )

    def start_planned(self, draft: Assessment) -> None:
        """A visit of the commission's plan: its profile prefilled from the roster."""
        from assessor.core.rubric.registry import rubric_for
        from assessor.core.session import EditingSession

        def session() -> EditingSession:
            rubric = rubric_for(draft.rubric, self.known_rubrics())
            self.store.create(draft)
            return EditingSession(self.store, rubric, draft, [], on_finalised=self.finalise_hooks)

        self._start(session)

    def _start(self, make: Callable[[], EditingSession]) -> None:
        try:
            session = make()
        except (UserError, StorageError) as exc:
            self.dialogs.error("无法打开评估", str(exc))
            self.home.reload()
            return
        from assessor.gui.assessment.controller import AssessmentController
        from assessor.gui.assessment.workspace import Workspace

        self.close_assessment()
        self._show_member(session)
        self.controller = AssessmentController(session, self)
        self.controller.saveStateChanged.connect(self._save_state_changed)
        self.workspace = Workspace(self.controller, self.dialogs)
        self.workspace.homeRequested.connect(self.go_home)
        self.workspace.teamRequested.connect(self.show_team)
        self.workspace.notice.connect(self.show_notice)
        self.stack.addWidget(self.workspace)
        self.show_screen(self.workspace)
        self._save_state_changed()
        last = settings(self.root).value(LAST_INDICATOR + session.key, "")
        if isinstance(last, str) and last in session.rubric.by_id:
            # Back where the assessor stopped, not at the first unscored indicator.
            self.workspace.scoring.select(last)
        # Written as the assessor moves, not only on leaving: after a crash or a power cut the
        # assessment reopens at the indicator being worked on.
        self.workspace.scoring.indicatorShown.connect(
            lambda indicator, key=session.key: self._remember_indicator(key, indicator)
        )
        shown = self.workspace.scoring.current()
        if shown is not None and shown != last:
            self._remember_indicator(session.key, shown)
        if self.workspace.tabs.currentIndex() == 1:
            self.workspace.show_scoring()
        else:
            self.workspace.profile.fields["name"].edit.setFocus()

    def _remember_indicator(self, key: str, indicator: str) -> None:
        # The settings object is dropped at once, which writes the file (~0.1 ms).
        settings(self.root).setValue(LAST_INDICATOR + key, indicator)

    def close_assessment(self) -> bool:
        """Flush and leave the open assessment; False if the assessor chose to stay."""
        if self.workspace is None or self.controller is None:
            return True
        self.workspace.flush()
        session = self.controller.session
        if not self.controller.retry_save() and not self.dialogs.confirm(
            "修改未能保存",
            f"有 {session.unsaved} 项修改未能写入磁盘：{session.save_error}\n\n"
            "离开后这些修改将丢失。确定离开吗？",
            accept="仍然离开",
            reject="留下重试",
        ):
            return False
        session.compact()
        self.stack.removeWidget(self.workspace)
        self.workspace.deleteLater()
        self.controller.deleteLater()
        self.workspace = None
        self.controller = None
        self.save_state.clear()
        self.member_label.hide()
        self.banner.hide()
        return True

    # ---- team visits ---------------------------------------------------------------------

    def _show_member(self, session: EditingSession) -> None:
        """A team record names who uses this laptop: the member who opened its package here,
        else (on the leader's laptop) the leader."""
        from assessor.core.team.package import laptop_member

        team = session.assessment.team
        if team is None:
            return
        session.member = laptop_member(session.audit_trail) or team.leader
        who = team.member(session.member)
        role = "组长" if who.id == team.leader else "评估组成员"
        self.member_label.setText(f"本机使用者：{who.name}（{role}）")
        self.member_label.show()

    def open_team_package(self) -> None:
        """A member opens the leader's package: they say who they are, then score their share."""
        from assessor.core.team.package import open_package, read_package
        from assessor.gui.team.member_picker import MemberPicker

        paths = self.dialogs.choose_files("打开评估组任务包（.assessor-team）")
        if not paths:
            return
        try:
            package = read_package(paths[0])
            assert package.assessment.team is not None
            picker = MemberPicker(package.assessment.team, self)
            if not self.pick_member(picker):
                return
            key = open_package(self.store, paths[0], picker.chosen())
        except (UserError, StorageError) as exc:
            self.dialogs.error("无法打开评估组任务包", str(exc))
            return
        self.home.reload(select=key)
        self.open_assessment(key)

    def pick_member(self, picker: QDialog) -> bool:
        """Run the member picker; tests replace this to drive it by keyboard."""
        return picker.exec() == QDialog.DialogCode.Accepted

    def show_team(self) -> None:
        from assessor.gui.team.team_dialog import TeamDialog

        if self.controller is None:
            return
        controller = self.controller

        def refresh() -> None:
            self._show_member(controller.session)  # a team just set names its leader here
            controller.profileChanged.emit()
            if self.workspace is not None:
                current = self.workspace.scoring.current()
                controller.scoresChanged.emit(current or "")

        self.team_dialog = TeamDialog(
            controller.session, self.dialogs, self.keys_dir, refresh, self
        )
        self.dialogs.present(self.team_dialog)

    def go_home(self) -> None:
        key = self.controller.session.key if self.controller else None
        if self.close_assessment():
            self.show_screen(self.home)
            self.home.reload(select=key)
            self.home.focus_list()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._fit_frame:
            self._fit_frame = False
            self._first_size = self.size()
            # Once now and once the window manager has surely framed the window.
            for delay in FRAME_FIT_MS:
                # A bound method: the timer is dropped with the window if it closes first.
                QTimer.singleShot(delay, self._fit_frame_to_screen)

    def _fit_frame_to_screen(self) -> None:
        # A size set meanwhile (by the person, or a test) is theirs to keep.
        if self.size() == self._first_size:
            fit_frame_to_screen(self)
            self._first_size = self.size()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.sign_dialog is not None and self.sign_dialog.busy:
            self.show_notice("正在签名并导出，请等待完成后再关闭")
            event.ignore()
            return
        if self.register_screen is not None and self.register_screen.busy:
            self.show_notice("登记库正在导入或导出，请等待完成或先取消导入后再关闭")
            event.ignore()
            return
        if self.training is not None:
            self.training.flush()
        if self.close_assessment():
            if self.home.has_store:  # a refused second start leaves the first one's settings
                save_geometry(self, self.root)
            event.accept()
        else:
            event.ignore()

    # ---- training --------------------------------------------------------------------------

    def show_training(self) -> None:
        """「培训练习」: practice drafts and results stay in the data folder's training part."""
        if self.training is None:
            from assessor.gui.training.training_screen import TrainingScreen

            try:
                self.training = TrainingScreen(self.root, self.rubric, self.dialogs)
            except UserError as exc:
                self.dialogs.error("无法打开培训练习", str(exc))
                return
            self.training.homeRequested.connect(self._leave_training)
            self.training.notice.connect(self.show_notice)
            self.stack.addWidget(self.training)
        self.training.show_picker()
        self.stack.setCurrentWidget(self.training)

    def _leave_training(self) -> None:
        self.stack.setCurrentWidget(self.home)
        self.home.focus_list()

    # ---- signing ---------------------------------------------------------------------------

    def offer_signing(self, assessment: Assessment) -> None:
        """Finalise hook: the sign dialog opens as soon as the assessment is frozen."""
        from assessor.core.storage.store import record_key

        self.sign_record(record_key(assessment))

    def sign_record(self, key: str) -> None:
        if self.sign_dialog is not None:
            self.sign_dialog.raise_()
            return
        from assessor.core.rubric.registry import rubric_for

        try:
            assessment = self.store.load(key)
            rubric = rubric_for(assessment.rubric, self.known_rubrics())
        except UserError as exc:
            self.dialogs.error("无法签名导出", str(exc))
            return
        from assessor.gui.signing.sign_dialog import SignDialog

        dialog = SignDialog(self.store, assessment, rubric, self.keys_dir, self.dialogs, self)
        dialog.exported.connect(self._exported)
        dialog.finished.connect(self._sign_dialog_closed)
        self.sign_dialog = dialog
        self.dialogs.present(dialog)

    def _exported(self, files: ExportedFiles) -> None:
        self.home.reload(select=self.home.selected_key())
        self.show_notice(f"已签名导出：{files.json_path.parent}")

    def _sign_dialog_closed(self) -> None:
        if self.sign_dialog is not None:
            self.sign_dialog.deleteLater()
            self.sign_dialog = None

    def show_keys(self) -> None:
        if self.keys_dialog is None:
            from assessor.gui.signing.keys_dialog import KeysDialog

            self.keys_dialog = KeysDialog(self.keys_dir, self.dialogs, self)
        self.keys_dialog.reload()
        self.dialogs.present(self.keys_dialog)

    def backup(self) -> None:
        """The whole data folder as one checked archive, e.g. on a USB stick before a laptop
        is replaced; the new laptop restores it with `assessor restore`."""
        folder = self.dialogs.choose_folder("选择保存备份的文件夹（如 U 盘）", Path.home())
        if folder is None:
            return
        from assessor.core.backup import create_backup
        from assessor.core.clock import beijing_text, now_utc
        from assessor.core.file_names import safe_file_name

        stamp = beijing_text(now_utc(), "%Y%m%d-%H%M%S", suffix=False)
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            archive = folder / safe_file_name(f"托育评估备份-{stamp}", ".zip", folder=folder)
            summary = create_backup(self.root, archive)
        except UserError as exc:
            self.dialogs.error("备份失败", f"{exc}\n\n原有数据没有任何改动。")
            return
        except OSError as exc:  # e.g. the USB stick was pulled out while writing
            self.dialogs.error("备份失败", f"{os_error_text(exc)}\n\n原有数据没有任何改动。")
            return
        finally:
            QApplication.restoreOverrideCursor()
        size = summary.total_bytes / 1024 / 1024
        self.dialogs.inform(
            "备份完成",
            f"已把全部数据（{summary.files} 个文件，{size:.1f} MB）备份到：\n{summary.archive}\n\n"
            "备份文件已逐个校验。在新电脑上安装本程序后，用命令\n"
            f'assessor restore "{summary.archive.name}" --replace\n恢复（原有数据会改名保留）。',
        )

    def show_register(self) -> None:
        """The commission's register, kept in the data folder beside the assessments."""
        if self.register_screen is None:
            from assessor.gui.register.register_screen import RegisterScreen

            try:
                screen = RegisterScreen(self.register_dir, self.dialogs)
            except UserError as exc:
                self.dialogs.error("无法打开登记库", str(exc))
                return
            screen.homeRequested.connect(self._leave_register)
            screen.notice.connect(self.show_notice)
            self.stack.addWidget(screen)
            self.register_screen = screen
        self.stack.setCurrentWidget(self.register_screen)
        self.register_screen.show_tab(self.register_screen.tabs.currentIndex())

    def show_plans(self, *, offer_import: bool = True) -> None:
        """「导入评估任务」: the commission's plan packages and their visits; with none
        installed yet, the file dialog opens at once (`offer_import`)."""
        if self.plans is None:
            from assessor.gui.plans.plans_screen import PlansScreen

            self.plans = PlansScreen(self.store, self.dialogs)
            self.plans.homeRequested.connect(self._leave_plans)
            self.plans.startRequested.connect(self.start_planned)
            self.plans.openRequested.connect(self.open_assessment)
            self.plans.followupRequested.connect(self.show_followup)
            self.plans.notice.connect(self.show_notice)
            self.stack.addWidget(self.plans)
        self.plans.reload()
        self.show_screen(self.plans)
        self.plans.focus_list()
        if offer_import and not self.plans.rows:
            self.plans.import_package()

    def show_followup(self, task_id: str) -> None:
        """A follow-up visit (复查) of an installed task; back to the task list when done."""
        from assessor.gui.followup.followup_screen import FollowUpScreen

        try:
            screen = FollowUpScreen(self.root, self.keys_dir, task_id, self.dialogs)
        except UserError as exc:
            self.dialogs.error("无法打开复查任务", str(exc))
            return
        screen.homeRequested.connect(lambda: self._leave_followup(screen))
        screen.notice.connect(self.show_notice)
        self.stack.addWidget(screen)
        self.followup = screen
        self.show_screen(screen)
        screen.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _leave_followup(self, screen: QWidget) -> None:
        self.show_plans(offer_import=False)
        self.stack.removeWidget(screen)
        screen.deleteLater()
        self.followup = None

    def _leave_plans(self) -> None:
        self.stack.setCurrentWidget(self.home)
        self.home.focus_list()

    def _leave_register(self) -> None:
        self.stack.setCurrentWidget(self.home)
        self.home.focus_list()

    def show_about(self) -> None:
        """Who made the rubric data and what in it is drafted or unverified (SPEC §2)."""
        from assessor.core.rubric.provenance import provenance_notes
        from assessor.gui.widgets.long_message import LongMessageDialog

        notes = "\n\n".join(provenance_notes(self.rubric))
        text = (
            f"托育机构质量评估 {__version__}（离线评估工具）\n\n"
            f"数据文件夹（评估记录、证据文件和签名密钥都在这里，备份时请复制整个文件夹）：\n"
            f"{self.root}\n\n{notes}"
        )
        self.dialogs.present(LongMessageDialog(self, "关于", text))

    # ---- status ----------------------------------------------------------------------------

    def show_screen(self, screen: QWidget) -> None:
        """Switch screens; a message about the screen left behind would mislead on the next."""
        self.statusBar().clearMessage()
        self.stack.setCurrentWidget(screen)

    def toggle_help(self) -> None:
        if self.help.widget() is None:
            # Built on first use: laying out the whole key table would slow every start.
            self.help.setWidget(ShortcutsHelp())
        self.help.setVisible(not self.help.isVisible())

    def show_notice(self, text: str) -> None:
        self.statusBar().showMessage(text, NOTICE_MS)

    def _retry_save(self) -> None:
        if self.controller is not None:
            self.controller.retry_save()

    def _save_state_changed(self) -> None:
        if self.controller is None:
            return
        session = self.controller.session
        if session.save_error:
            self.banner.show_error(session.save_error, session.unsaved)
            self.save_state.setText("有修改未保存")
            return
        self.banner.hide()
        saved = session.last_saved_at
        from assessor.core.clock import beijing_text

        self.save_state.setText(
            f"已自动保存 {beijing_text(saved, '%H:%M:%S', suffix=False)}" if saved else ""
        )
