"""The bundled samples are exactly what their text tables assemble to, and bad tables are named."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assessor.core.paths import samples_dir
from assessor.core.problems import ProblemsError
from assessor.core.rubric.registry import default_rubric
from assessor.core.training.sample import bundled_sample_paths, load_sample
from assessor.core.training.sealed import SealedSample, load_any_sample, unseal
from assessor.devtools.sample_authoring import (
    SOURCES,
    TEST_SOURCES,
    assemble,
    build_all,
    source_ids,
)
from assessor.devtools.seal_samples import PLAIN, demo_trainer_key


def test_every_source_is_bundled_and_every_bundled_sample_has_a_source(tmp_path: Path) -> None:
    """Practice samples are bundled as assembled; test samples are assembled into the plain
    folder of the checkout, and bundled only sealed (their sealed files open to exactly that)."""
    practice = build_all(default_rubric(), tmp_path / "practice")
    tests = build_all(default_rubric(), tmp_path / "test", TEST_SOURCES)
    assert sorted(p.name for p in practice + tests) == [p.name for p in bundled_sample_paths()]
    for built in practice:
        bundled = samples_dir() / built.name
        assert built.read_bytes() == bundled.read_bytes(), (
            f"rebuild with: python -m assessor.devtools.sample_authoring ({bundled.name})"
        )
    key = demo_trainer_key()
    for built in tests:
        assert built.read_bytes() == (PLAIN / built.name).read_bytes(), (
            f"rebuild with: python -m assessor.devtools.sample_authoring ({built.name})"
        )
        sealed = load_any_sample(samples_dir() / built.name)
        assert isinstance(sealed, SealedSample)
        assert unseal(sealed, key) == load_sample(built), (
            f"reseal with: python -m assessor.devtools.seal_samples ({built.name})"
        )


def test_a_malformed_table_line_is_named(tmp_path: Path) -> None:
    sample_id = source_ids()[0]
    shutil.copy(SOURCES / f"{sample_id}.head.json", tmp_path)
    lines = (SOURCES / f"{sample_id}.txt").read_text(encoding="utf-8").splitlines()
    lines[5] = "4.2.1|6|只有三栏"
    (tmp_path / f"{sample_id}.txt").write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(ProblemsError, match="第 6 行: 应有 4 栏，实为 3 栏"):
        assemble(sample_id, default_rubric(), tmp_path)
