"""Where bundled data lives: next to the package when installed or frozen, else in the repo."""

from __future__ import annotations

import sys
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


def _data_root() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "assessor" / "_data"
    installed = _PACKAGE / "_data"
    return installed if installed.is_dir() else _PACKAGE.parent


def rubrics_dir() -> Path:
    return _data_root() / "rubrics"


def assets_dir() -> Path:
    return _data_root() / "assets"


def samples_dir() -> Path:
    """The bundled sample centres for trainers (`assessor.sample/1` files)."""
    return assets_dir() / "samples"


def default_rubric_path() -> Path:
    return rubrics_dir() / "ws-t-821-2023-v3.json"


def icon_path() -> Path:
    """The window icon (assets/icons is drawn by assessor/devtools/icon.py)."""
    return assets_dir() / "icons" / "assessor-256.png"


def font_path() -> Path:
    return assets_dir() / "fonts" / "WenQuanYiMicroHei.ttf"
