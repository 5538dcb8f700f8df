"""Where the milliseconds of a start go: the phases of `run_app` up to the main window shown
and idle, timed inside fresh processes, next to a bare PySide6 window timed the same way.

Run: .venv/bin/python bench/startup_phases.py [--runs N]

bench_startup.py says whether the start is within 1.5x of a bare window; this says what the
rest is spent on. Each run is a new offscreen process that imports and builds exactly what
`run_app` does, in its order, marking the time after each phase; the medians per phase are
printed with their share of the whole, and the bare window's total from the same runs (app and
bare alternate, so machine load hits both alike).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The app's start, phase by phase (the imports in the order assessor.gui.app makes them).
APP = """
import json, os, sys, time
t0 = time.perf_counter(); marks = []
def mark(name): marks.append((name, time.perf_counter()))
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
import assessor.core.logs, assessor.core.paths, assessor.core.problems
mark("import: logging, platformdirs, paths, problems")
import assessor.core.rubric.deferred
mark("import: deferred rubric")
import assessor.core.storage.store, assessor.core.storage.folder_lock
mark("import: store, index, folder lock (filelock)")
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
mark("import: PySide6 as the bare window imports it")
import assessor.gui.widgets.fonts, assessor.gui.widgets.settings, assessor.gui.widgets.style
import assessor.gui.widgets.translations
mark("import: gui widgets (fonts, settings, style)")
import assessor.gui.widgets.dialogs
mark("import: dialogs")
import assessor.gui.assessment.shortcuts_help
mark("import: shortcuts (the Qt namespace's enums)")
import assessor.gui.home.home_view
mark("import: home view")
import assessor.gui.main_window, assessor.gui.app as app
mark("import: main window, app")
app.start_logging("bench")
qt = QApplication(["assessor"]); app.set_identity(qt); app.install_translations(qt)
mark("run: log, QApplication, identity, translations")
app.install_font(qt)
mark("run: bundled font")
rubric = app.deferred_default_rubric(); store, first = app.open_store(app.default_root())
mark("run: lock, index")
window = app.MainWindow(store, rubric)
mark("run: main window built")
window.show()
mark("run: show")
def done():
    mark("run: until idle")
    out, previous = [], t0
    for name, at in marks:
        out.append((name, 1000 * (at - previous)))
        previous = at
    print(json.dumps(out), flush=True)
    qt.quit()
QTimer.singleShot(0, done)
qt.exec()
"""

BARE = """
import json, time
t0 = time.perf_counter()
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
qt = QApplication(["bare"]); w = QMainWindow(); w.setCentralWidget(QLabel("托育机构质量评估"))
w.resize(1200, 800); w.show()
QTimer.singleShot(0, lambda: (print(json.dumps(1000 * (time.perf_counter() - t0))), qt.quit()))
qt.exec()
"""


def _run(code: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return done.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-phases-") as folder:
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "ASSESSOR_DATA_DIR": str(Path(folder) / "data"),
            "PYTHONPATH": str(ROOT),
        }
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed copy has its bytecode
        _run(APP, env)  # warm-up: the first start writes the sample and the caches
        _run(BARE, env)
        apps, bares = [], []
        for _ in range(args.runs):
            apps.append(json.loads(_run(APP, env)))
            bares.append(json.loads(_run(BARE, env)))
    names = [name for name, _ in apps[0]]
    medians = [statistics.median(run[n][1] for run in apps) for n in range(len(names))]
    total = sum(medians)
    bare = statistics.median(bares)
    for name, ms in zip(names, medians, strict=True):
        print(f"{name:<50} {ms:7.1f} ms  {100 * ms / total:5.1f} %")
    print(f"{'app, sum of the phase medians':<50} {total:7.1f} ms")
    print(f"{'bare PySide6 window (same runs)':<50} {bare:7.1f} ms  ratio {total / bare:.2f}")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    print(f"runs: {args.runs} each, alternating; CPUs: {os.cpu_count()}, load average: {load}")


if __name__ == "__main__":
    main()
