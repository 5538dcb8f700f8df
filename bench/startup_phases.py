"""Where the milliseconds of a start go: the phases of `run_app` up to the main window shown
and idle, timed inside fresh processes, next to a bare PySide6 window timed the same way; and
what `open_data` then does right after the first paint (lock, store, index, list filled).

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
import assessor.core.paths, assessor.core.problems
mark("import: paths, problems (dataclasses, typing)")
import assessor.core.rubric.deferred
mark("import: deferred rubric")
import assessor.core.storage.errors, assessor.core.storage.root
mark("import: data folder name (platformdirs)")
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
qt = QApplication(["assessor"]); app.set_identity(qt); app.install_translations(qt)
mark("run: QApplication, identity, translations")
app.install_font(qt)
mark("run: bundled font")
rubric = app.deferred_default_rubric()
window = app.MainWindow(app.default_root(), rubric)
mark("run: main window built")
window.show()
mark("run: show")
def durations(marks, since):
    out, previous = [], since
    for name, at in marks:
        out.append((name, 1000 * (at - previous)))
        previous = at
    return out
def shown():
    mark("run: until idle (first paint: the window is shown)")
    painted = time.perf_counter()
    app.open_data(qt, window, rubric, True)
    after = [("after: log, lock, store, index, list filled", time.perf_counter())]
    print(json.dumps([durations(marks, t0), durations(after, painted)]), flush=True)
    qt.quit()
QTimer.singleShot(0, shown)
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
        apps, afters, bares = [], [], []
        for _ in range(args.runs):
            before, after = json.loads(_run(APP, env))
            apps.append(before)
            afters.append(after)
            bares.append(json.loads(_run(BARE, env)))
    names = [name for name, _ in apps[0]]
    medians = [statistics.median(run[n][1] for run in apps) for n in range(len(names))]
    total = sum(medians)
    bare = statistics.median(bares)
    for name, ms in zip(names, medians, strict=True):
        print(f"{name:<55} {ms:7.1f} ms  {100 * ms / total:5.1f} %")
    print(f"{'app, sum of the phase medians':<55} {total:7.1f} ms")
    print(f"{'bare PySide6 window (same runs)':<55} {bare:7.1f} ms  ratio {total / bare:.2f}")
    after = statistics.median(run[0][1] for run in afters)
    print(f"{afters[0][0][0]:<55} {after:7.1f} ms  (not in the ratio: the window is up)")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    print(f"runs: {args.runs} each, alternating; CPUs: {os.cpu_count()}, load average: {load}")


if __name__ == "__main__":
    main()
