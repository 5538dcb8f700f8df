"""A note being typed survives `kill -9` but for its last keystrokes (issue 9, item 4)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from assessor.core.storage.store import Store
from tests.gui.assessment.note_typist import KEY_INTERVAL_MS, TEXT

ROOT = Path(__file__).resolve().parents[3]
KILL_AFTER = 40  # keystrokes: 1.6 s of continuous typing, longer than any pause-based save
# Keystrokes the kill may take with it: those of the last save interval plus the write in
# flight, with room for a busy machine. Anything typed 0.4 s before the kill must be on disk.
MAY_LOSE = round(400 / KEY_INTERVAL_MS)


def test_a_kill_while_typing_a_note_loses_only_the_last_keystrokes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    child = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("note_typist.py")), str(data)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        key = ""
        typed = 0
        for line in child.stdout:
            if line.startswith("KEY "):
                key = line.split()[1]
            elif int(line) >= KILL_AFTER:
                typed = int(line)
                child.send_signal(signal.SIGKILL)
                break
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert key and typed >= KILL_AFTER, child.stderr.read() if child.stderr else ""

    note = Store(data).load(key).scores[0].note
    assert TEXT.startswith(note), "whatever was saved is exactly what was typed"
    assert len(note) >= typed - MAY_LOSE, f"typed {typed} characters, {len(note)} saved"
