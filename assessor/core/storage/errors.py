"""The storage failure every layer reports, apart from the code that raises it: the home screen
catches it on the start path without importing the store and what the store needs."""

from __future__ import annotations

from assessor.core.problems import UserError


class StorageError(UserError):
    """A storage failure the user must be told about; the message is in Chinese."""
