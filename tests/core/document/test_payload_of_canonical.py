"""The signed bytes cut out of a canonical file equal the payload serialised on its own."""

from __future__ import annotations

import json
from pathlib import Path

import rfc8785
from hypothesis import given
from hypothesis import strategies as st

from assessor.core.document.signed import payload_of_canonical

SIGNED = Path(__file__).parents[2] / "data" / "signed"

_json = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=12,
)


def _without_signature(data: dict) -> bytes:
    return rfc8785.dumps({k: v for k, v in data.items() if k != "signature"})


@given(st.dictionaries(st.text(max_size=12), _json, max_size=6), _json)
def test_any_position_of_the_signature_member(members: dict, signature: object) -> None:
    data = {**members, "signature": signature}
    assert payload_of_canonical(rfc8785.dumps(data), data) == _without_signature(data)


def test_the_same_member_text_nested_elsewhere() -> None:
    """A nested object holding the very same `"signature":…` text cannot confuse the cut."""
    signature = {"cms": "x"}
    data = {"a": {"signature": signature}, "signature": signature, "z": [{"signature": signature}]}
    assert payload_of_canonical(rfc8785.dumps(data), data) == _without_signature(data)


def test_only_member_and_no_member() -> None:
    assert payload_of_canonical(b'{"signature":1}', {"signature": 1}) == b"{}"
    assert payload_of_canonical(b'{"a":1}', {"a": 1}) == b'{"a":1}'


def test_files_kept_from_earlier_releases() -> None:
    files = sorted(SIGNED.rglob("*.json"))
    assert files
    for path in files:
        raw = path.read_bytes()
        data = json.loads(raw)
        assert payload_of_canonical(raw, data) == _without_signature(data), path
