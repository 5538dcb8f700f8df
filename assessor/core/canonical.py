"""Canonical JSON (RFC 8785 via the `rfc8785` library) and the hashes built on it."""

from __future__ import annotations

import hashlib
import sys
from typing import TYPE_CHECKING, Any

import rfc8785

from assessor.core.problems import UserError

if TYPE_CHECKING:
    from pydantic import BaseModel


NOT_CANONICAL_DATA = (
    "数据中有无法写成规范化 JSON 的内容（绝对值大于 2^53 − 1 的整数，或不成对的代理字符）："
    "本程序写出的文件不会有这样的内容，文件已被改动或不是本程序写出的"
)


class NotCanonical(UserError):
    """Data RFC 8785 cannot write: JSON numbers are IEEE doubles, so an integer beyond
    ±(2^53 − 1) has no canonical form, and neither has a string with a lone surrogate (which
    a JSON text can spell as an escape). Hostile files carry them; nothing here writes them."""

    def __init__(self) -> None:
        super().__init__(NOT_CANONICAL_DATA)


def canonical_bytes(value: BaseModel | Any) -> bytes:
    """RFC 8785 bytes of a model (dumped in JSON mode) or of plain JSON data; NotCanonical
    for data that has no canonical form."""
    # No value can be a model before pydantic.main, which defines BaseModel, is imported: a
    # start that hashes plain data does not pay for importing pydantic here.
    models = sys.modules.get("pydantic.main")
    if models is not None and isinstance(value, models.BaseModel):
        value = value.model_dump(mode="json")
    try:
        return rfc8785.dumps(value)
    except rfc8785.CanonicalizationError:
        raise NotCanonical from None


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical_sha256(value: BaseModel | Any) -> str:
    return sha256_hex(canonical_bytes(value))
