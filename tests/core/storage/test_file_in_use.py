"""Windows refuses to rename onto a file another process holds open (a virus scanner, a sync
client): the atomic write and the journal retry for a bounded time, then say so in Chinese and
change nothing. Simulated here by making `os.replace` fail as Windows does."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from assessor.core.assessment.model import Assessment
from assessor.core.audit import append
from assessor.core.storage import atomic
from assessor.core.storage.atomic import AtomicJSONStorage, StorageError, atomic_write_bytes
from assessor.core.storage.journal import JOURNAL_FILE, PREVIOUS_FILE
from assessor.core.storage.store import Store, StoreError, record_key

_real_replace = os.replace


class _HeldOpen:
    """`os.replace` onto `target` fails with a sharing violation the first `times` calls."""

    def __init__(self, target: Path, times: int) -> None:
        self.target = target
        self.left = times
        self.refused = 0

    def __call__(self, source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
        if Path(target) == self.target and self.left > 0:
            self.left -= 1
            self.refused += 1
            raise PermissionError(13, "The process cannot access the file", str(target))
        _real_replace(source, target)


def _hold(monkeypatch: pytest.MonkeyPatch, target: Path, times: int) -> _HeldOpen:
    held = _HeldOpen(target, times)
    monkeypatch.setattr(os, "replace", held)
    return held


def test_a_briefly_held_file_is_replaced_after_retrying(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "record.json"
    path.write_bytes(b"old")
    held = _hold(monkeypatch, path, times=3)
    atomic_write_bytes(path, b"new")
    assert path.read_bytes() == b"new"
    assert held.refused == 3
    assert [p.name for p in tmp_path.iterdir()] == ["record.json"]


def test_a_file_held_for_good_is_reported_in_chinese_within_the_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(atomic, "REPLACE_RETRY_SECONDS", 0.3)
    path = tmp_path / "data.json"
    storage = AtomicJSONStorage(path)
    storage.write({"t": {"1": {"a": 1}}})
    before = path.read_bytes()
    held = _hold(monkeypatch, path, times=10**6)
    started = time.monotonic()
    with pytest.raises(StorageError) as caught:
        storage.write({"t": {"1": {"a": 2}}})
    assert time.monotonic() - started < 2
    assert held.refused > 1
    message = str(caught.value)
    assert "被其他程序占用" in message and "重试 0.3 秒" in message and "data.json" in message
    assert path.read_bytes() == before
    # No temporary file is left behind; only the file and its backup.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.json", "data.json.bak"]


def test_the_journal_is_set_aside_after_retrying(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_assessment: Callable[..., Assessment]
) -> None:
    store = Store(tmp_path / "data")
    assessment = make_assessment()
    store.create(assessment)
    score = assessment.scores[0]
    entry = append(store.audit(record_key(assessment)), "note", score.indicator, old=None, new="甲")
    score.note = "甲"
    store.save(assessment, entry)
    folder = store.root / "assessments" / record_key(assessment)
    assert (folder / JOURNAL_FILE).exists()
    held = _hold(monkeypatch, folder / PREVIOUS_FILE, times=2)
    store.compact(record_key(assessment))
    assert held.refused == 2
    assert not (folder / JOURNAL_FILE).exists() and (folder / PREVIOUS_FILE).exists()
    assert store.load(record_key(assessment)).scores[0].note == "甲"


def test_a_journal_held_for_good_is_reported_and_the_save_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_assessment: Callable[..., Assessment]
) -> None:
    monkeypatch.setattr(atomic, "REPLACE_RETRY_SECONDS", 0.2)
    store = Store(tmp_path / "data")
    assessment = make_assessment()
    store.create(assessment)
    score = assessment.scores[0]
    entry = append(store.audit(record_key(assessment)), "note", score.indicator, old=None, new="乙")
    score.note = "乙"
    store.save(assessment, entry)
    folder = store.root / "assessments" / record_key(assessment)
    _hold(monkeypatch, folder / PREVIOUS_FILE, times=10**6)
    with pytest.raises(StoreError, match="被其他程序占用"):
        store.compact(record_key(assessment))
    monkeypatch.setattr(os, "replace", _real_replace)
    assert Store(tmp_path / "data").load(record_key(assessment)).scores[0].note == "乙"
