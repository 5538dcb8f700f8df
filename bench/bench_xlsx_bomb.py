"""Time and peak memory of `assessor rubric check` on hostile workbooks (issue 8).

Run: .venv/bin/python bench/bench_xlsx_bomb.py [--rows N] [--repo PATH]

Builds, from the real rubric's workbook, one with N rows (default 1,000,000) in the indicator
sheet and no declared size, and one zip bomb (80 MB of XML deflated to ~80 KB), then runs
`rubric check` on each in a fresh process. `--repo` runs another checkout's code (e.g. main,
to measure the figures before the limits). Before: 118 s and 4.4 GB for a million rows.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(HERE))

from assessor.core.rubric.registry import default_rubric  # noqa: E402
from assessor.core.rubric.xlsx import rubric_to_xlsx  # noqa: E402
from tests.xlsx_bombs import padding, replace_parts, sheet_part, sheet_xml  # noqa: E402

INDICATOR_SHEET = sheet_part(8)


def run_check(repo: Path, workbook: Path, timeout: float) -> tuple[float, float, str]:
    """Seconds, peak resident MB of the child, and the last line of its answer."""
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as output:
        child = subprocess.Popen(
            [sys.executable, "-m", "assessor", "rubric", "check", str(workbook)],
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=repo,
            env={**os.environ, "PYTHONPATH": str(repo)},
        )
        # wait4 gives this child's own peak (RUSAGE_CHILDREN would mix earlier children in).
        answer = ""
        while not (reaped := os.wait4(child.pid, os.WNOHANG))[0]:
            if time.perf_counter() - started > timeout:
                child.kill()
                answer = f"killed after {timeout:.0f} s"
                reaped = os.wait4(child.pid, 0)
                break
            time.sleep(0.05)
        _, status, usage = reaped
        child.returncode = os.waitstatus_to_exitcode(status)
        output.seek(0)
        answer = answer or output.read().strip().splitlines()[-1][:120]
    return time.perf_counter() - started, usage.ru_maxrss / 1024, answer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repo", type=Path, default=HERE)
    parser.add_argument("--timeout", type=float, default=300)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        good = rubric_to_xlsx(default_rubric(), Path(folder) / "good.xlsx")
        rows = replace_parts(
            good,
            Path(folder) / "rows.xlsx",
            {INDICATOR_SHEET: sheet_xml(options.rows, dimension=None)},
        )
        bomb = replace_parts(good, Path(folder) / "bomb.xlsx", {"xl/bomb.xml": padding(80)})
        for label, workbook in ((f"{options.rows:,} rows", rows), ("80 MB zip bomb", bomb)):
            size_mb = workbook.stat().st_size / 1024 / 1024
            seconds, peak, answer = run_check(options.repo, workbook, options.timeout)
            print(f"{label} ({size_mb:.1f} MB file): {seconds:.1f} s, peak {peak:.0f} MB")
            print(f"  {answer}")


if __name__ == "__main__":
    main()
