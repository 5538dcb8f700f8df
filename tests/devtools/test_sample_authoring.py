"""The bundled samples are exactly what their text tables assemble to, and bad tables are named."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assessor.core.problems import ProblemsError
from assessor.core.rubric.registry import default_rubric
from assessor.core.training.sample import bundled_sample_paths
from assessor.devtools.sample_authoring import SOURCES, assemble, build_all, source_ids


def test_every_source_is_bundled_and_every_bundled_sample_has_a_source(tmp_path: Path) -> None:
    written = build_all(default_rubric(), tmp_path)
    assert [p.name for p in written] == [p.name for p in bundled_sample_paths()]
    for built, bundled in zip(written, bundled_sample_paths(), strict=True):
        assert built.read_bytes() == bundled.read_bytes(), (
            f"rebuild with: python -m assessor.devtools.sample_authoring ({bundled.name})"
        )


def test_a_malformed_table_line_is_named(tmp_path: Path) -> None:
    sample_id = source_ids()[0]
    shutil.copy(SOURCES / f"{sample_id}.head.json", tmp_path)
    lines = (SOURCES / f"{sample_id}.txt").read_text(encoding="utf-8").splitlines()
    lines[5] = "4.2.1|6|只有三栏"
    (tmp_path / f"{sample_id}.txt").write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(ProblemsError, match="第 6 行: 应有 4 栏，实为 3 栏"):
        assemble(sample_id, default_rubric(), tmp_path)
