"""An assessment's status, apart from the models so that the home list and the store's index
can name it without importing pydantic (start-up, see `storage.index`)."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    draft = "draft"
    final = "final"
