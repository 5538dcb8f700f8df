"""Time and peak memory of reading hostile workbooks (issues 8 and 19): `assessor rubric check`
on rubric workbooks, `assessor train from-xlsx` on sample workbooks (`--kind sample`).

Run: .venv/bin/python bench/bench_xlsx_bomb.py [--kind rubric|sample] [--rows N] [--repo PATH]

Builds, from a real workbook, one with N rows (default 1,000,000) in its largest sheet and no
declared size, one whose sheet claims a million rows, and one zip bomb (80 MB of XML deflated
to ~80 KB), then reads each in a fresh process. `--repo` runs another checkout's code (e.g.
main, to measure the figures before the limits). Before: rubric 118 s and 4.4 GB for a
million rows; sample 39 s and 2.3 GB, and a zip bomb still running after 300 s.
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
from assessor.core.training.sample import load_sample  # noqa: E402
from assessor.core.training.xlsx import sample_to_xlsx  # noqa: E402
from tests.training_samples import plain_sample_paths  # noqa: E402
from tests.xlsx_bombs import padding, replace_parts, sheet_part, sheet_xml  # noqa: E402

# The largest sheet of each workbook: the rubric's indicators, the sample's dossier.
LARGEST_SHEET = {"rubric": sheet_part(8), "sample": sheet_part(5)}


def command(kind: str, workbook: Path) -> list[str]:
    if kind == "rubric":
        return ["rubric", "check", str(workbook)]
    return ["train", "from-xlsx", str(workbook), "-o", str(workbook.with_suffix(".json"))]


def good_workbook(kind: str, folder: Path) -> Path:
    if kind == "rubric":
        return rubric_to_xlsx(default_rubric(), folder / "good.xlsx")
    sample = load_sample(plain_sample_paths()[0])
    return sample_to_xlsx(sample, folder / "good.xlsx", default_rubric())


def run_check(repo: Path, args: list[str], timeout: float) -> tuple[float, float, str]:
    """Seconds, peak resident MB of the child, and the last line of its answer."""
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as output:
        child = subprocess.Popen(
            [sys.executable, "-m", "assessor", *args],
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
    parser.add_argument("--kind", choices=sorted(LARGEST_SHEET), default="rubric")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repo", type=Path, default=HERE)
    parser.add_argument("--timeout", type=float, default=300)
    options = parser.parse_args()
    sheet = LARGEST_SHEET[options.kind]
    with tempfile.TemporaryDirectory() as folder:
        good = good_workbook(options.kind, Path(folder))
        rows = replace_parts(
            good, Path(folder) / "rows.xlsx", {sheet: sheet_xml(options.rows, dimension=None)}
        )
        liar = replace_parts(
            good, Path(folder) / "liar.xlsx", {sheet: sheet_xml(3, dimension="A1:G1000000")}
        )
        bomb = replace_parts(good, Path(folder) / "bomb.xlsx", {"xl/bomb.xml": padding(80)})
        cases = (
            (f"{options.rows:,} rows", rows),
            ("a sheet claiming 1,000,000 rows", liar),
            ("80 MB zip bomb", bomb),
        )
        for label, workbook in cases:
            size_mb = workbook.stat().st_size / 1024 / 1024
            args = command(options.kind, workbook)
            seconds, peak, answer = run_check(options.repo, args, options.timeout)
            print(
                f"{options.kind}, {label} ({size_mb:.1f} MB file): {seconds:.1f} s, peak {peak:.0f} MB"
            )
            print(f"  {answer}")
        # The floor: the same command on the good workbook, measured in the same run.
        seconds, peak, _ = run_check(options.repo, command(options.kind, good), options.timeout)
        print(f"{options.kind}, the good workbook (floor): {seconds:.1f} s, peak {peak:.0f} MB")


if __name__ == "__main__":
    main()
