"""The built-in training key: a public CA and one assessor key issued by it.

Trainers and first-time users sign with it without any set-up. Its passphrase is published on
purpose, so anything it signs proves nothing: such files are marked 培训/样例 and refused as
official. Whether a certificate belongs to the training chain is decided by cryptography (the
certificate was issued by the pinned training CA), never by a flag the signer sets.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.serialization import Encoding

from assessor.core.paths import assets_dir
from assessor.core.problems import UserError

TRAINING_PASSPHRASE = "training"
"""Public on purpose (see assets/training/README.md)."""

TRAINING_CA_SHA256 = "37f28781710aca1cc7c8cf3a2a2b1a7bacb7f6150d5810ef5717ba81379d9f40"
"""SHA-256 of the DER training CA certificate; the asset file must match it."""


def training_dir() -> Path:
    return assets_dir() / "training"


def training_key_path() -> Path:
    return training_dir() / "training-key.p12"


def fingerprint(cert: x509.Certificate) -> str:
    """SHA-256 of the DER certificate, lowercase hex (as `pyhanko sign validate` prints it)."""
    return hashlib.sha256(cert.public_bytes(Encoding.DER)).hexdigest()


@lru_cache(maxsize=1)
def training_ca() -> x509.Certificate:
    path = training_dir() / "training-ca.pem"
    try:
        cert = x509.load_pem_x509_certificate(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise UserError(f"内置培训证书无法读取：{path}") from exc
    if fingerprint(cert) != TRAINING_CA_SHA256:
        raise UserError(f"内置培训证书已被替换或损坏：{path}")
    return cert


@lru_cache(maxsize=256)
def is_training_certificate(cert: x509.Certificate) -> bool:
    """The training CA itself, or a certificate it issued (checked by its signature; once per
    certificate: an import meets the same few dozen in every file)."""
    ca = training_ca()
    if cert == ca:
        return True
    if cert.issuer != ca.subject:
        return False
    try:
        cert.verify_directly_issued_by(ca)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True
