"""The window fits the screen it opens on and comes back where it was left (issue 9, item 2)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize

from assessor.core.rubric.validate import LoadedRubric
from assessor.gui.main_window import MainWindow


def test_the_window_opens_at_the_available_screen_then_where_it_was_left(
    make_window: Callable[..., MainWindow], small_rubric: LoadedRubric
) -> None:
    first = make_window(small_rubric)
    available = first.screen().availableGeometry()
    # The frame (title bar and borders) fills the available screen, never more.
    assert first.frameGeometry() == available, "never larger than the screen it opens on"
    first.resize(700, 450)
    first.close()
    again = make_window(small_rubric)
    assert again.size() == QSize(700, 450)


def test_a_narrow_window_hides_the_summary_and_keeps_the_total_in_view(
    make_window: Callable[..., MainWindow], small_rubric: LoadedRubric
) -> None:
    window = make_window(small_rubric)
    window.new_assessment()
    workspace = window.workspace
    window.resize(800, 500)
    window.show()
    assert workspace.summary.isHidden() and workspace.total.isVisible()
    assert workspace.total.text().startswith("总分 0")
    workspace.summary_button.click()
    assert workspace.summary.isVisible() and workspace.total.isHidden()
    window.resize(1600, 900)
    assert workspace.summary.isVisible(), "once chosen, the width no longer decides"
