"""The log file: under $ASSESSOR_LOG_DIR (or the platform's log folder), rotating, never fatal."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from assessor.cli.main import run_cli
from assessor.core import logs


@pytest.fixture
def log_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv(logs.LOG_DIR_ENV, str(tmp_path / "logs"))
    yield tmp_path / "logs"
    logs.stop_logging()


def test_cli_runs_are_logged_with_their_errors(log_folder: Path) -> None:
    assert run_cli(["score", str(log_folder.parent / "nowhere.json")]) == 1
    text = (log_folder / logs.LOG_FILE).read_text(encoding="utf-8")
    assert "命令行 启动" in text
    assert "nowhere.json: 无法读取文件：文件不存在" in text


def test_the_log_rotates(log_folder: Path) -> None:
    assert logs.start_logging("测试") == log_folder / logs.LOG_FILE
    record = "x" * 1000
    for _ in range(3 * logs.MAX_LOG_BYTES // 1000):
        logging.getLogger("assessor.test").info(record)
    files = sorted(p.name for p in log_folder.iterdir())
    assert files == ["assessor.log", "assessor.log.1", "assessor.log.2", "assessor.log.3"]
    assert all(p.stat().st_size <= logs.MAX_LOG_BYTES for p in log_folder.iterdir())


def test_an_unwritable_log_folder_is_no_reason_not_to_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv(logs.LOG_DIR_ENV, str(blocker / "logs"))
    try:
        assert logs.start_logging("测试") is None
        assert run_cli(["schema", "rubric"]) == 0
        assert '"title"' in capsys.readouterr().out
    finally:
        logs.stop_logging()


def test_warnings_of_libraries_go_to_the_log_not_the_console(
    log_folder: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    import warnings

    logs.start_logging("测试")
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.warn("DSA is deprecated", UserWarning, stacklevel=1)
    assert "DSA is deprecated" not in capfd.readouterr().err
    assert "DSA is deprecated" in (log_folder / logs.LOG_FILE).read_text(encoding="utf-8")
