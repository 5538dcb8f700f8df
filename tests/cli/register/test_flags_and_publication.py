"""Nothing doubtful is published (issue 18): a revoked key, a chain gap, a same-centre pair and a
conflict are held for a person's decision through bulk confirm, the public list, the 示范 list and
the report; resolving one with a comment lets it through and the log says who decided. Flag
counts are of assessments (a centre assessed three times is three assessments at one centre)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

import pytest

from assessor.cli.main import run_cli
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.scoring.grade import ranked_bands
from assessor.core.signing.keys import SigningKey
from tests.core.register.builders import (
    Commission,
    amended,
    assessment,
    revoked_key_file,
    signed,
)


def _import(register: Path, commission: Commission, rubric_path: Path, *extra: str) -> list[str]:
    return [
        "register", "import", "--db", str(register), "--trust", str(commission.ca_cert),
        "--rubric", str(rubric_path), "--who", "审核员甲", *extra,
    ]  # fmt: skip


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert run_cli(list(args)) == 0, capsys.readouterr().err
    return capsys.readouterr().out


def _csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))


def test_doubtful_assessments_are_held_until_a_person_decides(
    tmp_path: Path,
    commission: Commission,
    rubric_path: Path,
    rubric: LoadedRubric,
    signer: SigningKey,
    capsys: pytest.CaptureFixture[str],
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    revoked_raw, crl = revoked_key_file(tmp_path, commission, rubric, 1)
    (inbox / "1-revoked.json").write_bytes(revoked_raw)
    gap_v1 = assessment(rubric, 2)
    _, gap_v2 = amended(rubric, gap_v1, signed(rubric, gap_v1, signer), signer)
    (inbox / "2-gap.json").write_bytes(gap_v2)
    (inbox / "3-pair-a.json").write_bytes(signed(rubric, assessment(rubric, 3, centre=70), signer))
    (inbox / "4-pair-b.json").write_bytes(signed(rubric, assessment(rubric, 4, centre=70), signer))
    twice = assessment(rubric, 5)
    (inbox / "5-conflict-a.json").write_bytes(signed(rubric, twice, signer))
    (inbox / "5-conflict-b.json").write_bytes(signed(rubric, twice, signer))
    clean = [assessment(rubric, n) for n in (6, 7)]
    for n, record in enumerate(clean):
        (inbox / f"6-clean-{n}.json").write_bytes(signed(rubric, record, signer))
    ids = {
        name: json.loads((inbox / f"{name}.json").read_bytes())["id"]
        for name in ("1-revoked", "2-gap", "3-pair-a", "4-pair-b", "5-conflict-a")
    }
    flagged = set(ids.values())
    register = tmp_path / "reg"
    capsys.readouterr()

    summary = json.loads(
        _run(capsys, *_import(register, commission, rubric_path, "--crl", str(crl), "--json"),
             str(inbox))
    )  # fmt: skip
    assert summary["flags"] == {
        "chain_gap": 1, "conflict": 1, "same_centre_in_cycle": 2, "signed_before_revocation": 1,
    }  # fmt: skip

    # Four work items, the pair one item naming both assessments.
    items = json.loads(_run(capsys, "register", "flags", "--db", str(register), "--open", "--json"))
    assert sorted(i["kind"] for i in items) == [
        "chain_gap", "conflict", "same_centre_in_cycle", "signed_before_revocation",
    ]  # fmt: skip
    pair = next(i for i in items if i["kind"] == "same_centre_in_cycle")
    assert set(pair["assessment_ids"]) == {ids["3-pair-a"], ids["4-pair-b"]}
    text = _run(capsys, "register", "flags", "--db", str(register), "--open")
    assert "未处理：5 份评估（4 家机构）有待核实事项" in text

    # The log shows the batch's flags by kind.
    log = _run(capsys, "register", "log", "--db", str(register))
    assert "新标记待核实：修订链缺失 1 份，同机构同周期 2 份，证书已吊销 1 份，版本冲突 1 份" in log

    # Bulk confirm skips all four items' assessments and says so.
    review = ["register", "review", "--db", str(register), "--who", "科员丙"]
    said = _run(capsys, *review, "--all", "--set", "已确认")
    assert "已将 2 份评估的审核状态改为「已确认」" in said
    assert "另有 5 份评估有待核实事项，未改为「已确认」" in said
    for label in ("修订链缺失", "同一机构在同一评估周期内", "签名证书已吊销", "同一评估同一版本"):
        assert label in said

    # The filters find them.
    flagged_only = _run(capsys, *review, "--flagged", "--kind", "conflict", "--set", "有疑问")
    assert "已将 1 份评估的审核状态改为「有疑问」" in flagged_only
    _run(capsys, *review, "--id", ids["5-conflict-a"], "--undo")

    # Public list, 示范 list and report leave them out and say how many were held back.
    public, report = tmp_path / "公示.csv", tmp_path / "报告.pdf"
    out = _run(capsys, "register", "export", "--db", str(register), "--public", str(public),
               "--report", str(report), "--csv", str(tmp_path / "登记表.csv"))  # fmt: skip
    assert "另有 5 份暂不列入：有待核实事项 5 份" in out
    names = {row[0] for row in _csv(public)[1:]}
    assert names == {r.centre.name for r in clean}
    pdf = subprocess.run(
        ["pdftotext", str(report), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "另有5份暂不列入：有待核实事项5份" in "".join(pdf.split())
    register_csv = _csv(tmp_path / "登记表.csv")
    column = register_csv[0].index("待核实事项")
    by_id = {row[register_csv[0].index("评估编号")]: row[column] for row in register_csv[1:]}
    assert by_id[ids["1-revoked"]] == "证书已吊销"
    assert by_id[ids["3-pair-a"]] == by_id[ids["4-pair-b"]] == "同机构同周期"
    assert {by_id[i] for i in by_id if i not in flagged} == {""}

    stats = json.loads(
        _run(capsys, "register", "stats", "--db", str(register), "--year", "2026", "--json")
    )
    top = ranked_bands(rubric.rubric.grade_rule)[0].grade
    files = [json.loads(p.read_bytes()) for p in inbox.glob("*.json")]
    meets = {d["id"] for d in files if d["result"]["grade"] == top
             and not [v for v in d["result"]["vetoes"] if v["status"] == "unmet"]}  # fmt: skip
    assert {e["assessment_id"] for e in stats["candidates"]} == meets - flagged
    assert stats["candidates_held"]["flagged"] == len(meets & flagged)
    assert stats["open_flags"]["assessments"] == 5

    # Resolving one with a comment lets it through; the log shows who decided.
    revoked_item = next(i for i in items if i["kind"] == "signed_before_revocation")
    assert run_cli(["register", "flags", "--db", str(register), "--resolve",
                    str(revoked_item["id"])]) == 1  # fmt: skip
    assert "核实意见" in capsys.readouterr().err
    _run(capsys, "register", "flags", "--db", str(register), "--resolve",
         str(revoked_item["id"]), "--comment", "已电话核实：吊销前签名有效", "--who", "科长乙")  # fmt: skip
    said = _run(capsys, *review, "--all", "--set", "已确认")
    assert "已将 1 份评估的审核状态改为「已确认」" in said
    assert "另有 4 份评估有待核实事项" in said
    _run(capsys, "register", "export", "--db", str(register), "--public", str(public))
    revoked_name = json.loads(revoked_raw)["centre"]["name"]
    assert revoked_name in {row[0] for row in _csv(public)[1:]}
    decided = _run(capsys, "register", "log", "--db", str(register), "--reviews",
                   "--id", ids["1-revoked"])  # fmt: skip
    assert "科长乙" in decided and "已电话核实：吊销前签名有效" in decided
    assert "科员丙" in decided  # and who confirmed it afterwards

    # Confirming a flagged one in bulk needs a comment, which resolves its items.
    assert run_cli([*review, "--id", ids["2-gap"], "--set", "已确认", "--include-flagged"]) == 1
    assert "审核意见" in capsys.readouterr().err
    _run(capsys, *review, "--id", ids["2-gap"], "--set", "已确认", "--include-flagged",
         "--comment", "前一版本已由评估员补交纸质件")  # fmt: skip
    left = json.loads(_run(capsys, "register", "flags", "--db", str(register), "--open", "--json"))
    assert sorted(i["kind"] for i in left) == ["conflict", "same_centre_in_cycle"]


def test_flag_counts_are_assessments_and_centres_not_rows(
    tmp_path: Path,
    commission: Commission,
    rubric_path: Path,
    rubric: LoadedRubric,
    signer: SigningKey,
    capsys: pytest.CaptureFixture[str],
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for n in range(3):  # one centre assessed three times in one cycle
        (inbox / f"{n}.json").write_bytes(signed(rubric, assessment(rubric, n, centre=90), signer))
    register = tmp_path / "reg"
    capsys.readouterr()
    summary = json.loads(
        _run(capsys, *_import(register, commission, rubric_path, "--json"), str(inbox))
    )
    assert summary["flags"] == {"same_centre_in_cycle": 3}
    printed = _run(capsys, *_import(tmp_path / "reg2", commission, rubric_path), str(inbox))
    assert "同一机构在同一评估周期内有多份评估：3 份评估" in printed
    items = json.loads(_run(capsys, "register", "flags", "--db", str(register), "--json"))
    assert len(items) == 3  # three pairs …
    stats = json.loads(_run(capsys, "register", "stats", "--db", str(register), "--json"))
    assert stats["open_flags"]["assessments"] == 3  # … about three assessments
    assert stats["open_flags"]["centres"] == 1  # at one centre
    assert stats["open_flags"]["by_kind"] == [
        {"kind": "same_centre_in_cycle", "label": "同一机构在同一评估周期内有多份评估",
         "assessments": 3, "centres": 1},
    ]  # fmt: skip
    text = _run(capsys, "register", "flags", "--db", str(register))
    assert "未处理：3 份评估（1 家机构）有待核实事项" in text
    stats_text = _run(capsys, "register", "stats", "--db", str(register))
    assert "待核实：3 份评估（1 家机构）有未处理的事项" in stats_text


def test_a_wrong_flag_kind_is_a_chinese_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from assessor.core.register.register import Register

    Register.open(tmp_path / "reg", create=True)
    for command in (["review", "--all", "--set", "已确认"], ["flags"]):
        args = ["register", command[0], "--db", str(tmp_path / "reg"), *command[1:]]
        assert run_cli([*args, "--kind", "吊销"]) == 1
        assert "--kind 只能是" in capsys.readouterr().err
        assert run_cli([*args, "--kind", "证书已吊销"]) == 0  # the short Chinese name works too
    assert run_cli(["register", "flags", "--db", str(tmp_path / "reg"), "--resolve", "7",
                    "--comment", "看过"]) == 1  # fmt: skip
    assert "没有编号为 7 的待核实事项" in capsys.readouterr().err
