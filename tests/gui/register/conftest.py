"""The register's commission and assessor key, shared with tests/core/register."""

from tests.core.register.conftest import (  # noqa: F401
    commission,
    options,
    rubric,
    rubric_path,
    second_signer,
    signer,
    team_keys,
    third_signer,
)
