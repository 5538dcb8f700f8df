"""A follow-up visit (复查): task from the register, outcomes on a laptop, signed record back."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest

from assessor.core.clock import now_utc
from assessor.core.cycle.followup_register import followup_task, import_followup
from assessor.core.cycle.laptop_followups import (
    export_followup,
    install_task,
    load_task,
    record_outcome,
    sign_followup,
)
from assessor.core.cycle.rectification import CLOSED, OPEN, items, open_items, rates
from assessor.core.problems import UserError
from assessor.core.register.db import connect
from assessor.core.register.importer import ImportOptions, run_import
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.schemas import schema_json
from assessor.core.signing.keys import SigningKey
from assessor.core.signing.training import fingerprint
from assessor.core.signing.verification import load_trust_roots
from tests.core.register.builders import Commission, assessment, signed, uscc


def test_a_follow_up_closes_what_was_rectified_and_keeps_the_rest_open(
    tmp_path: Path,
    rubric: LoadedRubric,
    signer: SigningKey,
    plan_key: SigningKey,
    options: ImportOptions,
    commission: Commission,
) -> None:
    record = assessment(rubric, 4, division="350102", day=dt.date(2026, 5, 4))
    original = tmp_path / "a.json"
    original.write_bytes(signed(rubric, record, signer))
    run_import(tmp_path / "register", [original], options)
    conn = connect(tmp_path / "register")
    open_items(conn)
    centre = uscc(4, "350102")
    before = items(conn, uscc=centre)
    assert len(before) >= 2
    roots = load_trust_roots([commission.ca_cert])

    task_file = tmp_path / "task.assessor-followup"
    task_file.write_bytes(
        followup_task(
            conn, centre, commission="测试市卫生健康委员会", trust_roots=roots, crl=None,
            signer=plan_key, at=now_utc(),
        )
    )  # fmt: skip
    laptop = tmp_path / "laptop"
    task = install_task(laptop, task_file, accepted_roots=[fingerprint(roots[0])])
    assert [i.indicator_id for i in task.items] == [i.indicator_id for i in before]
    assert [i.finding for i in task.items] == [i.finding for i in before]
    assert load_task(laptop, task.task_id) == task

    photo = tmp_path / "整改后照片.jpg"
    photo.write_bytes(b"\xff\xd8 not really a jpeg, evidence all the same")
    first, second, *rest = task.items
    record_outcome(laptop, task.task_id, first.indicator_id, "rectified", "已整改", [photo])
    with pytest.raises(UserError, match=r"尚有 \d+ 项未填写复查结论"):
        sign_followup(laptop, task.task_id, signer, dt.date(2026, 7, 1))
    record_outcome(laptop, task.task_id, second.indicator_id, "partly", "部分整改")
    for item in rest:
        record_outcome(laptop, task.task_id, item.indicator_id, "rectified")
    with pytest.raises(UserError, match="复查结论应为"):
        record_outcome(laptop, task.task_id, first.indicator_id, "done")
    followup, raw = sign_followup(laptop, task.task_id, signer, dt.date(2026, 7, 1))
    assert (
        followup.original_sha256
        == conn.execute(
            "SELECT sha256 FROM current_documents WHERE assessment_id = ?", (record.id,)
        ).fetchone()[0]
    )
    out = export_followup(laptop, task.task_id, raw, tmp_path / "out")
    jsonschema.validate(json.loads(raw), json.loads(schema_json("followup")))
    jsonschema.validate(
        json.loads(task_file.read_bytes()), json.loads(schema_json("followup-task"))
    )
    [evidence] = json.loads(out.read_bytes())["outcomes"][0]["evidence"]
    assert (tmp_path / "out" / evidence["file"]).read_bytes() == photo.read_bytes()

    tampered = tmp_path / "tampered.json"
    tampered.write_bytes(out.read_bytes().replace(b'"partly"', b'"rectified"'))
    with pytest.raises(UserError, match="签名无效"):
        import_followup(conn, tampered, roots, now_utc())
    assert [i.state for i in items(conn, uscc=centre)] == [OPEN] * len(before)

    result = import_followup(conn, out, roots, now_utc())

    assert (result.closed, result.still_open) == (len(before) - 1, 1)
    after = {i.indicator_id: i for i in items(conn, uscc=centre)}
    assert after[first.indicator_id].state == CLOSED
    assert after[first.indicator_id].outcome == "rectified"
    assert after[second.indicator_id].state == OPEN
    assert after[second.indicator_id].outcome == "partly"
    assert import_followup(conn, out, roots, now_utc()).already
    [rate] = rates(conn, dt.date(2027, 1, 1), "district")
    assert (rate.items, rate.closed, rate.overdue) == (len(before), len(before) - 1, 1)
    conn.close()


def test_a_centre_without_open_items_gets_no_task(
    tmp_path: Path, plan_key: SigningKey, commission: Commission
) -> None:
    conn = connect(tmp_path / "r", create=True)
    with pytest.raises(UserError, match="没有待整改事项，不需要复查"):
        followup_task(
            conn, uscc(1), commission="委", trust_roots=load_trust_roots([commission.ca_cert]),
            crl=None, signer=plan_key, at=now_utc(),
        )  # fmt: skip
    conn.close()


def test_a_follow_up_of_an_assessment_the_register_lacks_is_refused(
    tmp_path: Path,
    rubric: LoadedRubric,
    signer: SigningKey,
    plan_key: SigningKey,
    options: ImportOptions,
    commission: Commission,
) -> None:
    record = assessment(rubric, 5, division="350102", day=dt.date(2026, 5, 4))
    original = tmp_path / "a.json"
    original.write_bytes(signed(rubric, record, signer))
    run_import(tmp_path / "register", [original], options)
    conn = connect(tmp_path / "register")
    open_items(conn)
    roots = load_trust_roots([commission.ca_cert])
    task_file = tmp_path / "task.assessor-followup"
    task_file.write_bytes(
        followup_task(
            conn, uscc(5, "350102"), commission="委", trust_roots=roots, crl=None,
            signer=plan_key, at=now_utc(),
        )
    )  # fmt: skip
    conn.close()
    laptop = tmp_path / "laptop"
    task = install_task(laptop, task_file, accepted_roots=[fingerprint(roots[0])])
    for item in task.items:
        record_outcome(laptop, task.task_id, item.indicator_id, "rectified")
    _, raw = sign_followup(laptop, task.task_id, signer, dt.date(2026, 7, 1))
    path = tmp_path / "fu.json"
    path.write_bytes(raw)

    other = connect(tmp_path / "other", create=True)
    with pytest.raises(UserError, match=f"所复查的评估（编号 {record.id}）不在登记库中"):
        import_followup(other, path, roots, now_utc())
    assert other.execute("SELECT COUNT(*) FROM followups").fetchone()[0] == 0
    other.close()


def test_a_revocation_refuses_only_documents_signed_after_it(
    plan_key: SigningKey, commission: Commission
) -> None:
    """The rule `rectify import --crl` applies: a key revoked after signing leaves the
    document valid (it was signed while the key was good); revoked before, it is refused."""
    from assessor.core.cycle.followup_model import FollowUp, FollowUpCentre
    from assessor.core.cycle.signed_json import read_signed, sign_document
    from assessor.core.signing.revocation import Revoked

    signed_at = now_utc()
    raw = sign_document(
        FollowUp(
            task_id="FU-1", assessment_id="a" * 32, version=1, original_sha256="b" * 64,
            centre=FollowUpCentre(uscc=uscc(1), name="某托育中心", address="", division_code="350102"),
            visited_on=dt.date(2026, 7, 1), assessor_name="计划科", assessor_id="WJW-PLAN",
            outcomes=[],
        ),
        plan_key,
        signed_at,
    )  # fmt: skip
    roots = load_trust_roots([commission.ca_cert])
    cert = plan_key.certificate
    issuer, serial = cert.issuer.rfc4514_string(), str(cert.serial_number)

    def revoked(at: dt.datetime) -> list[Revoked]:
        return [Revoked(issuer, serial, at, "key_compromise")]

    later = revoked(signed_at + dt.timedelta(hours=1))
    assert read_signed(raw, FollowUp, roots, what="x ", revoked=later).task_id == "FU-1"
    other = [
        Revoked(issuer, str(int(serial) + 1), signed_at - dt.timedelta(hours=1), "unspecified")
    ]
    assert read_signed(raw, FollowUp, roots, what="x ", revoked=other).task_id == "FU-1"
    with pytest.raises(UserError, match=f"序列号 {serial}）已于 .* 吊销.*晚于吊销时间"):
        read_signed(
            raw, FollowUp, roots, what="x ", revoked=revoked(signed_at - dt.timedelta(hours=1))
        )
