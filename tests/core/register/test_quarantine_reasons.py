"""Every kind of bad input is quarantined with its own reason code, and the counts add up."""

from __future__ import annotations

import base64
import dataclasses
import io
import json
import os
import sqlite3
import stat
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import rfc8785

from assessor.core.assessment.model import RubricRef, Status
from assessor.core.canonical import canonical_bytes
from assessor.core.document import signed as signed_document
from assessor.core.document.build import build_document
from assessor.core.document.model import AssessmentDocument
from assessor.core.document.signed import document_bytes, sign_document
from assessor.core.register.importer import ImportOptions, run_import
from assessor.core.register.sources import Limits
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.scoring.engine import compute_result
from assessor.core.signing.keys import KeyInfo, SigningKey, training_signer
from tests.core.register.builders import assessment, signed


def _edited(raw: bytes, edit: Callable[[dict], None]) -> bytes:
    data = json.loads(raw)
    edit(data)
    return rfc8785.dumps(data)


def _zip(entries: dict[str, bytes], *, symlinks: tuple[str, ...] = ()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if name in symlinks:
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def _signed_document(document: AssessmentDocument, signer: SigningKey) -> bytes:
    return document_bytes(sign_document(document, signer))


@pytest.fixture(scope="module")
def variants(
    rubric: LoadedRubric,
    signer: SigningKey,
    stranger: SigningKey,
    expired_signer: SigningKey,
    future_signer: SigningKey,
) -> dict[str, tuple[str, bytes]]:
    """name in the inbox → (expected code, bytes)."""
    good = signed(rubric, assessment(rubric, 1), signer)
    record = assessment(rubric, 2)
    other = assessment(rubric, 3)
    unsigned = build_document(rubric, record, [], training=False)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(KeyInfo, "problem_at", lambda self, moment: None)
        expired = signed(rubric, record, expired_signer)
        future = signed(rubric, record, future_signer)
    with pytest.MonkeyPatch.context() as patch:

        class AnyStatus:  # sign_document only signs final documents; this one is a draft
            final = Status.draft

        patch.setattr(signed_document, "Status", AnyStatus)
        draft = _signed_document(unsigned.model_copy(update={"status": Status.draft}), signer)
    bad_level = unsigned.scores[0].model_copy(update={"score": 0.1})
    invalid = unsigned.model_copy(update={"scores": [bad_level, *unsigned.scores[1:]]})
    unknown_rubric = unsigned.model_copy(
        update={"rubric": RubricRef(code="TEST 1—2024", version="9", sha256="0" * 64)}
    )
    return {
        "big.json": ("too_large", b" " * (5 * 1024 * 1024 + 1)),
        "hostile.zip": ("", b""),  # its entries are listed in test_zip_entries
        "gbk.json": ("not_utf8", '{"名称": "托育"}'.encode("gbk")),
        "syntax.json": ("not_json", b'{"a": '),
        "dupkey.json": ("duplicate_key", b'{"id": "a", "id": "b"}'),
        "deep.json": ("too_deep", b"[" * 100_000 + b"]" * 100_000),
        "digits.json": ("number_too_long", b'{"a": 1' + b"0" * 5000 + b"}"),
        "nan.json": ("non_finite", b'{"a": NaN}'),
        "list.json": ("not_object", b"[]"),
        "schema.json": ("schema", b'{"format": "assessor.assessment/1", "id": "x"}'),
        "format.json": (
            "unknown_format",
            _edited(good, lambda d: d.update(format="assessor.assessment/9")),
        ),
        "unsigned.json": ("unsigned", canonical_bytes(unsigned)),
        "pretty.json": ("not_canonical", json.dumps(json.loads(good), indent=1).encode()),
        "cms.json": (
            "signature_broken",
            _edited(good, lambda d: d["signature"].update(cms=base64.b64encode(b"junk").decode())),
        ),
        "tampered.json": (
            "tampered",
            _edited(good, lambda d: d["centre"].update(name="别的托育中心")),
        ),
        "stranger.json": ("untrusted", signed(rubric, record, stranger)),
        "expired.json": ("cert_expired", expired),
        "future.json": ("cert_not_yet_valid", future),
        "signer.json": (
            "signature_info_altered",
            _edited(good, lambda d: d["signature"]["signer"].update(name="假名")),
        ),
        "training.json": ("training", signed(rubric, record, training_signer())),
        "draft.json": ("not_final", draft),
        "rubric.json": ("rubric_unknown", _signed_document(unknown_rubric, signer)),
        "level.json": ("score_invalid", _signed_document(invalid, signer)),
        "result.json": (
            "result_mismatch",
            _signed_document(
                unsigned.model_copy(update={"result": compute_result(rubric, other)}), signer
            ),
        ),
        "good.json": ("", good),
    }


ZIP_ENTRIES = {
    "../evil.json": "zip_unsafe_name",
    "/abs.json": "zip_unsafe_name",
    "link.json": "zip_symlink",
    "inner.zip": "zip_nested",
    "bomb.json": "zip_ratio",
    "huge.json": "too_large",
    "ok/fine.json": "",
}


def _hostile_zip(good: bytes) -> bytes:
    return _zip(
        {
            "../evil.json": good,
            "/abs.json": good,
            "link.json": b"/etc/passwd",
            "inner.zip": _zip({"x.json": good}),
            "bomb.json": b"0" * (2 * 1024 * 1024),
            "huge.json": b"0" * (6 * 1024 * 1024),
            "ok/fine.json": good,
            "notes.txt": b"not an input",
        },
        symlinks=("link.json",),
    )


def _outcomes(register: Path) -> dict[str, tuple[str, str | None]]:
    conn = sqlite3.connect(register / "register.sqlite3")
    try:
        rows = conn.execute("SELECT source, outcome, reason_code FROM batch_inputs")
        return {source: (outcome, code) for source, outcome, code in rows}
    finally:
        conn.close()


def test_every_bad_variant_has_its_own_reason(
    tmp_path: Path, variants: dict[str, tuple[str, bytes]], options: ImportOptions
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name, (_code, raw) in variants.items():
        (inbox / name).write_bytes(raw)
    good = variants["good.json"][1]
    (inbox / "hostile.zip").write_bytes(_hostile_zip(good))
    os.mkfifo(inbox / "pipe.json")
    (inbox / "report.pdf").write_bytes(b"%PDF")
    missing = tmp_path / "nowhere.json"

    summary = run_import(tmp_path / "reg", [inbox, missing], options)

    outcomes = _outcomes(tmp_path / "reg")
    expected = {
        str(inbox / name): ("registered", None) if not code else ("quarantined", code)
        for name, (code, _raw) in variants.items()
        if name != "hostile.zip"
    }
    expected |= {
        f"{inbox / 'hostile.zip'}!{entry}": ("duplicate", None)
        if not code
        else ("quarantined", code)
        for entry, code in ZIP_ENTRIES.items()
    }
    expected[str(inbox / "pipe.json")] = ("quarantined", "not_regular")
    expected[str(missing)] = ("quarantined", "missing")
    assert outcomes == expected
    codes = [code for _outcome, code in expected.values() if code]
    assert summary.inputs == len(expected) == summary.registered + summary.duplicates + len(codes)
    assert summary.quarantined == {code: codes.count(code) for code in set(codes)}
    assert summary.skipped == 2  # report.pdf and notes.txt in the zip


@pytest.mark.parametrize(
    ("limits", "code"),
    [
        (Limits(max_zip_entries=2), "zip_too_many"),
        (Limits(max_zip_total=1000), "zip_too_large"),
    ],
)
def test_zip_limits_refuse_the_whole_zip(
    tmp_path: Path, options: ImportOptions, limits: Limits, code: str
) -> None:
    (tmp_path / "in.zip").write_bytes(_zip({f"{n}.json": b"{}" * 300 for n in range(3)}))
    summary = run_import(
        tmp_path / "reg", [tmp_path / "in.zip"], dataclasses.replace(options, limits=limits)
    )
    assert (summary.inputs, summary.quarantined) == (1, {code: 1})


def test_a_damaged_zip_is_refused(tmp_path: Path, options: ImportOptions) -> None:
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 not really a zip")
    summary = run_import(tmp_path / "reg", [tmp_path / "broken.zip"], options)
    assert summary.quarantined == {"zip_broken": 1}


def test_an_entry_larger_than_declared_is_cut_off(tmp_path: Path, options: ImportOptions) -> None:
    """A zip that declares a small size but inflates to more: zipfile stops at the declared
    size and the CRC no longer matches."""
    small = Limits(max_file_bytes=1000)
    payload = b"0" * 50_000
    raw = bytearray(_zip({"liar.json": payload}))
    declared = len(payload).to_bytes(4, "little")
    assert raw.count(declared) == 2  # local header and central directory
    raw = raw.replace(declared, (900).to_bytes(4, "little"))
    (tmp_path / "liar.zip").write_bytes(bytes(raw))
    summary = run_import(
        tmp_path / "reg", [tmp_path / "liar.zip"], dataclasses.replace(options, limits=small)
    )
    assert (summary.inputs, summary.quarantined) == (1, {"zip_broken": 1})
