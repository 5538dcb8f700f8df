"""Start-up imports only what the home screen needs (issues 12 and 23: start within 1.5x of a
bare PySide6 window). The window is painted before the data folder is locked and read, so the
store, its lock and the log are imported only after the first paint; everything else is
imported when first used. A module-level import added back to either path fails here."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

from assessor.core.overviews import record_overviews
from assessor.core.rubric.registry import default_rubric
from assessor.core.session import EditingSession
from assessor.core.storage.store import Store

ROOT = Path(__file__).resolve().parents[2]

# What a start must not import: the libraries behind signing, reports and the register;
# pydantic and the models (the home list is read from the index, the rubric only named); the
# screens and domain code behind the other buttons; and the tools a start never runs.
NOT_AT_START = (
    "cryptography",
    "pyhanko",
    "reportlab",
    "openpyxl",
    "multiprocessing",
    "pydantic",
    "pydantic_core",
    "assessor.cli",
    "assessor.devtools",
    "assessor.core.amendment",
    "assessor.core.assessment.model",
    "assessor.core.audit",
    "assessor.core.rubric.model",
    "assessor.core.rubric.registry",
    "assessor.core.rubric.validate",
    "assessor.core.backup",
    "assessor.core.document.new",
    "assessor.core.document.signed",
    "assessor.core.export",
    "assessor.core.register",
    "assessor.core.report",
    "assessor.core.scoring",
    "assessor.core.session",
    "assessor.core.signing",
    "assessor.core.training",
    "assessor.gui.assessment.controller",
    "assessor.gui.assessment.workspace",
    "assessor.gui.register",
    "assessor.gui.signing",
    "assessor.gui.training",
)

# What the first paint must not import either: the store with its index, journal and lock
# (filelock), the rotating log (logging.handlers) and the record overviews, which `open_data`
# takes right after; the time zones (zoneinfo) the first row's dates need; html, which only
# the help panel does.
NOT_BEFORE_FIRST_PAINT = (
    "filelock",
    "html",
    "zoneinfo",
    "logging.handlers",
    "tinydb",
    "assessor.core.logs",
    "assessor.core.overviews",
    "assessor.core.storage.atomic",
    "assessor.core.storage.folder_lock",
    "assessor.core.storage.index",
    "assessor.core.storage.journal",
    "assessor.core.storage.store",
)

# PySide6 builds a class's enum types when the class is first looked up on its module (QStyle's
# ~20, ~5 ms): the dialogs' classes are looked up when one is shown, not at start.
QT_CLASSES_NOT_BEFORE_FIRST_PAINT = ("QMessageBox", "QFileDialog", "QInputDialog")

# Builds and paints the main window the way `run_app` does, reports what was imported by
# then, opens the data as `run_app` does right after, reports what was imported and whether
# the rubric's content hash was taken, then runs the warm-up `open_data` schedules once idle.
START = (
    f"QT_CLASSES_NOT_BEFORE_FIRST_PAINT = {QT_CLASSES_NOT_BEFORE_FIRST_PAINT!r}\n"
    + """
import json, sys
from PySide6.QtWidgets import QApplication
from assessor.gui import app
qt = QApplication(["assessor"])
rubric = app.deferred_default_rubric()
window = app.MainWindow(app.default_root(), rubric)
window.show()
qt.processEvents()
painted = sorted(sys.modules)
from PySide6 import QtWidgets
built = [name for name in QT_CLASSES_NOT_BEFORE_FIRST_PAINT if name in vars(QtWidgets)]
first_run = not window.root.exists()
app.open_data(qt, window, rubric, False)
started = {
    "painted": painted,
    "qt_classes_built": built,
    "modules": sorted(sys.modules),
    "first_run": first_run,
    "rows": len(window.home.model.all),
    "pending": sum(r.pending for r in window.home.model.all),
    "rubric_loaded": rubric.loaded,
}
failures = []
steps = app.warm_up_steps(window, failures.append)
app.warm_up(steps)
while steps:
    qt.processEvents()
started["not_warmed"] = [
    m for m in (*app.RUBRIC_MODULES, *app.WARM_UP_MODULES) if m not in sys.modules
]
started["hashed_after_warm_up"] = "sha256" in vars(rubric.load())
started["warm_up_failures"] = [str(f) for f in failures]
print(json.dumps(started))
window.close()
"""
)


def _started(data: Path) -> dict[str, object]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ASSESSOR_DATA_DIR": str(data)}
    done = subprocess.run(
        [sys.executable, "-c", START],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _loaded(modules: list[str], name: str) -> list[str]:
    return [m for m in modules if m == name or m.startswith(name + ".")]


def _one_record(data: Path) -> None:
    store = Store(data)
    rubric = default_rubric()
    EditingSession.create(store, rubric)
    record_overviews(store, [rubric])  # as a previous start leaves the index: progress known


def test_the_home_screen_starts_without_the_modules_behind_other_buttons(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _one_record(data)
    gc.collect()  # lets go of the data folder, which the app must have to itself

    started = _started(data)

    assert started["first_run"] is False
    assert started["rows"] == 1 and started["pending"] == 0
    modules = started["modules"]
    assert isinstance(modules, list)
    assert "assessor.gui.main_window" in modules  # the check ran on a real start
    loaded = {name: found for name in NOT_AT_START if (found := _loaded(modules, name))}
    assert loaded == {}
    painted = started["painted"]
    assert isinstance(painted, list)
    assert "assessor.gui.home.home_view" in painted  # the window was built before the paint
    before_paint = {
        name: found for name in NOT_BEFORE_FIRST_PAINT if (found := _loaded(painted, name))
    }
    assert before_paint == {}
    assert started["qt_classes_built"] == []
    # ... and the data was read right after it: the store and its lock are imported by then.
    assert "assessor.core.storage.folder_lock" in modules
    # The rubric is named, not loaded: no pydantic, no models, no RFC 8785 hash.
    assert started["rubric_loaded"] is False
    # Once the window is idle, the rubric is loaded and checked, and the first open's imports
    # and the hash are done ahead of it.
    assert started["warm_up_failures"] == []
    assert started["not_warmed"] == []  # every module of the warm-up imported
    assert started["hashed_after_warm_up"] is True
