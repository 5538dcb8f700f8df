"""Every command runs on a Chinese Windows console or pipe, whose encoding is GBK: what GBK
cannot hold is written as a replacement, never a crash."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import click
import pytest

from assessor.__main__ import main
from assessor.cli.main import cli

SIGNED = Path(__file__).parents[1] / "data" / "signed"
# U+2713 and U+FFFD have no GBK code; a path holding them is echoed back in error messages.
NOT_IN_GBK = "✓\ufffd"


def _command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[list[str]]:
    for name, command in group.commands.items():
        yield [*prefix, name]
        if isinstance(command, click.Group):
            yield from _command_paths(command, (*prefix, name))


class _Kept(io.BytesIO):
    """Keeps its bytes readable after the text layer over it is closed or collected."""

    def close(self) -> None:
        pass


class _GbkConsole:
    """stdout and stderr as `PYTHONIOENCODING=gbk` makes them: GBK, strict errors."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.out = _Kept()
        self.err = _Kept()
        monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(self.out, encoding="gbk"))
        monkeypatch.setattr(sys, "stderr", io.TextIOWrapper(self.err, encoding="gbk"))

    def text(self) -> str:
        sys.stdout.flush()
        sys.stderr.flush()
        return (self.out.getvalue() + self.err.getvalue()).decode("gbk")


@pytest.fixture
def gbk(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Callable[[], _GbkConsole]:
    """Call inside the test: pytest sets its own capturing streams again between phases."""
    monkeypatch.setenv("ASSESSOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ASSESSOR_LOG_DIR", str(tmp_path / "log"))
    return lambda: _GbkConsole(monkeypatch)


def test_every_command_shows_its_help_on_a_gbk_console(gbk: Callable[[], _GbkConsole]) -> None:
    console = gbk()
    paths = list(_command_paths(cli))
    assert len(paths) > 20
    for path in paths:
        assert main([*path, "--help"]) == 0, path
    assert console.text().count("Usage:") == len(paths)


@pytest.mark.parametrize(
    "args",
    [
        ["score", str(SIGNED / "engine2-demo.json")],
        ["verify", str(SIGNED / "engine2-demo.json"), "--allow-training"],
        ["verify", str(SIGNED / "engine2-demo.pdf"), "--allow-training"],
        ["schema", "assessment"],
    ],
)
def test_commands_print_their_results_on_a_gbk_console(
    gbk: Callable[[], _GbkConsole], args: list[str]
) -> None:
    console = gbk()
    assert main(args) == 0
    text = console.text()
    assert text.strip()
    # pyHanko's English CryptographyDeprecationWarning goes to the log, not to the person.
    assert "Warning" not in text


@pytest.mark.parametrize("command", [["score"], ["verify"], ["register", "stats", "--db"]])
def test_a_path_gbk_cannot_hold_is_echoed_with_replacements(
    gbk: Callable[[], _GbkConsole], tmp_path: Path, command: list[str]
) -> None:
    console = gbk()
    missing = tmp_path / f"评估{NOT_IN_GBK}.json"
    assert main([*command, str(missing)]) == 1
    text = console.text()
    assert "错误" in text and "评估??.json" in text


def test_selftest_passes_with_a_gbk_console(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PYTHONIOENCODING": "gbk",
        "QT_QPA_PLATFORM": "offscreen",
        "ASSESSOR_DATA_DIR": str(tmp_path / "data"),
        "ASSESSOR_LOG_DIR": str(tmp_path / "log"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "assessor", "selftest"], env=env, capture_output=True, timeout=300
    )
    out = done.stdout.decode("gbk")
    assert done.returncode == 0, done.stderr.decode("gbk", "replace")
    assert out.count("[通过]") == 8 and "自检通过" in out
    # The desktop step reports the window's own (Chinese) lines, not replacement marks.
    window_line = next(line for line in out.splitlines() if "桌面程序主窗口" in line)
    assert "?" not in window_line
    assert b"Warning" not in done.stderr
