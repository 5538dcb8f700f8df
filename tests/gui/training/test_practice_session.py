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
from assessor.gui.main_window import MainWindow
from assessor.gui.training.training_screen import TrainingScreen
from tests.gui.helpers import FakeDialogs, focus, press, type_into

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

    qtbot.mouseClick(
        next(
            b for b in screen.result_view.findChildren(QAbstractButton) if b.text() == "培训师视图"
        ),
        Qt.MouseButton.LeftButton,
    )
    assert screen.currentWidget() is screen.trainer
    trainees = screen.trainer.trainees
    assert [trainees.item(0, c).text() for c in (0, 1, 2, 4)] == ["李静", "FZ-T-001", "1", "未认证"]
    mis = screen.trainer.mis_scored
    assert {mis.item(r, 0).text() for r in range(mis.rowCount())} == set(
        changed[: mis.rowCount()]
    ) | set()


def test_a_test_sample_never_shows_its_reference(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    full_rubric: LoadedRubric,
    store: Store,
) -> None:
    shipped = load_sample(SHIPPED)
    sample = shipped.model_copy(update={"id": "gulou-test", "mode": "test"})
    own = store.root / "training" / "samples"
    own.mkdir(parents=True)
    (own / "gulou-test.json").write_bytes(sample_json(sample))
    rationales = [e.reference.rationale for e in sample.dossier]

    def assert_hidden(texts: list[str]) -> None:
        joined = "\n".join(texts)
        leaks = [r for r in rationales if r in joined]
        assert not leaks, f"reference rationale shown: {leaks[:2]}"
        assert "参考评分：" not in joined and "参考 " + shipped.expected_grade not in joined
        assert f"参考 {shipped.expected_total}" not in joined

    window = make_window(full_rubric)
    screen = open_training(qtbot, window, "FZ-T-002")
    screen.picker.mode.setCurrentIndex(screen.picker.mode.findData("test"))
    shown = screen.picker.shown()
    assert "gulou-test" in [s.id for s in shown] and {s.mode for s in shown} == {"test"}
    pick(qtbot, screen, "gulou-test")
    score_blind(qtbot, screen, full_rubric, sample)
    assert_hidden(widget_texts(window))  # while scoring, beside the dossier
    press(qtbot, Qt.Key.Key_Return, CtrlShift)
    assert screen.currentWidget() is screen.result_view
    view = screen.result_view
    assert view.worst.isHidden() and not view.test_note.isHidden()
    assert view.worst.rowCount() == 0
    assert view.certification.text().startswith("李静（FZ-T-002）：未认证；最近 1 次测试平均")
    assert_hidden(widget_texts(window))  # the comparison screen
    screen.show_trainer()
    assert_hidden(widget_texts(window))  # and the trainer view


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
