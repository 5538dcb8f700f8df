"""Signing is an event: a version is signed once, re-exports write the kept files again, the
audit chain records the signing, and one moment is the signing time of JSON, PDF and stamp."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from assessor.core.amendment import amend
from assessor.core.audit import append, verify_chain
from assessor.core.canonical import sha256_hex
from assessor.core.clock import beijing_text
from assessor.core.document.verify import verify_json
from assessor.core.export.signed_export import export_signed
from assessor.core.problems import UserError
from assessor.core.rubric.registry import default_rubric
from assessor.core.signing.keys import SigningKey, load_signer, training_signer
from assessor.core.signing.pdf_signature import verify_pdf
from assessor.core.storage.store import Store, StoreError, record_key
from assessor.devtools.demo import simulated_visit
from assessor.devtools.samples import sample_assessment
from tests.core.signing.pki import KEY_PASSPHRASE, Pki, make_pki

RUBRIC = default_rubric()


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def real_key(pki: Pki) -> SigningKey:
    return load_signer(pki.key_path, KEY_PASSPHRASE)


def final_record(store: Store, seed: int = 4) -> str:
    draft = sample_assessment(RUBRIC, seed, training=False)
    store.create(draft)
    final, _ = simulated_visit(draft, draft.created_at)
    store.save(final, append([], "finalise", old="draft", new="final"))
    return record_key(draft)


def signed_entries(store: Store, key: str) -> list:
    return [e for e in store.audit(key) if e.action == "signed"]


def test_exporting_twice_writes_byte_identical_files(
    tmp_path: Path, real_key: SigningKey, pki: Pki
) -> None:
    store = Store(tmp_path / "data")
    key = final_record(store)
    first = export_signed(store, key, real_key, tmp_path / "a")
    second = export_signed(store, key, real_key, tmp_path / "b")
    assert first.json_path.read_bytes() == second.json_path.read_bytes()
    assert first.pdf_path and second.pdf_path
    assert first.pdf_path.read_bytes() == second.pdf_path.read_bytes()
    (entry,) = signed_entries(store, key)
    assert entry.new == {
        "sha256": sha256_hex(first.json_path.read_bytes()),
        "training": False,
        "folder": "1",
    }
    assert verify_chain(store.audit(key)) == []
    assert verify_json(first.json_path.read_bytes(), [pki.ca_cert], False).ok


def test_a_signed_version_is_never_signed_again(tmp_path: Path, real_key: SigningKey) -> None:
    store = Store(tmp_path / "data")
    key = final_record(store)
    files = export_signed(store, key, real_key, tmp_path / "out")
    with pytest.raises(StoreError, match="只签名一次"):
        store.record_signing(
            key, b"{}", b"", training=False, signed_at=files.document.signature.signed_at
        )
    # Another key (here the training key) is refused with the reason, never handed the files
    # another key signed; the same key gets the kept files.
    with pytest.raises(UserError, match=r"已由.*签名.*不能改用培训评估员"):
        export_signed(store, key, training_signer(), tmp_path / "again")
    assert not (tmp_path / "again").exists()
    again = export_signed(store, key, real_key, tmp_path / "again")
    assert again.json_path.read_bytes() == files.json_path.read_bytes()
    assert len(signed_entries(store, key)) == 1


def test_a_training_signing_may_be_followed_by_one_real_signing(
    tmp_path: Path, real_key: SigningKey, pki: Pki
) -> None:
    store = Store(tmp_path / "data")
    key = final_record(store)
    practice = export_signed(store, key, training_signer(), tmp_path / "practice")
    assert next(r for r in store.list() if r.key == key).training_signed
    official = export_signed(store, key, real_key, tmp_path / "official")
    assert official.json_path.read_bytes() != practice.json_path.read_bytes()
    entries = signed_entries(store, key)
    assert [e.new["training"] for e in entries] == [True, False]
    summary = next(r for r in store.list() if r.key == key)
    assert summary.signed and not summary.training_signed
    # Both signings stay; the official one stands for the version.
    assert [s.training for s in store.signings(key)] == [True, False]
    assert store.signed_json(key) == official.json_path.read_bytes()
    assert verify_json(official.json_path.read_bytes(), [pki.ca_cert], False).ok
    with pytest.raises(UserError, match="不能改用"):
        export_signed(store, key, training_signer(), tmp_path / "later")


def test_one_signing_time_for_json_pdf_and_stamp(tmp_path: Path, pki: Pki, real_key) -> None:
    store = Store(tmp_path / "data")
    key = final_record(store, seed=8)
    files = export_signed(store, key, real_key, tmp_path / "out")
    assert files.pdf_path is not None
    json_check = verify_json(files.json_path.read_bytes(), [pki.ca_cert], False)
    pdf_check = verify_pdf(files.pdf_path.read_bytes(), [pki.ca_cert], False)
    assert json_check.ok and pdf_check.ok, (json_check.problems, pdf_check.problems)
    assert json_check.signed_at == pdf_check.signed_at
    (entry,) = signed_entries(store, key)
    assert entry.at == json_check.signed_at
    text = subprocess.run(
        ["pdftotext", str(files.pdf_path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert f"签名时间：{beijing_text(json_check.signed_at, '%Y-%m-%d %H:%M')}" in text


def test_amending_a_superseded_version_says_which_version_to_amend(
    tmp_path: Path, real_key: SigningKey
) -> None:
    store = Store(tmp_path / "data")
    key = final_record(store)
    export_signed(store, key, real_key, tmp_path / "out")
    amend(store, key, "更正笔误")
    with pytest.raises(UserError, match="已被第 2 版取代"):
        amend(store, key, "再次更正")


def test_records_signed_before_signings_were_numbered_still_count(
    tmp_path: Path, real_key: SigningKey
) -> None:
    """A record folder of an earlier release: the pair directly in signed/, no audit entry."""
    store = Store(tmp_path / "data")
    key = final_record(store)
    files = export_signed(store, key, real_key, tmp_path / "out")
    folder = tmp_path / "data" / "assessments" / key
    legacy = folder / "signed"
    (legacy / "1" / "assessment.json").rename(legacy / "assessment.json")
    (legacy / "1" / "report.pdf").rename(legacy / "report.pdf")
    (legacy / "1").rmdir()
    record = json.loads((folder / "record.json").read_text(encoding="utf-8"))
    audit = record["audit"]
    del audit[str(len(audit))]
    from assessor.core.storage.store import _seal  # the seal an earlier release wrote

    record["seal"]["1"] = _seal(record["assessment"]["1"], audit)
    (folder / "record.json").write_text(json.dumps(record), encoding="utf-8")

    fresh = Store(tmp_path / "data")
    (signing,) = fresh.signings(key)
    assert not signing.training
    assert fresh.signed_json(key) == files.json_path.read_bytes()
    again = export_signed(fresh, key, real_key, tmp_path / "again")
    assert again.json_path.read_bytes() == files.json_path.read_bytes()
