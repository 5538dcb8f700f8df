"""The append-only journal beside a record file: an autosave is one short durable append.

    journal.jsonl        the saves made since the record file was last rewritten
    journal.jsonl.prev   the saves the last rewrite folded into the record file

Rewriting the record on every save costs its whole audit chain each time (440 KB after 1,000
changes). Instead each save appends one line holding the state it saved (the assessment, the
audit entry, and the seals before and after) and fsyncs it before the save is acknowledged;
the record file is rewritten ("compacted") only now and then, and a load replays the journal
on top of it.

A line is `<SHA-256 of the JSON, hex> <JSON object>\n`, written with one append. A crash can
only tear the line being appended, and a torn line never matches its hash; a line that fails
anywhere but at the end is damage, not a crash. Lines link by seal (`before` is the seal of the
state a line applies to), so a replay starts exactly where the record file ends, whatever
moment a crash interrupted a compaction at. The previous journal is kept because the record's
backup is one compaction old: backup + previous journal + journal is the latest state too.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

from assessor.core.safe_input import InputRejected, read_regular_file
from assessor.core.storage.atomic import (
    MAX_DATA_FILE_BYTES,
    StorageError,
    fsync_dir,
    replace_file,
)

JOURNAL_FILE = "journal.jsonl"
PREVIOUS_FILE = "journal.jsonl.prev"
_HASH_LENGTH = 64
_LINE_KEYS = {"before", "seal", "assessment", "entry"}
_SEAL_KEYS = {"assessment_sha256", "audit_head", "audit_length"}
_GENESIS = "0" * _HASH_LENGTH


class JournalCorrupt(StorageError):
    """A journal line that is not the torn tail of a crash fails its check."""


@dataclass(frozen=True)
class JournalRead:
    """The intact lines of a journal file, and what was wrong with the tail, if anything."""

    lines: list[dict[str, Any]] = field(default_factory=list)
    # Bytes of the intact lines; the file holds more when its tail is torn.
    valid_bytes: int = 0
    torn: str | None = None  # why the tail is unusable (Chinese); None when there is none


def encode_line(payload: dict[str, Any]) -> bytes:
    """One journal line; json escapes control characters, so the only newline is the last."""
    body = json.dumps(payload, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    data = body.encode("utf-8")
    return hashlib.sha256(data).hexdigest().encode("ascii") + b" " + data + b"\n"


@contextmanager
def _opened_for_append(path: Path) -> Iterator[tuple[int, bool]]:
    created = not path.exists()
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags, 0o644)
    try:
        yield fd, created
    finally:
        os.close(fd)


def append_line(path: Path, line: bytes) -> None:
    """Append `line` durably; on failure the file is cut back to what it held before."""
    with _opened_for_append(path) as (fd, created):
        size = os.fstat(fd).st_size
        try:
            view = memoryview(line)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        except BaseException:
            # A half-written line followed by a retried one would read as damage, not a crash.
            # If even that fails, the next read finds the torn tail and drops it, with a notice.
            with suppress(OSError):
                os.ftruncate(fd, size)
            raise
    if created:
        # A new file is an entry in its folder: without this a power cut can lose all of it.
        fsync_dir(path.parent)


def read_journal(path: Path) -> JournalRead:
    """The lines of `path` (none when it does not exist); raises JournalCorrupt for a line
    that fails its check anywhere but at the end."""
    try:
        data = read_regular_file(path, MAX_DATA_FILE_BYTES)
    except InputRejected as exc:
        if exc.code == "missing":
            return JournalRead()
        raise JournalCorrupt(f"日志文件 {path} 无法读取：{exc.problems[0].message}") from None
    lines: list[dict[str, Any]] = []
    offset = 0
    while offset < len(data):
        end = data.find(b"\n", offset)
        last = end == -1 or end == len(data) - 1
        line = _decoded(data[offset : len(data) if end == -1 else end])
        if line is None or end == -1:
            if last:
                return JournalRead(lines, offset, _torn_reason(path, end == -1))
            raise JournalCorrupt(f"日志文件 {path} 第 {len(lines) + 1} 行已损坏或被改动")
        lines.append(line)
        offset = end + 1
    return JournalRead(lines, offset)


def _torn_reason(path: Path, unterminated: bool) -> str:
    what = "没有写完" if unterminated else "校验不符"
    return f"日志文件 {path.name} 的最后一行{what}（保存时程序或电脑中断）"


def _decoded(raw: bytes) -> dict[str, Any] | None:
    """The line's JSON object when its hash and shape check out, else None."""
    digest, _, body = raw.partition(b" ")
    if len(digest) != _HASH_LENGTH or hashlib.sha256(body).hexdigest().encode() != digest:
        return None
    try:
        line = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return line if _well_formed(line) else None


def _well_formed(line: Any) -> bool:
    return (
        isinstance(line, dict)
        and set(line) == _LINE_KEYS
        and _is_seal(line["before"])
        and _is_seal(line["seal"])
        and isinstance(line["assessment"], dict)
        and (line["entry"] is None or isinstance(line["entry"], dict))
    )


def _is_seal(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and set(value) == _SEAL_KEYS
        and isinstance(value["audit_length"], int)
        and isinstance(value["audit_head"], str)
    )


def unapplied(
    lines: list[dict[str, Any]], seal: dict[str, Any], audit: dict[str, dict[str, Any]]
) -> list[dict[str, Any]] | None:
    """The lines that follow the state sealed by `seal` (with audit chain `audit`), in order.

    Empty when that state already holds every line (a compaction wrote the record but was
    interrupted before it set the journal aside); None when the lines continue some other
    state (a reader raced a compaction, or the record file is older than the journal).
    """
    if not lines:
        return []
    start = next((n for n, line in enumerate(lines) if line["before"] == seal), None)
    if start is None:
        return [] if _holds(audit, lines[-1]["seal"]) else None
    following = lines[start:]
    for earlier, later in pairwise(following):
        if later["before"] != earlier["seal"]:
            return None
    return following


def _holds(audit: dict[str, dict[str, Any]], seal: dict[str, Any]) -> bool:
    """Whether a chain already holds the entries a seal was taken over."""
    length = seal["audit_length"]
    if length == 0:
        return seal["audit_head"] == _GENESIS
    entry = audit.get(str(length))
    return entry is not None and entry.get("hash") == seal["audit_head"]


def cut_torn_tail(path: Path, read: JournalRead, keep: Path) -> None:
    """Keep the whole damaged file as `keep`, then cut `path` back to its intact lines."""
    data = path.read_bytes()
    with open(keep, "xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    with open(path, "rb+") as handle:
        handle.truncate(read.valid_bytes)
        handle.flush()
        os.fsync(handle.fileno())
    fsync_dir(path.parent)


def set_aside(folder: Path) -> None:
    """After a compaction: the journal becomes the previous journal, and a new one starts."""
    journal = folder / JOURNAL_FILE
    if journal.exists():
        replace_file(journal, folder / PREVIOUS_FILE)
        fsync_dir(folder)
