"""The shortcuts panel (F1), built when first opened rather than at start."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLabel

from assessor.core.rubric.validate import LoadedRubric
from assessor.gui.main_window import MainWindow


def test_f1_builds_and_opens_the_panel_listing_the_bindings(
    make_window: Callable[[LoadedRubric], MainWindow], full_rubric: LoadedRubric
) -> None:
    window = make_window(full_rubric)
    assert window.help.widget() is None  # not built at start

    window.toggle_help()

    assert window.help.isVisible()
    texts = [label.text() for label in window.help.widget().findChildren(QLabel)]
    tables = [t for t in texts if t.startswith("<table>")]
    assert tables and all("<b>" in t for t in tables)
    assert any("<b>Ctrl+Shift+A</b>" in t and "为本指标添加证据文件" in t for t in tables)
