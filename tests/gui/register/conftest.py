"""The register's commission and assessor key, shared with tests/core/register."""

from tests.core.register.conftest import commission, signer  # noqa: F401
