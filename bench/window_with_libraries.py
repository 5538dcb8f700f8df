"""The bare window plus only what the app cannot start without, a second reference for
bench_startup.py: the libraries its first screen needs before the window exists (platformdirs
for the data folder whose saved geometry sizes the window, dataclasses and typing) and the
`Qt` namespace that any real widget code touches (PySide6 creates its ~90 enums at first
access). The lock (filelock), the rotating log (logging.handlers) and the store are taken
right after the first paint. What the app takes beyond this is its own code."""

from __future__ import annotations

import dataclasses  # noqa: F401
import sys
import typing  # noqa: F401

import platformdirs  # noqa: F401
from bare_window import main  # run as a script: bench/ is on sys.path
from PySide6.QtCore import Qt

if __name__ == "__main__":
    assert Qt.AlignmentFlag.AlignCenter  # the namespace's enums, created at first access
    sys.exit(main())
