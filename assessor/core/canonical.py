"""Canonical JSON (RFC 8785 via the `rfc8785` library) and the hashes built on it.

`canonical_json` takes the standard library's C encoder for values on which it is proven to
write the RFC 8785 bytes (`stdlib_is_canonical` decides; tests/core/test_canonical_fast.py
compares the two on generated documents) and `rfc8785` for every other value. A register import
serialises thousands of documents: the C encoder is six times faster, the library stays the
reference.
"""

from __future__ import annotations

import hashlib
import json
import re
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


_MAX_SAFE_INT = 2**53 - 1
# Python's repr and ECMAScript agree on every non-integral double from 1e-4 up (both write the
# shortest round-trip digits, in fixed notation below 1e16 and 1e21; a non-integral double is
# below 2^53 anyway). Python writes integral doubles as "160.0" and small ones as "1e-05".
_MIN_FIXED_FLOAT = 1e-4
_MAX_FIXED_FLOAT = 1e16
# Deeper values take the library's path, so how deep is too deep stays its decision.
_MAX_FAST_DEPTH = 200
# Keys sort the same by code point (Python) as by UTF-16 code unit (RFC 8785) when every
# character is in the Basic Multilingual Plane and none is a lone surrogate.
_BMP_KEY = re.compile(r"[\x00-\ud7ff\ue000-\uffff]*")
_STDLIB = json.JSONEncoder(
    ensure_ascii=False,
    sort_keys=True,
    separators=(",", ":"),
    allow_nan=False,
    check_circular=False,  # a cycle never passes the depth limit of the guard
)


def stdlib_is_canonical(value: Any) -> bool:
    """Whether the standard library's encoder writes `value` exactly as RFC 8785 does.

    Only plain JSON types (exactly dict with str keys, list, str, int, float, bool, None; no
    subclasses), integers within ±(2^53 − 1), finite non-integral floats of at least 1e-4 in
    magnitude, keys of BMP characters only, at most `_MAX_FAST_DEPTH` levels. Strings in values
    may hold anything: both encoders escape the same characters the same way, and both refuse
    a lone surrogate (`canonical_json`).
    """
    level = [value]
    for _ in range(_MAX_FAST_DEPTH):
        below: list[Any] = []
        for item in level:
            kind = type(item)
            if kind is str or kind is bool or item is None:
                continue
            if kind is dict:
                for key in item:
                    if type(key) is not str or not (key.isascii() or _BMP_KEY.fullmatch(key)):
                        return False
                below.extend(item.values())
            elif kind is list:
                below.extend(item)
            elif kind is int:
                if not -_MAX_SAFE_INT <= item <= _MAX_SAFE_INT:
                    return False
            elif kind is float:
                # The range also keeps out NaN and the infinities.
                if not _MIN_FIXED_FLOAT <= abs(item) < _MAX_FIXED_FLOAT or item.is_integer():
                    return False
            else:
                return False
        if not below:
            return True
        level = below
    return False


def canonical_json(value: Any) -> bytes:
    """`rfc8785.dumps(value)`, through the C encoder where `stdlib_is_canonical` allows;
    raises `rfc8785.CanonicalizationError` for data that has no canonical form."""
    try:
        if not stdlib_is_canonical(value):
            return rfc8785.dumps(value)
        return _STDLIB.encode(value).encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate: rfc8785 refuses one in a string as CanonicalizationError, but one
        # in a key escapes it as this (its UTF-16 sort key cannot encode it).
        raise rfc8785.CanonicalizationError("input contains non-UTF-8 codepoints") from None


def canonical_bytes(value: BaseModel | Any) -> bytes:
    """RFC 8785 bytes of a model (dumped in JSON mode) or of plain JSON data; NotCanonical
    for data that has no canonical form."""
    # No value can be a model before pydantic.main, which defines BaseModel, is imported: a
    # start that hashes plain data does not pay for importing pydantic here.
    models = sys.modules.get("pydantic.main")
    if models is not None and isinstance(value, models.BaseModel):
        value = value.model_dump(mode="json")
    try:
        return canonical_json(value)
    except rfc8785.CanonicalizationError:
        raise NotCanonical from None


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical_sha256(value: BaseModel | Any) -> str:
    return sha256_hex(canonical_bytes(value))
