"""Autosave workers for the durability test, forked on demand so each kill costs no start-up.

Usage: autosave_child.py ROOT KEY JOURNAL_LIMIT. For every line "run" on stdin, forks a worker
that opens the store (compacting whenever the journal would pass JOURNAL_LIMIT bytes), then
autosaves in a tight loop: it sets the first score's note to an increasing counter,
saves with a matching audit entry, and only then writes "ack <counter>". This process reports
"worker <pid>" when a worker starts and "dead <pid> <exit code>" once it has been reaped, so the
parent knows every ack the worker wrote is already in the pipe before "dead".
"""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path

from assessor.core.audit import append
from assessor.core.storage.store import Store


def say(line: str) -> None:
    # Straight to the file descriptor: nothing may sit in a buffer when the worker is killed.
    os.write(sys.stdout.fileno(), f"{line}\n".encode())


def autosave_forever(root: Path, key: str, journal_limit: int) -> None:
    store = Store(root, journal_limit=journal_limit)
    assessment, chain = store.load_with_audit(key)
    score = assessment.scores[0]
    counter = int(score.note or 0)
    while True:
        counter += 1
        entry = append(chain, "note", score.indicator, old=score.note, new=str(counter))
        score.note = str(counter)
        store.save(assessment, entry)
        chain.append(entry)
        say(f"ack {counter}")


def main() -> None:
    root, key, journal_limit = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    for command in sys.stdin:
        if command.strip() != "run":
            continue
        pid = os.fork()
        if pid == 0:
            try:
                autosave_forever(root, key, journal_limit)
            except BaseException:
                traceback.print_exc()
                sys.stderr.flush()
            # Never fall back into the parent's command loop.
            os._exit(1)
        say(f"worker {pid}")
        _, status = os.waitpid(pid, 0)
        say(f"dead {pid} {os.waitstatus_to_exitcode(status)}")


if __name__ == "__main__":
    main()
