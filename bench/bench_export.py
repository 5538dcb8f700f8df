"""Time the signed export of a completely scored assessment on the real WS/T 821 rubric.

Run: .venv/bin/python bench/bench_export.py [--runs N]

Measures what the assessor waits for after finalising: the signed JSON alone (document,
RFC 8785 bytes, detached CMS) and the full pair (JSON, then PDF render and PAdES signature).
Targets from the issue: signed JSON under 100 ms, full export under 2 s median, PDF under 1.5 MB.
"""

from __future__ import annotations

import argparse
import statistics
import time

from assessor.core.export.signed_export import sign_files, sign_json
from assessor.core.rubric.registry import default_rubric
from assessor.core.signing.keys import training_signer
from assessor.devtools.demo import simulated_visit
from assessor.devtools.samples import sample_assessment

JSON_TARGET_MS = 100.0
EXPORT_TARGET_S = 2.0
PDF_LIMIT_MB = 1.5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
    rubric = default_rubric()
    signer = training_signer()
    draft = sample_assessment(rubric, 1, training=True)
    final, chain = simulated_visit(draft, draft.created_at)
    sign_files(rubric, final, chain, signer)  # warm-up: font loading, imports

    json_ms = []
    for _ in range(runs * 5):
        start = time.perf_counter()
        sign_json(rubric, final, chain, signer)
        json_ms.append((time.perf_counter() - start) * 1000)

    full_s, sizes = [], []
    for _ in range(runs):
        start = time.perf_counter()
        files = sign_files(rubric, final, chain, signer)
        full_s.append(time.perf_counter() - start)
        sizes.append(len(files.pdf_bytes) / 1024 / 1024)

    print(f"indicators: {len(rubric.indicators)}, audit entries: {len(chain)}")
    print(
        f"signed JSON: median {statistics.median(json_ms):.1f} ms, "
        f"max {max(json_ms):.1f} ms (target < {JSON_TARGET_MS:.0f} ms)"
    )
    print(
        f"full signed export (JSON + PDF): median {statistics.median(full_s):.2f} s, "
        f"max {max(full_s):.2f} s (target < {EXPORT_TARGET_S:.0f} s)"
    )
    print(f"PDF size: {max(sizes):.2f} MB (target < {PDF_LIMIT_MB} MB)")


if __name__ == "__main__":
    main()
