"""Files that parse and validate but hold data RFC 8785 cannot write: an integer beyond
±(2^53 − 1) (JSON numbers are doubles) where a model keeps ints. Every reader refuses them
with a Chinese reason, never an internal error."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from assessor.core.paths import default_rubric_path
from assessor.core.problems import UserError
from assessor.core.rubric.registry import default_rubric
from assessor.core.rubric.validate import load_rubric
from assessor.core.session import EditingSession
from assessor.core.signing.keys import training_signer
from assessor.core.storage.store import Store
from assessor.devtools.demo import demo_files
from tests.hostile.harness import assert_good_failure, run_in_process

UNSAFE = 2**60


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    (files,) = demo_files(default_rubric(), training_signer(), count=1, with_pdf=False)
    return json.loads(files.json_bytes)


def _set(data: dict[str, Any], path: tuple[str | int, ...], value: object) -> None:
    for key in path[:-1]:
        data = data[key]  # type: ignore[index]
    data[path[-1]] = value  # type: ignore[index]


EDITS: dict[str, Callable[[dict[str, Any]], None]] = {
    "indicator score": lambda d: _set(d, ("scores", 0, "score"), UNSAFE),
    "stored total": lambda d: _set(d, ("result", "total"), -UNSAFE),
    "completeness": lambda d: _set(d, ("result", "completeness", "scored"), UNSAFE),
    "audit length": lambda d: _set(d, ("audit_length",), UNSAFE),
}


@pytest.mark.parametrize("edit", EDITS, ids=str)
def test_verify_and_import_refuse_them(edit: str, signed: dict[str, Any], tmp_path: Path) -> None:
    data = json.loads(json.dumps(signed))
    EDITS[edit](data)
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    found = run_in_process(["verify", str(path), "--allow-training"])
    assert_good_failure(found)
    assert "2^53" in found.text

    register = tmp_path / "register"
    imported = run_in_process(
        ["register", "import", str(path), "--db", str(register), "--allow-training", "--json"]
    )
    assert imported.code == 0, imported.text
    # The summary, then the notice on stderr (no --trust) in the same captured text.
    summary, _ = json.JSONDecoder().raw_decode(imported.text[imported.text.index("{") :])
    assert summary["inputs"] == 1 and summary["registered"] == 0
    assert sum(summary["quarantined"].values()) == 1


def test_a_rubric_with_one_is_refused(tmp_path: Path) -> None:
    data = json.loads(default_rubric_path().read_text(encoding="utf-8"))
    data["check_parameters"]["home_care_max_children"] = UNSAFE
    path = tmp_path / "rubric.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert_good_failure(run_in_process(["rubric", "check", str(path)]))
    with pytest.raises(UserError, match="2\\^53"):
        load_rubric(path).sha256  # noqa: B018 (the hash is what refuses it)


def test_a_record_with_one_in_its_audit_chain_is_damaged_not_a_crash(tmp_path: Path) -> None:
    rubric = default_rubric()
    store = Store(tmp_path / "data")
    session = EditingSession.create(store, rubric)
    session.set_score(rubric.indicators[0].id, rubric.indicators[0].levels[0].points)
    store.compact(session.key)
    record = next((tmp_path / "data").rglob("record.json"))
    tables = json.loads(record.read_text(encoding="utf-8"))
    first = next(iter(tables["audit"]))
    tables["audit"][first]["new"] = UNSAFE
    record.write_text(json.dumps(tables, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(UserError):
        Store(tmp_path / "data", read_only=True).load(session.key)
