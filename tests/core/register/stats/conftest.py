"""One corpus of signed files and its imported register for the statistics and export tests.

Building it signs 33 files and imports them (a few seconds), so it is made once per session;
tests that change the register work on a copy (`register_copy`).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assessor.core.paths import default_rubric_path
from tests.core.register.stats.corpus import Corpus, build_files, import_files


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    root = tmp_path_factory.mktemp("stats-corpus")
    files, ca_cert = build_files(root)
    register = root / "register"
    import_files(register, files, ca_cert)
    return Corpus(files, register, ca_cert, default_rubric_path())


@pytest.fixture
def register_copy(corpus: Corpus, tmp_path: Path) -> Path:
    copy = tmp_path / "register"
    shutil.copytree(corpus.register, copy)
    return copy
