"""Review in the commission screen (issue 18): import with a CRL from the GUI, filter the table to
flagged items, resolve one in the detail view, confirm the filtered selection by keyboard, export
the public list, and an empty export refused with a message. Flag counts are assessments."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from assessor.core.register.browse import clause_key
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.signing.keys import SigningKey
from assessor.gui.main_window import MainWindow
from assessor.gui.register.register_table import FLAG_FILTERS
from tests.core.register.builders import Commission, assessment, revoked_key_file, signed
from tests.gui.helpers import FakeDialogs


def _filter(label: str) -> int:
    return next(n for n, (text, _, _) in enumerate(FLAG_FILTERS) if text == label)


def test_flagged_items_are_found_resolved_and_the_rest_confirmed_by_keyboard(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    full_rubric: LoadedRubric,
    dialogs: FakeDialogs,
    commission: Commission,
    signer: SigningKey,
    tmp_path: Path,
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    revoked_raw, crl = revoked_key_file(tmp_path, commission, full_rubric, 1)
    (inbox / "revoked.json").write_bytes(revoked_raw)
    for n in range(3):  # one centre assessed three times in one cycle
        record = assessment(full_rubric, 10 + n, centre=80)
        (inbox / f"same-{n}.json").write_bytes(signed(full_rubric, record, signer))
    clean = [assessment(full_rubric, n) for n in (20, 21, 22)]
    for n, record in enumerate(clean):
        (inbox / f"clean-{n}.json").write_bytes(signed(full_rubric, record, signer))
    (inbox / "wrong.json").write_text('{"format": "assessor.assessment/1", "id": 5}')

    window = make_window(full_rubric)
    window.home.register_button.click()
    screen = window.register_screen
    assert screen is not None
    panel = screen.importer
    panel.add_sources([inbox])
    dialogs.ca_file = commission.ca_cert
    panel.choose_ca.click()
    dialogs.crl_files = [crl]
    panel.choose_crl.click()
    assert "crl.pem" in panel.crl_label.text()
    with qtbot.waitSignal(panel.imported, timeout=300_000) as finished:
        panel.start.click()
    summary = finished.args[0]
    assert summary.flags == {"same_centre_in_cycle": 3, "signed_before_revocation": 1}
    assert "同机构同周期 3 份评估" in panel.summary.text()
    # The quarantine reason is whole in its tooltip and has no stray 「：；」.
    reason = panel.quarantine.item(0, 1)
    assert reason.text().startswith("不符合评估文件格式：id：") and "：；" not in reason.text()
    assert reason.toolTip() == reason.text()

    # The 待核实 panel counts assessments and centres, and lists the four items.
    stats = screen.stats
    assert "待核实：4 份评估（2 家机构）" in stats.flags_title.text()
    assert stats.flags.rowCount() == 4  # a revocation and three pairs

    # The register table: a flag column and a filter.
    screen.show_tab(1)
    table = screen.table
    table.flagged.setCurrentIndex(_filter("有待核实事项"))
    assert table.model.total == 4
    assert {r.flags for r in table.model.rows} == {"证书已吊销", "同机构同周期"}
    revoked_row = next(n for n, r in enumerate(table.model.rows) if r.flags == "证书已吊销")
    table.view.selectRow(revoked_row)
    table.open_selected()
    view = screen.views[-1]
    names = [view.scores.item(r, 0).text() for r in range(view.scores.rowCount())]
    assert names == sorted(names, key=clause_key) and names != sorted(names)  # 4.x before 10.x
    assert all(view.scores.item(r, 1).text() for r in range(view.scores.rowCount()))
    dialogs.text = "已与发证科核实：吊销前签名有效"
    view.flags.selectRow(0)
    view.resolve_button.click()
    assert dialogs.errors == []
    assert "没有未处理的待核实事项" in view.flags_label.text()
    view.close()
    window.activateWindow()
    assert table.model.total == 3  # still flagged: the three of one centre
    assert "待核实：3 份评估（1 家机构）" in stats.flags_title.text()

    # Confirm the whole filtered selection by keyboard: everything without an open flag.
    table.flagged.setCurrentIndex(_filter("无待核实事项"))
    assert table.model.total == 4
    table.whole_filter.setChecked(True)
    table.view.setFocus()
    dialogs.text = "资料齐全"
    qtbot.keyClick(table.view, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert {r.review for r in table.model.rows} == {"已确认"}
    assert "已将 4 份评估的审核状态改为「已确认」" in table.last_message
    # Everything, flagged or not: the flagged three are skipped, and the screen says why.
    table.flagged.setCurrentIndex(_filter("全部"))
    qtbot.keyClick(table.view, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert "另有 3 份评估有待核实事项" in dialogs.informed[-1][1]
    # Reversible, one at a time, from the context menu's actions too.
    table.whole_filter.setChecked(False)
    table.view.clearSelection()
    first = next(n for n, r in enumerate(table.model.rows) if r.review == "已确认")
    table.view.selectRow(first)
    texts = [a.text() for a in table.context_menu().actions() if a.text()]
    assert "确认（Y）" in texts and "撤销上一次更改" in texts
    qtbot.keyClick(table.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert table.model.rows[first].review == "待审核"
    qtbot.keyClick(table.view, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert table.model.rows[first].review == "已确认"

    # Export the public list: busy while it runs, then the four confirmed, unflagged centres.
    screen.show_tab(2)
    dialogs.save_path = tmp_path / "公示.csv"
    stats.export_buttons["public"].click()
    assert stats.busy and stats.progress.isVisible()
    assert not stats.export_buttons["csv"].isEnabled()
    qtbot.waitUntil(lambda: not stats.busy, timeout=120_000)
    assert dialogs.errors == []
    rows = list(csv.reader(io.StringIO(dialogs.save_path.read_bytes().decode("utf-8-sig"))))
    expected = {r.centre.name for r in clean} | {"第1托育中心"}
    assert {row[0] for row in rows[1:]} == expected

    # An empty one (a year with nothing in it) is refused with a message; nothing is written.
    stats.year.setValue(2031)
    dialogs.save_path = tmp_path / "空.csv"
    stats.export_buttons["public"].click()
    qtbot.waitUntil(lambda: not stats.busy, timeout=120_000)
    assert dialogs.errors and "未写入文件" in dialogs.errors[-1][1]
    assert not dialogs.save_path.exists()
