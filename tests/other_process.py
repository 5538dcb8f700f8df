"""Another process that holds a data folder, the way a running app or command does."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
_HOLD = (
    "import sys; from pathlib import Path; from assessor.core.storage.store import Store; "
    "store = Store(Path(sys.argv[1])); print('ready', flush=True); sys.stdin.read()"
)


@contextmanager
def folder_held_elsewhere(root: Path) -> Iterator[None]:
    """A second process opens a writing store on `root` and keeps it until the block ends."""
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(root)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    try:
        assert holder.stdout is not None
        ready = holder.stdout.readline()
        assert ready.strip() == "ready", holder.stderr.read() if holder.stderr else ""
        yield
    finally:
        holder.communicate(input="", timeout=30)
