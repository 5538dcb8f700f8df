"""Canonical JSON (RFC 8785 via the `rfc8785` library) and the hashes built on it."""

from __future__ import annotations

import hashlib
import sys
from typing import TYPE_CHECKING, Any

import rfc8785

if TYPE_CHECKING:
    from pydantic import BaseModel


def canonical_bytes(value: BaseModel | Any) -> bytes:
    """RFC 8785 bytes of a model (dumped in JSON mode) or of plain JSON data."""
    # No value can be a model before pydantic.main, which defines BaseModel, is imported: a
    # start that hashes plain data does not pay for importing pydantic here.
    models = sys.modules.get("pydantic.main")
    if models is not None and isinstance(value, models.BaseModel):
        value = value.model_dump(mode="json")
    return rfc8785.dumps(value)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical_sha256(value: BaseModel | Any) -> str:
    return sha256_hex(canonical_bytes(value))
