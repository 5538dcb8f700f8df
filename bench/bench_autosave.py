"""Time one durable autosave of a full-size assessment as its audit chain grows.

Run: .venv/bin/python bench/bench_autosave.py [--saves N] [--dir FOLDER]

Each autosave is what the GUI does after an edit: change one score or note, append an audit
entry, and `Store.save` (one atomic, fsynced write of the record file). The record has 120
indicator scores with Chinese notes, as the full rubric does; the chain grows by one per save.
Use --dir to measure on the disk the laptops use: fsync cost depends on it.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from assessor.core.assessment.model import (
    Assessment,
    AssessorRef,
    Centre,
    IndicatorScore,
    RubricRef,
    Visit,
)
from assessor.core.audit import AuditEntry, append
from assessor.core.storage.store import Store, record_key

INDICATORS = 120
TARGET_MEDIAN_MS = 50.0
NOTE = (
    "查阅保育人员花名册及健康证，现场观察午睡室通风与照护人员配比，访谈负责人了解应急预案演练情况。"
)


def full_size_assessment() -> Assessment:
    # Synthetic ids and rubric hash: the benchmark must not depend on the real rubric file.
    return Assessment(
        rubric=RubricRef(code="WS/T 821—2023", version="bench", sha256="5e" * 32),
        centre=Centre(name="星星托育服务中心", address="某市某区幸福路 88 号", places=150),
        visit=Visit(assessors=[AssessorRef(name="张评估", assessor_id="A-0001")]),
        scores=[
            IndicatorScore(indicator=f"{d}.{i}.{n}", score=1.0, note=NOTE)
            for d in range(1, 9)
            for i in range(1, 6)
            for n in range(1, 4)
        ][:INDICATORS],
    )


def autosave(store: Store, assessment: Assessment, chain: list[AuditEntry], step: int) -> None:
    score = assessment.scores[step % len(assessment.scores)]
    if step % 2:
        entry = append(chain, "score", score.indicator, old=score.score, new=float(step % 3))
        score.score = float(step % 3)
    else:
        new_note = f"{NOTE}（第 {step} 次修改）"
        entry = append(chain, "note", score.indicator, old=score.note, new=new_note)
        score.note = new_note
    store.save(assessment, entry)
    chain.append(entry)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def report(label: str, times_ms: list[float]) -> None:
    print(
        f"{label:<28} n={len(times_ms):<5} median {statistics.median(times_ms):6.1f} ms"
        f"   p95 {percentile(times_ms, 0.95):6.1f} ms   max {max(times_ms):6.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=1000, help="autosaves to time (≥ 200)")
    parser.add_argument("--dir", type=Path, default=None, help="folder for the temporary store")
    args = parser.parse_args()
    if args.saves < 200:
        parser.error("--saves must be at least 200")

    with tempfile.TemporaryDirectory(prefix="bench-autosave-", dir=args.dir) as folder:
        store = Store(Path(folder))
        assessment = full_size_assessment()
        store.create(assessment)
        key = record_key(assessment)
        chain: list[AuditEntry] = []
        times_ms: list[float] = []
        for step in range(args.saves):
            started = time.perf_counter()
            autosave(store, assessment, chain, step)
            times_ms.append((time.perf_counter() - started) * 1000)

        record = Path(folder) / "assessments" / key / "record.json"
        started = time.perf_counter()
        store.load_with_audit(key)
        load_ms = (time.perf_counter() - started) * 1000

        print(f"store in {folder}; {len(assessment.scores)} scores, {len(chain)} audit entries")
        report("all autosaves", times_ms)
        report(f"last 200 (chain {len(chain) - 199}-{len(chain)})", times_ms[-200:])
        print(f"record file at the end        {record.stat().st_size / 1024:.0f} KiB")
        print(f"load + full verification      {load_ms:.1f} ms")
        median = statistics.median(times_ms)
        verdict = "met" if median < TARGET_MEDIAN_MS else "MISSED"
        print(f"target median < {TARGET_MEDIAN_MS:.0f} ms: {verdict}")


if __name__ == "__main__":
    main()
