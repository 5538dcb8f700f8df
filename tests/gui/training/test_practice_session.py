"""A whole practice session through the real widgets, by keyboard, on the full rubric and a
shipped sample; and a test sample that never shows its reference in any widget."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from assessor.cli.main import run_cli
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.storage.store import Store
from assessor.core.training.results import ResultStore
from assessor.core.training.sample import SampleCentre, load_sample, sample_json
from assessor.core.training.trainee_view import WAITING_TEXT
from assessor.gui.main_window import MainWindow
from assessor.gui.training.training_screen import TrainingScreen
from tests.gui.helpers import FakeDialogs, focus, press, type_into
from tests.trainer_keys import DEMO_KEY, DEMO_PASSPHRASE
from tests.training_samples import PLAIN_TEST_SAMPLES

Ctrl = Qt.KeyboardModifier.ControlModifier
CtrlShift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
DIGITS = {n: getattr(Qt.Key, f"Key_{n}") for n in range(10)}
SHIPPED = Path(__file__).resolve().parents[3] / "assets" / "samples" / "gulou-public-a.json"
OFF_EVERY = 9  # every 9th indicator is scored one level away from the reference


def open_training(qtbot: QtBot, window: MainWindow, trainee_id: str) -> TrainingScreen:
    press(qtbot, Qt.Key.Key_T, Ctrl)
    screen = window.training
    assert screen is not None and window.stack.currentWidget() is screen
    picker = screen.picker
    picker.trainee_name.setText("李静")  # Chinese by setText: key clicks would abort Qt
    type_into(qtbot, picker.trainee_id, trainee_id)
    return screen


def pick(qtbot: QtBot, screen: TrainingScreen, sample_id: str) -> None:
    picker = screen.picker
    row = next(n for n, s in enumerate(picker.shown()) if s.id == sample_id)
    picker.table.setFocus()
    picker.table.selectRow(row)
    press(qtbot, Qt.Key.Key_Return)
    assert screen.practice is not None, "Enter on a sample starts the practice"


def score_blind(
    qtbot: QtBot, screen: TrainingScreen, rubric: LoadedRubric, sample: SampleCentre
) -> list[str]:
    """Score every indicator by keyboard from the dossier shown beside it; returns the ids
    scored differently from the reference."""
    practice = screen.practice
    assert practice is not None
    scoring = practice.workspace.scoring
    reference = {e.indicator: e for e in sample.dossier}
    assert focus(qtbot) is scoring.tree
    changed: list[str] = []
    for n, ind in enumerate(rubric.indicators):
        assert scoring.current() == ind.id
        entry = reference[ind.id]
        assert practice.dossier.text.text() == entry.found
        if entry.reference.na:
            press(qtbot, Qt.Key.Key_N)
        else:
            level = next(
                k
                for k, lv in enumerate(ind.levels, 1)
                if Decimal(str(lv.points)) == entry.reference.score
            )
            if n % OFF_EVERY == 0:
                level = level + 1 if level < len(ind.levels) else level - 1
                changed.append(ind.id)
            press(qtbot, DIGITS[level])
        press(qtbot, Qt.Key.Key_Return)
    assert practice.practice.session.unscored() == []
    return changed


def button(root: QWidget, starts: str) -> QAbstractButton:
    return next(b for b in root.findChildren(QAbstractButton) if b.text().startswith(starts))


def assert_trainee_only(texts: list[str], sample: SampleCentre) -> None:
    """Nothing of the reference: no rationale, level, total, grade or bias."""
    joined = "\n".join(texts)
    leaks = [e.reference.rationale for e in sample.dossier if e.reference.rationale in joined]
    assert not leaks, f"reference rationale shown: {leaks[:2]}"
    for never in ("参考评分：", f"参考 {sample.expected_grade}", "总分：", "偏宽", "偏严", "kappa"):
        assert never not in joined, never


def widget_texts(root: QWidget) -> list[str]:
    """Every text a person could read in `root`: labels, buttons, fields, tool tips, lists,
    tables and trees (every cell of every model)."""
    texts: list[str] = []
    for w in [root, *root.findChildren(QWidget)]:
        texts.append(w.toolTip())
        if isinstance(w, QLabel | QAbstractButton | QLineEdit):
            texts.append(w.text())
        elif isinstance(w, QPlainTextEdit):
            texts.append(w.toPlainText())
        elif isinstance(w, QComboBox):
            texts.extend(w.itemText(i) for i in range(w.count()))
        elif isinstance(w, QAbstractItemView) and w.model() is not None:
            texts.extend(_model_texts(w.model()))
    return texts


def _model_texts(model: QAbstractItemModel, parent: QModelIndex | None = None) -> list[str]:
    parent = QModelIndex() if parent is None else parent
    out: list[str] = []
    for row in range(model.rowCount(parent)):
        for column in range(model.columnCount(parent)):
            index = model.index(row, column, parent)
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                value = index.data(role)
                if value is not None:
                    out.append(str(value))
        first = model.index(row, 0, parent)
        if model.rowCount(first):
            out.extend(_model_texts(model, first))
    return out


def test_a_whole_practice_session_by_keyboard(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    full_rubric: LoadedRubric,
    store: Store,
    dialogs: FakeDialogs,
    tmp_path: Path,
    capsys,
) -> None:
    sample = load_sample(SHIPPED)
    window = make_window(full_rubric)
    screen = open_training(qtbot, window, "FZ-T-001")
    pick(qtbot, screen, sample.id)
    practice = screen.practice
    assert practice is not None
    session = practice.practice.session
    # The profile comes from the sample, the trainee is the assessor.
    assert session.assessment.centre == sample.centre
    assert session.assessment.visit.assessors[0].name == "李静"
    assert session.assessment.training

    changed = score_blind(qtbot, screen, full_rubric, sample)
    press(qtbot, Qt.Key.Key_Return, CtrlShift)
    assert screen.currentWidget() is screen.result_view
    figures = screen.result_view.figure_texts()
    total = len(full_rubric.indicators)
    agreed = total - len(changed)
    assert figures["exact"].endswith(f"（{agreed}/{total} 项指标）")
    assert figures["within_one"] == "100.0%"  # every miss is one level off
    # A practice sample never counts towards certification.
    assert screen.result_view.certification.text().endswith("已完成 0 次测试）")
    shown = {
        screen.result_view.worst.item(r, 0).text(): screen.result_view.worst.item(r, 4).text()
        for r in range(screen.result_view.worst.rowCount())
    }
    rationale = {e.indicator: e.reference.rationale for e in sample.dossier}
    assert shown and set(shown) <= set(changed)
    assert all(text == rationale[ind] for ind, text in shown.items())
    # The walker the test-sample check relies on does see the table's rationale.
    assert rationale[next(iter(shown))] in "\n".join(widget_texts(window))

    # The result is kept; the trainer view lists the trainee.
    kept = ResultStore(store.root).all()
    assert [(r.trainee.trainee_id, r.sample_id, r.agreed) for r in kept] == [
        ("FZ-T-001", sample.id, agreed)
    ]

    # `assessor train report` on the trainee's file prints the same figures.
    drafts = Store(store.root / "training")
    own = tmp_path / "trainee.json"
    own.write_text(drafts.load(session.key).model_dump_json(), encoding="utf-8")
    capsys.readouterr()
    assert run_cli(["train", "report", "--sample", sample.id, "--scores", str(own), "--json"]) == 0
    printed = {f["key"]: f["value"] for f in json.loads(capsys.readouterr().out)["figures"]}
    assert printed == figures

    # The practice report PDF, marked 培训.
    dialogs.folder = tmp_path
    qtbot.mouseClick(screen.result_view.report_button, Qt.MouseButton.LeftButton)
    [pdf] = tmp_path.glob("练习报告-*.pdf")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "培训练习报告" in text and "培训/样例" in text
    assert figures["exact"].split("（")[0] in text
    assert rationale[next(iter(shown))][:12] in text

    # The trainer's view asks for the trainer key, then shows this result in full and the list.
    dialogs.key_file, dialogs.secret = DEMO_KEY, DEMO_PASSPHRASE
    qtbot.mouseClick(button(screen.result_view, "培训师视图"), Qt.MouseButton.LeftButton)
    assert screen.currentWidget() is screen.trainer_result
    qtbot.mouseClick(button(screen.trainer_result, "学员列表"), Qt.MouseButton.LeftButton)
    assert screen.currentWidget() is screen.trainer
    trainees = screen.trainer.trainees
    assert [trainees.item(0, c).text() for c in (0, 1, 2, 4)] == ["李静", "FZ-T-001", "1", "未认证"]
    mis = screen.trainer.mis_scored
    assert {mis.item(r, 0).text() for r in range(mis.rowCount())} == set(
        changed[: mis.rowCount()]
    ) | set()


def test_an_open_test_sample_shows_the_trainee_view_and_counts_once(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    full_rubric: LoadedRubric,
    store: Store,
    dialogs: FakeDialogs,
) -> None:
    """A test sample a trainer left open in the data folder: compared at once, but the trainee
    sees only the trainee view, the trainer's pages stay shut without the key, and the same
    sample cannot be taken again."""
    shipped = load_sample(SHIPPED)
    sample = shipped.model_copy(update={"id": "gulou-test", "mode": "test"})
    own = store.root / "training" / "samples"
    own.mkdir(parents=True)
    (own / "gulou-test.json").write_bytes(sample_json(sample))

    window = make_window(full_rubric)
    screen = open_training(qtbot, window, "FZ-T-002")
    screen.picker.mode.setCurrentIndex(screen.picker.mode.findData("test"))
    shown = screen.picker.shown()
    assert "gulou-test" in [s.id for s in shown] and {s.mode for s in shown} == {"test"}
    pick(qtbot, screen, "gulou-test")
    score_blind(qtbot, screen, full_rubric, sample)
    assert_trainee_only(widget_texts(window), sample)  # while scoring, beside the dossier
    press(qtbot, Qt.Key.Key_Return, CtrlShift)
    assert screen.currentWidget() is screen.result_view
    view = screen.result_view
    assert set(view.figure_texts()) == {"passed", "exact", "within_one", "failed"}
    assert view.worst.isHidden() and not view.test_note.isHidden()
    # An open test sample's reference is vouched for by nobody: the result never counts.
    assert view.certification.text().endswith("已完成 0 次测试）")
    assert ResultStore(store.root).all()[0].unvouched
    assert_trainee_only(widget_texts(window), sample)
    # Without the trainer key (cancelled, or a wrong passphrase) nothing more opens.
    dialogs.key_file = None
    screen.show_trainer()
    assert screen.currentWidget() is screen.result_view
    dialogs.key_file, dialogs.secret = DEMO_KEY, "wrong passphrase"
    screen.show_trainer()
    assert screen.currentWidget() is screen.result_view
    assert dialogs.errors[-1][0] == "无法打开培训师密钥"
    assert_trainee_only(widget_texts(window), sample)
    # One attempt: the same trainee cannot start the sample again.
    screen.show_picker()
    screen.picker.mode.setCurrentIndex(screen.picker.mode.findData("test"))
    screen.picker.table.setFocus()
    row = next(n for n, s in enumerate(screen.picker.shown()) if s.id == "gulou-test")
    screen.picker.table.selectRow(row)
    press(qtbot, Qt.Key.Key_Return)
    assert screen.practice is None
    assert "测试只算第一次提交" in dialogs.errors[-1][1]


def test_practice_needs_a_trainee_and_leaving_keeps_the_draft_uncounted(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    full_rubric: LoadedRubric,
    store: Store,
    dialogs: FakeDialogs,
) -> None:
    window = make_window(full_rubric)
    press(qtbot, Qt.Key.Key_T, Ctrl)
    screen = window.training
    assert screen is not None
    screen.picker.table.setFocus()
    press(qtbot, Qt.Key.Key_Return)
    assert screen.practice is None
    assert dialogs.errors[-1][1] == "请填写学员姓名和学员编号：成绩按学员编号记录"

    screen.picker.trainee_name.setText("王芳")
    type_into(qtbot, screen.picker.trainee_id, "FZ-T-003")
    pick(qtbot, screen, load_sample(SHIPPED).id)
    practice = screen.practice
    assert practice is not None
    press(qtbot, DIGITS[1])  # one score, then leave with Ctrl+W
    press(qtbot, Qt.Key.Key_W, Ctrl)
    assert screen.currentWidget() is screen.picker
    assert ResultStore(store.root).all() == []
    press(qtbot, Qt.Key.Key_W, Ctrl)  # and from the sample list back home
    assert window.stack.currentWidget() is window.home
    drafts = Store(store.root / "training").list()
    assert len(drafts) == 1  # the draft is kept on disk, never counted
    assert store.list() == []  # and the assessor's own list stays clean


def test_a_practice_left_unsubmitted_is_taken_up_again(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    full_rubric: LoadedRubric,
    dialogs: FakeDialogs,
) -> None:
    from assessor.core.assessment.status import Status

    sample = load_sample(SHIPPED)
    window = make_window(full_rubric)
    screen = open_training(qtbot, window, "FZ-T-002")
    assert screen.picker.resume_button.isHidden(), "nothing to take up yet"
    pick(qtbot, screen, sample.id)
    practice = screen.practice
    assert practice is not None
    assert focus(qtbot) is practice.workspace.scoring.tree
    for level in (1, 2, 1):
        press(qtbot, DIGITS[level])
        press(qtbot, Qt.Key.Key_Return)
    session = practice.practice.session
    scored = [(s.indicator, s.score) for s in session.assessment.scores if s.score is not None]
    assert len(scored) == 3

    # The finalise key of an assessment does not finalise a practice: it says how to submit.
    notices: list[str] = []
    screen.notice.connect(notices.append)
    press(qtbot, Qt.Key.Key_F, CtrlShift)
    assert session.assessment.status is Status.draft
    assert notices and "提交评分" in notices[-1]

    press(qtbot, Qt.Key.Key_W, Ctrl)  # leave; the dialog is answered 离开
    assert screen.currentWidget() is screen.picker
    picker = screen.picker
    assert not picker.resume_button.isHidden()
    total = len(full_rubric.indicators)
    [offered] = [picker.unfinished.itemText(n) for n in range(picker.unfinished.count())]
    assert sample.title in offered and "李静（FZ-T-002）" in offered
    assert f"已评 3/{total} 项" in offered

    picker.resume_button.setFocus()
    press(qtbot, Qt.Key.Key_Space)
    resumed = screen.practice
    assert resumed is not None and resumed is not practice
    again = resumed.practice.session
    assert again.key == session.key
    assert [(s.indicator, s.score) for s in again.assessment.scores if s.score is not None] == (
        scored
    )
    assert resumed.practice.trainee.trainee_id == "FZ-T-002"


def test_a_sealed_test_sample_by_keyboard_then_the_trainer_opens_it_with_the_key(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    full_rubric: LoadedRubric,
    store: Store,
    dialogs: FakeDialogs,
    capsys,
) -> None:
    """The bundled test sample ships sealed: the trainee scores it by keyboard and sees only
    that it waits for the trainer; the trainer opens it with the trainer key and sees the full
    comparison; the class list says what `assessor train trainees` says."""
    plain = load_sample(PLAIN_TEST_SAMPLES / "mawei-employer-veto.json")
    window = make_window(full_rubric)
    screen = open_training(qtbot, window, "FZ-T-005")
    screen.picker.mode.setCurrentIndex(screen.picker.mode.findData("test"))
    pick(qtbot, screen, plain.id)
    changed = score_blind(qtbot, screen, full_rubric, plain)
    assert_trainee_only(widget_texts(window), plain)
    press(qtbot, Qt.Key.Key_Return, CtrlShift)
    assert screen.currentWidget() is screen.result_view
    assert screen.result_view.figure_texts() == {"waiting": WAITING_TEXT}
    assert screen.result_view.verdict.text() == "等待培训师评判"
    assert_trainee_only(widget_texts(window), plain)
    results = ResultStore(store.root)
    assert results.all() == [] and len(results.submissions()) == 1

    dialogs.key_file, dialogs.secret = DEMO_KEY, DEMO_PASSPHRASE
    qtbot.mouseClick(button(screen.result_view, "培训师视图"), Qt.MouseButton.LeftButton)
    assert screen.currentWidget() is screen.trainer_result
    figures = screen.trainer_result.figure_texts()
    total = len(full_rubric.indicators)
    assert figures["exact"].endswith(f"（{total - len(changed)}/{total} 项指标）")
    assert (
        figures["grade"].startswith("你的评分 ")
        and f"参考 {plain.expected_grade}" in figures["grade"]
    )
    assert {k for k in figures if k.startswith("bias.")}
    worst = screen.trainer_result.worst
    rationale = {e.indicator: e.reference.rationale for e in plain.dossier}
    assert worst.rowCount() > 0 and not worst.isHidden()
    for r in range(worst.rowCount()):
        assert worst.item(r, 4).text() == rationale[worst.item(r, 0).text()]
    [kept] = ResultStore(store.root).all()
    assert kept.submission == results.submissions()[0].id and kept.reference_grade is None

    qtbot.mouseClick(button(screen.trainer_result, "学员列表"), Qt.MouseButton.LeftButton)
    assert screen.currentWidget() is screen.trainer
    trainees = screen.trainer.trainees
    row = [trainees.item(0, c).text() for c in range(trainees.columnCount())]
    capsys.readouterr()
    assert run_cli(["train", "trainees", "--data-dir", str(store.root)]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith(f"FZ-T-005  李静  走势 {row[3]}  {row[4]}")
    press(qtbot, Qt.Key.Key_W, Ctrl)  # leaving the trainer's pages shuts them again
    assert screen.currentWidget() is screen.picker and screen.opened == {}
