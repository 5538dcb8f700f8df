"""Demo files are real signed assessments, varied, with amendments that cite their original."""

from __future__ import annotations

import json
from collections import Counter

from assessor.core.canonical import sha256_hex
from assessor.core.document.verify import verify_json
from assessor.core.rubric.registry import default_rubric
from assessor.core.signing.keys import training_signer
from assessor.core.signing.training import training_ca
from assessor.devtools.demo import demo_files


def test_many_demo_files_verify_and_vary() -> None:
    files = list(demo_files(default_rubric(), training_signer(), count=30, with_pdf=False))
    assert len(files) == 30
    by_key = {}
    for f in files:
        check = verify_json(f.json_bytes, [training_ca()], allow_training=True)
        assert check.ok, check.problems
        by_key[(f.document.id, f.document.version)] = f
        assert f.pdf_bytes == b""
    assert len({f.document.centre.uscc for f in files}) > 20
    assert len(Counter(f.document.result.grade for f in files)) >= 3
    amendments = [f for f in files if f.document.version == 2]
    assert amendments
    for amended in amendments:
        original = by_key[(amended.document.id, 1)]
        assert amended.document.supersedes.sha256 == sha256_hex(original.json_bytes)
        assert json.loads(amended.json_bytes)["amendment_reason"]


def test_demo_is_reproducible_from_its_seed() -> None:
    first = next(demo_files(default_rubric(), training_signer(), count=1, seed=7, with_pdf=False))
    again = next(demo_files(default_rubric(), training_signer(), count=1, seed=7, with_pdf=False))
    assert first.document.centre == again.document.centre
    assert first.document.scores == again.document.scores
