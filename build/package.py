"""Check the built folder against its size budget and pack it into the versioned archive.

Run by build/build.sh after the packaged selftest passed:
    python build/package.py --folder dist/assessor --out dist
Exit code 1 (with the sizes printed) when the folder or the archive is over budget.
Sizes are in MB of 1,000,000 bytes, counted from the files' own sizes (not disk blocks).
"""

from __future__ import annotations

import argparse
import platform
import sys
import tarfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# The source tree, which need not be installed.
from assessor import __version__

MB = 1_000_000
_SYSTEMS = {"linux": "linux", "win32": "windows", "darwin": "macos"}


def platform_tag() -> str:
    system = _SYSTEMS.get(sys.platform, sys.platform)
    machine = platform.machine().lower().replace("amd64", "x86_64")
    return f"{system}-{machine}"


def folder_bytes(folder: Path) -> int:
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() or p.is_symlink())


def pack(folder: Path, out: Path) -> Path:
    stem = f"assessor-{__version__}-{platform_tag()}"
    if sys.platform == "win32":
        archive = out / f"{stem}.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
            for path in sorted(folder.rglob("*")):
                zf.write(path, Path(folder.name) / path.relative_to(folder))
    else:
        archive = out / f"{stem}.tar.gz"
        with tarfile.open(archive, "w:gz", compresslevel=9) as tf:
            tf.add(folder, arcname=folder.name)
    return archive


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--folder-budget-mb", type=float, default=150)
    parser.add_argument("--archive-budget-mb", type=float, default=70)
    args = parser.parse_args()

    for old in args.out.glob("assessor-*-*.*"):
        old.unlink()
    folder_mb = folder_bytes(args.folder) / MB
    archive = pack(args.folder, args.out)
    archive_mb = archive.stat().st_size / MB
    over = []
    for label, size, budget in (
        (f"folder  {args.folder}", folder_mb, args.folder_budget_mb),
        (f"archive {archive}", archive_mb, args.archive_budget_mb),
    ):
        verdict = "ok" if size < budget else "OVER BUDGET"
        print(f"{label}: {size:.1f} MB (budget < {budget:g} MB) {verdict}")
        if size >= budget:
            over.append(label)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
