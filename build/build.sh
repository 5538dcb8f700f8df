#!/usr/bin/env bash
# Builds the one-folder app into dist/assessor and smoke-tests it offscreen.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python -m pip install -q -e ".[dev,build]"
.venv/bin/pyinstaller --noconfirm --clean \
    --workpath "${TMPDIR:-/tmp}/assessor-pyinstaller" --distpath dist build/assessor.spec
dist/assessor/assessor selftest
QT_QPA_PLATFORM=offscreen ASSESSOR_DATA_DIR="$(mktemp -d)" dist/assessor/assessor --smoke-test
du -sh dist/assessor
