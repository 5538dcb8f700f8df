"""Signed files stay verifiable by every later release: they are checked by the scoring engine
they name, on their normative fields only, never on wording.

`tests/data/signed/` holds files exactly as released versions wrote them: engine 1 files made
by the release before exact arithmetic (commit 8e0d972), engine 2 files by this one. They are
never regenerated; a change that makes one fail breaks the promise to every city that filed them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rfc8785

from assessor.core.document.model import AssessmentDocument
from assessor.core.document.signed import document_bytes, sign_document
from assessor.core.document.verify import verify_json
from assessor.core.scoring import engine, grade
from assessor.core.signing.keys import SigningKey, load_signer
from assessor.core.signing.pdf_signature import verify_pdf
from assessor.core.signing.training import training_ca
from tests.core.signing.pki import KEY_PASSPHRASE, Pki, make_document, make_pki, write_rubric

SIGNED = Path(__file__).parents[2] / "data" / "signed"


@pytest.mark.parametrize("name", sorted(p.name for p in SIGNED.glob("*.json")))
def test_files_signed_by_released_versions_still_verify(name: str) -> None:
    raw = (SIGNED / name).read_bytes()
    check = verify_json(raw, [training_ca()], allow_training=True)
    assert check.ok, check.problems
    assert json.loads(raw).get("engine", "1") == name.split("-")[0].removeprefix("engine")


@pytest.mark.parametrize("name", sorted(p.name for p in SIGNED.glob("*.pdf")))
def test_reports_signed_by_released_versions_still_verify(name: str) -> None:
    check = verify_pdf((SIGNED / name).read_bytes(), [training_ca()], allow_training=True)
    assert check.ok, check.problems


def test_an_engine_1_file_is_judged_by_engine_1() -> None:
    """Engine 1 stored the rounded-float totals; engine 2 would record `earned` besides.
    Verifying it with engine 2 would fail, so the named engine must be the one used."""
    raw = (SIGNED / "engine1-not-applicable.json").read_bytes()
    data = json.loads(raw)
    assert "engine" not in data and data["result"].get("earned") is None
    assert any(s["na"] for s in data["scores"])
    assert verify_json(raw, [training_ca()], allow_training=True).ok


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def key(pki: Pki) -> SigningKey:
    return load_signer(pki.key_path, KEY_PASSPHRASE)


@pytest.fixture(scope="module")
def rubric_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_rubric(tmp_path_factory.mktemp("rubric") / "rubric.json")


def _reworded(monkeypatch: pytest.MonkeyPatch) -> None:
    """A later release that says 总得分 where this one says 总分."""
    original = grade.apply_grade_rule

    def apply(*args, **kwargs):
        explanation = original(*args, **kwargs)
        reasons = [r.replace("总分", "总得分") for r in explanation.reasons]
        return explanation.model_copy(update={"reasons": reasons})

    monkeypatch.setattr(engine, "apply_grade_rule", apply)


def test_a_reworded_explanation_verifies(
    pki: Pki, key: SigningKey, rubric_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assessor.core.rubric.validate import load_rubric

    rubric = load_rubric(rubric_file)
    raw = document_bytes(sign_document(make_document(rubric), key))
    assert "总分" in json.loads(raw)["result"]["explanation"]["reasons"][0]
    _reworded(monkeypatch)
    check = verify_json(raw, [pki.ca_cert], False, rubrics=[rubric_file])
    assert check.ok, check.problems


NORMATIVE_EDITS = {
    "total": lambda r: r.__setitem__("total", r["total"] - 1),
    "grade": lambda r: r.__setitem__("grade", "A" if r["grade"] != "A" else "B"),
    "earned": lambda r: r.__setitem__("earned", r["earned"] + 0.5),
    "dimension score": lambda r: r["dimensions"][0].__setitem__("score", 0),
    "dimension applicable": lambda r: r["dimensions"][0].__setitem__("applicable_max", 1),
    "item earned": lambda r: r["dimensions"][1]["items"][0].__setitem__("earned", 0.5),
    "veto status": lambda r: r["vetoes"][0].__setitem__(
        "status", "unmet" if r["vetoes"][0]["status"] == "met" else "met"
    ),
    "completeness": lambda r: r["completeness"]["missing"].append("4.1.1"),
}


@pytest.mark.parametrize("field", sorted(NORMATIVE_EDITS))
def test_a_result_changed_in_any_normative_field_fails_even_when_re_signed(
    field: str, pki: Pki, key: SigningKey, rubric_file: Path
) -> None:
    from assessor.core.rubric.validate import load_rubric

    rubric = load_rubric(rubric_file)
    data = make_document(rubric).model_dump(mode="json")
    NORMATIVE_EDITS[field](data["result"])
    raw = document_bytes(sign_document(AssessmentDocument.model_validate(data), key))
    check = verify_json(raw, [pki.ca_cert], False, rubrics=[rubric_file])
    assert check.codes == ("result_mismatch",), check.problems


def test_wording_fields_are_not_compared(pki: Pki, key: SigningKey, rubric_file: Path) -> None:
    from assessor.core.rubric.validate import load_rubric

    rubric = load_rubric(rubric_file)
    data = make_document(rubric).model_dump(mode="json")
    data["result"]["explanation"]["reasons"] = ["另一种说法"]
    data["result"]["dimensions"][0]["name"] = "改过的维度名称"
    raw = document_bytes(sign_document(AssessmentDocument.model_validate(data), key))
    assert verify_json(raw, [pki.ca_cert], False, rubrics=[rubric_file]).ok


def test_an_engine_this_release_does_not_know_is_named(
    pki: Pki, key: SigningKey, rubric_file: Path
) -> None:
    from assessor.core.rubric.validate import load_rubric

    data = make_document(load_rubric(rubric_file)).model_dump(mode="json")
    data["engine"] = "99"
    raw = document_bytes(sign_document(AssessmentDocument.model_validate(data), key))
    check = verify_json(raw, [pki.ca_cert], False, rubrics=[rubric_file])
    assert check.codes == ("unknown_engine",)
    assert "计分引擎 99" in check.problems[0]
    assert rfc8785.dumps(json.loads(raw)) == raw
