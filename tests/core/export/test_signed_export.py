"""Finalised record → signed JSON + signed PDF that verify, and the refusals around it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding

from assessor.core.amendment import amend
from assessor.core.assessment.model import Status
from assessor.core.audit import append, verify_chain
from assessor.core.canonical import sha256_hex
from assessor.core.document.verify import verify_json
from assessor.core.export.signed_export import export_names, export_signed
from assessor.core.problems import UserError
from assessor.core.rubric.registry import default_rubric
from assessor.core.signing.keys import training_signer
from assessor.core.signing.pdf_signature import verify_pdf
from assessor.core.signing.training import training_ca
from assessor.core.storage.store import Store, record_key
from assessor.devtools.demo import simulated_visit
from assessor.devtools.samples import sample_assessment

RUBRIC = default_rubric()


@pytest.fixture(scope="module")
def signer():
    return training_signer()


def stored_final(store: Store, seed: int = 3) -> str:
    """A sample scored through the store: draft, one audited save, then finalise."""
    draft = sample_assessment(RUBRIC, seed, training=True)
    store.create(draft)
    key = record_key(draft)
    chain = [append([], "profile", new=draft.centre.name)]
    store.save(draft, chain[0])
    final, _ = simulated_visit(draft, draft.created_at)
    store.save(final, append(chain, "finalise", old="draft", new="final"))
    return key


def test_export_writes_a_json_and_a_pdf_that_both_verify(tmp_path: Path, signer) -> None:
    store = Store(tmp_path / "data")
    key = stored_final(store)
    steps: list[int] = []
    files = export_signed(
        store, key, signer, tmp_path / "out", progress=lambda p, _s: steps.append(p)
    )
    assert steps == sorted(steps) and steps[-1] == 100
    raw_json = files.json_path.read_bytes()
    check = verify_json(raw_json, [training_ca()], allow_training=True)
    assert check.ok, check.problems
    assert (check.assessment_id, check.version, check.training) == (key[:32], 1, True)
    assert verify_pdf(files.pdf_path.read_bytes(), [training_ca()], allow_training=True).ok
    document = json.loads(raw_json)
    assert document["audit_length"] == 2
    chain = store.audit(key)
    assert document["audit_head"] == chain[1].hash  # the chain as signed
    assert [e.action for e in chain] == ["profile", "finalise", "signed"]
    assert files.json_path.name == export_names(files.document)[0]
    assert "培训样例" in files.json_path.name
    assert store.signed_json(key) == raw_json
    assert next(r for r in store.list() if r.key == key).signed


def test_a_draft_cannot_be_exported_and_nothing_is_written(tmp_path: Path, signer) -> None:
    store = Store(tmp_path / "data")
    draft = sample_assessment(RUBRIC, 5)
    store.create(draft)
    with pytest.raises(UserError, match="请先定稿"):
        export_signed(store, record_key(draft), signer, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    assert store.signed_json(record_key(draft)) is None


def test_amendment_is_a_new_draft_citing_the_signed_file(tmp_path: Path, signer) -> None:
    store = Store(tmp_path / "data")
    key = stored_final(store)
    with pytest.raises(UserError, match="尚未签名导出"):
        amend(store, key, "笔误")
    export_signed(store, key, signer, tmp_path / "out")
    with pytest.raises(UserError, match="原因"):
        amend(store, key, "  ")

    amended = amend(store, key, "复核后更正 4.1.2")
    assert (amended.version, amended.status) == (2, Status.draft)
    assert amended.supersedes is not None and amended.supersedes.version == 1
    assert amended.supersedes.sha256 == sha256_hex(store.signed_json(key) or b"")
    original = store.load(key)
    assert original.status is Status.final and original.version == 1
    chain = store.audit(record_key(amended))
    assert [e.action for e in chain] == ["amend"] and chain[0].reason == "复核后更正 4.1.2"
    assert verify_chain(chain) == []
    with pytest.raises(UserError):
        amend(store, key, "再次修订")


def test_evidence_is_carried_into_the_amendment(tmp_path: Path, signer) -> None:
    store = Store(tmp_path / "data")
    draft = sample_assessment(RUBRIC, 9, training=True)
    store.create(draft)
    key = record_key(draft)
    photo = tmp_path / "门厅.jpg"
    photo.write_bytes(b"\xff\xd8 not really a jpeg")
    evidence = store.add_evidence(key, photo, "门厅照片")
    draft.scores[0] = draft.scores[0].model_copy(update={"evidence": [evidence]})
    store.save(
        draft, append([], "evidence", indicator=draft.scores[0].indicator, new=evidence.file)
    )
    final, _ = simulated_visit(draft, draft.created_at)
    store.save(final, append(store.audit(key), "finalise"))
    export_signed(store, key, signer, tmp_path / "out")

    amended = amend(store, key, "补充说明")
    (carried,) = amended.scores[0].evidence
    assert carried.sha256 == evidence.sha256 and carried.caption == "门厅照片"
    assert store.evidence_path(record_key(amended), carried).read_bytes() == photo.read_bytes()


def test_the_exported_report_is_complete_and_an_independent_tool_trusts_it(
    tmp_path: Path, signer
) -> None:
    store = Store(tmp_path / "data")
    key = stored_final(store, seed=12)
    files = export_signed(store, key, signer, tmp_path / "out")
    pdf = str(files.pdf_path)

    fonts = subprocess.run(["pdffonts", pdf], capture_output=True, text=True, check=True)
    rows = fonts.stdout.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), fonts.stdout

    text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True, check=True)
    document = files.document
    assert document.centre.name in text.stdout
    assert f"{document.result.grade}" in text.stdout
    missing = [ind.id for ind in RUBRIC.indicators if ind.id not in text.stdout]
    assert missing == []

    ca = tmp_path / "training-ca.pem"
    ca.write_bytes(training_ca().public_bytes(Encoding.PEM))
    pyhanko = Path(sys.executable).with_name("pyhanko")
    out = subprocess.run(
        [str(pyhanko), "sign", "validate", "--trust", str(ca), "--trust-replace", pdf],
        capture_output=True,
        text=True,
    )
    assert "INTACT:TRUSTED,UNTOUCHED" in out.stdout, out.stdout + out.stderr


def test_typed_centre_names_become_file_names_windows_accepts(tmp_path: Path, signer) -> None:
    from assessor.core.export.evidence_package import PACKAGE_SUFFIX
    from assessor.core.file_names import MAX_PATH_UNITS, TEMP_NAME_EXTRA

    store = Store(tmp_path / "data")
    draft = sample_assessment(RUBRIC, 4, training=True, name=' 阳光:宝贝*托育/中心?"分园" . . ')
    store.create(draft)
    key = record_key(draft)
    final, _ = simulated_visit(draft, draft.created_at)
    store.save(final, append([], "finalise", old="draft", new="final"))
    out = tmp_path.joinpath(*["很深的导出文件夹" * 4] * 3)
    files = export_signed(store, key, signer, out)
    assert files.json_path.name.startswith("阳光_宝贝_托育_中心_分园_-")
    # The longest name derived from the export (the evidence package's temporary file) fits.
    longest = len(str(files.json_path.with_name(files.json_path.stem + PACKAGE_SUFFIX)))
    assert longest + TEMP_NAME_EXTRA <= MAX_PATH_UNITS
    for name in export_names(files.document, out):
        assert not set(name) & set('\\/:*?"<>| ') and not name.endswith((".", " "))
