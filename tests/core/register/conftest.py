"""Session-wide commission, keys and rubric for the register tests (see builders.py)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from assessor.core.clock import now_utc
from assessor.core.register.check import trust_pems
from assessor.core.register.importer import ImportOptions
from assessor.core.rubric.validate import LoadedRubric, load_rubric
from assessor.core.signing.keys import SigningKey, issue_assessor, load_ca, load_signer
from assessor.core.signing.verification import load_trust_roots
from tests.core.register.builders import (
    CA_PASSPHRASE,
    KEY_PASSPHRASE,
    Commission,
    make_commission,
)
from tests.core.signing.pki import write_rubric


@pytest.fixture(scope="session")
def commission(tmp_path_factory: pytest.TempPathFactory) -> Commission:
    return make_commission(tmp_path_factory.mktemp("commission"))


@pytest.fixture(scope="session")
def other_commission(tmp_path_factory: pytest.TempPathFactory) -> Commission:
    return make_commission(tmp_path_factory.mktemp("other-commission"), "别的市卫生健康委员会")


@pytest.fixture(scope="session")
def signer(commission: Commission) -> SigningKey:
    return load_signer(commission.issue("张三", "T-001", "zhang.p12"), KEY_PASSPHRASE)


@pytest.fixture(scope="session")
def second_signer(commission: Commission) -> SigningKey:
    return load_signer(commission.issue("李四", "T-002", "li.p12"), KEY_PASSPHRASE)


@pytest.fixture(scope="session")
def third_signer(commission: Commission) -> SigningKey:
    return load_signer(commission.issue("王五", "T-003", "wang-team.p12"), KEY_PASSPHRASE)


@pytest.fixture(scope="session")
def team_keys(signer, second_signer, third_signer) -> list[SigningKey]:
    return [signer, second_signer, third_signer]


@pytest.fixture(scope="session")
def stranger(other_commission: Commission) -> SigningKey:
    return load_signer(other_commission.issue("王五", "X-001", "wang.p12"), KEY_PASSPHRASE)


def _key_valid_from(commission: Commission, name: str, start_days: int, days: int) -> SigningKey:
    """`keys issue` always starts now; these keys are issued by the same CA through the core."""
    out = commission.root / f"{name}.p12"
    issue_assessor(
        load_ca(commission.ca_dir, CA_PASSPHRASE),
        out,
        name=name,
        assessor_id=f"T-{name}",
        passphrase=KEY_PASSPHRASE,
        days=days,
        valid_from=now_utc() + timedelta(days=start_days),
    )
    return load_signer(out, KEY_PASSPHRASE)


@pytest.fixture(scope="session")
def expired_signer(commission: Commission) -> SigningKey:
    return _key_valid_from(commission, "expired", -400, 30)


@pytest.fixture(scope="session")
def future_signer(commission: Commission) -> SigningKey:
    return _key_valid_from(commission, "future", 30, 300)


@pytest.fixture(scope="session")
def rubric_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_rubric(tmp_path_factory.mktemp("rubric") / "test-rubric.json")


@pytest.fixture(scope="session")
def rubric(rubric_path: Path) -> LoadedRubric:
    return load_rubric(rubric_path)


@pytest.fixture(scope="session")
def options(commission: Commission, rubric_path: Path) -> ImportOptions:
    """Import options as `register import --trust CA --rubric R` makes them."""
    return ImportOptions(
        trust_pems=trust_pems(load_trust_roots([commission.ca_cert])),
        rubric_paths=(str(rubric_path),),
        who="测试员",
    )
