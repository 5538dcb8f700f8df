"""build/package.py: the size budget fails the build, and the archive unpacks to a runnable
folder."""

from __future__ import annotations

import re
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "build" / "package.py"


def built_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "dist" / "assessor"
    (folder / "_internal").mkdir(parents=True)
    exe = folder / "assessor"
    exe.write_bytes(b"#!/bin/sh\necho ok\n")
    exe.chmod(0o755)
    (folder / "_internal" / "data.bin").write_bytes(bytes(range(256)) * 4000)  # 1.024 MB
    return folder


def package(folder: Path, folder_mb: float, archive_mb: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--folder",
            str(folder),
            "--out",
            str(folder.parent),
            "--folder-budget-mb",
            str(folder_mb),
            "--archive-budget-mb",
            str(archive_mb),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_within_budget_the_archive_holds_the_folder_with_its_executable(tmp_path: Path) -> None:
    folder = built_folder(tmp_path)
    done = package(folder, 2, 1)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1.0 MB (budget < 2 MB) ok" in done.stdout
    (archive,) = folder.parent.glob("assessor-*.tar.gz")
    assert re.fullmatch(r"assessor-\d+\.\d+\.\d+-(linux|macos|windows)-\w+\.tar\.gz", archive.name)
    with tarfile.open(archive) as tf:
        exe = tf.getmember("assessor/assessor")
        assert exe.mode & 0o111 and tf.getmember("assessor/_internal/data.bin").size == 1_024_000


def test_over_budget_fails_and_says_which(tmp_path: Path) -> None:
    done = package(built_folder(tmp_path), 1, 1)
    assert done.returncode == 1
    assert "folder" in done.stdout and "OVER BUDGET" in done.stdout
