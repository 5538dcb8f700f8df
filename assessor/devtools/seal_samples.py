"""Seal the bundled test samples: `python -m assessor.devtools.seal_samples`.

The plain originals of the bundled test samples live in a source checkout only, in
`tests/data/samples-plain/*.json` (never in the package); this writes each, checked as
`assessor train check` checks it, sealed to the demonstration trainer certificate
`tests/data/trainer/demo-trainer-cert.pem` and signed with that demonstration trainer key, to
`assets/samples/<same name>.json`. A sealed file
that already opens (with the demonstration trainer key beside the certificate) to the same
plain sample is left as it is: encryption is randomised, and a rerun should change nothing.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from assessor.core.paths import samples_dir
from assessor.core.problems import UserError
from assessor.core.rubric.registry import rubric_for
from assessor.core.signing.trainer_key import (
    TrainerKey,
    load_trainer_key,
    load_trainer_signer,
    read_trainer_certificate,
)
from assessor.core.storage.atomic import atomic_write_bytes
from assessor.core.training.sample import SampleCentre, load_sample
from assessor.core.training.sealed import SealedSample, load_any_sample, seal_sample, sealed_json
from assessor.core.training.sealed import unseal as open_sealed
from assessor.core.training.validate import check_sample

CHECKOUT = Path(__file__).resolve().parents[2]
PLAIN = CHECKOUT / "tests" / "data" / "samples-plain"
TRAINER = CHECKOUT / "tests" / "data" / "trainer"
DEMO_CERT = TRAINER / "demo-trainer-cert.pem"
DEMO_KEY = TRAINER / "demo-trainer.p12"
DEMO_PASSPHRASE_FILE = TRAINER / "passphrase.txt"


@dataclass(frozen=True)
class Sealed:
    path: Path
    changed: bool


def _demo_passphrase() -> str:
    return DEMO_PASSPHRASE_FILE.read_text(encoding="utf-8").splitlines()[0]


def demo_trainer_key() -> TrainerKey:
    return load_trainer_key(DEMO_KEY, _demo_passphrase())


def _already_sealed(target: Path, sample: SampleCentre, key: TrainerKey) -> bool:
    if not target.is_file():
        return False
    try:
        existing = load_any_sample(target)
        return isinstance(existing, SealedSample) and open_sealed(existing, key) == sample
    except UserError:
        return False  # not a sealed sample any more, or not one this key opens: seal again


def seal_all(plain: Path = PLAIN, out: Path | None = None) -> list[Sealed]:
    """Seal every plain test sample in `plain` into `out` (default: `assets/samples`)."""
    out = out or samples_dir()
    certificate = read_trainer_certificate(DEMO_CERT)
    key = demo_trainer_key()
    signer = load_trainer_signer(DEMO_KEY, _demo_passphrase())
    done = []
    for path in sorted(plain.glob("*.json")):
        sample = load_sample(path)
        check_sample(sample, rubric_for(sample.rubric), str(path))
        target = out / path.name
        if _already_sealed(target, sample, key):
            done.append(Sealed(target, changed=False))
            continue
        atomic_write_bytes(target, sealed_json(seal_sample(sample, [certificate], signer)))
        done.append(Sealed(target, changed=True))
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plain", type=Path, default=PLAIN, help="folder of plain test samples")
    parser.add_argument("--out", type=Path, default=None, help="folder (default: assets/samples)")
    args = parser.parse_args(argv)
    if not DEMO_KEY.is_file():
        print(f"no demonstration trainer key at {DEMO_KEY}: run from a source checkout")
        return 1
    try:
        for sealed in seal_all(args.plain, args.out):
            print(f"{sealed.path}  {'sealed' if sealed.changed else 'unchanged'}")
    except UserError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
