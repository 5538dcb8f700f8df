"""Canonical JSON (RFC 8785 via the `rfc8785` library) and the hashes built on it."""

from __future__ import annotations

import hashlib
from typing import Any

import rfc8785
from pydantic import BaseModel


def canonical_bytes(value: BaseModel | Any) -> bytes:
    """RFC 8785 bytes of a model (dumped in JSON mode) or of plain JSON data."""
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    return rfc8785.dumps(value)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical_sha256(value: BaseModel | Any) -> str:
    return sha256_hex(canonical_bytes(value))
