"""The detail view of a co-signed assessment lists every signer and the team with the
dimensions each member answered for; a one-signer file shows its one signer."""

from __future__ import annotations

import hashlib
from pathlib import Path

from pytestqt.qtbot import QtBot

from assessor.core.register.importer import ImportOptions, run_import
from assessor.core.register.register import Register
from assessor.core.rubric.validate import LoadedRubric
from assessor.gui.register.assessment_view import AssessmentView
from tests.core.register.builders import assessment, signed
from tests.core.register.team_files import cosigned, team_record
from tests.gui.helpers import FakeDialogs


def _cells(table, column: int) -> list[str]:
    return [table.item(r, column).text() for r in range(table.rowCount())]


def test_the_detail_view_lists_every_signer_and_the_team(
    qtbot: QtBot,
    tmp_path: Path,
    rubric: LoadedRubric,
    signer,
    team_keys,
    options: ImportOptions,
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    team_raw = cosigned(rubric, team_record(rubric, 1), team_keys)
    single_raw = signed(rubric, assessment(rubric, 2), signer)
    (inbox / "team.json").write_bytes(team_raw)
    (inbox / "single.json").write_bytes(single_raw)
    register = tmp_path / "register"
    run_import(register, [inbox], options)
    reg = Register(register)

    def trust() -> tuple[list, bool]:
        return [], False

    view = AssessmentView(reg, hashlib.sha256(team_raw).hexdigest(), trust, FakeDialogs())
    qtbot.addWidget(view)
    view.show()
    view.tabs.setCurrentIndex(view.tabs.indexOf(view.signers.parentWidget()))
    assert _cells(view.signers, 1) == ["张三", "李四", "王五"]
    assert _cells(view.signers, 2) == ["T-001", "T-002", "T-003"]
    assert _cells(view.signers, 4) == [str(k.certificate.serial_number) for k in team_keys]
    assert "评估组 3 名成员共同签名" in view.verification.text()
    first, second = (d.id for d in rubric.rubric.dimensions[:2])
    assert _cells(view.team, 0) == ["张三", "李四", "王五"]
    assert _cells(view.team, 3) == ["组长", "组员", "组员"]
    duties = _cells(view.team, 4)
    assert duties[0].startswith(second) and duties[1].startswith(first)
    assert duties[2].startswith(second)
    view.grab().save(str(tmp_path / "team-detail.png"))

    one = AssessmentView(reg, hashlib.sha256(single_raw).hexdigest(), trust, FakeDialogs())
    qtbot.addWidget(one)
    assert _cells(one.signers, 1) == ["张三"]
    assert one.team.isHidden()
