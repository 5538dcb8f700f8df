"""The register's commission, keys and rubric fixtures, shared with tests/core/register."""

from tests.core.register.conftest import (  # noqa: F401
    commission,
    other_commission,
    rubric,
    rubric_path,
    signer,
)
