"""Finalise → sign → export, key import, amendment: real widgets, store, keys and signatures."""

from __future__ import annotations

import datetime
import gc
import re
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from assessor.core.assessment.model import (
    AssessorRef,
    CareType,
    Centre,
    ClassGroup,
    ClassKind,
    Status,
    Visit,
)
from assessor.core.canonical import sha256_hex
from assessor.core.document.verify import verify_json
from assessor.core.export.signed_export import sign_assessment
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.session import EditingSession
from assessor.core.signing.keys import load_signer, training_signer
from assessor.core.signing.pdf_signature import verify_pdf
from assessor.core.signing.training import training_ca
from assessor.core.storage.store import Store
from assessor.gui.home.record_list import SUPERSEDED_MARK
from assessor.gui.main_window import MainWindow
from assessor.gui.signing.keys_dialog import TRAINING_LABEL
from assessor.gui.signing.sign_dialog import SignDialog
from tests.core.signing.pki import KEY_PASSPHRASE, Pki, make_pki
from tests.gui.helpers import USCC, FakeDialogs, press, type_into

Left = Qt.MouseButton.LeftButton
EXPORT_MS = 60_000  # generous: signing runs in a worker thread on a possibly busy machine


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


def ready(store: Store, rubric: LoadedRubric, name: str = "阳光托育中心") -> EditingSession:
    """A draft with a complete profile and every indicator scored: ready to finalise."""
    centre = Centre(
        name=name,
        uscc=USCC,
        address="北京市朝阳区幸福路 1 号",
        division_code="110105",
        care_types=[CareType.full_day],
        places=40,
        classes=[ClassGroup(name="小一班", kind=ClassKind.toddler_small, children=12, carers=3)],
    )
    visit = Visit(
        date=datetime.date(2024, 5, 6),
        assessors=[AssessorRef(name="张三", assessor_id="T-001")],
    )
    session = EditingSession.create(store, rubric, centre=centre, visit=visit)
    for n, ind in enumerate(rubric.indicators):
        session.set_score(ind.id, ind.levels[n % len(ind.levels)].points)
    return session


def status_of(window: MainWindow, name: str, version: int = 1) -> str:
    proxy = window.home.model
    for row in range(proxy.rowCount()):
        cells = [proxy.index(row, c).data() for c in range(proxy.columnCount())]
        listed = re.findall(r"第 (\d+) 版", cells[2])
        if (
            cells[0].removeprefix(SUPERSEDED_MARK) == name
            and (int(listed[-1]) if listed else 1) == version
        ):
            return cells[2]
    raise AssertionError(f"{name} v{version} is not listed")


def select(window: MainWindow, key: str) -> None:
    window.home.reload(select=key)
    assert window.home.selected_key() == key


def export(qtbot: QtBot, dialog: SignDialog) -> None:
    with qtbot.waitSignal(dialog.exported, timeout=EXPORT_MS):
        qtbot.mouseClick(dialog.sign_button, Left)
        assert dialog.busy and dialog.pages.currentWidget() is dialog.progress_page


def images_on_last_page(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = next(
        int(line.split()[-1]) for line in info.stdout.splitlines() if line.startswith("Pages:")
    )
    listed = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
    )
    rows = [line.split() for line in listed.stdout.splitlines()[2:]]
    return sum(1 for row in rows if int(row[0]) == pages and row[2] == "image")


def draw(qtbot: QtBot, dialog: SignDialog) -> None:
    """A signature stroke with the mouse: press, drag through a zigzag, release."""
    canvas = dialog.pad.canvas
    qtbot.mousePress(canvas, Left, pos=QPoint(20, 60))
    for n in range(1, 30):
        qtbot.mouseMove(canvas, QPoint(20 + n * 10, 60 + (15 if n % 2 else -15)))
    qtbot.mouseRelease(canvas, Left, pos=QPoint(310, 60))


def test_finalise_offers_signing_and_the_training_key_exports_both_files(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    small_rubric: LoadedRubric,
    store: Store,
    dialogs: FakeDialogs,
    tmp_path: Path,
    rubric_file: Path,
) -> None:
    session = ready(store, small_rubric)
    window = make_window(small_rubric)
    window.open_assessment(session.key)
    window.workspace.finalise()

    dialog = window.sign_dialog
    assert dialog is not None and dialog in dialogs.presented and dialog.isVisible()
    assert dialog.choice().builtin and dialog.key_combo.currentText() == TRAINING_LABEL
    assert not dialog.passphrase.isEnabled() and dialog.training_note.isVisible()
    dialogs.folder = tmp_path / "导出"
    qtbot.mouseClick(dialog.folder_button, Left)
    assert dialog.folder.text() == str(dialogs.folder)

    percents: list[int] = []
    dialog.progress.valueChanged.connect(percents.append)
    # Collections outside the GUI thread would destroy Qt objects there (memory corruption).
    off_thread: list[str] = []

    def watch(phase: str, _info: dict[str, int]) -> None:
        if threading.current_thread() is not threading.main_thread():
            off_thread.append(phase)

    gc.callbacks.append(watch)
    try:
        with qtbot.waitSignal(dialog.exported, timeout=EXPORT_MS):
            qtbot.mouseClick(dialog.sign_button, Left)
            # Not closable while the worker writes: Esc, the close button, the main window.
            dialog.reject()
            dialog.close()
            window.close()
            assert dialog.isVisible() and window.isVisible() and dialog.busy
    finally:
        gc.callbacks.remove(watch)
    assert off_thread == [] and gc.isenabled()

    assert dialog.progress.value() == 100 and dialog.step.text() == "完成"
    assert percents == sorted(percents) and len(percents) >= 5 and percents[-1] == 100
    assert dialog.pages.currentWidget() is dialog.result_page
    files = dialog.result
    assert files is not None and files.pdf_path is not None
    assert sorted(dialogs.folder.iterdir()) == sorted([files.json_path, files.pdf_path])
    assert dialog.json_path.text() == files.json_path.name
    assert "培训/样例" in dialog.result_note.text()

    json_check = verify_json(
        files.json_path.read_bytes(), [training_ca()], allow_training=True, rubrics=[rubric_file]
    )
    pdf_check = verify_pdf(files.pdf_path.read_bytes(), [training_ca()], allow_training=True)
    assert json_check.ok and pdf_check.ok, (json_check.problems, pdf_check.problems)
    assert json_check.training and pdf_check.training
    assert images_on_last_page(files.pdf_path) == 0, "no hand-drawn signature was given"
    assert store.signed_json(session.key) == files.json_path.read_bytes()

    qtbot.mouseClick(dialog.open_button, Left)
    assert dialogs.opened == [dialogs.folder]
    qtbot.mouseClick(dialog.close_button, Left)
    assert window.sign_dialog is None
    window.go_home()
    assert status_of(window, "阳光托育中心") == "已签名（培训密钥）"

    # The next export starts in the folder used last.
    window.sign_record(session.key)
    assert window.sign_dialog.folder.text() == str(dialogs.folder)


def test_an_imported_key_refuses_a_wrong_passphrase_then_signs_with_a_drawn_signature(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    small_rubric: LoadedRubric,
    store: Store,
    dialogs: FakeDialogs,
    tmp_path: Path,
    rubric_file: Path,
    pki: Pki,
) -> None:
    session = ready(store, small_rubric)
    session.finalise()
    window = make_window(small_rubric)
    select(window, session.key)
    assert status_of(window, "阳光托育中心") == "已完成，未签名"
    assert not window.home.amend_button.isEnabled(), "only a signed version can be amended"

    # Import the assessor's key from the home screen's key list; its passphrase is asked once.
    qtbot.mouseClick(window.home.keys_button, Left)
    keys = window.keys_dialog
    assert keys is not None and keys.table.rowCount() == 1  # the training key only
    dialogs.key_file, dialogs.secret = pki.key_path, KEY_PASSPHRASE
    qtbot.mouseClick(keys.import_button, Left)
    assert [keys.table.item(r, 0).text() for r in range(2)] == ["张三", TRAINING_LABEL]
    assert keys.table.item(0, 1).text() == "T-001" and keys.table.item(0, 4).text() == "可用"
    secret = KEY_PASSPHRASE.encode()
    assert not any(secret in f.read_bytes() for f in store.root.rglob("*") if f.is_file())
    keys.accept()

    dialogs.folder = tmp_path / "out"
    qtbot.mouseClick(window.home.sign_button, Left)
    dialog = window.sign_dialog
    assert dialog is not None and dialog.choice().info.name == "张三"
    assert dialog.passphrase.echoMode() == dialog.passphrase.EchoMode.Password
    qtbot.mouseClick(dialog.folder_button, Left)

    type_into(qtbot, dialog.passphrase, "not-the-passphrase")
    qtbot.mouseClick(dialog.sign_button, Left)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=EXPORT_MS)
    assert dialog.isVisible() and dialog.pages.currentWidget() is dialog.form_page
    assert dialog.error.isVisible() and "口令错误" in dialog.error.text()
    # Whose key it is, not the internal name of its file in the key folder.
    assert "张三（评估员编号 T-001）" in dialog.error.text() and ".p12" not in dialog.error.text()
    assert dialogs.asked[-1][0] == "导出文件夹不存在", "a missing folder is created only if asked"
    assert not dialogs.folder.exists() and store.signed_json(session.key) is None

    draw(qtbot, dialog)
    assert dialog.pad.clear_button.isEnabled()
    qtbot.mouseClick(dialog.pad.clear_button, Left)
    assert dialog.pad.canvas.is_empty() and dialog.pad.png_bytes() is None
    draw(qtbot, dialog)
    assert (dialog.pad.png_bytes() or b"").startswith(b"\x89PNG")

    dialog.passphrase.setText(KEY_PASSPHRASE)  # has Chinese characters: no key clicks
    export(qtbot, dialog)
    files = dialog.result
    assert files is not None and files.pdf_path is not None and dialog.progress.value() == 100
    json_check = verify_json(
        files.json_path.read_bytes(), [pki.ca_cert], allow_training=False, rubrics=[rubric_file]
    )
    pdf_check = verify_pdf(files.pdf_path.read_bytes(), [pki.ca_cert], allow_training=False)
    assert json_check.ok and pdf_check.ok, (json_check.problems, pdf_check.problems)
    assert (json_check.signer, pdf_check.assessor_id) == ("张三", "T-001")
    assert images_on_last_page(files.pdf_path) >= 1, "the drawn signature is on the last page"
    assert dialog.passphrase.text() == "", "the passphrase is not kept after signing"


def test_an_expired_key_is_blocked_with_its_reason(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    small_rubric: LoadedRubric,
    store: Store,
    dialogs: FakeDialogs,
    pki: Pki,
) -> None:
    session = ready(store, small_rubric)
    session.finalise()
    window = make_window(small_rubric)
    select(window, session.key)
    window.home.focus_list()
    press(qtbot, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialog = window.sign_dialog
    assert dialog is not None
    dialogs.key_file, dialogs.secret = pki.expired_key_path, KEY_PASSPHRASE
    qtbot.mouseClick(dialog.import_button, Left)  # imported from inside the sign dialog
    assert dialog.choice().info.name == "李四" and "不可用" in dialog.key_combo.currentText()
    assert "过期" in dialog.error.text() and dialog.error.isVisible()
    assert not dialog.sign_button.isEnabled()
    dialog.key_combo.setCurrentIndex(dialog.key_combo.findText(TRAINING_LABEL))
    assert dialog.sign_button.isEnabled() and not dialog.error.isVisible()


def test_amend_from_the_home_screen_creates_and_opens_the_next_version(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    small_rubric: LoadedRubric,
    store: Store,
    dialogs: FakeDialogs,
) -> None:
    session = ready(store, small_rubric)
    session.finalise()
    sign_assessment(store, session.key, training_signer(), rubric=small_rubric)
    window = make_window(small_rubric)
    select(window, session.key)
    assert window.home.amend_button.isEnabled()

    # An empty reason asks again; cancelling then creates nothing.
    dialogs.texts = ["  "]
    dialogs.text = None
    qtbot.mouseClick(window.home.amend_button, Left)
    assert len(dialogs.asked) == 2 and "修订原因不能为空" in dialogs.asked[-1][1]
    assert len(store.list()) == 1 and window.workspace is None

    dialogs.text = "4.1.1 的评分录入有误，更正"
    qtbot.mouseClick(window.home.amend_button, Left)
    assert window.workspace is not None
    amended = window.controller.session.assessment
    assert amended.version == 2 and amended.status is Status.draft
    assert amended.supersedes is not None and amended.supersedes.version == 1
    assert amended.supersedes.sha256 == sha256_hex(store.signed_json(session.key) or b"")
    assert amended.amendment_reason == "4.1.1 的评分录入有误，更正"
    assert window.workspace.status.text().startswith("第 2 版修订")

    window.go_home()
    assert status_of(window, "阳光托育中心") == "已被第 2 版取代（第 1 版）"
    assert status_of(window, "阳光托育中心", version=2) == "草稿（第 2 版）"
    # The superseded version is listed right under its newest one, and can be neither
    # signed nor amended again.
    names = [window.home.model.index(r, 0).data() for r in range(window.home.model.rowCount())]
    assert names == ["阳光托育中心", SUPERSEDED_MARK + "阳光托育中心"]
    select(window, session.key)
    assert not window.home.amend_button.isEnabled()
    assert not window.home.sign_button.isEnabled()
    assert "取代" in window.home.amend_button.toolTip()


def test_a_version_signed_with_a_real_key_is_not_offered_for_signing_again(
    make_window: Callable[..., MainWindow],
    small_rubric: LoadedRubric,
    store: Store,
    pki: Pki,
) -> None:
    session = ready(store, small_rubric)
    session.finalise()
    sign_assessment(
        store, session.key, load_signer(pki.key_path, KEY_PASSPHRASE), rubric=small_rubric
    )
    window = make_window(small_rubric)
    select(window, session.key)
    assert status_of(window, "阳光托育中心") == "已签名"
    assert not window.home.sign_button.isEnabled()
    assert "只签名一次" in window.home.sign_button.toolTip()
    assert window.home.amend_button.isEnabled()
    window.home.sign_selected()  # the shortcut, too, is refused with the reason
    assert window.sign_dialog is None
    assert "只签名一次" in window.statusBar().currentMessage()


def test_a_training_signed_version_may_be_signed_again_with_a_real_key(
    make_window: Callable[..., MainWindow], small_rubric: LoadedRubric, store: Store
) -> None:
    session = ready(store, small_rubric)
    session.finalise()
    sign_assessment(store, session.key, training_signer(), rubric=small_rubric)
    window = make_window(small_rubric)
    select(window, session.key)
    assert "培训" in status_of(window, "阳光托育中心")
    assert window.home.sign_button.isEnabled()
    window.home.status_filter.setCurrentIndex(window.home.status_filter.findData("training"))
    assert status_of(window, "阳光托育中心") == "已签名（培训密钥）"


def test_an_imported_key_can_be_removed_but_not_the_training_key(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    small_rubric: LoadedRubric,
    dialogs: FakeDialogs,
    pki: Pki,
) -> None:
    window = make_window(small_rubric)
    qtbot.mouseClick(window.home.keys_button, Left)
    keys = window.keys_dialog
    dialogs.key_file, dialogs.secret = pki.key_path, KEY_PASSPHRASE
    qtbot.mouseClick(keys.import_button, Left)
    assert keys.table.rowCount() == 2 and list(window.keys_dir.glob("*.p12"))

    keys.table.selectRow(0)
    dialogs.answer = False
    qtbot.mouseClick(keys.remove_button, Left)
    assert keys.table.rowCount() == 2, "nothing removed without confirmation"
    dialogs.answer = True
    qtbot.mouseClick(keys.remove_button, Left)
    assert "张三（评估员编号 T-001）" in dialogs.asked[-1][1]
    assert keys.table.rowCount() == 1 and not list(window.keys_dir.iterdir())

    keys.table.selectRow(0)
    qtbot.mouseClick(keys.remove_button, Left)
    assert dialogs.errors[-1][0] == "不能删除" and keys.table.rowCount() == 1
