"""Time from a score change (a level key pressed in the real scoring view) to the summary
updated and repainted, on the full WS/T 821 rubric, with every change saved to a real store.

Run: `python bench/bench_gui_update.py [changes]` (offscreen; no display needed).
Target: median and p95 under 16 ms (one frame at 60 Hz) on a 2-core laptop.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from assessor.core.rubric.registry import default_rubric
from assessor.core.storage.store import Store
from assessor.gui.main_window import MainWindow
from assessor.gui.widgets.fonts import install_font

TARGET_MS = 16.0
SETTLE_MS = 60
DIGIT_KEYS = {1: Qt.Key.Key_1, 2: Qt.Key.Key_2}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main(changes: int) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    install_font(app)
    rubric = default_rubric()
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder))
        window = MainWindow(store, rubric)
        window.resize(1366, 768)
        window.show()
        window.new_assessment()
        workspace = window.workspace
        assert workspace is not None
        workspace.show_scoring()
        scoring, summary = workspace.scoring, workspace.summary
        app.processEvents()

        save_times: list[float] = []
        real_save = store.save

        def timed_save(*args: object) -> None:
            start = time.perf_counter()
            real_save(*args)  # type: ignore[arg-type]
            save_times.append(time.perf_counter() - start)

        store.save = timed_save  # type: ignore[method-assign]

        indicators = rubric.indicators
        totals: list[float] = []
        for n in range(changes):
            ind = indicators[n % len(indicators)]
            # First pass the first level, second pass the second: every press is a change.
            level = 1 + (n // len(indicators)) % 2
            scoring.select(ind.id)
            scoring.focus_tree()
            # Let moving to the indicator finish (layout, deferred deletes, paint), as it has
            # long before a person presses the next key.
            QTest.qWait(SETTLE_MS)
            before = summary.progress.text, summary.total.text()
            start = time.perf_counter()
            QTest.keyClick(scoring.tree, DIGIT_KEYS[level])
            app.processEvents()  # delivers the repaint the summary asked for
            totals.append(time.perf_counter() - start)
            after = summary.progress.text, summary.total.text()
            expected = ind.levels[level - 1].points
            assert window.controller is not None
            assert window.controller.session.entry(ind.id).score == expected
            assert after != before or ind.levels[level - 1].points == 0, "summary not updated"

        window.close()
    report(rubric.rubric.code, rubric.rubric.version, len(rubric.indicators), totals, save_times)
    return 0


def report(
    code: str, version: str, indicators: int, totals: list[float], saves: list[float]
) -> None:
    ms = [t * 1000 for t in totals]
    save_ms = [t * 1000 for t in saves]
    gui_ms = [t - s for t, s in zip(ms, save_ms, strict=True)]
    median, p95 = statistics.median(ms), percentile(ms, 0.95)
    print(f"rubric: {code} {version}, {indicators} indicators")
    print(f"changes: {len(ms)} (level keys through the real scoring view, each saved to disk)")
    print(
        f"score change → summary updated: median {median:.2f} ms, p95 {p95:.2f} ms,"
        f" max {max(ms):.2f} ms"
    )
    print(
        f"  durable save (atomic write + fsync): median {statistics.median(save_ms):.2f} ms,"
        f" p95 {percentile(save_ms, 0.95):.2f} ms"
    )
    print(
        f"  everything else (session, widgets, repaint): median {statistics.median(gui_ms):.2f} ms,"
        f" p95 {percentile(gui_ms, 0.95):.2f} ms"
    )
    verdicts = ", ".join(
        f"{name} {'met' if value < TARGET_MS else 'NOT met'}"
        for name, value in (("median", median), ("p95", p95))
    )
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"target {TARGET_MS:g} ms: {verdicts}  (CPUs: {os.cpu_count()}, load average: {load})")


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 264))
