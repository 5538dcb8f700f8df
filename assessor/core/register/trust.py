"""One trust policy for the register: which CA certificates an import or a re-verification
trusts, given the CA files a person chose and whether training files are accepted.

The built-in training CA is trusted only with `allow_training`; the importer still knows it
otherwise, so that a training file is refused *as training* rather than as unknown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from cryptography import x509

from assessor.core.problems import UserError
from assessor.core.signing.training import training_ca
from assessor.core.signing.verification import load_trust_roots

_CYCLE = re.compile(r"^(\d{2})-(\d{2})$")


def trust_roots(paths: Iterable[Path], allow_training: bool) -> list[x509.Certificate]:
    """The certificates in `paths` (UserError in Chinese for a bad file), and the training CA
    when training files are accepted."""
    roots = load_trust_roots(list(paths))
    if allow_training:
        roots.append(training_ca())
    return roots


def cycle_start(text: str) -> tuple[int, int]:
    """「MM-DD」 as (month, day): the day an assessment cycle starts."""
    match = _CYCLE.match(text.strip())
    if not match or not (1 <= int(match[1]) <= 12 and 1 <= int(match[2]) <= 28):
        raise UserError("评估周期起始日应为 MM-DD，如 01-01 或 07-01（日期不超过 28 日）")
    return int(match[1]), int(match[2])
