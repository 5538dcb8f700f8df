"""「培训练习」: sample list → practice → result → trainer view, one screen at a time.

The trainer's pages open only with the trainer key, its file and passphrase asked every time;
opening them judges the sealed test submissions waiting in the data folder that the key opens.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QStackedWidget, QWidget

from assessor.core.clock import beijing_text, now_utc
from assessor.core.file_names import safe_file_name
from assessor.core.problems import UserError
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.signing.trainer_key import TrainerKey, load_trainer_key
from assessor.core.storage.atomic import atomic_write_bytes
from assessor.core.training.attempts import (
    judge_submission,
    submission_assessment,
    waiting_submissions,
)
from assessor.core.training.catalogue import all_samples
from assessor.core.training.certification import certification, standing_text
from assessor.core.training.comparison import Comparison, compare
from assessor.core.training.practice import (
    Practice,
    Unfinished,
    resume_practice,
    start_practice,
    submit,
    unfinished_practices,
)
from assessor.core.training.results import (
    ResultStore,
    SealedSubmission,
    Trainee,
    TraineeResult,
    trainee_of,
)
from assessor.core.training.rule import ReliabilityRule, load_rule
from assessor.core.training.sample import SampleCentre
from assessor.core.training.sealed import AnySample, SealedSample, unseal
from assessor.core.training.trainee_view import trainee_view
from assessor.gui.assessment.shortcuts_help import bind
from assessor.gui.training.comparison_view import ComparisonView
from assessor.gui.training.picker import SamplePicker
from assessor.gui.training.practice_screen import PracticeScreen
from assessor.gui.training.trainer_view import TrainerView
from assessor.gui.widgets.dialogs import Dialogs


class TrainingScreen(QStackedWidget):
    homeRequested = Signal()
    notice = Signal(str)

    def __init__(
        self, root: Path, rubric: LoadedRubric, dialogs: Dialogs, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.root = root
        self.rubric = rubric
        self.dialogs = dialogs
        self.rule: ReliabilityRule = load_rule(root)
        self.practice: PracticeScreen | None = None
        self.comparison: Comparison | None = None  # a practice comparison the trainee may see
        self.submitted: tuple[Trainee, datetime] | None = None  # by whom and when, for the PDF
        self.last: TraineeResult | SealedSubmission | None = None  # the submission on screen
        self.opened: dict[str, SampleCentre] = {}  # plain samples, while the trainer is here

        self.picker = SamplePicker(self.rule.text())
        self.picker.startRequested.connect(self.start)
        self.picker.resumeRequested.connect(self.resume)
        self.picker.trainerRequested.connect(self.show_trainer)
        self.picker.homeRequested.connect(self.homeRequested.emit)
        self.result_view = ComparisonView()
        self.result_view.againRequested.connect(self.show_picker)
        self.result_view.trainerRequested.connect(self.show_trainer)
        self.result_view.reportRequested.connect(self.export_report)
        self.trainer = TrainerView(rubric)
        self.trainer.backRequested.connect(self.show_picker)
        self.trainer_result = ComparisonView(trainer=True)
        self.trainer_result.trainerRequested.connect(self._show_class_list)
        self.trainer_result.againRequested.connect(self.show_picker)
        for page in (self.picker, self.result_view, self.trainer, self.trainer_result):
            self.addWidget(page)
        # Ctrl+W steps back, as it does in an assessment; the practice screen has its own.
        bind(self.picker, "评估", "home", self.homeRequested.emit)
        bind(self.result_view, "评估", "home", self.show_picker)
        bind(self.trainer, "评估", "home", self.show_picker)
        bind(self.trainer_result, "评估", "home", self.show_picker)
        self.show_picker()

    def samples(self) -> list[AnySample]:
        """Samples written against the rubric this app scores with; others cannot be practised.
        Files that do not load are named in the status bar and skipped."""
        catalogue = all_samples(self.root)
        if catalogue.broken:
            self.notice.emit(
                f"有 {len(catalogue.broken)} 个样例文件无法读取：{catalogue.broken[0]}"
            )
        return [s for s in catalogue.samples if s.rubric.sha256 == self.rubric.sha256]

    # ---- pages -----------------------------------------------------------------------------

    def show_picker(self) -> None:
        self.opened = {}  # leaving the trainer's pages forgets what the key opened
        samples = self.samples()
        self.picker.set_samples(samples)
        try:
            unfinished = unfinished_practices(self.root, self.rubric, samples)
        except UserError as exc:  # the training folder cannot be opened: say so, offer none
            self.notice.emit(f"无法读取未完成的练习：{exc}")
            unfinished = []
        self.picker.set_unfinished(unfinished, len(self.rubric.indicators))
        self.setCurrentWidget(self.picker)
        self.picker.focus()

    def show_trainer(self) -> None:
        """Ask for the trainer key; judge what waits for it; show the result on screen in full,
        or the class list."""
        key = self._ask_trainer_key()
        if key is None:
            return
        try:
            samples = self.samples()
            self.opened = self._open_samples(samples, key)
            sealed = {s.id: s for s in samples if isinstance(s, SealedSample)}
            judged = self._judge_waiting(sealed, key)
        except UserError as exc:
            self.dialogs.error("无法读取培训成绩", str(exc))
            return
        if judged:
            self.notice.emit(f"已评判 {judged} 份等待评判的测试提交")
        current = self._full_comparison()
        if current is None:
            self._show_class_list()
            return
        self.trainer_result.show_comparison(current)
        self.setCurrentWidget(self.trainer_result)
        self.trainer_result.again_button.setFocus()

    def _ask_trainer_key(self) -> TrainerKey | None:
        path = self.dialogs.choose_key_file("选择培训师密钥（.p12）")
        if path is None:
            return None
        secret = self.dialogs.ask_secret("培训师密钥", f"{path.name} 的口令：")
        if secret is None:
            return None
        try:
            return load_trainer_key(path, secret)
        except UserError as exc:
            self.dialogs.error("无法打开培训师密钥", str(exc))
            return None

    def _open_samples(self, samples: list[AnySample], key: TrainerKey) -> dict[str, SampleCentre]:
        """Every sample the trainer can read: the open ones and those sealed to this key."""
        opened: dict[str, SampleCentre] = {}
        for sample in samples:
            if not isinstance(sample, SealedSample):
                opened[sample.id] = sample
            elif key.fingerprint in {r.fingerprint for r in sample.seal.recipients}:
                opened[sample.id] = unseal(sample, key)
        return opened

    def _judge_waiting(self, sealed: dict[str, SealedSample], key: TrainerKey) -> int:
        judged = 0
        for submission in waiting_submissions(ResultStore(self.root)):
            sample = sealed.get(submission.sample_id)
            if sample is None or submission.sample_id not in self.opened:
                continue  # another trainer's sample, or one no longer in the catalogue
            judge_submission(self.root, self.rubric, sample, submission, key, self.rule)
            judged += 1
        return judged

    def _full_comparison(self) -> Comparison | None:
        """The trainee's submission on screen, compared in full, once the key opened it."""
        last = self.last
        if last is None or last.sample_id not in self.opened:
            return None
        sample = self.opened[last.sample_id]
        return compare(self.rubric, sample, submission_assessment(sample, last), self.rule)

    def _show_class_list(self) -> None:
        try:
            results = ResultStore(self.root).all()
        except UserError as exc:
            self.dialogs.error("无法读取培训成绩", str(exc))
            return
        self.trainer.show_data(list(self.opened.values()), results, self.rule, now_utc())
        self.setCurrentWidget(self.trainer)
        self.trainer.trainees.setFocus()

    def start(self, sample: AnySample) -> None:
        try:
            trainee = trainee_of(self.picker.trainee_name.text(), self.picker.trainee_id.text())
        except UserError as exc:
            self.dialogs.error("请填写学员信息", str(exc))
            self.picker.focus()
            return
        try:
            practice = start_practice(self.root, self.rubric, sample, trainee)
        except UserError as exc:
            self.dialogs.error("无法开始练习", str(exc))
            return
        self._open(practice)

    def resume(self, unfinished: Unfinished) -> None:
        try:
            practice = resume_practice(self.root, self.rubric, unfinished)
        except UserError as exc:
            self.dialogs.error("无法继续练习", str(exc))
            return
        self._open(practice)
        self.notice.emit(f"已打开未完成的练习：{unfinished.sample.title}")

    def _open(self, practice: Practice) -> None:
        self._close_practice()
        self.practice = PracticeScreen(practice, self.dialogs)
        self.practice.submitRequested.connect(self.submit)
        self.practice.leaveRequested.connect(self.show_picker)
        self.practice.notice.connect(self.notice)
        self.addWidget(self.practice)
        self.setCurrentWidget(self.practice)
        self.practice.focus()

    def submit(self) -> None:
        screen = self.practice
        if screen is None:
            return
        screen.workspace.flush()
        session = screen.practice.session
        unscored = session.unscored()
        if unscored:
            self.notice.emit(f"尚有 {len(unscored)} 项指标未评分，评完后才能提交")
            screen.workspace.show_indicator(unscored[0])
            return
        sample = screen.practice.sample
        consequence = (
            "提交后将与参考评分比较并记录成绩"
            if sample.mode == "practice"
            else "测试只算第一次提交：提交后记录成绩，不能重做"
        )
        if not self.dialogs.confirm(
            "提交评分", f"{consequence}，本次练习不能再修改。确定提交吗？", accept="提交"
        ):
            return
        try:
            outcome = submit(screen.practice, self.root, self.rule)
        except UserError as exc:
            self.dialogs.error("无法提交", str(exc))
            return
        self.last = outcome.result or outcome.waiting
        assert self.last is not None  # a submission gives one or the other
        self.comparison = outcome.comparison
        self.submitted = (self.last.trainee, self.last.submitted_at)
        self.result_view.show_certification(self._certification_text(self.last.trainee))
        if outcome.comparison is not None:
            self.result_view.show_comparison(outcome.comparison)
        elif outcome.result is not None:
            self.result_view.show_trainee_view(
                trainee_view(outcome.result, self.rule), sample.title
            )
        else:
            self.result_view.show_waiting(sample.title)
        self.setCurrentWidget(self.result_view)
        self._close_practice()
        self.result_view.again_button.setFocus()

    def export_report(self) -> None:
        if self.comparison is None or self.submitted is None:
            return
        folder = self.dialogs.choose_folder("选择保存练习报告的文件夹", Path.home())
        if folder is None:
            return
        from assessor.core.training.report import render_practice_report

        trainee, at = self.submitted
        stamp = beijing_text(at, "%Y%m%d-%H%M%S", suffix=False)
        # The trainee's id is typed text, never a path.
        name = f"练习报告-{self.comparison.sample_id}-{trainee.trainee_id}-{stamp}"
        try:
            path = folder / safe_file_name(name, ".pdf", folder=folder)
        except UserError as exc:
            self.dialogs.error("无法保存练习报告", str(exc))
            return
        try:
            atomic_write_bytes(path, render_practice_report(self.comparison, trainee, at))
        except OSError as exc:
            self.dialogs.error("无法保存练习报告", f"{path}：{exc.strerror or exc}")
            return
        self.notice.emit(f"已保存练习报告：{path}")

    def _certification_text(self, trainee: Trainee) -> str:
        """Where the trainee stands after this result (test samples count, practice does not)."""
        own = [
            r for r in ResultStore(self.root).all() if r.trainee.trainee_id == trainee.trainee_id
        ]
        state = certification(own, self.rule, now_utc())
        return f"{trainee.name}（{trainee.trainee_id}）：{standing_text(state, self.rule)}"

    def flush(self) -> None:
        """Save a note still being typed in an open practice."""
        if self.practice is not None:
            self.practice.workspace.flush()

    def _close_practice(self) -> None:
        if self.practice is not None:
            self.removeWidget(self.practice)
            self.practice.deleteLater()
            self.practice = None
