"""Session-wide real keys and documents for the signing tests (see pki.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from assessor.core.document.model import AssessmentDocument
from assessor.core.rubric.validate import LoadedRubric, load_rubric
from assessor.core.signing.keys import SigningKey, load_signer, training_signer
from tests.core.signing.pki import (
    KEY_PASSPHRASE,
    Pki,
    make_document,
    make_pki,
    make_report_pdf,
    write_rubric,
)


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def signer(pki: Pki) -> SigningKey:
    return load_signer(pki.key_path, KEY_PASSPHRASE)


@pytest.fixture(scope="session")
def trainer() -> SigningKey:
    return training_signer()


@pytest.fixture(scope="session")
def rubric_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_rubric(tmp_path_factory.mktemp("rubric") / "test-rubric.json")


@pytest.fixture(scope="session")
def signing_rubric(rubric_path: Path) -> LoadedRubric:
    return load_rubric(rubric_path)


@pytest.fixture(scope="session")
def document(signing_rubric: LoadedRubric) -> Callable[..., AssessmentDocument]:
    return lambda **kwargs: make_document(signing_rubric, **kwargs)


@pytest.fixture(scope="session")
def report_pdf() -> bytes:
    return make_report_pdf()
