"""Which mounted volumes the sign dialog offers as USB drives."""

from __future__ import annotations

from pathlib import Path

from assessor.gui.signing.drives import removable_roots


def test_only_writable_mounted_media_are_offered() -> None:
    volumes = [
        ("/", True, False),
        ("/home", True, False),
        ("/media/zhang/KINGSTON", True, False),
        ("/run/media/zhang/U盘", True, False),
        ("/media/zhang/CDROM", True, True),  # read-only
        ("/media/zhang/EMPTY", False, False),  # no medium
    ]
    assert removable_roots(volumes) == [
        Path("/media/zhang/KINGSTON"),
        Path("/run/media/zhang/U盘"),
    ]
