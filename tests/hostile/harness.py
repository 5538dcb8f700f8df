"""Running a command on hostile input and judging how it failed.

A good failure: the expected exit code, a message in Chinese, no traceback or English library
text, within the time bound, and not one byte changed on disk.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import signal
import stat
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from assessor.cli.main import run_cli

REPO = Path(__file__).resolve().parents[2]
TIME_BOUND = 15.0  # seconds; generous for a shared CI machine, far below any hang
HARD_LIMIT = 60  # in-process runs are interrupted here, so a regression fails, not hangs
_CHINESE = re.compile(r"[\u4e00-\u9fff]")
_FORBIDDEN = (
    "Traceback",
    "内部错误",
    "Invalid value",
    "Error:",
    "No such file",
    "Errno",
    "RecursionError",
    "Exceeds the limit",
)


@dataclass(frozen=True)
class Outcome:
    code: int
    text: str
    seconds: float


class _Hung(BaseException):
    """Not an Exception: the CLI's last-resort handler must not swallow it."""


def _interrupt(signum: int, frame: object) -> None:
    raise _Hung


def run_in_process(args: list[str]) -> Outcome:
    out, err = io.StringIO(), io.StringIO()
    previous = signal.signal(signal.SIGALRM, _interrupt)
    signal.alarm(HARD_LIMIT)
    started = time.perf_counter()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = run_cli(args)
    except _Hung:
        code = -1
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    return Outcome(code, out.getvalue() + err.getvalue(), time.perf_counter() - started)


def run_in_subprocess(args: list[str]) -> Outcome:
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "assessor", *args],
            capture_output=True,
            text=True,
            timeout=HARD_LIMIT,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        return Outcome(-1, "", time.perf_counter() - started)
    return Outcome(done.returncode, done.stdout + done.stderr, time.perf_counter() - started)


def disk_state(folder: Path) -> dict[str, str]:
    """Everything under `folder`, without opening anything but regular files."""
    state: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        info = path.lstat()
        name = str(path.relative_to(folder))
        if stat.S_ISLNK(info.st_mode):
            state[name] = "link:" + os.readlink(path)
        elif stat.S_ISREG(info.st_mode) and info.st_size <= 16 * 1024 * 1024:
            state[name] = hashlib.sha256(path.read_bytes()).hexdigest()
        elif stat.S_ISREG(info.st_mode):
            state[name] = f"big:{info.st_size}:{info.st_mtime_ns}"
        else:
            state[name] = f"mode:{stat.S_IFMT(info.st_mode)}"
    return state


def assert_good_failure(outcome: Outcome, *, code: int = 1) -> None:
    assert outcome.code != -1, f"no answer within {HARD_LIMIT} s"
    assert outcome.code == code, outcome.text
    assert _CHINESE.search(outcome.text), outcome.text
    for word in _FORBIDDEN:
        assert word not in outcome.text, outcome.text
    assert outcome.seconds < TIME_BOUND, f"{outcome.seconds:.1f} s"
