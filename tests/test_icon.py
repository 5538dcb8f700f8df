"""The application icon: drawn by the devtools script, shipped in every form a platform needs."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from assessor.core.paths import icon_path
from assessor.devtools.icon import PNG_SIZES, write_all

ICONS = Path(__file__).resolve().parents[1] / "assets" / "icons"


def test_committed_icons_have_every_size() -> None:
    assert icon_path().is_file()
    for size in PNG_SIZES:
        with Image.open(ICONS / f"assessor-{size}.png") as image:
            assert image.size == (size, size)
            assert image.mode == "RGBA"
            corner, centre = image.getpixel((0, 0)), image.getpixel((size // 2, size // 2))
            assert corner[3] == 0  # rounded tile: the corner is transparent
            assert centre[3] == 255
    with Image.open(ICONS / "assessor.ico") as ico:
        assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= set(ico.info["sizes"])
    with Image.open(ICONS / "assessor.icns") as icns:
        assert icns.size[0] >= 256


def test_the_script_redraws_them(tmp_path: Path, qapp: object) -> None:
    written = write_all(tmp_path)
    assert {p.name for p in written} == {p.name for p in ICONS.iterdir()}
    for size in PNG_SIZES:
        with (
            Image.open(tmp_path / f"assessor-{size}.png") as fresh,
            Image.open(ICONS / f"assessor-{size}.png") as kept,
        ):
            assert fresh.size == kept.size


def test_every_window_of_the_app_shows_it(qapp: object) -> None:
    from PySide6.QtWidgets import QApplication

    from assessor.gui.app import set_identity

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    set_identity(app)
    icon = app.windowIcon()
    assert not icon.isNull()
    assert icon.pixmap(256, 256).width() == 256
    assert app.applicationDisplayName() == "托育机构质量评估"
