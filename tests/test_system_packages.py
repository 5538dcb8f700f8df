"""`scripts/dev.sh` installs every library the Qt xcb platform plugin needs (issue 9, item 10).

The list is checked against the plugin itself: every library `ldd` reports for libqxcb.so and
the xcb GL integration plugins, outside the PySide6 folder, found or not, must belong to a
listed package or to a package every Debian system has.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# On every Debian: dpkg, apt and systemd depend on them, so no install can lack them.
BASE_PACKAGES = {
    "libc6",
    "libgcc-s1",
    "libstdc++6",
    "zlib1g",
    "libzstd1",
    "liblzma5",
    "liblz4-1",
    "libsystemd0",
    "libcap2",
    "libgcrypt20",
    "libgpg-error0",
    "libmd0",
    "libpcre2-8-0",
    "libselinux1",
    "libbz2-1.0",
}
_LDD_LINE = re.compile(r"^\s*(\S+) => (not found|(/\S+))")

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or not shutil.which("ldd") or not shutil.which("dpkg"),
    reason="the xcb plugin and its packages exist on Debian-like Linux only",
)


def listed_packages() -> set[str]:
    script = (ROOT / "scripts" / "dev.sh").read_text(encoding="utf-8")
    block = re.search(r"QT_XCB_PACKAGES=\(([^)]*)\)", script)
    assert block, "scripts/dev.sh defines QT_XCB_PACKAGES"
    return set(block.group(1).split())


def plugin_files() -> list[Path]:
    import PySide6

    plugins = Path(PySide6.__file__).parent / "Qt" / "plugins"
    return [plugins / "platforms" / "libqxcb.so", *sorted(plugins.glob("xcbglintegrations/*.so"))]


def package_by_name(soname: str) -> str:
    """Debian policy 8.1: library name plus SONAME version, with a hyphen after a digit."""
    name, _, version = soname.partition(".so.")
    name = name.removeprefix("lib").lower()
    joiner = "-" if name[-1].isdigit() else ""
    return f"lib{name}{joiner}{version.split('.')[0]}"


@cache
def package_owning(path: str) -> str:
    for candidate in (path, str(Path(path).resolve())):
        done = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
        if done.returncode == 0:
            return done.stdout.split(":")[0].split(",")[0].strip()
    raise AssertionError(f"no Debian package owns {path}")


def needed_libraries() -> dict[str, str | None]:
    """soname → resolved path (None when ldd says not found), outside the PySide6 folder."""
    found: dict[str, str | None] = {}
    for plugin in plugin_files():
        out = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, check=True)
        for line in out.stdout.splitlines():
            match = _LDD_LINE.match(line)
            if match and "PySide6" not in (match.group(3) or ""):
                found[match.group(1)] = match.group(3)
    return found


def test_the_soname_rule_matches_debian_names() -> None:
    assert package_by_name("libxcb-icccm.so.4") == "libxcb-icccm4"
    assert package_by_name("libxkbcommon-x11.so.0") == "libxkbcommon-x11-0"
    assert package_by_name("libX11-xcb.so.1") == "libx11-xcb1"


def test_the_install_list_covers_every_library_the_xcb_plugin_loads() -> None:
    listed = listed_packages()
    libraries = needed_libraries()
    assert "libxcb.so.1" in libraries and "libxcb-icccm.so.4" in libraries
    uncovered = {}
    for soname, path in libraries.items():
        package = package_owning(path) if path else package_by_name(soname)
        package = package.removesuffix("t64")  # Debian 13's renamed libraries
        if package not in listed and package not in BASE_PACKAGES:
            uncovered[soname] = package
    assert uncovered == {}, "add these packages to QT_XCB_PACKAGES in scripts/dev.sh"


def test_the_list_holds_no_package_the_plugin_does_not_need() -> None:
    libraries = needed_libraries()
    needed = {
        (package_owning(path) if path else package_by_name(soname)).removesuffix("t64")
        for soname, path in libraries.items()
    }
    assert listed_packages() - needed == set()
