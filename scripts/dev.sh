#!/usr/bin/env bash
# Sets up everything assessor needs on a fresh machine, then runs the app or the test suite.
#   bash scripts/dev.sh run    # open the desktop app (sample data on first start)
#   bash scripts/dev.sh test   # lint, architecture contracts and every test
#   bash scripts/dev.sh packages  # the system packages `run` would install (none once set up)
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=.venv
# Where a venv keeps its programs: Scripts on Windows (Git Bash runs this script there).
BIN=$VENV/bin
[ "$(uname -s)" = Linux ] || [ "$(uname -s)" = Darwin ] || BIN=$VENV/Scripts

# Every Debian package the Qt xcb platform plugin needs to open a window, derived from the
# plugin itself: `ldd` on PySide6/Qt/plugins/platforms/libqxcb.so and on the xcb GL
# integration plugins it loads, each library outside the PySide6 folder mapped to its package
# with `dpkg -S` (a library ldd reports "not found" by Debian's naming rule, e.g.
# libxcb-icccm.so.4 -> libxcb-icccm4). Libraries of packages every Debian has (libc6,
# zlib1g, ...) are left out. tests/test_system_packages.py checks the list against ldd.
QT_XCB_PACKAGES=(
    libbrotli1 libbsd0 libdbus-1-3 libegl1 libexpat1 libfontconfig1 libfreetype6 libgl1
    libglib2.0-0 libglvnd0 libglx0 libpng16-16 libx11-6 libx11-xcb1 libxau6 libxcb-cursor0
    libxcb-glx0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0
    libxcb-render0 libxcb-shape0 libxcb-shm0 libxcb-sync1 libxcb-util1 libxcb-xfixes0
    libxcb-xkb1 libxcb1 libxdmcp6 libxkbcommon-x11-0 libxkbcommon0
)

# Debian/Ubuntu packages: poppler-utils (pdftotext, pdffonts, pdftoppm) lets the tests check the
# PDF reports; the xcb libraries above let Qt open a window on a Linux desktop (offscreen needs
# none of them). Prints the missing ones, one per line.
missing_system_packages() {
    command -v pdftotext >/dev/null 2>&1 || echo poppler-utils
    if [ "${1:-}" = desktop ] && [ "$(uname -s)" = Linux ] && command -v dpkg-query >/dev/null 2>&1
    then
        local package status
        for package in "${QT_XCB_PACKAGES[@]}"; do
            # A t64-renamed package (Debian 13, Ubuntu 24.04) provides the old name. dpkg-query
            # exits 1 when either name is unknown although the other is installed: only its
            # output counts (in a pipe under pipefail its status made every package "missing").
            status=$(dpkg-query -W -f='${Status}\n' "$package" "${package}t64" 2>/dev/null || true)
            case "$status" in
            *"install ok installed"*) ;;
            *) echo "$package" ;;
            esac
        done
    fi
}

ensure_system_packages() {
    local missing=() package
    # A read loop rather than mapfile: macOS ships bash 3.2.
    while IFS= read -r package; do
        missing+=("$package")
    done < <(missing_system_packages "${1:-}")
    [ ${#missing[@]} -eq 0 ] && return 0
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        echo "Installing system packages: ${missing[*]}"
        apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        echo "Please install: ${missing[*]} (Debian/Ubuntu package names)" >&2
    fi
}

# macOS has shasum, not sha256sum.
sha256_of() {
    if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1"; else shasum -a 256 "$1"; fi
}

ensure_venv() {
    local stamp
    stamp="$VENV/.installed-$(sha256_of pyproject.toml | cut -c1-16)"
    if [ ! -x "$BIN/python" ] && [ ! -x "$BIN/python.exe" ]; then
        "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
            || { echo "Python 3.11 or newer is needed (set PYTHON=...)" >&2; exit 1; }
        "$PYTHON" -m venv "$VENV"
    fi
    if [ ! -e "$stamp" ]; then
        "$BIN/python" -m pip install -q --upgrade pip
        "$BIN/python" -m pip install -q -e ".[dev]"
        rm -f "$VENV"/.installed-*
        touch "$stamp"
    fi
}

has_display() {
    [ "$(uname -s)" != Linux ] || [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]
}

case "${1:-}" in
run)
    ensure_system_packages desktop
    ensure_venv
    if has_display; then
        exec "$BIN/assessor"
    fi
    echo "没有图形显示环境：改为生成一份示例评估（已签名的 PDF 与 JSON），并显示其得分。"
    rm -rf out/demo
    "$BIN/assessor" demo --out out/demo
    exec "$BIN/assessor" score out/demo/*.json
    ;;
test)
    ensure_system_packages
    ensure_venv
    "$BIN/ruff" check assessor tests bench
    "$BIN/lint-imports"
    # The CI workflow: a broken one fails here, before it fails on three systems at once.
    "$BIN/actionlint" .github/workflows/*.yml
    exec "$BIN/python" -m pytest "${@:2}"
    ;;
packages)
    # What `run` would install (nothing once it has run): the system packages still missing.
    missing_system_packages desktop
    ;;
*)
    echo "usage: bash scripts/dev.sh run|test|packages" >&2
    exit 2
    ;;
esac
