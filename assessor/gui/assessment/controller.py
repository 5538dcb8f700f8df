"""The Qt face of an EditingSession: calls it, then tells every view what changed.

Widgets never change an assessment themselves; they call this object, which calls the
session (validation, audit, durable save) and emits a signal the views refresh from.
Refused changes (UserError) become `failed` messages; ProblemsError and FinaliseBlocked go
back to the caller, because the form and the finalise panel show them in place.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal

from assessor.core.problems import ProblemsError, UserError
from assessor.core.session import EditingSession, FinaliseBlocked

T = TypeVar("T")


class AssessmentController(QObject):
    scoresChanged = Signal(str)  # indicator whose score, N/A, note or evidence changed
    profileChanged = Signal()  # centre profile or visit changed (checks may differ)
    saveStateChanged = Signal()  # a save was attempted: show its time or its error
    finalised = Signal()
    failed = Signal(str)  # a refused change, in Chinese

    def __init__(self, session: EditingSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session

    # ---- scores ----------------------------------------------------------------------------

    def set_score(self, indicator: str, points: float | None) -> bool:
        return self._indicator_change(indicator, self.session.set_score, indicator, points)

    def set_na(self, indicator: str, na: bool) -> bool:
        return self._indicator_change(indicator, self.session.set_na, indicator, na)

    def set_note(self, indicator: str, text: str, *, continued: bool = False) -> bool:
        return self._indicator_change(
            indicator, partial(self.session.set_note, continued=continued), indicator, text
        )

    def attach_evidence(self, indicator: str, files: Sequence[Path]) -> int:
        attached = 0
        for path in files:
            if self._run(self.session.attach_evidence, indicator, path, "") is None:
                break
            attached += 1
        if attached:
            self.scoresChanged.emit(indicator)
        return attached

    def set_evidence_caption(self, indicator: str, file: str, caption: str) -> bool:
        return self._indicator_change(
            indicator, self.session.set_evidence_caption, indicator, file, caption
        )

    def remove_evidence(self, indicator: str, file: str) -> bool:
        return self._indicator_change(indicator, self.session.remove_evidence, indicator, file)

    def undo(self) -> str | None:
        return self._history(self.session.undo)

    def redo(self) -> str | None:
        return self._history(self.session.redo)

    # ---- profile ---------------------------------------------------------------------------

    def update_centre(self, **changes: Any) -> bool:
        """Raises ProblemsError for the form to show beside the fields."""
        return self._profile_change(self.session.update_centre, changes)

    def update_visit(self, **changes: Any) -> bool:
        return self._profile_change(self.session.update_visit, changes)

    # ---- finalising and saving -------------------------------------------------------------

    def finalise(self) -> bool:
        """Raises FinaliseBlocked with what is missing; False when refused otherwise."""
        self._run(self.session.finalise)
        if not self.session.is_final:
            return False
        self.finalised.emit()
        return True

    def retry_save(self) -> bool:
        saved = self.session.retry_save()
        self.saveStateChanged.emit()
        return saved

    # ---- plumbing --------------------------------------------------------------------------

    def _indicator_change(self, indicator: str, fn: Callable[..., T], *args: Any) -> bool:
        changed = self._run(fn, *args)
        if changed:
            self.scoresChanged.emit(indicator)
        return bool(changed)

    def _profile_change(self, fn: Callable[..., bool], changes: dict[str, Any]) -> bool:
        changed = self._run(fn, **changes)
        if changed:
            self.profileChanged.emit()
        return bool(changed)

    def _history(self, fn: Callable[[], str | None]) -> str | None:
        indicator = self._run(fn)
        if indicator:
            self.scoresChanged.emit(indicator)
        return indicator

    def _run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        try:
            return fn(*args, **kwargs)
        except (ProblemsError, FinaliseBlocked):
            raise
        except UserError as exc:
            self.failed.emit(str(exc))
            return None
        finally:
            self.saveStateChanged.emit()
