"""Time from process start to the main window shown and idle, next to a bare PySide6 window.

Run: .venv/bin/python bench/bench_startup.py [--runs N] [--packaged dist/assessor]

Each run starts a fresh process offscreen and times it from launch to the line it prints once
its window is shown and its event loop idle: `assessor --smoke-test` (which then opens the first
assessment and prints how long that took) and bench/bare_window.py, a window with one label.
App and bare runs alternate, so a change in machine load hits both; medians and the ratio are
printed. Target: the app within 1.5x of the bare window, from source and packaged. The source
runs may write bytecode caches (PYTHONDONTWRITEBYTECODE is cleared for them), as an installed
copy has them; otherwise every start would compile the app's modules again. With
--packaged, the bare window is frozen by the same PyInstaller (once, kept in $TMPDIR) so both
sides start the same way.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assessor.gui.app import SMOKE_OPENED, SMOKE_SHOWN  # noqa: E402
from bench.bare_window import SHOWN as BARE_SHOWN  # noqa: E402

TARGET_RATIO = 1.5
TIMEOUT_S = 120
_OPENED = re.compile(rf"{SMOKE_OPENED}：(\d+) 毫秒")


def timed_start(command: list[str], env: dict[str, str], shown: str) -> tuple[float, int | None]:
    """Seconds from launch to the `shown` line, and the first-assessment time it reports."""
    started = time.perf_counter()
    with subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, text=True, encoding="utf-8"
    ) as process:
        assert process.stdout is not None
        seconds = None
        opened_ms = None
        for line in process.stdout:
            if seconds is None and line.strip() == shown:
                seconds = time.perf_counter() - started
            elif match := _OPENED.fullmatch(line.strip()):
                opened_ms = int(match.group(1))
        if process.wait(TIMEOUT_S) != 0 or seconds is None:
            raise SystemExit(f"{command[0]} failed (exit {process.returncode})")
    return seconds, opened_ms


def frozen_bare_window() -> list[str]:
    """bare_window.py built by PyInstaller, rebuilt only when the script changed."""
    script = ROOT / "bench" / "bare_window.py"
    work = Path(tempfile.gettempdir()) / "assessor-bench-bare"
    exe = work / "dist" / "bare_window" / ("bare_window.exe" if os.name == "nt" else "bare_window")
    if not exe.exists() or exe.stat().st_mtime < script.stat().st_mtime:
        print("freezing the bare window with PyInstaller (once)…", flush=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "PyInstaller",
                "--noconfirm",
                "--onedir",
                "--log-level",
                "WARN",
                "--distpath",
                str(work / "dist"),
                "--workpath",
                str(work / "build"),
                "--specpath",
                str(work),
                *(["--strip"] if sys.platform.startswith("linux") else []),
                str(script),
            ],
            check=True,
        )
    return [str(exe)]


def compare(
    label: str,
    app: list[str],
    bare: list[str],
    runs: int,
    data: Path,
    with_libraries: list[str] | None = None,
) -> None:
    """Medians of the app, the bare window and (from source) the bare window with the
    libraries the app cannot start without, run in turn so machine load hits all alike."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ASSESSOR_DATA_DIR": str(data)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    # Warm-up: the first start creates the sample assessment, and all fill the file cache.
    timed_start(app, env, SMOKE_SHOWN)
    timed_start(bare, env, BARE_SHOWN)
    if with_libraries:
        timed_start(with_libraries, env, BARE_SHOWN)
    app_s, bare_s, libraries_s, opened = [], [], [], []
    for _ in range(runs):
        seconds, opened_ms = timed_start(app, env, SMOKE_SHOWN)
        app_s.append(seconds)
        if opened_ms is not None:
            opened.append(opened_ms)
        bare_s.append(timed_start(bare, env, BARE_SHOWN)[0])
        if with_libraries:
            libraries_s.append(timed_start(with_libraries, env, BARE_SHOWN)[0])
    app_median, bare_median = statistics.median(app_s), statistics.median(bare_s)
    ratio = app_median / bare_median
    verdict = "met" if ratio <= TARGET_RATIO else "MISSED"
    print(
        f"{label:<9} main window shown: median {app_median:.3f} s   bare PySide6 window: median"
        f" {bare_median:.3f} s   ratio {ratio:.2f} (target <= {TARGET_RATIO}: {verdict})"
    )
    if libraries_s:
        libraries = statistics.median(libraries_s)
        print(
            f"{'':<9} bare window + the libraries the app needs before its window "
            f"(window_with_libraries.py): median {libraries:.3f} s, {libraries / bare_median:.2f}"
            f"x the bare window; the app is {app_median / libraries:.2f}x that"
        )
    if opened:
        print(f"{'':<9} then opening the first assessment: median {statistics.median(opened)} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--packaged", type=Path, help="the built folder, e.g. dist/assessor")
    args = parser.parse_args()
    python = [sys.executable]
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as folder:
        compare(
            "source",
            [*python, "-m", "assessor", "--smoke-test"],
            [*python, str(ROOT / "bench" / "bare_window.py")],
            args.runs,
            Path(folder) / "source",
            [*python, str(ROOT / "bench" / "window_with_libraries.py")],
        )
        if args.packaged:
            exe = args.packaged / ("assessor.exe" if os.name == "nt" else "assessor")
            compare(
                "packaged",
                [str(exe), "--smoke-test"],
                frozen_bare_window(),
                args.runs,
                Path(folder) / "packaged",
            )
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    print(f"runs: {args.runs} each, alternating; CPUs: {os.cpu_count()}, load average: {load}")


if __name__ == "__main__":
    main()
