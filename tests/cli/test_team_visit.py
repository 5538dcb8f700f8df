"""A three-member visit end to end, through the real code path: the leader's package, three
parts scored in separate data folders, a merge with two disagreements the leader decides, the
director's acknowledgement with one objection, three co-signatures (two in turn on the leader's
laptop, one later by file), verification here, by openssl and by pyHanko's CLI, and the
commission register."""

from __future__ import annotations

import base64
import io
import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import rfc8785
from PIL import Image, ImageDraw

from assessor.cli.main import run_cli
from assessor.core.document.signed import signed_payload
from assessor.core.rubric.registry import default_rubric
from assessor.core.session import EditingSession
from assessor.core.signing.keys import issue_assessor, load_ca
from assessor.core.storage.store import Store
from assessor.devtools.samples import sample_assessment
from tests.core.signing.pki import CA_PASSPHRASE, KEY_PASSPHRASE, make_pki
from tests.core.team.visit import start_visit

PYHANKO = Path(sys.executable).with_name("pyhanko")
RUBRIC = default_rubric()
IDS = {"王芳": "T-101", "李明": "T-102", "赵丽": "T-103"}


def _pad_png() -> bytes:
    image = Image.new("RGBA", (300, 120), (255, 255, 255, 0))
    ImageDraw.Draw(image).line([(10, 90), (80, 20), (150, 100), (290, 30)], fill="black", width=4)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _cli(*args: object) -> int:
    return run_cli([str(a) for a in args])


@pytest.fixture(scope="module")
def keys(tmp_path_factory) -> tuple[Path, dict[str, Path], Path]:
    root = tmp_path_factory.mktemp("pki")
    pki = make_pki(root)
    ca = load_ca(pki.ca_dir, CA_PASSPHRASE)
    paths = {}
    for name, assessor_id in IDS.items():
        paths[name] = root / f"{assessor_id}.p12"
        issue_assessor(
            ca, paths[name], name=name, assessor_id=assessor_id, passphrase=KEY_PASSPHRASE
        )
    passphrase = root / "passphrase.txt"
    passphrase.write_text(KEY_PASSPHRASE + "\n", encoding="utf-8")
    return pki.ca_cert_path, paths, passphrase


@pytest.mark.slow
def test_a_three_member_visit(tmp_path: Path, keys, capsys) -> None:
    ca, key_paths, passphrase = keys
    truth = sample_assessment(RUBRIC, 7, training=False)  # what the team will find
    visit = start_visit(tmp_path, RUBRIC, IDS, centre=truth.centre)
    package = visit.package
    wang, li, zhao = (visit.member(n) for n in ("王芳", "李明", "赵丽"))

    # The leader, on the office laptop, noted two things during the walk-round.
    hub = EditingSession.open(visit.leader, visit.key, [RUBRIC])
    hub.member = wang.id
    li_first = next(i.id for i in RUBRIC.indicators if hub.responsible(i.id) == li.id)
    zhao_first = next(i.id for i in RUBRIC.indicators if hub.responsible(i.id) == zhao.id)
    low = RUBRIC.by_id[li_first].levels[-1].points
    hub.set_score(li_first, low)
    hub.set_score(zhao_first, truth.score_of(zhao_first).score)
    hub.set_note(zhao_first, "晨检记录缺两天")
    del hub

    # Each member opens the package on their own laptop (data folder) and scores their share.
    for name in ("王芳", "李明", "赵丽"):
        folder = tmp_path / f"laptop-{name}"
        assert _cli("team", "import", package, "--member", name, "--data-dir", folder) == 0
        session = EditingSession.open(Store(folder), visit.key, [RUBRIC])
        session.member = visit.member(name).id
        for entry in truth.scores:
            if not session.may_edit(entry.indicator):
                continue
            if entry.na:
                session.set_na(entry.indicator, True)
            else:
                session.set_score(entry.indicator, entry.score)
        session.set_note(
            next(i for i in (li_first, zhao_first) if session.may_edit(i))
            if name != "王芳"
            else RUBRIC.indicators[-1].id,
            f"{name}的记录",
        )
        del session
    parts = {}
    for name in ("赵丽", "王芳", "李明"):
        parts[name] = tmp_path / "usb" / f"{name}.assessor-part"
        args = [
            "team",
            "export",
            visit.key,
            "-o",
            parts[name],
            "--data-dir",
            tmp_path / f"laptop-{name}",
        ]
        args += ["--key", key_paths[name], "--passphrase-file", passphrase]
        assert _cli(*args) == 0
    capsys.readouterr()

    # The leader imports the parts in any order, one twice; the merge waits for every part.
    hub_dir = tmp_path / "leader"
    trust = ["--trust", ca]
    assert _cli("team", "import", parts["李明"], parts["李明"], *trust, "--data-dir", hub_dir) == 0
    out = capsys.readouterr().out
    assert "尚缺：赵丽" in out
    assert _cli("team", "import", parts["赵丽"], parts["王芳"], *trust, "--data-dir", hub_dir) == 0
    out = capsys.readouterr().out
    # Both disagreements side by side: what the record holds and what the part says.
    assert f"分歧 {li_first}" in out and f"分歧 {zhao_first}" in out
    assert "晨检记录缺两天" in out and "赵丽的记录" in out
    assert "已合并" not in out
    decide = ["--decide", f"{li_first}=李明", "--decide", f"{zhao_first}=保留"]
    assert _cli("team", "import", parts["王芳"], *decide, *trust, "--data-dir", hub_dir) == 0
    assert "已合并评估组成员的部分" in capsys.readouterr().out
    assert _cli("team", "status", visit.key, *trust, "--data-dir", hub_dir) == 0
    assert "所有部分均已合并" in capsys.readouterr().out

    store = Store(hub_dir)
    merged, chain = store.load_with_audit(visit.key)
    assert merged.score_of(li_first).score == truth.score_of(li_first).score
    assert merged.score_of(zhao_first).note == "晨检记录缺两天"
    decisions = [e for e in chain if e.action == "team_decision"]
    assert [(e.indicator, e.by) for e in decisions] == [
        (i, wang.id)
        for i in sorted((li_first, zhao_first), key=[x.id for x in RUBRIC.indicators].index)
    ]
    assert {e.by for e in chain if e.action == "team_merge"} == {wang.id}

    # The director acknowledges the findings on the pad, with one objection.
    hub = EditingSession(store, RUBRIC, merged, chain, member=wang.id)
    for warning in hub.unresolved_warnings():
        hub.set_note(warning.indicator, "已核实，情况属实")
    objection = RUBRIC.basic_indicators[0].id
    hub.acknowledge("陈园长", signature_png=_pad_png(), objections={objection: "消毒记录已补交"})
    hub.finalise()
    del hub, store

    # Two members sign in turn on the leader's laptop, the third later by file.
    out_dir = tmp_path / "out"
    for name in ("王芳", "李明"):
        args = ["export", visit.key, "-o", out_dir, "--key", key_paths[name]]
        assert _cli(*args, "--passphrase-file", passphrase, "--data-dir", hub_dir) == 0
    json_file = next(out_dir.glob("*.json"))
    pdf_file = json_file.with_suffix(".pdf")
    capsys.readouterr()
    assert _cli("verify", json_file, *trust) == 1
    assert "尚缺 1 名评估组成员签名" in capsys.readouterr().out
    assert _cli("verify", json_file, *trust, "--partial") == 0
    two_signers = json_file.read_bytes()
    assert _cli("verify", pdf_file, *trust, "--partial") == 0
    capsys.readouterr()
    assert (
        _cli("cosign", json_file, "--key", key_paths["赵丽"], "--passphrase-file", passphrase) == 0
    )
    assert "评估组成员签名已齐全" in capsys.readouterr().out

    assert _cli("verify", json_file, *trust) == 0
    out = capsys.readouterr().out
    assert "3 人签名（应有 3 人）" in out
    assert all(n in out for n in IDS)
    assert f"异议 {objection}：消毒记录已补交" in out
    assert _cli("verify", pdf_file, *trust) == 0
    assert "3 人签名" in capsys.readouterr().out

    # Standard tools accept every signature.
    raw = json_file.read_bytes()
    data = json.loads(raw)
    (tmp_path / "payload").write_bytes(signed_payload(data))
    (tmp_path / "cms.der").write_bytes(base64.b64decode(data["signature"]["cms"]))
    openssl = subprocess.run(
        [
            "openssl",
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            tmp_path / "cms.der",
            "-content",
            tmp_path / "payload",
            "-CAfile",
            ca,
            "-purpose",
            "any",
            "-out",
            tmp_path / "o",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert openssl.returncode == 0, openssl.stderr
    validate = [
        str(PYHANKO),
        "sign",
        "validate",
        "--trust",
        str(ca),
        "--trust-replace",
        str(pdf_file),
    ]
    done = subprocess.run(validate, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(re.findall(":INTACT:TRUSTED,", done.stdout)) == 3, done.stdout

    # The acknowledgement has its own page in the PDF, under every signature.
    text = subprocess.run(
        ["pdftotext", "-layout", pdf_file, "-"], capture_output=True, text=True, check=True
    ).stdout
    ack_page = next(p for p in text.split("\f") if "现场反馈确认" in p and "签字人" in p)
    assert "陈园长" in ack_page and "消毒记录已补交" in ack_page
    team_page = next(p for p in text.split("\f") if "评估组成员签署" in p)
    assert all(n in team_page for n in IDS)

    # Flipping any byte, reordering the file's members, or dropping the last PDF signature fails.
    for position in range(0, len(raw), len(raw) // 25):
        damaged = bytearray(raw)
        damaged[position] ^= 0x01
        (tmp_path / "bad.json").write_bytes(bytes(damaged))
        assert _cli("verify", tmp_path / "bad.json", *trust) == 1
    reordered = json.dumps(dict(reversed(list(data.items()))), ensure_ascii=False).encode()
    (tmp_path / "bad.json").write_bytes(reordered)
    assert _cli("verify", tmp_path / "bad.json", *trust) == 1
    pdf = pdf_file.read_bytes()
    earlier = pdf[: pdf.rindex(b"%%EOF", 0, len(pdf) - 8) + 5] + b"\n"
    (tmp_path / "bad.pdf").write_bytes(earlier)
    capsys.readouterr()
    assert _cli("verify", tmp_path / "bad.pdf", *trust) == 1
    assert "尚缺" in capsys.readouterr().out
    assert rfc8785.dumps(data) == raw

    # The register imports the co-signed file; an incomplete one is quarantined with its reason.
    incomplete = tmp_path / "incomplete" / "two-signers.json"
    incomplete.parent.mkdir()
    incomplete.write_bytes(two_signers)
    register = tmp_path / "register"
    args = ["register", "import", json_file, incomplete, "--db", register, *trust]
    assert _cli(*args, "--workers", 1) == 0
    conn = sqlite3.connect(next(register.glob("*.sqlite3")) if register.is_dir() else register)
    try:
        rows = conn.execute("SELECT source, outcome, reason_code FROM batch_inputs").fetchall()
    finally:
        conn.close()
    assert sorted(rows) == sorted(
        [
            (str(json_file), "registered", None),
            (str(incomplete), "quarantined", "signatures_incomplete"),
        ]
    )

    # What the register needs of a team document, straight from the verified file.
    from assessor.core.document.model import parse_assessment
    from assessor.core.document.team_info import dimension_members, document_signers

    document = parse_assessment(raw, "co-signed")
    signers = document_signers(document)
    assert sorted((s.name, s.assessor_id) for s in signers) == sorted(IDS.items())
    assert all(re.fullmatch("[0-9a-f]{64}", s.fingerprint) for s in document_signers(document))
    per_dimension = dimension_members(document, RUBRIC)
    first, second = RUBRIC.rubric.dimensions[:2]
    assert [m.name for m in per_dimension[first.id]] == ["李明"]
    assert [m.name for m in per_dimension[second.id]] == ["王芳", "赵丽"]
