"""A small index of what the home list shows, kept beside the records.

    <root>/index.json   one entry per record folder (live or in the recycle bin)

Opening the home screen must not read every record and audit chain: a record of 400 audit
entries takes milliseconds to verify, 500 of them seconds. The store updates the entry of a
record whenever it writes it; each entry also carries the stamp (inode, size, modification
time) of the files it was read from, so an entry whose record changed behind the store's back,
a missing entry, or a missing or unreadable index file is rebuilt from the record itself.

The index is a cache, never the truth: it is written atomically but not fsynced (a crash can at
worst leave an older index, whose stale entries the stamps reveal), and a record is always
verified in full before it is opened. An autosave updates the entry in memory only; the file
is written when the list is next read (rewriting a 500-entry index costs ~20 ms, too much for
every keystroke), and a crash before that costs one stale entry, re-read from its record.
"""

from __future__ import annotations

import os
from datetime import date
from enum import StrEnum
from pathlib import Path

from pydantic import AwareDatetime, BaseModel, ConfigDict, ValidationError

from assessor.core.assessment.model import Status

INDEX_FILE = "index.json"
# Raised whenever an entry's meaning changes, so an old index is rebuilt rather than misread.
# 2: the stamp covers the record's journal too.
INDEX_FORMAT = 2

Stamp = tuple[int, int, int, int, int, int]


class Place(StrEnum):
    records = "assessments"
    bin = "bin"


class Overview(BaseModel):
    """Progress and predicted grade, as the scoring engine last computed them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    scored: int
    total: int
    percent: int
    grade: str | None = None
    grade_label: str = ""


class IndexEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str
    place: Place
    stamp: Stamp
    status: Status | None = None
    centre_name: str = ""
    uscc: str = ""
    address: str = ""
    visit_date: date | None = None
    updated_at: AwareDatetime | None = None
    training: bool = False
    signed: bool = False
    training_signed: bool = False
    deleted_at: AwareDatetime | None = None
    problem: str | None = None
    recovery: str | None = None  # what a restore from the backup may have lost
    overview: Overview | None = None


class IndexFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: int = INDEX_FORMAT
    entries: list[IndexEntry] = []


def file_stamp(
    record: str | Path, signed: str | Path | None, journal: str | Path | None = None
) -> Stamp:
    """What changes whenever the record file or its signed copy is replaced or edited, or a
    save is appended to its journal."""
    try:
        status = os.stat(record)
    except OSError:
        return (0, 0, 0, 0, 0, 0)
    try:
        signed_at = os.stat(signed).st_mtime_ns if signed is not None else 0
    except OSError:
        signed_at = 0
    try:
        appended = os.stat(journal) if journal is not None else None
    except OSError:
        appended = None
    journal_size, journal_at = (appended.st_size, appended.st_mtime_ns) if appended else (0, 0)
    return (status.st_ino, status.st_size, status.st_mtime_ns, signed_at, journal_size, journal_at)


class RecordIndex:
    """The entries in memory, read from disk once; `flush` writes them back when changed."""

    def __init__(self, path: Path, *, writable: bool = True) -> None:
        self.path = path
        self.writable = writable  # a read-only store keeps its index in memory only
        self._entries: dict[tuple[Place, str], IndexEntry] | None = None
        self._dirty = False

    def _loaded(self) -> dict[tuple[Place, str], IndexEntry]:
        if self._entries is None:
            self._entries = {(e.place, e.key): e for e in _read(self.path)}
        return self._entries

    def get(self, place: Place, key: str) -> IndexEntry | None:
        return self._loaded().get((place, key))

    def put(self, *entries: IndexEntry) -> None:
        loaded = self._loaded()
        for entry in entries:
            loaded[(entry.place, entry.key)] = entry
        self._dirty |= bool(entries)

    def drop(self, place: Place, key: str) -> None:
        if self._loaded().pop((place, key), None) is not None:
            self._dirty = True

    def keep_only(self, place: Place, keys: set[str]) -> None:
        """Forget entries of folders that are gone."""
        loaded = self._loaded()
        gone = [k for k in loaded if k[0] is place and k[1] not in keys]
        for k in gone:
            del loaded[k]
        self._dirty |= bool(gone)

    def flush(self) -> None:
        """Write the index file if anything changed since it was read or written."""
        if self._dirty and self.writable:
            self._write()
            self._dirty = False

    def _write(self) -> None:
        index = IndexFile(entries=sorted(self._loaded().values(), key=lambda e: (e.place, e.key)))
        payload = index.model_dump_json(exclude_defaults=True).encode("utf-8")
        temp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            temp.write_bytes(payload)
            os.replace(temp, self.path)
        except OSError:
            # A cache that cannot be written is rebuilt next time; the records are unaffected.
            temp.unlink(missing_ok=True)


def _read(path: Path) -> list[IndexEntry]:
    try:
        index = IndexFile.model_validate_json(path.read_bytes())
    except (OSError, ValidationError, ValueError):
        return []
    return index.entries if index.format == INDEX_FORMAT else []
