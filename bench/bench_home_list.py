"""Time opening the home screen over 500 records of 400 audit entries each.

Run: `python bench/bench_home_list.py [--records N] [--entries N] [--dir FOLDER]` (offscreen).
Target: the home screen opens in under 200 ms once the index exists. Printed beside it: the
floor (reading and parsing the index file alone) and the first open without an index (as
after an upgrade or a deleted index): the window shows at once, with progress 「计算中…」,
while every record is read, verified and scored once in the background.

The records are written straight into the store's layout (sealed, chained, with the real
rubric) rather than through 200,000 durable autosaves, which would take an hour.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QApplication
from tinydb import TinyDB

from assessor.core.assessment.model import AssessorRef, Centre, Visit
from assessor.core.audit import AuditEntry, append
from assessor.core.document.new import new_assessment
from assessor.core.rubric.registry import default_rubric
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.storage.atomic import AtomicJSONStorage
from assessor.core.storage.index import INDEX_FILE, read_entries
from assessor.core.storage.store import RECORD_FILE, Store, _new_file, _seal, _Stored
from assessor.gui.main_window import MainWindow
from assessor.gui.widgets.fonts import install_font

TARGET_MS = 200.0
RUNS = 7


def chain_of(length: int, rubric: LoadedRubric) -> list[AuditEntry]:
    chain: list[AuditEntry] = []
    indicators = [ind.id for ind in rubric.indicators]
    for n in range(length):
        chain.append(append(chain, "score", indicators[n % len(indicators)], old=None, new=1.0))
    return chain


def write_records(root: Path, rubric: LoadedRubric, records: int, entries: int) -> None:
    audit = {str(e.seq): e.model_dump(mode="json") for e in chain_of(entries, rubric)}
    for n in range(records):
        assessment = new_assessment(rubric)
        assessment.id = uuid.uuid4().hex
        assessment.centre = Centre(name=f"第 {n} 号托育中心", address=f"幸福路 {n} 号")
        assessment.visit = Visit(assessors=[AssessorRef(name="张评估", assessor_id="A-0001")])
        for score, ind in zip(assessment.scores[: n % 60], rubric.indicators, strict=False):
            score.score = ind.max
        doc = assessment.model_dump(mode="json")
        folder = root / "assessments" / f"{assessment.id}-v1"
        folder.mkdir(parents=True)
        stored = _Stored(assessment=doc, audit=audit, seal=_seal(doc, audit))
        TinyDB(folder / RECORD_FILE, storage=AtomicJSONStorage).storage.write(_new_file(stored))


def open_home(app: QApplication, root: Path, rubric: LoadedRubric) -> tuple[float, int, float]:
    """Milliseconds from a fresh store to the home screen shown, the rows it lists, and the
    milliseconds until background scoring (if any) has finished."""
    started = time.perf_counter()
    window = MainWindow(Store(root), rubric)
    window.show()
    app.processEvents()
    elapsed = (time.perf_counter() - started) * 1000
    rows = window.home.model.rowCount()
    while window.home.scoring:
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 100)
    scored = (time.perf_counter() - started) * 1000
    window.close()
    window.deleteLater()
    app.processEvents()
    return elapsed, rows, scored


def read_index_ms(root: Path) -> float:
    started = time.perf_counter()
    read_entries(root / INDEX_FILE)
    return (time.perf_counter() - started) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=500)
    parser.add_argument("--entries", type=int, default=400, help="audit entries per record")
    parser.add_argument("--dir", type=Path, default=None, help="folder for the temporary store")
    args = parser.parse_args()

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    install_font(app)
    rubric = default_rubric()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        root = Path(tmp) / "data"
        print(f"writing {args.records} records × {args.entries} audit entries …", flush=True)
        write_records(root, rubric, args.records, args.entries)
        size = sum(p.stat().st_size for p in root.rglob(RECORD_FILE)) / 1e6
        print(f"records on disk: {size:.0f} MB")

        first, rows, scored = open_home(app, root, rubric)
        assert rows == args.records, rows
        print(
            f"first open, no index: shown in {first:.0f} ms,"
            f" every record scored in the background in {scored / 1000:.1f} s"
        )
        opens = [open_home(app, root, rubric)[0] for _ in range(RUNS)]
        floors = [read_index_ms(root) for _ in range(RUNS)]
        index_kb = (root / INDEX_FILE).stat().st_size / 1e3
        median = statistics.median(opens)
        print(
            f"home screen open, with index:  median {median:6.1f} ms   max {max(opens):6.1f} ms"
            f"   target < {TARGET_MS:.0f} ms"
        )
        print(
            f"floor, reading the index file ({index_kb:.0f} kB) alone:"
            f" median {statistics.median(floors):6.1f} ms"
        )
    return 0 if median < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
