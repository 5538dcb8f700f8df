"""Thousands of malformed inputs (random bytes, mutated signed files, junk JSON, hostile zips):
the importer never crashes or hangs, and every input has exactly one line in its batch log."""

from __future__ import annotations

import dataclasses
import io
import json
import sqlite3
import stat
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessor.core.register.importer import ImportOptions, run_import
from assessor.core.register.rows import Outcome
from assessor.core.register.sources import Limits
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.signing.keys import SigningKey
from tests.core.register.builders import assessment, signed

SECONDS_PER_EXAMPLE = 60  # far above the few seconds an example takes; a hang would pass it
LIMITS = Limits(max_file_bytes=200_000, max_zip_total=400_000, max_zip_entries=30)


@pytest.fixture(scope="module")
def good(rubric: LoadedRubric, signer: SigningKey) -> bytes:
    return signed(rubric, assessment(rubric, 1), signer)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=30,
)


@st.composite
def mutated(draw: st.DrawFn, good: bytes) -> bytes:
    data = bytearray(good)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["flip", "drop", "insert", "cut"]))
        if action == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif action == "drop":
            del data[at]
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        else:
            del data[at:]
            break
    return bytes(data)


ENTRY_NAMES = st.sampled_from(
    [
        "a.json",
        "dir/b.json",
        "../up.json",
        "/abs.json",
        "C:/win.json",
        "inner.zip",
        "note.txt",
        "link.json",
    ]
)


@st.composite
def hostile_zip(draw: st.DrawFn, contents: st.SearchStrategy[bytes]) -> tuple[bytes, list[str]]:
    buffer = io.BytesIO()
    names = draw(st.lists(ENTRY_NAMES, min_size=0, max_size=6, unique=True))
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if name == "link.json":
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, draw(contents))
    raw = buffer.getvalue()
    if draw(st.booleans()) and raw:
        raw = raw[: draw(st.integers(0, len(raw) - 1))]  # a truncated zip
    return raw, names


def _inputs(good: bytes) -> st.SearchStrategy:
    contents = st.one_of(
        st.binary(max_size=300),
        json_values.map(lambda v: json.dumps(v).encode()),
        mutated(good),
        st.just(b"0" * 300_000),  # over the (lowered) size limit
    )
    one = st.one_of(
        contents.map(lambda raw: ("json", raw, [])),
        hostile_zip(contents).map(lambda z: ("zip", z[0], z[1])),
    )
    return st.lists(one, min_size=20, max_size=40)


def _input_names(names: list[str]) -> set[str]:
    return {n for n in names if n.lower().endswith((".json", ".zip"))}


def test_malformed_inputs_are_all_accounted_for(
    tmp_path_factory: pytest.TempPathFactory, good: bytes, options: ImportOptions
) -> None:
    thrown = {"files and entries": 0}

    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(_inputs(good))
    def run(inputs: list[tuple[str, bytes, list[str]]]) -> None:
        root = tmp_path_factory.mktemp("hostile")
        inbox = root / "inbox"
        inbox.mkdir()
        written: list[tuple[Path, str, list[str]]] = []
        for n, (kind, raw, names) in enumerate(inputs):
            path = inbox / f"{n:03d}.{kind}"
            path.write_bytes(raw)
            written.append((path, kind, names))
        started = time.monotonic()
        summary = run_import(root / "reg", [inbox], dataclasses.replace(options, limits=LIMITS))
        assert time.monotonic() - started < SECONDS_PER_EXAMPLE
        conn = sqlite3.connect(root / "reg" / "register.sqlite3")
        lines = conn.execute("SELECT source, outcome FROM batch_inputs").fetchall()
        conn.close()
        sources = [source for source, _ in lines]
        assert len(sources) == len(set(sources)) == summary.inputs
        assert {outcome for _, outcome in lines} <= {o.value for o in Outcome}
        for path, kind, names in written:
            if kind == "json":
                assert sources.count(str(path)) == 1
                continue
            entries = {s.split("!", 1)[1] for s in sources if s.startswith(f"{path}!")}
            if str(path) in sources:  # refused as a whole (damaged, over a limit)
                assert not entries
            else:
                assert entries == _input_names(names)
        thrown["files and entries"] += sum(max(1, len(names)) for _, _, names in inputs)

    run()
    assert thrown["files and entries"] >= 1000
