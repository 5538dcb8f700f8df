"""Time `register import` of signed files against its floor, stage by stage, and its peak memory.

Run: .venv/bin/python bench/bench_import.py [--count 10000] [--workers 2] [--files DIR]

The files are `assessor demo` samples (signed JSON only, with the training key, so the import
runs with --allow-training), generated once in parallel into DIR (default:
$TMPDIR/assessor-bench-import-N) and reused by later runs. In the same run it measures:

- the floor: read + strict parse + one raw ECDSA verification of the CMS signed attributes per
  file with `cryptography`, no register, one process;
- the CPU per file of each stage of checking a file (read, parse, schema, canonical check,
  signature, recomputation, the rest of the register's check and its rows), in one process
  over a sample, each stage timed on its own;
- the import itself with N worker processes: files/s, CPU per file (this process and its
  workers), CPU the importer spends writing to the register, peak memory.

CPU times are process CPU time, so they hold on a shared machine; files/s needs an idle one
(the load average is printed). Targets from issue 17: >= 300 files/s end to end with 2 workers,
CPU per file within 3x the floor's, < 1 GB peak.
"""

from __future__ import annotations

import argparse
import base64
import os
import resource
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from asn1crypto import cms
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from assessor.core.canonical import canonical_json
from assessor.core.document.model import AssessmentDocument
from assessor.core.document.signed import cut_signature
from assessor.core.document.verify import result_reasons
from assessor.core.register import importer
from assessor.core.register.check import CheckContext, check, trust_pems
from assessor.core.register.importer import ImportOptions, run_import
from assessor.core.safe_input import parse_json_object, read_regular_file
from assessor.core.signing.json_envelope import check_envelope
from assessor.core.signing.training import training_ca

TARGET_FILES_PER_S = 300
TARGET_RATIO = 3.0
TARGET_PEAK_MB = 1024
STAGE_SAMPLE = 2000
SHARD_SEED_STEP = 1_000_003  # demo seeds of one shard never reach the next shard's
MAX_BYTES = 5 * 1024 * 1024

T = TypeVar("T")


# ---- the files -----------------------------------------------------------------------------


def _generate_shard(folder: str, count: int, seed: int) -> int:
    from assessor.core.export.signed_export import write_signed
    from assessor.core.rubric.registry import default_rubric
    from assessor.core.signing.keys import training_signer
    from assessor.devtools.demo import demo_files

    files = demo_files(default_rubric(), training_signer(), count=count, seed=seed, with_pdf=False)
    for signed in files:
        write_signed(signed, Path(folder))
    return count


def _files(folder: Path, count: int) -> list[Path]:
    """`count` signed files in `folder`, generated (in parallel) unless a run left them there."""
    files = sorted(folder.glob("*.json")) if folder.is_dir() else []
    if len(files) >= count:
        return files[:count]
    shutil.rmtree(folder, ignore_errors=True)
    building = folder.with_name(folder.name + ".partial")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    shards = max(1, min(os.cpu_count() or 1, count // 50))
    sizes = [count // shards + (1 if n < count % shards else 0) for n in range(shards)]
    print(f"generating {count} signed files into {folder} ({shards} processes) …", file=sys.stderr)
    started = time.perf_counter()
    with ProcessPoolExecutor(shards) as pool:
        seeds = [2024 + n * SHARD_SEED_STEP for n in range(shards)]
        list(pool.map(_generate_shard, [str(building)] * shards, sizes, seeds))
    building.rename(folder)  # only a complete set is ever reused
    print(f"  generated in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return sorted(folder.glob("*.json"))[:count]


# ---- the floor -----------------------------------------------------------------------------


def _floor_one(path: Path) -> None:
    data = parse_json_object(read_regular_file(path, MAX_BYTES), str(path))
    signature = data["signature"]
    signer_info = cms.ContentInfo.load(base64.b64decode(signature["cms"]))["content"][
        "signer_infos"
    ][0]
    signed_attrs = signer_info["signed_attrs"].dump()
    signed_attrs = b"\x31" + signed_attrs[1:]  # verified as a SET, not as [0] IMPLICIT
    cert = x509.load_pem_x509_certificate(signature["chain"][0].encode("ascii"))
    key = cert.public_key()
    assert isinstance(key, ec.EllipticCurvePublicKey)
    key.verify(signer_info["signature"].native, signed_attrs, ec.ECDSA(hashes.SHA256()))


# ---- the stages ----------------------------------------------------------------------------


class _Stages:
    """CPU seconds per stage, summed over the files checked."""

    def __init__(self) -> None:
        self.cpu: dict[str, float] = defaultdict(float)

    def run(self, name: str, work: Callable[[], T]) -> T:
        started = time.process_time()
        try:
            return work()
        finally:
            self.cpu[name] += time.process_time() - started


def _stages_one(path: Path, stages: _Stages, context: CheckContext) -> None:
    """One file through the stages `check` runs, each timed on its own, then `check` whole."""
    roots = context.trust_roots
    raw = stages.run("read", lambda: read_regular_file(path, MAX_BYTES))
    data = stages.run("parse (JSON)", lambda: parse_json_object(raw, str(path)))
    document = stages.run("schema", lambda: AssessmentDocument.model_validate(data))
    assert document.signature is not None
    signature = document.signature

    def canonical() -> tuple[bytes, bytes | None]:
        assert canonical_json(data) == raw
        return cut_signature(raw, data)

    payload, block = stages.run("canonical check", canonical)
    envelope = stages.run(
        "signature",
        lambda: check_envelope(
            payload, signature, data["signature"], roots, written_canonical=block
        ),
    )
    assert not envelope.reasons, envelope.reasons
    assert not stages.run("recomputation", lambda: result_reasons(document))
    stages.run("check (all of the above, rows)", lambda: check(raw, context))


def _stage_table(files: list[Path], context: CheckContext) -> dict[str, float]:
    stages = _Stages()
    _stages_one(files[0], stages, context)  # warm-up: imports, the signer's full validation
    stages.cpu.clear()
    for path in files:
        _stages_one(path, stages, context)
    return {name: seconds * 1000 / len(files) for name, seconds in stages.cpu.items()}


# ---- the import ----------------------------------------------------------------------------


def _cpu_s() -> tuple[float, float]:
    """CPU seconds of this process and of its finished children (the import's workers): on a
    shared machine this is what the work costs, whatever else the cores were doing."""
    t = os.times()
    return t.user + t.system, t.children_user + t.children_system


def _peak_mb() -> tuple[float, float]:
    """Peak resident memory of this process and of its (waited-for) children, in MB."""
    divisor = 1024 * 1024 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes or KB
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / divisor
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / divisor
    return own, children


def _exactly(files: list[Path], folder: Path, scratch: Path) -> Path:
    """A folder holding exactly `files`: `folder` itself, or hard links to them when the
    folder holds more (a smaller --count over a kept larger set)."""
    if len(files) == len(list(folder.glob("*.json"))):
        return folder
    for path in files:
        os.link(path, scratch / path.name)
    return scratch


def _timed_commits() -> list[float]:
    """Wrap the importer's commit of a chunk so its CPU (in this process) is counted."""
    spent = [0.0]
    commit = importer._Run._commit_chunk

    def timed(self: Any, *args: Any) -> None:
        started = time.process_time()
        try:
            commit(self, *args)
        finally:
            spent[0] += time.process_time() - started

    importer._Run._commit_chunk = timed  # type: ignore[method-assign]
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--files", type=Path, default=None)
    args = parser.parse_args()
    folder = args.files or Path(tempfile.gettempdir()) / f"assessor-bench-import-{args.count}"
    files = _files(folder, args.count)
    n = len(files)

    started, cpu = time.perf_counter(), time.process_time()
    for path in files:
        _floor_one(path)
    floor_s, floor_cpu = time.perf_counter() - started, time.process_time() - cpu
    floor_ms = floor_cpu * 1000 / n

    register = Path(tempfile.mkdtemp(prefix="assessor-bench-register-"))
    scratch = Path(tempfile.mkdtemp(prefix="assessor-bench-inputs-"))
    inputs = _exactly(files, folder, scratch)
    options = ImportOptions(
        trust_pems=trust_pems([training_ca()]),
        allow_training=True,
        who="bench",
        workers=args.workers,
    )
    commits = _timed_commits()
    try:
        started, (own_before, children_before) = time.perf_counter(), _cpu_s()
        summary = run_import(register, [inputs], options)
        import_s = time.perf_counter() - started
        own_after, children_after = _cpu_s()
        own_cpu, workers_cpu = own_after - own_before, children_after - children_before
        import_cpu = own_cpu + workers_cpu
        load = os.getloadavg()
        db_mb = (register / "register.sqlite3").stat().st_size / 1024 / 1024
    finally:
        shutil.rmtree(register, ignore_errors=True)
        shutil.rmtree(scratch, ignore_errors=True)
    own_mb, workers_mb = _peak_mb()

    context = CheckContext(trust_pems([training_ca()]), allow_training=True)
    stages = _stage_table(files[:STAGE_SAMPLE], context)

    rate = n / import_s
    import_ms = import_cpu * 1000 / n
    print(f"files: {n} ({summary.registered} registered, {summary.amendments} amendments)")
    print(f"floor (read + parse + one ECDSA verify, 1 process): {n / floor_s:.0f} files/s")
    print(
        f"import ({args.workers} worker processes): {rate:.0f} files/s, {import_s:.1f} s "
        f"(target >= {TARGET_FILES_PER_S} files/s on an idle machine); load average "
        f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} cores"
    )
    print(
        f"CPU per file: import {import_ms:.2f} ms, floor {floor_ms:.2f} ms "
        f"({import_ms / floor_ms:.1f}x, target <= {TARGET_RATIO:.0f}x)"
    )
    print(f"CPU per file by stage (one process, {min(n, STAGE_SAMPLE)} files):")
    for name, ms in stages.items():
        print(f"  {name:<32} {ms:6.2f} ms")
    print(f"  {'register write (importer)':<32} {commits[0] * 1000 / n:6.2f} ms")
    print(
        f"  {'importer process, all of it':<32} {own_cpu * 1000 / n:6.2f} ms "
        "(reading, sending to workers, register write)"
    )
    print(f"  {'workers, all of it':<32} {workers_cpu * 1000 / n:6.2f} ms")
    print(f"  {'floor':<32} {floor_ms:6.2f} ms")
    print(
        f"peak memory: importer {own_mb:.0f} MB, largest worker {workers_mb:.0f} MB "
        f"(target < {TARGET_PEAK_MB} MB); register {db_mb:.0f} MB"
    )


if __name__ == "__main__":
    main()
