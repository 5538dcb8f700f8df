"""`bash scripts/dev.sh run` installs only what is missing, so a second run installs nothing.

The package check runs against a fake `dpkg-query` on PATH that answers as the real one does:
a line of status per installed name, "no packages found" on stderr and exit status 1 when any
name is unknown (as the old name of a t64-renamed package is, or the new name on an older
system)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "dev.sh"

pytestmark = pytest.mark.skipif(not shutil.which("bash"), reason="needs bash")

FAKE_DPKG_QUERY = """#!/bin/sh
# Usage as dev.sh calls it: dpkg-query -W -f=FORMAT NAME...
status=0
shift 2
for name in "$@"; do
    if grep -qx "$name" "$INSTALLED"; then
        echo "install ok installed"
    else
        echo "dpkg-query: no packages found matching $name" >&2
        status=1
    fi
done
exit $status
"""


def listed_packages() -> list[str]:
    block = re.search(r"QT_XCB_PACKAGES=\(([^)]*)\)", SCRIPT.read_text(encoding="utf-8"))
    assert block
    return block.group(1).split()


def _missing(tmp_path: Path, installed: list[str]) -> list[str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    fake = bin_dir / "dpkg-query"
    fake.write_text(FAKE_DPKG_QUERY)
    fake.chmod(0o755)
    (bin_dir / "pdftotext").write_text("#!/bin/sh\n")
    (bin_dir / "pdftotext").chmod(0o755)
    (tmp_path / "installed").write_text("\n".join(installed) + "\n")
    env = {
        **os.environ,
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "INSTALLED": str(tmp_path / "installed"),
    }
    done = subprocess.run(
        ["bash", str(SCRIPT), "packages"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_nothing_is_missing_when_each_package_is_installed_under_one_of_its_names(
    tmp_path: Path,
) -> None:
    packages = listed_packages()
    # Half under the t64 name (Debian 13, Ubuntu 24.04), half under the old one.
    installed = [p + "t64" if n % 2 else p for n, p in enumerate(packages)]
    assert _missing(tmp_path, installed) == []


def test_only_the_packages_not_installed_are_missing(tmp_path: Path) -> None:
    packages = listed_packages()
    absent = {packages[0], packages[-1]}
    installed = [p for p in packages if p not in absent]
    assert sorted(_missing(tmp_path, installed)) == sorted(absent)
