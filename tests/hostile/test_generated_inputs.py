"""Generated hostile inputs: damaged copies of a real signed file and arbitrary JSON values.

A command may accept what is still valid (exit 0); anything else must fail well.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessor.core.rubric.registry import default_rubric
from assessor.core.signing.keys import training_signer
from assessor.devtools.demo import demo_files
from tests.hostile.harness import assert_good_failure, disk_state, run_in_process

GENERATED = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    (files,) = demo_files(default_rubric(), training_signer(), count=1, with_pdf=False)
    return files.json_bytes


def _damage(data: bytes, draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["flip", "truncate", "insert", "delete", "splice-deep"]))
    at = draw(st.integers(0, len(data) - 1))
    if kind == "flip":
        return data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]
    if kind == "truncate":
        return data[:at]
    if kind == "insert":
        return data[:at] + draw(st.binary(min_size=1, max_size=64)) + data[at:]
    if kind == "delete":
        return data[:at] + data[at + draw(st.integers(1, 64)) :]
    depth = draw(st.integers(60, 200_000))
    return data[:at] + b"[" * depth + data[at:]


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**4000), max_value=10**4000)  # json.dumps stops at 4,300 digits
    | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=40,
)


def _check(args: list[str], folder: Path) -> None:
    before = disk_state(folder)
    outcome = run_in_process(args)
    if outcome.code != 0:
        assert_good_failure(outcome)
    assert disk_state(folder) == before


@GENERATED
@given(data=st.data())
def test_damaged_signed_files(signed: bytes, tmp_path: Path, data: st.DataObject) -> None:
    damaged = _damage(signed, data.draw)
    path = tmp_path / "damaged.json"
    path.write_bytes(damaged)
    for command in (["verify", str(path), "--allow-training"], ["score", str(path)]):
        _check(command, tmp_path)


@GENERATED
@given(value=json_values)
def test_arbitrary_json_values(tmp_path: Path, value: object) -> None:
    path = tmp_path / "value.json"
    path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    for command in (["score", str(path)], ["rubric", "check", str(path)]):
        _check(command, tmp_path)
