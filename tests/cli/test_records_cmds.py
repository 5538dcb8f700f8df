"""`assessor list|export|amend|demo` work headless on a real data folder."""

from __future__ import annotations

from pathlib import Path

from assessor.cli.main import run_cli
from assessor.core.audit import append
from assessor.core.rubric.registry import default_rubric
from assessor.core.storage.store import Store, record_key
from assessor.devtools.demo import simulated_visit
from assessor.devtools.samples import sample_assessment

RUBRIC = default_rubric()


def final_record(data: Path) -> str:
    store = Store(data)
    draft = sample_assessment(RUBRIC, 21, training=True)
    store.create(draft)
    final, _ = simulated_visit(draft, draft.created_at)
    store.save(final, append([], "finalise", old="draft", new="final"))
    return record_key(draft)


def test_list_export_amend_round(tmp_path: Path, capsys) -> None:
    data = tmp_path / "data"
    key = final_record(data)
    assert run_cli(["list", "--data-dir", str(data)]) == 0
    assert "已定稿" in capsys.readouterr().out

    assert run_cli(["amend", key, "--reason", "笔误", "--data-dir", str(data)]) == 1
    assert "尚未签名导出" in capsys.readouterr().err

    assert run_cli(["export", key, "-o", str(tmp_path / "out"), "--data-dir", str(data)]) == 0
    captured = capsys.readouterr()
    assert "内置培训密钥" in captured.err
    assert len(list((tmp_path / "out").glob("*.pdf"))) == 1
    json_file = next((tmp_path / "out").glob("*.json"))
    assert run_cli(["verify", str(json_file), "--allow-training"]) == 0

    assert run_cli(["amend", key, "--reason", "复核更正", "--data-dir", str(data)]) == 0
    assert f"{key[:32]}-v2" in capsys.readouterr().out
    assert run_cli(["list", "--data-dir", str(data)]) == 0
    listing = capsys.readouterr().out
    assert "已定稿，已签名" in listing and "草稿" in listing


def test_export_of_an_unknown_record_is_a_plain_error(tmp_path: Path, capsys) -> None:
    assert (
        run_cli(["export", "0" * 32 + "-v1", "-o", str(tmp_path), "--data-dir", str(tmp_path)]) == 1
    )
    assert "错误" in capsys.readouterr().err


def test_demo_writes_signed_files_that_score_and_verify(tmp_path: Path, capsys) -> None:
    out = tmp_path / "demo"
    assert run_cli(["demo", "--out", str(out)]) == 0
    (json_file,) = out.glob("*.json")
    (pdf_file,) = out.glob("*.pdf")
    assert run_cli(["verify", str(pdf_file), "--allow-training"]) == 0
    assert run_cli(["score", str(json_file)]) == 0
    assert "等级：" in capsys.readouterr().out

    many = tmp_path / "many"
    assert run_cli(["demo", "--out", str(many), "--count", "12", "--seed", "5"]) == 0
    assert len(list(many.glob("*.json"))) == 12
    assert not list(many.glob("*.pdf"))
