"""The window shows before the data folder is locked and read (issue 23: start within 1.5x of
a bare window): its list says 「正在读取…」 until `open_data`, right after the first paint,
has taken the lock and read the index, and shows the records after."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from assessor.core.assessment.model import Centre
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.session import EditingSession
from assessor.core.storage.store import Store
from assessor.gui import app
from assessor.gui.home.home_view import READING
from assessor.gui.home.record_list import name_of
from assessor.gui.main_window import MainWindow


def _one_record(data: Path, rubric: LoadedRubric) -> None:
    EditingSession.create(Store(data), rubric, centre=Centre(name="甲托育中心"))


def test_the_list_says_reading_until_the_index_is_read_then_shows_the_records(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, full_rubric: LoadedRubric
) -> None:
    data = tmp_path / "data"
    _one_record(data, full_rubric)
    gc.collect()  # lets go of the data folder, which the app must have to itself
    monkeypatch.setenv("ASSESSOR_DATA_DIR", str(data))
    monkeypatch.delenv("ASSESSOR_SMOKE_TEST", raising=False)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    before: dict[str, object] = {}
    after: dict[str, object] = {}
    real_open_data = app.open_data

    def observed(qt: QApplication, window: MainWindow, *rest: bool | object) -> None:
        # What the person sees between the first paint and the index read.
        before.update(
            shown=window.isVisible(),
            text=window.home.empty.text(),
            says_reading=window.home.empty.isVisibleTo(window),
            rows=window.home.model.rowCount(),
            has_store=window.home.has_store,
        )
        window.grab().save(str(tmp_path / "first-paint.png"))
        real_open_data(qt, window, *rest)  # type: ignore[arg-type]
        after.update(
            names=[name_of(r.summary) for r in window.home.model.all],
            says_reading=window.home.empty.isVisibleTo(window),
            open_enabled=window.home.open_button.isEnabled(),
        )
        window.grab().save(str(tmp_path / "after-read.png"))
        window.close()
        qt.exit(0)

    monkeypatch.setattr(app, "open_data", observed)

    assert app.run_app(["assessor"]) == 0

    assert before == {
        "shown": True,
        "text": READING,
        "says_reading": True,
        "rows": 0,
        "has_store": False,
    }
    assert after == {"names": ["甲托育中心"], "says_reading": False, "open_enabled": True}
