"""GUI test fixtures: offscreen Qt, the bundled font, a real store on disk, replaceable dialogs."""

from __future__ import annotations

import os

# Before anything imports Qt: tests must run without a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from assessor.core.rubric.registry import default_rubric
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.storage.store import Store
from assessor.gui.main_window import MainWindow
from assessor.gui.widgets.fonts import install_font
from tests.gui.helpers import FakeDialogs


@pytest.fixture(scope="session", autouse=True)
def app_font(qapp: QApplication) -> str:
    return install_font(qapp)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "data")


@pytest.fixture
def dialogs() -> Iterator[FakeDialogs]:
    fake = FakeDialogs()
    yield fake
    # A dialog left open would keep the keyboard focus away from the next test's window.
    for dialog in fake.presented:
        if shiboken6.isValid(dialog):
            dialog.close()


@pytest.fixture(scope="session")
def full_rubric() -> LoadedRubric:
    return default_rubric()


@pytest.fixture
def make_window(
    qtbot: QtBot, store: Store, dialogs: FakeDialogs
) -> Iterator[Callable[[LoadedRubric], MainWindow]]:
    """Open a main window on the test store; closing it (as the user would) is up to the test."""
    opened: list[MainWindow] = []

    def make(rubric: LoadedRubric, on_store: Store | None = None) -> MainWindow:
        window = MainWindow(on_store or store, rubric, dialogs)
        qtbot.addWidget(window)
        window.show()
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
        opened.append(window)
        return window

    yield make
    for window in opened:
        window.close()
