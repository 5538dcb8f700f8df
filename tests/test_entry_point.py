"""The frozen app's entry point lets a spawned worker of the register import run as a worker
(multiprocessing.freeze_support) before it does anything else: on Windows and macOS a worker
process starts as this very executable, and without it would open the app again."""

from __future__ import annotations

import multiprocessing
import sys

import pytest

from assessor import __main__ as entry


def test_the_frozen_entry_point_hands_worker_processes_to_multiprocessing_first(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    order: list[str] = []
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(multiprocessing, "freeze_support", lambda: order.append("freeze_support"))
    monkeypatch.setattr(entry, "_tolerant_console", lambda: order.append("console"))
    assert entry.main(["schema", "rubric"]) == 0
    assert order == ["freeze_support", "console"]
    assert '"title"' in capsys.readouterr().out


def test_outside_a_frozen_app_multiprocessing_is_left_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    called: list[str] = []
    monkeypatch.delattr(sys, "frozen", raising=False)
    monkeypatch.setattr(multiprocessing, "freeze_support", lambda: called.append("x"))
    assert entry.main(["schema", "rubric"]) == 0
    assert called == []
