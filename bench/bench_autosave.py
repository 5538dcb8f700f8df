"""Time one durable autosave of a full-size assessment as its audit chain grows, next to its
floor: a bare durable write (write, fsync, rename, folder fsync) of the same bytes.

Run: .venv/bin/python bench/bench_autosave.py [--saves N] [--dir FOLDER]

Each autosave is what the GUI does after an edit: change one score or note, append an audit
entry, and `Store.save` (one fsynced append to the record's journal, or now and then a
compaction: one atomic, fsynced rewrite of the record file). The record has 120 indicator
scores with Chinese notes, as the full rubric does; the chain grows by one per save. Around the
10th and the last change, each autosave is followed by the floor written with the bytes that
save put on disk (its journal line, or the record file it rewrote), so the ratio says what the
store adds to the disk's cost. Use --dir to measure on the disk the laptops use: fsync cost
depends on it.
"""

from __future__ import annotations

import argparse
import os
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
from assessor.core.storage.atomic import fsync_dir
from assessor.core.storage.journal import JOURNAL_FILE
from assessor.core.storage.store import RECORD_FILE, Store, record_key

INDICATORS = 120
TARGET_MEDIAN_MS = 50.0
# Saves around these chain lengths are paired with the floor.
SAMPLED_AT = (10, 1000)
SAMPLE_HALF_WIDTH = 8
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


def written(record: Path, journal: Path, before: tuple[int, int]) -> tuple[bytes, bool]:
    """The bytes the last autosave put on disk, and whether it rewrote the record file."""
    inode, journal_size = before
    if record.stat().st_ino != inode:
        return record.read_bytes(), True
    return journal.read_bytes()[journal_size:], False


def file_state(record: Path, journal: Path) -> tuple[int, int]:
    return record.stat().st_ino, journal.stat().st_size if journal.exists() else 0


def durable_write(folder: Path, payload: bytes) -> None:
    """The floor: the least a crash-safe replacement of a file of these bytes costs."""
    temp, target = folder / "floor.tmp", folder / "floor.json"
    with open(temp, "wb") as handle:
        handle.write(payload)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, target)
    fsync_dir(folder)


def sampled(step: int, saves: int) -> int | None:
    """The chain length this save is sampled for, if any (the last one is `saves`)."""
    for at in SAMPLED_AT:
        centre = min(at, saves)
        if abs(step + 1 - centre) <= SAMPLE_HALF_WIDTH:
            return at
    return None


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
        store = Store(Path(folder) / "store")
        floor_dir = Path(folder) / "floor"
        floor_dir.mkdir()
        assessment = full_size_assessment()
        store.create(assessment)
        key = record_key(assessment)
        record = Path(folder) / "store" / "assessments" / key / RECORD_FILE
        journal = record.with_name(JOURNAL_FILE)
        chain: list[AuditEntry] = []
        times_ms: list[float] = []
        compactions = 0
        pairs: dict[int, list[tuple[float, float, int]]] = {at: [] for at in SAMPLED_AT}
        for step in range(args.saves):
            before = file_state(record, journal)
            started = time.perf_counter()
            autosave(store, assessment, chain, step)
            times_ms.append((time.perf_counter() - started) * 1000)
            payload, compacted = written(record, journal, before)
            compactions += compacted
            if (at := sampled(step, args.saves)) is not None:
                started = time.perf_counter()
                durable_write(floor_dir, payload)
                floor_ms = (time.perf_counter() - started) * 1000
                pairs[at].append((times_ms[-1], floor_ms, len(payload)))

        started = time.perf_counter()
        store.load_with_audit(key)
        load_ms = (time.perf_counter() - started) * 1000

        print(f"store in {folder}; {len(assessment.scores)} scores, {len(chain)} audit entries")
        report("all autosaves", times_ms)
        report(f"last 200 (chain {len(chain) - 199}-{len(chain)})", times_ms[-200:])
        print(
            f"record file at the end        {record.stat().st_size / 1024:.0f} KiB,"
            f" journal {journal.stat().st_size / 1024 if journal.exists() else 0:.0f} KiB,"
            f" {compactions} compactions"
        )
        print(f"load + full verification      {load_ms:.1f} ms")
        for at, rows in pairs.items():
            save = statistics.median(r[0] for r in rows)
            floor = statistics.median(r[1] for r in rows)
            size = statistics.median(r[2] for r in rows) / 1024
            print(
                f"at ~{min(at, args.saves)} changes: autosave median {save:6.1f} ms, durable write of"
                f" the same {size:.0f} KiB median {floor:6.1f} ms, ratio {save / floor:.2f}"
                f" (n={len(rows)}; ratios median {statistics.median(r[0] / r[1] for r in rows):.2f})"
            )
        median = statistics.median(times_ms)
        verdict = "met" if median < TARGET_MEDIAN_MS else "MISSED"
        print(f"target median < {TARGET_MEDIAN_MS:.0f} ms: {verdict}")


if __name__ == "__main__":
    main()
