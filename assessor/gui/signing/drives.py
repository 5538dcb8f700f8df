"""USB sticks and other removable drives the signed files can be exported to."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QStorageInfo

# Where desktops mount removable media (udisks on Linux, Finder on macOS).
_MOUNT_PARENTS = ("/media/", "/run/media/", "/mnt/", "/Volumes/")


def removable_roots(volumes: Iterable[tuple[str, bool, bool]] | None = None) -> list[Path]:
    """Writable mounted drives that are not the system's own, from (root, ready, read-only)
    triples; by default the volumes mounted now."""
    if volumes is None:
        volumes = [
            (v.rootPath(), v.isReady(), v.isReadOnly()) for v in QStorageInfo.mountedVolumes()
        ]
    system = os.path.splitdrive(QStorageInfo.root().rootPath())[0].upper()
    found = []
    for root, ready, read_only in volumes:
        if not ready or read_only:
            continue
        drive = os.path.splitdrive(root)[0].upper()
        on_windows_drive = bool(drive) and drive != system
        if on_windows_drive or root.startswith(_MOUNT_PARENTS):
            found.append(Path(root))
    return sorted(found)
