"""The C encoder's fast path writes exactly the RFC 8785 bytes whenever its guard takes it.

`rfc8785.dumps` is the reference throughout: the expectation is never computed with the code
under test. Real exported documents must all take the fast path (else the speed is lost).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
import rfc8785
from hypothesis import example, given, settings
from hypothesis import strategies as st

from assessor.core.canonical import canonical_json, stdlib_is_canonical

SIGNED = Path(__file__).parents[1] / "data" / "signed"

# Every character class that matters to an encoder: controls (short and \u forms), the two
# JSON specials, DEL, the line and paragraph separators, CJK, astral characters, lone surrogates.
_SPECIAL = (
    [chr(c) for c in range(0x20)]
    + ['"', "\\", "/", "\x7f", "\x80", "\u2028", "\u2029", "\ufeff", "\uffff"]
    + ["评", "估", "托", "育", "\U0001f600", "\U00020000", "\ud800", "\udfff"]
)
_chars = st.sampled_from(_SPECIAL) | st.characters(codec=None)
_text = st.text(_chars, max_size=10)
_floats = (
    st.floats(allow_nan=True, allow_infinity=True)
    | st.floats(min_value=-1e-3, max_value=1e-3)
    | st.floats(min_value=-1e22, max_value=1e22)
    | st.integers(-(2**60), 2**60).map(float)
    | st.sampled_from([0.0, -0.0, 1e-4, 9.999e-5, 1e-7, 1e16, 1e21, 160.0, 0.1, 99.99, 5e-324])
)
_ints = st.integers(-(2**53) + 1, 2**53 - 1) | st.integers() | st.sampled_from([2**53, -(2**53)])
_scalars = st.none() | st.booleans() | _ints | _floats | _text
_json = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=30,
)

# Documents the guard must let through, so the comparison below runs on the fast path itself:
# floats of every magnitude it admits, keys with any BMP character (CJK, controls, specials).
_bmp_chars = st.sampled_from(
    [
        c
        for c in _SPECIAL
        if len(c.encode("utf-16-be", "surrogatepass")) == 2 and not "\ud800" <= c <= "\udfff"
    ]
) | st.characters(max_codepoint=0xFFFF, exclude_categories=("Cs",))
_fast_floats = st.floats(allow_nan=False, allow_infinity=False).filter(
    lambda f: 1e-4 <= abs(f) < 1e16 and not f.is_integer()
)
_fast_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53) + 1, 2**53 - 1)
    | _fast_floats
    | st.text(_chars.filter(lambda c: not "\ud800" <= c <= "\udfff"), max_size=10),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(_bmp_chars, max_size=6), inner, max_size=4)
    ),
    max_leaves=30,
)


def _reference(value: Any) -> bytes | type[Exception]:
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, UnicodeEncodeError):
        # The library refuses a lone surrogate in a key with UnicodeEncodeError (its sort key).
        return rfc8785.CanonicalizationError


def _fast(value: Any) -> bytes | type[Exception]:
    try:
        return canonical_json(value)
    except rfc8785.CanonicalizationError:
        return rfc8785.CanonicalizationError


@settings(max_examples=1500)
@given(_json)
@example({"\U0001f600": 1, "\uffff": 2})  # astral keys sort differently by UTF-16 unit
@example({"a": 160.0, "b": -0.0, "c": 1e-05, "d": 1e16})
@example(["\ud800", {"k": "\udfff"}])
def test_fast_path_bytes_equal_the_library(value: Any) -> None:
    assert _fast(value) == _reference(value)


@settings(max_examples=1000)
@given(_fast_json)
def test_documents_the_guard_admits_take_the_fast_path_and_match(value: Any) -> None:
    assert stdlib_is_canonical(value)
    assert canonical_json(value) == rfc8785.dumps(value)


@given(_json)
def test_guard_is_decided_by_the_value_alone(value: Any) -> None:
    """Whenever the guard takes the fast path, the C encoder's own bytes are RFC 8785's."""
    if not stdlib_is_canonical(value):
        return
    try:
        fast = json.dumps(
            value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
        ).encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: the library refuses it too
        assert _reference(value) is rfc8785.CanonicalizationError
        return
    assert fast == rfc8785.dumps(value)


def test_every_escape_on_the_fast_path() -> None:
    """Controls with RFC 8785's short forms and lowercase \\u00xx, DEL, U+2028/2029 and astral
    text as they are: proven on the fast path, not assumed."""
    text = "".join(chr(c) for c in range(0x80)) + "\u2028\u2029\U0001f600评估\ufeff"
    value = {"k": text, text[0x20:0x7F] + "\u2028": [text]}
    assert stdlib_is_canonical(value)
    out = canonical_json(value)
    assert out == rfc8785.dumps(value)
    assert b"\\u001f" in out and b"\\b\\t\\n\\u000b\\f\\r" in out
    assert "\x7f\u2028\u2029\U0001f600".encode() in out


@pytest.mark.parametrize(
    "value",
    [
        {"\U0001f600": 1},  # astral key
        {"\ud800": 1},  # lone surrogate key
        [160.0],
        [-0.0],
        [1e-05],
        [1e16],
        [math.inf],
        [math.nan],
        [2**53],
        [-(2**53)],
        [True, (1, 2)],  # a tuple is not JSON data as parsed
        {1: "x"},
        [object()],
    ],
)
def test_guard_refuses_what_the_c_encoder_writes_otherwise(value: Any) -> None:
    assert not stdlib_is_canonical(value)


def test_deep_nesting_takes_the_library_path() -> None:
    deep: Any = "x"
    for _ in range(300):
        deep = [deep]
    assert not stdlib_is_canonical(deep)
    assert canonical_json(deep) == rfc8785.dumps(deep)


def test_lone_surrogate_in_a_value_is_refused_like_the_library() -> None:
    value = {"a": "ok\udc80"}
    assert stdlib_is_canonical(value)
    with pytest.raises(rfc8785.CanonicalizationError):
        rfc8785.dumps(value)
    with pytest.raises(rfc8785.CanonicalizationError):
        canonical_json(value)


def _exported_documents() -> list[tuple[str, dict[str, Any]]]:
    from assessor.core.rubric.registry import default_rubric
    from assessor.core.signing.keys import training_signer
    from assessor.devtools.demo import demo_files

    found = [(p.name, json.loads(p.read_bytes())) for p in sorted(SIGNED.rglob("*.json"))]
    for n, files in enumerate(
        demo_files(default_rubric(), training_signer(), count=4, with_pdf=False)
    ):
        found.append((f"demo {n}", json.loads(files.json_bytes)))
    return found


def test_real_exported_documents_always_take_the_fast_path() -> None:
    documents = _exported_documents()
    assert len(documents) >= 7
    for name, data in documents:
        parts = [data, data["signature"], {k: v for k, v in data.items() if k != "signature"}]
        for part in parts:
            assert stdlib_is_canonical(part), name
            assert canonical_json(part) == rfc8785.dumps(part), name
