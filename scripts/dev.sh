#!/usr/bin/env bash
# Sets up everything assessor needs on a fresh machine, then runs the app or the test suite.
#   bash scripts/dev.sh run    # open the desktop app (sample data on first start)
#   bash scripts/dev.sh test   # lint, architecture contracts and every test
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=.venv

# Debian/Ubuntu packages: poppler-utils (pdftotext, pdffonts, pdftoppm) lets the tests check the
# PDF reports; the xcb libraries let Qt open a window on a Linux desktop (offscreen needs none).
ensure_system_packages() {
    local missing=()
    command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
    if [ "${1:-}" = desktop ] && [ "$(uname -s)" = Linux ] \
        && ! ldconfig -p 2>/dev/null | grep -q libxcb-cursor.so.0; then
        missing+=(libxcb-cursor0 libxkbcommon-x11-0 libegl1)
    fi
    [ ${#missing[@]} -eq 0 ] && return 0
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        echo "Installing system packages: ${missing[*]}"
        apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        echo "Please install: ${missing[*]} (Debian/Ubuntu package names)" >&2
    fi
}

ensure_venv() {
    local stamp="$VENV/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
    if [ ! -x "$VENV/bin/python" ]; then
        "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
            || { echo "Python 3.11 or newer is needed (set PYTHON=...)" >&2; exit 1; }
        "$PYTHON" -m venv "$VENV"
    fi
    if [ ! -e "$stamp" ]; then
        "$VENV/bin/python" -m pip install -q --upgrade pip
        "$VENV/bin/python" -m pip install -q -e ".[dev]"
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
        exec "$VENV/bin/assessor"
    fi
    echo "没有图形显示环境：改为生成一份示例评估（已签名的 PDF 与 JSON），并显示其得分。"
    rm -rf out/demo
    "$VENV/bin/assessor" demo --out out/demo
    exec "$VENV/bin/assessor" score out/demo/*.json
    ;;
test)
    ensure_system_packages
    ensure_venv
    "$VENV/bin/ruff" check assessor tests bench
    "$VENV/bin/lint-imports"
    exec "$VENV/bin/python" -m pytest "${@:2}"
    ;;
*)
    echo "usage: bash scripts/dev.sh run|test" >&2
    exit 2
    ;;
esac
