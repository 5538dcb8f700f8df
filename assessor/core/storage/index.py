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

import json
import os
from dataclasses import dataclass, fields
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from assessor.core.assessment.status import Status

INDEX_FILE = "index.json"
# Raised whenever an entry's meaning changes, so an old index is rebuilt rather than misread.
# 2: the stamp covers the record's journal too.
INDEX_FORMAT = 2

Stamp = tuple[int, int, int, int, int, int]
_NO_STAMP: Stamp = (0, 0, 0, 0, 0, 0)


class Place(StrEnum):
    records = "assessments"
    bin = "bin"


# The entries are plain dataclasses read and written by hand rather than pydantic models: the
# home list is shown from this file at every start, and importing pydantic and building models
# would be most of the start-up. The file is the one pydantic wrote (defaults left out); an
# entry that does not read back exactly is a reason to rebuild the index, never to guess.


@dataclass(frozen=True)
class Overview:
    """Progress and predicted grade, as the scoring engine last computed them."""

    scored: int
    total: int
    percent: int
    grade: str | None = None
    grade_label: str = ""


@dataclass(frozen=True)
class IndexEntry:
    key: str
    place: Place
    stamp: Stamp
    status: Status | None = None
    centre_name: str = ""
    uscc: str = ""
    address: str = ""
    visit_date: date | None = None
    updated_at: datetime | None = None
    training: bool = False
    signed: bool = False
    training_signed: bool = False
    deleted_at: datetime | None = None
    problem: str | None = None
    recovery: str | None = None  # what a restore from the backup may have lost
    overview: Overview | None = None


class _Unreadable(ValueError):
    """The index file is not one this version wrote: rebuild it."""


def _int(value: Any) -> int:
    if type(value) is not int:
        raise _Unreadable
    return value


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise _Unreadable
    return value


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Unreadable
    return value


def _optional_str(value: Any) -> str | None:
    return None if value is None else _str(value)


def _date(value: Any) -> date | None:
    return None if value is None else date.fromisoformat(_str(value))


def _aware(value: Any) -> datetime | None:
    if value is None:
        return None
    moment = datetime.fromisoformat(_str(value))
    if moment.utcoffset() is None:
        raise _Unreadable
    return moment


def _overview(value: Any) -> Overview | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not _OVERVIEW_REQUIRED <= value.keys() <= _OVERVIEW_FIELDS:
        raise _Unreadable
    return Overview(
        scored=_int(value["scored"]),
        total=_int(value["total"]),
        percent=_int(value["percent"]),
        grade=_optional_str(value.get("grade")),
        grade_label=_str(value.get("grade_label", "")),
    )


_OVERVIEW_FIELDS = frozenset(f.name for f in fields(Overview))
_OVERVIEW_REQUIRED = frozenset({"scored", "total", "percent"})
_PLACES = {place.value: place for place in Place}
_STATUSES = {status.value: status for status in Status}


def _member(members: dict[str, Any], value: Any) -> Any:
    try:
        return members[value]
    except (KeyError, TypeError):  # TypeError: not hashable, so no member's value
        raise _Unreadable from None


def _stamp(value: Any) -> Stamp:
    if not isinstance(value, list) or len(value) != len(_NO_STAMP):
        raise _Unreadable
    a, b, c, d, e, f = (_int(v) for v in value)
    return (a, b, c, d, e, f)


# How each field is read; a field the entry leaves out keeps its default.
_READ: dict[str, Any] = {
    "key": _str,
    "place": lambda value: _member(_PLACES, value),
    "stamp": _stamp,
    "status": lambda value: None if value is None else _member(_STATUSES, value),
    "centre_name": _str,
    "uscc": _str,
    "address": _str,
    "visit_date": _date,
    "updated_at": _aware,
    "training": _bool,
    "signed": _bool,
    "training_signed": _bool,
    "deleted_at": _aware,
    "problem": _optional_str,
    "recovery": _optional_str,
    "overview": _overview,
}
assert _READ.keys() == {f.name for f in fields(IndexEntry)}
_ENTRY_REQUIRED = frozenset({"key", "place", "stamp"})


def _entry(value: Any) -> IndexEntry:
    if not isinstance(value, dict) or not _ENTRY_REQUIRED <= value.keys() <= _READ.keys():
        raise _Unreadable
    return IndexEntry(**{name: _READ[name](field) for name, field in value.items()})


_DEFAULTS = IndexEntry(key="", place=Place.records, stamp=_NO_STAMP)


def _json_value(value: Any) -> Any:
    if isinstance(value, Overview):
        out: dict[str, Any] = {"scored": value.scored, "total": value.total}
        out["percent"] = value.percent
        if value.grade is not None:
            out["grade"] = value.grade
        if value.grade_label:
            out["grade_label"] = value.grade_label
        return out
    if isinstance(value, date):  # datetime too
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def _entry_json(entry: IndexEntry) -> dict[str, Any]:
    """The entry without the fields at their defaults, as pydantic's `exclude_defaults`."""
    return {
        f.name: _json_value(getattr(entry, f.name))
        for f in fields(IndexEntry)
        if f.name in ("key", "place", "stamp")
        or getattr(entry, f.name) != getattr(_DEFAULTS, f.name)
    }


def file_stamp(
    record: str | Path, signed: str | Path | None, journal: str | Path | None = None
) -> Stamp:
    """What changes whenever the record file or its signed copy is replaced or edited, or a
    save is appended to its journal."""
    try:
        status = os.stat(record)
    except OSError:
        return _NO_STAMP
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
            self._entries = {(e.place, e.key): e for e in read_entries(self.path)}
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
        entries = sorted(self._loaded().values(), key=lambda e: (e.place, e.key))
        index = {"format": INDEX_FORMAT, "entries": [_entry_json(e) for e in entries]}
        payload = json.dumps(index, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        temp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            temp.write_bytes(payload)
            os.replace(temp, self.path)
        except OSError:
            # A cache that cannot be written is rebuilt next time; the records are unaffected.
            temp.unlink(missing_ok=True)


def read_entries(path: Path) -> list[IndexEntry]:
    """The entries of an index file; none when it is missing or not one this version reads."""
    try:
        index = json.loads(path.read_bytes())
        if not isinstance(index, dict) or not index.keys() <= {"format", "entries"}:
            return []
        if index.get("format", INDEX_FORMAT) != INDEX_FORMAT:
            return []
        entries = index.get("entries", [])
        if not isinstance(entries, list):
            return []
        return [_entry(e) for e in entries]
    except (OSError, ValueError, TypeError, RecursionError):  # _Unreadable is a ValueError
        return []
