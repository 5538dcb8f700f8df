"""A writer for the two-process test: takes the data folder when it can, saves, lets go.

Usage: folder_writer.py ROOT KEY NAME SAVES. Until SAVES saves are acknowledged: open the store
(counting refusals while another process holds the folder), load the record, save a burst of
notes "NAME-n" each with its audit entry, writing "ack NAME-n" only after the save returned,
then release the folder. Ends with "done <refusals>".
"""

from __future__ import annotations

import gc
import os
import random
import sys
import time
from pathlib import Path

from assessor.core.audit import append
from assessor.core.storage.folder_lock import FolderInUse
from assessor.core.storage.store import Store


def say(line: str) -> None:
    os.write(sys.stdout.fileno(), f"{line}\n".encode())


def burst(root: Path, key: str, name: str, start: int, size: int) -> int:
    store = Store(root)
    assessment, chain = store.load_with_audit(key)
    score = assessment.scores[0]
    for n in range(start, start + size):
        note = f"{name}-{n}"
        entry = append(chain, "note", score.indicator, old=score.note, new=note)
        score.note = note
        store.save(assessment, entry)
        chain.append(entry)
        say(f"ack {note}")
    return start + size


def main() -> None:
    root, key, name, saves = Path(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
    rng = random.Random(name)
    done, refusals = 0, 0
    while done < saves:
        try:
            done = burst(root, key, name, done, min(rng.randint(5, 40), saves - done))
        except FolderInUse:
            refusals += 1
            time.sleep(0.01)  # leave the CPU to the writer that holds the folder
            continue
        gc.collect()  # the store is gone: its lock on the folder goes with it
        time.sleep(rng.uniform(0, 0.01))
    say(f"done {refusals}")


if __name__ == "__main__":
    main()
