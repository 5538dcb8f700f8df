"""The status bar speaks of the screen on show: 「已自动保存」 only beside the open assessment."""

from __future__ import annotations

from assessor.core.rubric.validate import LoadedRubric


def test_save_state_is_shown_only_with_the_assessment(
    make_window, full_rubric: LoadedRubric, qtbot
) -> None:
    window = make_window(full_rubric)
    window.new_assessment()
    qtbot.waitUntil(lambda: window.workspace is not None)
    assert window.stack.currentWidget() is window.workspace
    qtbot.waitUntil(lambda: window.save_state.isVisibleTo(window))
    window.show_register()
    assert not window.save_state.isVisibleTo(window)
    window.stack.setCurrentWidget(window.workspace)
    assert window.save_state.isVisibleTo(window)
