"""A writer killed in the middle of a journal append, for test_journal.py.

Usage: journal_child.py ROOT KEY MODE. Saves the notes "1" and "2" (writing "ack <n>" after
each), then starts saving "3" with the journal append held up: MODE "before-fsync" lets the
whole line reach the file and stops before fsync returns; MODE "half-written" writes half the
line and stops. Either way it writes "stuck" and waits to be killed.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from assessor.core.audit import append
from assessor.core.storage.store import Store

_write = os.write


def say(line: str) -> None:
    _write(sys.stdout.fileno(), f"{line}\n".encode())


def stuck() -> None:
    say("stuck")
    while True:
        time.sleep(60)


def hold_up(mode: str) -> None:
    """From now on the journal append stops where MODE says."""
    if mode == "before-fsync":
        os.fsync = lambda fd: stuck()  # type: ignore[assignment]
        return

    def half(fd: int, data: bytes | memoryview) -> int:
        _write(fd, bytes(data[: len(data) // 2]))
        stuck()
        return 0

    os.write = half  # type: ignore[assignment]


def main() -> None:
    root, key, mode = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    store = Store(root)
    assessment, chain = store.load_with_audit(key)
    score = assessment.scores[0]
    for note in ("1", "2", "3"):
        if note == "3":
            hold_up(mode)
        entry = append(chain, "note", score.indicator, old=score.note, new=note)
        score.note = note
        store.save(assessment, entry)
        chain.append(entry)
        say(f"ack {note}")


if __name__ == "__main__":
    main()
