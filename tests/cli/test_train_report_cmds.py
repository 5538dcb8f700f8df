"""`assessor train list|report|trainees` on real files."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from assessor.cli.main import run_cli
from assessor.core.assessment.model import AssessorRef
from assessor.core.rubric.validate import LoadedRubric
from assessor.core.training.comparison import compare
from assessor.core.training.reference import reference_assessment
from assessor.core.training.results import ResultStore, Trainee, result_of
from assessor.core.training.rule import ReliabilityRule
from assessor.core.training.sample import load_sample, sample_json
from tests.trainer_keys import key_args
from tests.training_samples import SMALL_REFERENCE, plain_sample_paths, scoring, small_sample

SEVERE = {**SMALL_REFERENCE, "4.1.1": 3, "5.1.1": 2.5}


@pytest.fixture
def files(tmp_path: Path, small_rubric: LoadedRubric, rubric_file: Path):
    def make(mode: str = "practice", scores: dict | None = None) -> list[str]:
        sample = tmp_path / f"{mode}.json"
        sample.write_bytes(sample_json(small_sample(small_rubric, mode)))
        own = tmp_path / "trainee.json"
        own.write_text(scoring(small_rubric, scores or SEVERE).model_dump_json(), encoding="utf-8")
        return ["--sample", str(sample), "--scores", str(own), "--rubric", str(rubric_file),
                "--data-dir", str(tmp_path / "data")]  # fmt: skip

    return make


def test_report_prints_the_figures_and_the_reasons(files, capsys) -> None:
    assert run_cli(["train", "report", *files()]) == 0
    out = capsys.readouterr().out
    assert "完全一致：60.0%（3/5 项指标）" in out
    assert "相差不超过一档：100.0%" in out
    assert "线性加权 kappa：0.200" in out
    assert "基础指标达标判断一致性（Gwet AC1）：-1.000" in out
    assert "等级：你的评分 D，参考 A" in out
    assert "偏差：4 办托条件：-3 分（偏严）" in out
    assert "可靠性规则：未通过：完全一致低于 80%；有基础指标判断不一致；等级与参考不同" in out
    assert "4.1.1 指标4.1.1：你的评分 部分符合（3 分），参考 符合（6 分）" in out
    assert "理由：理由 4.1.1：依据档案。" in out


def test_an_open_test_sample_gives_the_trainee_view_once(files, capsys) -> None:
    """A test sample the trainee could compare (an open one) records the first submission and
    shows only passed, the two agreements and the failed rule parts; a second is refused."""
    args = files("test")
    assert run_cli(["train", "report", *args, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["passed"] is False and "disagreements" not in data
    figures = {f["key"]: f["value"] for f in data["figures"]}
    assert figures == {
        "passed": "未通过",
        "exact": "60.0%",
        "within_one": "100.0%",
        "failed": "计分指标完全一致未达到 80%；基础指标达标/未达标判断未全部一致；等级与参考不同",
    }
    text = json.dumps(data, ensure_ascii=False)
    assert "23.5" not in text and "理由" not in text and "参考 A" not in text
    assert run_cli(["train", "report", *args]) == 1
    err = capsys.readouterr().err
    assert "测试只算第一次提交，本次未记录" in err and "assessor train retake" in err
    [kept] = ResultStore(Path(args[-1])).all()
    assert kept.unvouched and kept.reference_grade is None  # an open sample never certifies


def test_incomplete_scores_and_unknown_samples_are_chinese_errors(files, capsys) -> None:
    args = files(scores={**SMALL_REFERENCE, "4.1.1": 3})
    own = Path(args[3])
    data = json.loads(own.read_text(encoding="utf-8"))
    data["scores"][0]["score"] = None
    own.write_text(json.dumps(data), encoding="utf-8")
    assert run_cli(["train", "report", *args]) == 1
    assert "尚有 1 项指标未评分" in capsys.readouterr().err
    args[1] = "no-such-sample"
    assert run_cli(["train", "report", *args]) == 1
    assert "找不到样例 no-such-sample" in capsys.readouterr().err
    own.write_text("{", encoding="utf-8")
    args[1] = str(own.with_name("practice.json"))
    assert run_cli(["train", "report", *args]) == 1
    err = capsys.readouterr().err
    assert "不是合法的 JSON" in err and "Traceback" not in err


def test_list_and_trainees_read_the_data_folder(
    tmp_path: Path, small_rubric: LoadedRubric, capsys
) -> None:
    own = tmp_path / "training" / "samples"
    own.mkdir(parents=True)
    (own / "mine.json").write_bytes(
        sample_json(small_sample(small_rubric, "test", sample_id="mine"))
    )
    assert run_cli(["train", "list", "--data-dir", str(tmp_path)]) == 0
    assert "mine  测试  容易  托育机构  小测试托育园" in capsys.readouterr().out

    sample = small_sample(small_rubric)
    comparison = compare(small_rubric, sample, scoring(small_rubric, SEVERE), ReliabilityRule())
    at = datetime(2026, 3, 1, 1, 0, tzinfo=UTC)
    ResultStore(tmp_path).add(result_of(Trainee(name="李静", trainee_id="T001"), comparison, at))
    assert run_cli(["train", "trainees", "--data-dir", str(tmp_path)]) == 0
    assert "T001  李静  走势 60.0%  未认证（认证看最近 3 次测试样例的平均，已完成 0 次测试）" in (
        capsys.readouterr().out
    )


def test_list_names_a_broken_sample_file_and_still_lists_the_others(
    tmp_path: Path, small_rubric: LoadedRubric, capsys
) -> None:
    own = tmp_path / "training" / "samples"
    own.mkdir(parents=True)
    (own / "good.json").write_bytes(sample_json(small_sample(small_rubric, sample_id="good")))
    (own / "draft.json").write_text('{"id": "draft"}', encoding="utf-8")
    assert run_cli(["train", "list", "--data-dir", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert "good  练习" in captured.out
    assert "无法读取的样例" in captured.err and "draft.json" in captured.err


def test_a_signed_export_reports_the_same_as_the_plain_scoring(
    files, small_rubric: LoadedRubric, capsys
) -> None:
    from assessor.core.assessment.model import Status
    from assessor.core.clock import now_utc
    from assessor.core.document.signed import document_bytes
    from assessor.core.export.signed_export import sign_json
    from assessor.core.signing.keys import training_signer

    args = files()
    assert run_cli(["train", "report", *args, "--json"]) == 0
    plain = json.loads(capsys.readouterr().out)
    own = scoring(small_rubric, SEVERE)
    own.status, own.finalised_at = Status.final, now_utc()
    signed = sign_json(small_rubric, own, [], training_signer())
    Path(args[3]).write_bytes(document_bytes(signed))
    assert run_cli(["train", "report", *args, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == plain


@pytest.mark.parametrize("path", plain_sample_paths(), ids=lambda p: p.stem)
def test_every_shipped_sample_s_reference_agrees_with_itself(
    path: Path, tmp_path: Path, capsys
) -> None:
    """Each bundled sample by its id, the sealed test samples opened with the demonstration
    trainer key: the reference scored as a trainee scores full agreement."""
    sample = load_sample(path)
    own = tmp_path / "reference.json"
    reference = reference_assessment(sample)
    reference.visit.assessors = [AssessorRef(name="李静", assessor_id="T001")]
    own.write_text(reference.model_dump_json(), encoding="utf-8")
    key = key_args() if sample.mode == "test" else []
    args = ["--sample", sample.id, "--scores", str(own), "--data-dir", str(tmp_path), *key]
    assert run_cli(["train", "report", *args]) == 0
    out = capsys.readouterr().out
    total = len(sample.dossier)
    assert f"完全一致：100.0%（{total}/{total} 项指标）" in out
    assert "可靠性规则：通过" in out


def test_report_writes_the_practice_pdf_for_the_file_s_assessor(
    files, tmp_path: Path, capsys
) -> None:
    import subprocess

    args = files()
    own = Path(args[3])
    data = json.loads(own.read_text(encoding="utf-8"))
    data["visit"]["assessors"] = [{"name": "李静", "assessor_id": "T001"}]
    own.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    pdf = tmp_path / "out" / "练习报告.pdf"
    assert run_cli(["train", "report", *args, "--pdf", str(pdf)]) == 1  # no such folder
    assert "无法写入" in capsys.readouterr().err and not pdf.exists()
    pdf.parent.mkdir()
    assert run_cli(["train", "report", *args, "--pdf", str(pdf)]) == 0
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "培训练习报告" in text and "李静（T001）" in text and "60.0%" in text
