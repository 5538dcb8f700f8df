"""Where the data folder is, apart from the store: the app names it (for the window's saved
geometry) before it imports the store and takes the folder's lock."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs


def default_root() -> Path:
    """`$ASSESSOR_DATA_DIR` when set (trainers keep a class's data apart), else the user's
    data folder."""
    override = os.environ.get("ASSESSOR_DATA_DIR")
    return (
        Path(override)
        if override
        else Path(platformdirs.user_data_dir("assessor", appauthor=False))
    )
