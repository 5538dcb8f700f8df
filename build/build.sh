#!/usr/bin/env bash
# Builds the one-folder app into dist/assessor and the archive dist/assessor-<version>-<platform>
# (.tar.gz, .zip on Windows), then proves it: the packaged selftest and smoke test run offscreen
# on throwaway data, and the folder and archive must stay within their size budgets.
#   bash build/build.sh              # build, check, archive
#   SKIP_INSTALL=1 bash build/build.sh   # reuse the venv as it is (CI installs first)
set -euo pipefail
cd "$(dirname "$0")/.."

FOLDER_BUDGET_MB=${FOLDER_BUDGET_MB:-150}
ARCHIVE_BUDGET_MB=${ARCHIVE_BUDGET_MB:-70}
PY=.venv/bin/python
[ -x "$PY" ] || PY=.venv/Scripts/python.exe  # Windows (Git Bash)

# Linux: Qt's ICU data is rebuilt smaller (build/trim_icu.py) with icupkg and genccode, and the
# xcb libraries Qt's window plugin needs are bundled only if the build machine has them (a
# fresh Ubuntu desktop lacks libxcb-cursor0, for one).
linux_build_packages() {
    local missing=()
    command -v icupkg >/dev/null 2>&1 || missing+=(icu-devtools)
    for lib in libxcb-cursor.so.0:libxcb-cursor0 libxcb-icccm.so.4:libxcb-icccm4 \
        libxcb-keysyms.so.1:libxcb-keysyms1 libxkbcommon-x11.so.0:libxkbcommon-x11-0; do
        ldconfig -p 2>/dev/null | grep -q "${lib%%:*}" || missing+=("${lib##*:}")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        echo "Installing system packages: ${missing[*]}"
        apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        echo "Please install: ${missing[*]} (Debian/Ubuntu package names)" >&2
    fi
}
[ "$(uname -s)" = Linux ] && linux_build_packages
if [ -z "${SKIP_INSTALL:-}" ]; then
    "$PY" -m pip install -q -e ".[build]"
fi
WORK="${TMPDIR:-/tmp}/assessor-pyinstaller"
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
    --workpath "$WORK" --distpath dist build/assessor.spec

APP=dist/assessor/assessor
[ -x "$APP" ] || APP=dist/assessor/assessor.exe
DATA="$(mktemp -d)"
trap 'rm -rf "$DATA"' EXIT
export QT_QPA_PLATFORM=offscreen
export ASSESSOR_LOG_DIR="$DATA/log"  # the checks leave no log behind
echo "== packaged selftest"
ASSESSOR_DATA_DIR="$DATA/selftest" "$APP" selftest
echo "== packaged smoke test"
ASSESSOR_DATA_DIR="$DATA/smoke" "$APP" --smoke-test

"$PY" build/package.py --folder dist/assessor --out dist \
    --folder-budget-mb "$FOLDER_BUDGET_MB" --archive-budget-mb "$ARCHIVE_BUDGET_MB"
