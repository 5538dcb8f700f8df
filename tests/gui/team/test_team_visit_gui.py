"""The team visit in the app: a member says who they are and scores only their dimension, then
exports their part; the leader imports the parts, decides a disagreement by keyboard, takes the
director's acknowledgement on the pad and co-signs with two members' keys."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import shiboken6
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from assessor.core.document.verify import verify_json
from assessor.core.signing.keys import import_key, issue_assessor, load_ca
from assessor.core.storage.store import Store
from assessor.gui.main_window import MainWindow
from assessor.gui.team.conflict_dialog import ConflictDialog
from assessor.gui.team.member_picker import MemberPicker
from tests.core.signing.pki import CA_PASSPHRASE, KEY_PASSPHRASE, make_pki
from tests.core.team.visit import start_visit
from tests.factories import small_rubric, small_rubric_data
from tests.gui.helpers import FakeDialogs, press

Left = Qt.MouseButton.LeftButton
IDS = {"王芳": "T-201", "李明": "T-202"}  # 赵丽 has no key: she neither signs her part nor the file


def _draw(qtbot: QtBot, canvas) -> None:
    qtbot.mousePress(canvas, Left, pos=QPoint(20, 60))
    for n in range(1, 25):
        qtbot.mouseMove(canvas, QPoint(20 + n * 10, 60 + (15 if n % 2 else -15)))
    qtbot.mouseRelease(canvas, Left, pos=QPoint(270, 60))


def test_member_scores_their_share_and_the_leader_merges_acknowledges_and_cosigns(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    dialogs: FakeDialogs,
    tmp_path: Path,
) -> None:
    rubric = small_rubric()
    pki = make_pki(tmp_path / "pki")
    ca = load_ca(pki.ca_dir, CA_PASSPHRASE)
    keys = {}
    for name, assessor_id in IDS.items():
        keys[name] = tmp_path / "pki" / f"{assessor_id}.p12"
        issue_assessor(
            ca, keys[name], name=name, assessor_id=assessor_id, passphrase=KEY_PASSPHRASE
        )
    visit = start_visit(tmp_path, rubric, IDS)
    # During the walk-round the leader already gave 4.1.1 (李明's) a 0.
    from assessor.core.session import EditingSession

    hub = EditingSession.open(visit.leader, visit.key, [rubric])
    hub.member = visit.team.leader
    hub.set_score("4.1.1", 0)
    # 赵丽 scores dimension 5 on her laptop, through the core (no key: an unsigned part).
    zhao = visit.open_as("赵丽")
    zhao.set_score("5.1.1", 20)
    zhao.set_score("5.1.2", 5)
    zhao_part = visit.export_part("赵丽")

    # ---- 李明's laptop: he opens the package and says who he is --------------------------
    member_store = Store(tmp_path / "laptop-李明")
    window = make_window(rubric, on_store=member_store)

    def pick(picker: QDialog) -> bool:
        assert isinstance(picker, MemberPicker)
        picker.show()
        qtbot.keyClick(picker.list, Qt.Key.Key_Down)  # 王芳 → 李明
        qtbot.keyClick(picker.list, Qt.Key.Key_Return)
        return picker.result() == QDialog.DialogCode.Accepted

    window.pick_member = pick
    dialogs.files = [visit.package]
    window.open_team_package()
    assert window.workspace is not None, dialogs.errors
    assert window.member_label.text() == "本机使用者：李明（评估组成员）"
    assert window.member_label.isVisible()
    scoring = window.workspace.scoring
    for indicator in ("4.1.1", "4.1.2", "4.1.3"):
        scoring.select(indicator)
        scoring.focus_tree()
        press(qtbot, Qt.Key.Key_1)
    # 赵丽's indicator is read-only here: the level keys change nothing.
    scoring.select("5.1.1")
    scoring.focus_tree()
    assert scoring.panel.read_only.isVisible()
    assert "赵丽" in scoring.panel.read_only.text()
    press(qtbot, Qt.Key.Key_1)
    record = member_store.load(visit.key)
    assert [record.score_of(i).score for i in ("4.1.1", "4.1.2", "4.1.3", "5.1.1")] == [
        20,
        10,
        10,
        None,
    ]
    li = visit.member("李明").id
    assert {e.by for e in member_store.audit(visit.key)} == {li}

    window.show_team()
    team = window.team_dialog
    assert team is not None and team.part_button.isVisible() and not team.import_button.isVisible()
    li_part = tmp_path / "usb" / "李明.assessor-part"
    dialogs.save_path, dialogs.key_file, dialogs.secret = li_part, keys["李明"], KEY_PASSPHRASE
    qtbot.mouseClick(team.part_button, Left)
    assert li_part.is_file() and "已签名" in dialogs.informed[-1][1], dialogs.errors
    window.close()

    # ---- The leader's laptop: import, decide by keyboard, acknowledgement, co-sign ----------
    del hub
    # The leader's own key is imported on her laptop: its CA is who may sign members' parts.
    keys_dir = visit.leader.root / "keys"
    keys_dir.mkdir()
    import_key(keys["王芳"], KEY_PASSPHRASE, keys_dir)
    window = make_window(rubric, on_store=visit.leader)
    window.open_assessment(visit.key)
    assert window.member_label.text() == "本机使用者：王芳（组长）"
    window.show_team()
    team = window.team_dialog
    assert team.import_button.isVisible() and not team.part_button.isVisible()

    def decide(dialog: QDialog) -> bool:
        assert isinstance(dialog, ConflictDialog)
        dialog.show()
        assert dialog.current.indicator == "4.1.1"
        assert "0 分" in dialog.grid.itemAtPosition(1, 0).widget().text()
        assert "20 分" in dialog.grid.itemAtPosition(1, 1).widget().text()
        qtbot.keyClick(dialog, Qt.Key.Key_2)  # 李明's side
        qtbot.keyClick(dialog, Qt.Key.Key_Return)
        return dialog.result() == QDialog.DialogCode.Accepted

    team.decide = decide
    dialogs.files = [zhao_part, li_part, li_part]
    qtbot.mouseClick(team.import_button, Left)
    assert "已合并" in dialogs.informed[-1][1], (dialogs.informed, dialogs.errors)
    session = window.controller.session
    assert session.entry("4.1.1").score == 20 and session.entry("5.1.1").score == 20
    decision = next(e for e in session.audit_trail if e.action == "team_decision")
    assert decision.new["choice"] == li and decision.by == visit.team.leader

    scoring = window.workspace.scoring
    scoring.select("5.2.1")
    scoring.focus_tree()
    press(qtbot, Qt.Key.Key_1)
    assert session.entry("5.2.1").score == 30

    qtbot.mouseClick(team.ack_button, Left)
    ack = team.ack_dialog
    ack.director.setText("陈园长")  # Chinese: setText, not key clicks
    _draw(qtbot, ack.pad.canvas)
    ack.indicator.setCurrentIndex(ack.indicator.findData("5.1.2"))
    ack.objection_text.setText("膳食记录当天已补齐")
    qtbot.mouseClick(
        ack.findChild(type(team.ack_button), None) or team.ack_button, Left
    ) if False else None
    ack.add_objection()
    qtbot.mouseClick(ack.confirm_button, Left)
    acknowledgement = session.assessment.acknowledgement
    assert acknowledgement is not None and acknowledgement.director == "陈园长"
    assert [(o.indicator, o.text) for o in acknowledgement.objections] == [
        ("5.1.2", "膳食记录当天已补齐")
    ]
    assert acknowledgement.signature is not None

    window.workspace.finalise()
    assert session.is_final, [w.text for w in session.unresolved_warnings()]

    window.show_team()
    team = window.team_dialog
    assert team.cosign_button.isEnabled()
    dialogs.folder = tmp_path / "out"
    for name, left in (("王芳", "尚缺 1 名"), ("李明", "签名已齐全")):
        dialogs.key_file = keys[name]
        qtbot.mouseClick(team.cosign_button, Left)
        assert left in dialogs.informed[-1][1], (dialogs.informed, dialogs.errors)
    rubric_path = tmp_path / "rubric.json"
    rubric_path.write_text(json.dumps(small_rubric_data(), ensure_ascii=False), encoding="utf-8")
    json_file = next((tmp_path / "out").glob("*.json"))
    found = verify_json(json_file.read_bytes(), [pki.ca_cert], False, rubrics=[rubric_path])
    assert found.ok, found.problems
    # Listed by signing time, to the second (a CMS signingTime): two signatures made within
    # one second are listed by certificate fingerprint.
    assert sorted(s.name for s in found.signers) == sorted(["王芳", "李明"])


def test_the_leader_sets_the_team_and_its_assignment(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    dialogs: FakeDialogs,
    store: Store,
) -> None:
    from assessor.core.session import EditingSession
    from assessor.gui.team.team_editor import TeamEditor

    rubric = small_rubric()
    session = EditingSession.create(store, rubric)
    window = make_window(rubric)
    window.open_assessment(session.key)
    assert window.workspace.team_button.isVisible()
    assert not window.member_label.isVisible()
    qtbot.mouseClick(window.workspace.team_button, Left)
    team_dialog = window.team_dialog
    assert team_dialog.setup_button.isVisible() and not team_dialog.import_button.isVisible()
    qtbot.mouseClick(team_dialog.setup_button, Left)
    editor = team_dialog.editor
    assert isinstance(editor, TeamEditor)
    editor.table.item(0, 0).setText("王芳")
    editor.table.item(0, 2).setText("T-201")
    editor.add_row("李明", "区教育局", "")
    editor.add_row("王芳", "", "")  # a second 王芳 is refused with the reason
    qtbot.mouseClick(editor.save_button, Left)
    assert editor.error.isVisible() and "姓名重复" in editor.error.text()
    editor.table.removeRow(2)
    editor.assignment["4"].setCurrentText("李明")
    qtbot.mouseClick(editor.save_button, Left)
    # Answered, the editor is gone (a hidden one would stay the active window).
    qtbot.waitUntil(lambda: not shiboken6.isValid(editor))
    team = window.controller.session.assessment.team
    assert team is not None and [m.name for m in team.members] == ["王芳", "李明"]
    li = team.members[1].id
    assert team.assignment == {"4": li} and team.leader == team.members[0].id
    assert store.load(session.key).team == team
    assert store.audit(session.key)[-1].action == "team"
    assert window.member_label.text() == "本机使用者：王芳（组长）"
    assert window.controller.session.member == team.leader
