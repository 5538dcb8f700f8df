"""The register's commission, keys and rubric, and the commission's own plan-signing key."""

from __future__ import annotations

import pytest

from assessor.core.signing.keys import SigningKey, load_signer
from tests.core.register.builders import KEY_PASSPHRASE, Commission
from tests.core.register.conftest import (  # noqa: F401
    commission,
    options,
    other_commission,
    rubric,
    rubric_path,
    signer,
    stranger,
)


@pytest.fixture(scope="session")
def plan_key(commission: Commission) -> SigningKey:  # noqa: F811
    """The key of the commission's planning office, issued by its CA like any other."""
    return load_signer(commission.issue("计划科", "WJW-PLAN", "plan.p12"), KEY_PASSPHRASE)
