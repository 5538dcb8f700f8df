"""A reader for the two-process test: `assessor list` in a loop until STOP_FILE appears.

Usage: folder_lister.py ROOT STOP_FILE. Ends with "lists <runs> failed <runs that did not
exit 0 or listed a broken record>".
"""

from __future__ import annotations

import contextlib
import io
import sys
from pathlib import Path

from assessor.cli.main import run_cli


def main() -> None:
    root, stop = sys.argv[1], Path(sys.argv[2])
    runs = failed = 0
    while not stop.exists():
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = run_cli(["list", "--data-dir", root])
        runs += 1
        if code != 0 or "无法打开" in out.getvalue() or "注意" in out.getvalue():
            failed += 1
            sys.stderr.write(out.getvalue() + err.getvalue())
    print(f"lists {runs} failed {failed}", flush=True)


if __name__ == "__main__":
    main()
