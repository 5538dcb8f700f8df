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


HEADING_FIELDS = ("code", "title", "version")
HEAD_CHARS = 4096


def leading_fields(text: str, wanted: tuple[str, ...]) -> dict[str, object]:
    """The `wanted` members of the JSON object `text`, decoded one member at a time from the
    start and no further than the last of them: the rubric's heading comes first in its file,
    and decoding all 300 KB of it for three strings would cost the start several ms. Raises
    ValueError where the text is not such an object."""
    decoder = json.JSONDecoder()
    found: dict[str, object] = {}
    at = _skip(text, 0)
    if text[at : at + 1] != "{":
        raise ValueError("not a JSON object")
    at = _skip(text, at + 1)
    while len(found) < len(wanted) and text[at : at + 1] == '"':
        key, at = decoder.raw_decode(text, at)
        at = _skip(text, at)
        if text[at : at + 1] != ":":
            raise ValueError("no ':' after a key")
        value, at = decoder.raw_decode(text, _skip(text, at + 1))
        if at >= len(text):  # a value must be followed by ',' or '}': a cut text ends here
            raise ValueError("the text ends inside the object")
        if key in wanted:
            found.setdefault(key, value)
        at = _skip(text, at)
        if text[at : at + 1] == ",":
            at = _skip(text, at + 1)
    return found


def _heading_fields(path: Path) -> dict[str, object]:
    """The heading from the file's first few KB where it is there (as in the bundled rubric),
    else from the whole file."""
    with path.open(encoding="utf-8") as file:
        start = file.read(HEAD_CHARS)
        try:
            found = leading_fields(start, HEADING_FIELDS)
            if len(found) == len(HEADING_FIELDS):
                return found
        except ValueError:  # cut in the middle of a member
            pass
        return leading_fields(start + file.read(), HEADING_FIELDS)


def _skip(text: str, at: int) -> int:
    while at < len(text) and text[at] in " \t\r\n":
        at += 1
    return at


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
            data = _heading_fields(self.path)
        except (OSError, ValueError, RecursionError):
            data = {}
        code, title, version = (data.get(k) for k in HEADING_FIELDS)
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
