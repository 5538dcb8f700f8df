"""The window shows before the data folder is locked and read (issue 23: start within 1.5x of
a bare window): its list says 「正在读取…」 until `open_data`, right after the first paint,
has taken the lock and read the index, and shows the records after. The app runs in a fresh
process, as `assessor` does: `run_app` leaves its QApplication's state behind."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

from assessor.core.assessment.model import Centre
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.session import EditingSession
from assessor.core.storage.store import Store
from assessor.gui.home.home_view import READING

ROOT = Path(__file__).resolve().parents[2]

# `run_app` as `assessor` runs it, with `open_data` observed: what the window shows when it
# starts (the first paint is done) and once it has returned.
RUN = """
import json, sys
from assessor.gui import app
from assessor.gui.home.record_list import name_of
seen = {}
real_open_data = app.open_data

def observed(qt, window, *rest):
    seen["before"] = {
        "shown": window.isVisible(),
        "text": window.home.empty.text(),
        "says_reading": window.home.empty.isVisibleTo(window),
        "rows": window.home.model.rowCount(),
        "has_store": window.home.has_store,
    }
    window.grab().save(sys.argv[1] + "/first-paint.png")
    real_open_data(qt, window, *rest)
    seen["after"] = {
        "names": [name_of(r.summary) for r in window.home.model.all],
        "says_reading": window.home.empty.isVisibleTo(window),
        "open_enabled": window.home.open_button.isEnabled(),
    }
    window.grab().save(sys.argv[1] + "/after-read.png")
    window.close()
    qt.exit(0)

app.open_data = observed
code = app.run_app(["assessor"])
print(json.dumps({"code": code, **seen}))
"""


def _one_record(data: Path, rubric: LoadedRubric) -> None:
    EditingSession.create(Store(data), rubric, centre=Centre(name="甲托育中心"))


def test_the_list_says_reading_until_the_index_is_read_then_shows_the_records(
    tmp_path: Path, full_rubric: LoadedRubric
) -> None:
    data = tmp_path / "data"
    _one_record(data, full_rubric)
    gc.collect()  # lets go of the data folder, which the app must have to itself
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ASSESSOR_DATA_DIR": str(data)}
    env.pop("ASSESSOR_SMOKE_TEST", None)
    done = subprocess.run(
        [sys.executable, "-c", RUN, str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=True,
    )
    seen = json.loads(done.stdout.strip().splitlines()[-1])

    assert seen["code"] == 0
    assert seen["before"] == {
        "shown": True,
        "text": READING,
        "says_reading": True,
        "rows": 0,
        "has_store": False,
    }
    assert seen["after"] == {"names": ["甲托育中心"], "says_reading": False, "open_enabled": True}
    assert (tmp_path / "first-paint.png").stat().st_size > 0
