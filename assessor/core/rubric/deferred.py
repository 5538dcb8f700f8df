"""The bundled rubric at start-up: named from its file at once, loaded at first need.

Loading a rubric validates it with pydantic models, and importing pydantic and building them
would be most of a start; the home list shows only the rubric's name. The desktop app loads it
in full (every check of `validate.load_rubric`, nothing skipped) right after its window is
shown and before anything is scored against it: see `warm_up_steps` in gui/app.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from assessor.core.paths import default_rubric_path

if TYPE_CHECKING:
    from assessor.core.rubric.validate import LoadedRubric


@dataclass(frozen=True)
class RubricHeading:
    code: str
    title: str
    version: str


class DeferredRubric:
    """A rubric file, loaded and validated by `load` (once; later calls return the same)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._loaded: LoadedRubric | None = None

    @property
    def loaded(self) -> bool:
        return self._loaded is not None

    def load(self) -> LoadedRubric:
        """Raises ProblemsError (a UserError) when the file is not a valid rubric."""
        if self._loaded is None:
            from assessor.core.rubric.registry import load_rubric_cached

            self._loaded = load_rubric_cached(self.path)
        return self._loaded

    def heading(self) -> RubricHeading:
        """Code, title and version as the file gives them; empty where it cannot be read (the
        load that follows reports why)."""
        if self._loaded is not None:
            return heading_of(self._loaded)
        try:
            data = json.loads(self.path.read_bytes())
        except (OSError, ValueError, RecursionError):
            data = None
        if not isinstance(data, dict):
            data = {}
        code, title, version = (data.get(k) for k in ("code", "title", "version"))
        return RubricHeading(
            *(value if isinstance(value, str) else "" for value in (code, title, version))
        )


def heading_of(rubric: LoadedRubric | DeferredRubric) -> RubricHeading:
    if isinstance(rubric, DeferredRubric):
        return rubric.heading()
    r = rubric.rubric
    return RubricHeading(r.code, r.title, r.version)


def loaded(rubric: LoadedRubric | DeferredRubric) -> LoadedRubric:
    return rubric.load() if isinstance(rubric, DeferredRubric) else rubric


def deferred_default_rubric() -> DeferredRubric:
    return DeferredRubric(default_rubric_path())
