"""Render the home, profile, scoring and sign screens offscreen on small laptop screens.

Run: `.venv/bin/python scripts/screenshots.py [OUT_DIR]` (default `docs/screenshots/`).

Each screen is rendered on a simulated 1024×600 screen and on a 1366×768 screen at 150%
scaling (911×512 logical pixels), with the window opened the way the app opens it (at the
available screen size) and the sign dialog as the app shows it. Every configuration runs in a
process of its own, because Qt reads the screen and the scale factor once at start-up. The
script prints each file written and any window or dialog larger than its screen.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = {"1024x600": (1024, 600, 1.0), "1366x768-150": (1366, 768, 1.5)}


def _screen_config(folder: Path, width: int, height: int) -> Path:
    """A screen for Qt's offscreen platform plugin (its `configfile` option)."""
    path = folder / "screen.json"
    screen = {"name": "laptop", "x": 0, "y": 0, "width": width, "height": height}
    path.write_text(json.dumps({"windowFrameMargins": False, "screens": [screen]}))
    return path


def render_all(out_dir: Path) -> int:
    out_dir.mkdir(parents=True, exist_ok=True)
    failures = 0
    for name, (width, height, scale) in CONFIGS.items():
        with tempfile.TemporaryDirectory() as tmp:
            env = {
                **os.environ,
                "QT_QPA_PLATFORM": f"offscreen:configfile={_screen_config(Path(tmp), width, height)}",
                "QT_SCALE_FACTOR": str(scale),
                "ASSESSOR_DATA_DIR": str(Path(tmp) / "data"),
                "PYTHONPATH": str(ROOT),
            }
            done = subprocess.run(
                [sys.executable, __file__, "--one", name, str(out_dir)], env=env, check=False
            )
            failures += done.returncode != 0
    return 1 if failures else 0


def render_one(name: str, out_dir: Path) -> int:
    """In a process whose screen and scale are set: open the app and shoot each screen."""
    from PySide6.QtWidgets import QApplication, QWidget

    from assessor.core.rubric.registry import default_rubric
    from assessor.core.storage.store import Store, default_root
    from assessor.devtools.samples import create_newcomer_sample
    from assessor.gui.main_window import MainWindow
    from assessor.gui.widgets.fonts import install_font
    from assessor.gui.widgets.translations import install_translations

    app = QApplication([sys.argv[0]])
    install_translations(app)
    install_font(app)
    rubric = default_rubric()
    store = Store(default_root())
    sample = create_newcomer_sample(store, rubric)
    for n, ind in enumerate(rubric.indicators[:60]):
        sample.set_score(ind.id, ind.levels[n % len(ind.levels)].points)
    sample.set_note(rubric.indicators[0].id, "营业执照原件已核验，有效期至 2027 年。")
    screen = app.primaryScreen().availableGeometry()
    too_big: list[str] = []

    def shoot(widget: QWidget, screen_name: str) -> None:
        for _ in range(5):  # word-wrapped labels settle over a few layout passes
            app.processEvents()
        path = out_dir / f"{name}-{screen_name}.png"
        widget.grab().save(str(path))
        size = widget.frameGeometry()
        if size.width() > screen.width() or size.height() > screen.height():
            too_big.append(f"{screen_name} {size.width()}×{size.height()}")
        print(path)

    window = MainWindow(store, rubric)
    window.show()
    shoot(window, "home")
    window.open_assessment(sample.key)
    workspace = window.workspace
    assert workspace is not None
    workspace.tabs.setCurrentWidget(workspace.profile)
    shoot(window, "profile")
    workspace.show_indicator(rubric.basic_indicators[0].id)
    shoot(window, "scoring")
    window.toggle_help()
    shoot(window, "scoring-help")
    window.toggle_help()

    session = window.controller.session
    for ind in rubric.indicators[60:]:
        session.set_score(ind.id, ind.levels[0].points)
    session.update_visit(date="2024-05-06")
    session.finalise()
    dialog = window.sign_dialog
    assert dialog is not None
    shoot(dialog, "sign")
    dialog.reject()
    window.close()
    if too_big:
        print(f"{name}: larger than the {screen.width()}×{screen.height()} screen: {too_big}")
        return 1
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        sys.exit(render_one(sys.argv[2], Path(sys.argv[3])))
    sys.exit(render_all(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs/screenshots"))
