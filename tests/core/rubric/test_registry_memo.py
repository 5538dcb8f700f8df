"""Looking a rubric up by hash remembers where it was found, never what it was."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from assessor.core.paths import rubrics_dir
from assessor.core.problems import UserError
from assessor.core.rubric import registry
from assessor.core.rubric.validate import load_rubric


def _named(path: Path) -> SimpleNamespace:
    """How a document names a rubric: code and version for people, the hash to find it."""
    return SimpleNamespace(code="WS/T 821", version="测试", sha256=load_rubric(path).sha256)


def test_a_bundled_rubric_replaced_after_a_lookup_is_not_found_by_its_old_hash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = rubrics_dir() / "ws-t-821-2023.json"
    other = rubrics_dir() / "ws-t-821-2023-v3.json"
    folder = tmp_path / "rubrics"
    folder.mkdir()
    copy = folder / "only.json"
    shutil.copyfile(first, copy)
    monkeypatch.setattr(registry, "rubrics_dir", lambda: folder)
    wanted = _named(first)

    assert registry.rubric_for(wanted).sha256 == wanted.sha256
    assert registry.rubric_for(wanted).sha256 == wanted.sha256  # through the remembered path

    shutil.copyfile(other, copy)
    with pytest.raises(UserError, match="找不到评估所用的评估标准"):
        registry.rubric_for(wanted)
    assert registry.rubric_for(_named(other)).sha256 == _named(other).sha256


def test_another_rubrics_folder_does_not_see_what_the_first_one_held(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wanted = _named(rubrics_dir() / "ws-t-821-2023.json")
    assert registry.rubric_for(wanted).sha256 == wanted.sha256
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setattr(registry, "rubrics_dir", lambda: empty)
    with pytest.raises(UserError):
        registry.rubric_for(wanted)
