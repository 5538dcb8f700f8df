"""The demonstration trainer key the bundled test samples are sealed to (never in the package)."""

from __future__ import annotations

from pathlib import Path

TRAINER = Path(__file__).parent / "data" / "trainer"
DEMO_KEY = TRAINER / "demo-trainer.p12"
DEMO_CERT = TRAINER / "demo-trainer-cert.pem"
DEMO_PASSPHRASE_FILE = TRAINER / "passphrase.txt"
DEMO_PASSPHRASE = "trainer-demo"


def key_args() -> list[str]:
    """`train report|check|retake` options that open the demonstration trainer key."""
    return ["--trainer-key", str(DEMO_KEY), "--trainer-passphrase-file", str(DEMO_PASSPHRASE_FILE)]
