"""The register knows teams: every signer stored, revocation applied to every co-signer,
calibration per member for the dimensions they answered for, the minimum team size, and the
centre's objections as work items. Real co-signed files, real SQLite, the CLI."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding

from assessor.cli.main import run_cli
from assessor.core.assessment.base import Evidence
from assessor.core.assessment.team import Acknowledgement, Objection
from assessor.core.clock import BEIJING, now_utc
from assessor.core.register.importer import ImportOptions, run_import
from assessor.core.register.register import Register
from assessor.core.register.rows import FlagKind, ResponsibilityRow, SignerRow
from assessor.core.register.stats_model import StatsFilter
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.signing.keys import SigningKey, load_signer
from tests.core.register.builders import KEY_PASSPHRASE, Commission, assessment, signed
from tests.core.register.stats import expected
from tests.core.register.team_files import TEAM, cosigned, team_record


def _import(register: Path, files: dict[str, bytes], options: ImportOptions, tmp_path: Path):
    inbox = tmp_path / f"inbox-{len(list(tmp_path.iterdir()))}"
    inbox.mkdir()
    for name, raw in files.items():
        (inbox / name).write_bytes(raw)
    return run_import(register, [inbox], options)


def _rows(register: Path, sql: str, params: Sequence[object] = ()) -> list[tuple]:
    conn = sqlite3.connect(register / "register.sqlite3")
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def _sha(raw: bytes) -> str:
    import hashlib

    return hashlib.sha256(raw).hexdigest()


def test_every_signer_and_who_answered_for_what_is_stored(
    tmp_path: Path, rubric: LoadedRubric, team_keys, options: ImportOptions
) -> None:
    raw = cosigned(rubric, team_record(rubric, 1), team_keys)
    register = tmp_path / "register"
    summary = _import(register, {"team.json": raw}, options, tmp_path)
    assert summary.registered == 1
    sha = _sha(raw)
    serials = [str(k.certificate.serial_number) for k in team_keys]
    stored = _rows(
        register,
        "SELECT position, name, assessor_id, cert_serial, cert_issuer, fingerprint, signed_at"
        " FROM signers WHERE document_sha256 = ? ORDER BY position",
        (sha,),
    )
    block = json.loads(raw)["signature"]
    assert [(p, n, i, s) for p, n, i, s, *_ in stored] == [
        (0, "张三", "T-001", serials[0]),
        (1, "李四", "T-002", serials[1]),
        (2, "王五", "T-003", serials[2]),
    ]
    assert [r[5] for r in stored] == [c["fingerprint"] for c in block["cosigners"]]
    assert {r[4] for r in stored} == {team_keys[0].certificate.issuer.rfc4514_string()}
    dims = [d.id for d in rubric.rubric.dimensions]
    answered = _rows(
        register,
        "SELECT dimension_id, name, leader FROM responsibilities WHERE document_sha256 = ?",
        (sha,),
    )
    # The second dimension is shared: 王五 has one of its indicators, the leader the others.
    assert sorted(answered) == sorted(
        [(dims[0], "李四", 0), (dims[1], "王五", 0)] + [(d, "张三", 1) for d in dims[1:]]
    )
    # The plain tuples the worker built read back through their row models unchanged.
    conn = sqlite3.connect(register / "register.sqlite3")
    conn.row_factory = sqlite3.Row
    for model in (SignerRow, ResponsibilityRow):
        rows = [dict(r) for r in conn.execute(f"SELECT * FROM {model.table}")]
        assert rows and all(model.from_db(r).to_db() == r for r in rows), model.table
    conn.close()
    # The detail a front end shows.
    detail = Register(register).detail(sha)
    assert [s.name for s in detail.signers] == ["张三", "李四", "王五"]
    by_name = {m.name: m for m in detail.team}
    assert by_name["张三"].leader and not by_name["李四"].leader
    assert [d.split(" ")[0] for d in by_name["李四"].dimensions] == [dims[0]]
    assert by_name["王五"].body == "妇幼保健院"
    assert [d.split(" ")[0] for d in by_name["张三"].dimensions] == dims[1:]


def _revoke(tmp_path: Path, commission: Commission, key: SigningKey, at: dt.datetime) -> Path:
    cert = tmp_path / "lost.pem"
    cert.write_bytes(key.certificate.public_bytes(Encoding.PEM))
    when = at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")
    revoke = ["keys", "revoke", "--ca", str(commission.ca_dir), "--cert", str(cert)]
    assert run_cli([*revoke, "--reason", "key_compromise", "--at", when]) == 0
    crl = tmp_path / "crl.pem"
    ca_pass = ["--ca-passphrase-file", str(commission.ca_passphrase)]
    assert run_cli(["keys", "crl", "--ca", str(commission.ca_dir), "-o", str(crl), *ca_pass]) == 0
    return crl


def test_a_revoked_cosigner_counts_like_a_single_signer(
    tmp_path: Path, rubric: LoadedRubric, rubric_path: Path, commission: Commission, signer
) -> None:
    """The second member's key is revoked ten minutes ago: a file they co-signed before that is
    registered and flagged, one they co-signed after it is refused."""
    lost = load_signer(commission.issue("钱七", "T-007", "lost-cosigner.p12"), KEY_PASSPHRASE)
    members = (("张三", "T-001", ""), ("钱七", "T-007", ""))
    revoked_at = (now_utc() - dt.timedelta(minutes=10)).replace(microsecond=0)
    crl = _revoke(tmp_path, commission, lost, revoked_at)
    before = [revoked_at - dt.timedelta(minutes=5), revoked_at - dt.timedelta(minutes=4)]
    after = [revoked_at - dt.timedelta(minutes=5), revoked_at + dt.timedelta(minutes=2)]
    early = cosigned(rubric, team_record(rubric, 2, members=members), [signer, lost], before)
    late = cosigned(rubric, team_record(rubric, 3, members=members), [signer, lost], after)
    register = tmp_path / "register"
    args = ["register", "import", str(tmp_path / "in"), "--db", str(register)]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "early.json").write_bytes(early)
    (tmp_path / "in" / "late.json").write_bytes(late)
    trust = ["--trust", str(commission.ca_cert), "--crl", str(crl), "--rubric", str(rubric_path)]
    assert run_cli([*args, *trust]) == 0
    quarantined = _rows(register, "SELECT reason_code, reason FROM quarantine")
    assert len(quarantined) == 1 and quarantined[0][0] == "revoked"
    assert "钱七" in quarantined[0][1] and str(lost.certificate.serial_number) in quarantined[0][1]
    flags = _rows(register, "SELECT kind, other, document_sha256 FROM flags WHERE kind = ?",
                  (FlagKind.signed_before_revocation.value,))  # fmt: skip
    assert flags == [
        (FlagKind.signed_before_revocation.value, str(lost.certificate.serial_number), _sha(early))
    ]


@pytest.mark.team_size
def test_a_one_signer_file_is_a_team_of_one(
    tmp_path: Path, rubric: LoadedRubric, signer, team_keys, options: ImportOptions, capsys
) -> None:
    register = tmp_path / "register"
    single = signed(rubric, assessment(rubric, 4), signer)
    two = cosigned(rubric, team_record(rubric, 5, members=TEAM[:2]), team_keys[:2])
    _import(register, {"single.json": single, "two.json": two}, options, tmp_path)
    flagged = _rows(register, "SELECT document_sha256, detail FROM flags WHERE kind = ?",
                    (FlagKind.team_too_small.value,))  # fmt: skip
    assert [sha for sha, _ in flagged] == [_sha(single)]
    assert "单人签名的文件即一人评估组" in flagged[0][1] and "最少 2 人" in flagged[0][1]

    # The commission raises the minimum to three: the next import flags the two-member team.
    assert run_cli(["register", "settings", "--db", str(register), "--min-team-size", "3"]) == 0
    assert run_cli(["register", "settings", "--db", str(register)]) == 0
    assert "评估组最少人数：3" in capsys.readouterr().out
    three = cosigned(rubric, team_record(rubric, 6), team_keys)
    again = cosigned(rubric, team_record(rubric, 7, members=TEAM[:2]), team_keys[:2])
    _import(register, {"three.json": three, "again.json": again}, options, tmp_path)
    flagged = _rows(register, "SELECT document_sha256, detail FROM flags WHERE kind = ?"
                    " ORDER BY id", (FlagKind.team_too_small.value,))  # fmt: skip
    assert [sha for sha, _ in flagged] == [_sha(single), _sha(again)]
    assert "2 人，少于规定的最少 3 人" in flagged[1][1]
    # The log names the kind in Chinese.
    assert run_cli(["register", "log", "--db", str(register)]) == 0
    assert "评估组人数不足 1 份" in capsys.readouterr().out
    # A bad value is refused in Chinese and changes nothing.
    assert run_cli(["register", "settings", "--db", str(register), "--min-team-size", "0"]) == 1
    assert "1 到 20" in capsys.readouterr().err
    assert Register(register).settings().min_team_size == 3


def test_the_centre_objections_are_an_item_a_person_closes(
    tmp_path: Path, rubric: LoadedRubric, team_keys, options: ImportOptions, capsys
) -> None:
    ids = [i.id for i in rubric.indicators]
    signature = Evidence(file="sig.png", sha256="a" * 64, added_at=now_utc())
    objecting = Acknowledgement(
        director="陈园长",
        at=now_utc(),
        signature=signature,
        objections=[
            Objection(indicator=ids[0], text="记录已补交"),
            Objection(indicator=ids[2], text="不认同"),
        ],
    )
    refusing = Acknowledgement(director="刘园长", at=now_utc(), refused=True, leader_note="未到场")
    content = Acknowledgement(director="周园长", at=now_utc(), signature=signature)
    files = {
        f"{n}.json": cosigned(rubric, team_record(rubric, n, acknowledgement=ack), team_keys)
        for n, ack in ((8, objecting), (9, refusing), (10, content))
    }
    register = tmp_path / "register"
    _import(register, files, options, tmp_path)
    items = Register(register).flags(kind=FlagKind.centre_objection, open_only=True)
    by_id = {i.assessment_id: i for i in items}
    objected, refused = (json.loads(files[f"{n}.json"])["id"] for n in (8, 9))
    assert set(by_id) == {objected, refused}
    assert f"对 2 项指标有异议：{ids[0]}、{ids[2]}" in by_id[objected].detail
    assert "机构负责人刘园长拒绝签字确认（组长说明：未到场）" in by_id[refused].detail
    # A person closes it like any flag, through the CLI.
    item = by_id[objected]
    resolve = ["register", "flags", "--db", str(register), "--resolve", str(item.id)]
    assert run_cli([*resolve, "--comment", "已与机构沟通，维持评分"]) == 0
    left = Register(register).flags(kind=FlagKind.centre_objection, open_only=True)
    assert [i.assessment_id for i in left] == [refused]
    assert run_cli(["register", "flags", "--db", str(register), "--open"]) == 0
    assert "机构有异议" in capsys.readouterr().out
    # The statistics name the open kind in Chinese.
    assert run_cli(["register", "stats", "--db", str(register)]) == 0
    assert "机构对评估结果有异议或拒绝签字确认：1 份，1 家机构" in capsys.readouterr().out


def test_calibration_counts_each_member_for_their_dimensions(
    tmp_path: Path, rubric: LoadedRubric, signer, team_keys, options: ImportOptions
) -> None:
    """One team file split across three members and one-assessor files in the same district and
    centre kind: each member is compared on the dimensions they answered for only."""
    files = {"team.json": cosigned(rubric, team_record(rubric, 11), team_keys)}
    for n, assessor in ((12, "T-009"), (13, "T-009"), (14, "T-002")):
        files[f"{n}.json"] = signed(rubric, assessment(rubric, n, assessor_id=assessor), signer)
    register = tmp_path / "register"
    _import(register, files, options, tmp_path)
    stats = Register(register).statistics(StatsFilter())
    got = {c.assessor_id: (c.assessments, c.count, c.mean_difference) for c in stats.calibration}
    docs = [json.loads(raw) for raw in files.values()]
    assert got == expected.calibration(docs)
    # 王五 answered for (part of) the second dimension of the team file alone: their figure is
    # that dimension's score there minus its mean in the three other files.
    second = rubric.rubric.dimensions[1].id

    def score(doc: dict) -> Fraction:
        value = next(d["score"] for d in doc["result"]["dimensions"] if d["id"] == second)
        return Fraction(Decimal(str(value)))

    others = [score(d) for d in docs[1:]]
    wanted = score(docs[0]) - sum(others) / len(others)
    assert got["T-003"][:2] == (1, 1)
    assert got["T-003"][2] == Decimal(round(Decimal(wanted.numerator) / wanted.denominator, 2))
    assert got["T-002"][0] == 2  # the team file and their own
