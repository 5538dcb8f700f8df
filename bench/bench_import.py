"""Time `register import` of signed files against its floor, and its peak memory.

Run: .venv/bin/python bench/bench_import.py [--count 10000] [--workers 2] [--files DIR]

The files are `assessor demo` samples (signed JSON only, with the training key, so the import
runs with --allow-training), generated once into DIR (default: $TMPDIR/assessor-bench-import-N)
and reused. In the same run it measures the floor: read + strict parse + one raw ECDSA
verification of the CMS signed attributes per file with `cryptography`, no register, one
process. Targets from issue 10: >= 300 files/s end to end, within 3x the floor, < 1 GB peak.
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
from pathlib import Path

from asn1crypto import cms
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from assessor.core.document.verify import verify_json
from assessor.core.export.signed_export import write_signed
from assessor.core.register.check import trust_pems
from assessor.core.register.importer import ImportOptions, run_import
from assessor.core.rubric.registry import default_rubric
from assessor.core.safe_input import parse_json_object, read_regular_file
from assessor.core.signing.keys import training_signer
from assessor.core.signing.training import training_ca
from assessor.devtools.demo import demo_files

TARGET_FILES_PER_S = 300
TARGET_RATIO = 3.0
TARGET_PEAK_MB = 1024


def _files(folder: Path, count: int) -> list[Path]:
    files = sorted(folder.glob("*.json")) if folder.is_dir() else []
    if len(files) >= count:
        return files[:count]
    shutil.rmtree(folder, ignore_errors=True)
    print(f"generating {count} signed files into {folder} …", file=sys.stderr)
    started = time.perf_counter()
    for files_ in demo_files(default_rubric(), training_signer(), count=count, with_pdf=False):
        write_signed(files_, folder)
    print(f"  generated in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return sorted(folder.glob("*.json"))[:count]


def _floor_one(path: Path) -> None:
    data = parse_json_object(read_regular_file(path, 5 * 1024 * 1024), str(path))
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


def _cpu_s() -> float:
    """CPU seconds of this process and its finished children (the import's workers): on a
    shared machine this is what the work costs, whatever else the cores were doing."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _peak_mb() -> tuple[float, float]:
    """Peak resident memory of this process and of its (waited-for) children, in MB."""
    divisor = 1024 * 1024 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes or KB
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / divisor
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / divisor
    return own, children


def _verify_ms(files: list[Path]) -> float:
    """CPU ms per file of verify_json alone (pyHanko CMS validation, RFC 8785 checks, result
    recomputed)."""
    roots = [training_ca()]
    verify_json(files[0].read_bytes(), roots, True)  # warm-up: imports
    started = time.process_time()
    for path in files:
        assert verify_json(path.read_bytes(), roots, True).ok
    return (time.process_time() - started) * 1000 / len(files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--files", type=Path, default=None)
    args = parser.parse_args()
    folder = args.files or Path(tempfile.gettempdir()) / f"assessor-bench-import-{args.count}"
    files = _files(folder, args.count)

    started, cpu = time.perf_counter(), _cpu_s()
    for path in files:
        _floor_one(path)
    floor_s, floor_cpu = time.perf_counter() - started, _cpu_s() - cpu

    register = Path(tempfile.mkdtemp(prefix="assessor-bench-register-"))
    options = ImportOptions(
        trust_pems=trust_pems([training_ca()]),
        allow_training=True,
        who="bench",
        workers=args.workers,
    )
    try:
        started, cpu = time.perf_counter(), _cpu_s()
        summary = run_import(register, [folder], options)
        import_s, import_cpu = time.perf_counter() - started, _cpu_s() - cpu
        db_mb = (register / "register.sqlite3").stat().st_size / 1024 / 1024
    finally:
        shutil.rmtree(register, ignore_errors=True)

    own_mb, workers_mb = _peak_mb()
    verify_ms = _verify_ms(files[:200])
    rate = len(files) / import_s
    print(f"files: {len(files)} ({summary.registered} registered, {summary.amendments} amendments)")
    print(f"floor (read + parse + one ECDSA verify, 1 process): {len(files) / floor_s:.0f} files/s")
    print(
        f"import ({args.workers} worker processes): {rate:.0f} files/s, {import_s:.1f} s "
        f"(target >= {TARGET_FILES_PER_S} files/s)"
    )
    print(
        f"verify_json alone: {verify_ms:.1f} ms CPU per file, at most {1000 / verify_ms:.0f} "
        "files/s per core (the ceiling of an import)"
    )
    print(f"import / floor time: {import_s / floor_s:.1f}x (target <= {TARGET_RATIO:.0f}x)")
    print(
        f"CPU per file: import {import_cpu * 1000 / len(files):.1f} ms, "
        f"floor {floor_cpu * 1000 / len(files):.1f} ms ({import_cpu / floor_cpu:.1f}x); "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print(
        f"peak memory: importer {own_mb:.0f} MB, largest worker {workers_mb:.0f} MB "
        f"(target < {TARGET_PEAK_MB} MB); register {db_mb:.0f} MB"
    )


if __name__ == "__main__":
    main()
