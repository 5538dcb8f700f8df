"""Which of two files of the same assessment id and version counts.

The first registered stays current, except that an official file outranks a training file
(signed with the built-in training key or a sample), whichever arrived first: with
`--allow-training`, a training copy imported before the official file must not keep the
official one out.
"""

from __future__ import annotations

import sqlite3

from assessor.core.register.check import Candidate


def outranks(candidate: Candidate, conn: sqlite3.Connection, registered_sha256: str) -> bool:
    """True when `candidate` should take the place of the registered file `registered_sha256`."""
    if candidate.document["training"]:
        return False
    row = conn.execute(
        "SELECT training FROM documents WHERE sha256 = ?", (registered_sha256,)
    ).fetchone()
    return bool(row and row[0])
