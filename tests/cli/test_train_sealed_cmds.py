"""Sealed test samples on the command line: keys for trainers, seal, check, from-xlsx, the
trainer's judgement recorded once, retakes, and the oracle attack that no longer works."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from assessor.cli.main import run_cli
from assessor.core.assessment.model import Assessment, AssessorRef, IndicatorScore
from assessor.core.rubric.registry import rubric_for
from assessor.core.signing.trainer_key import load_trainer_key
from assessor.core.training.reference import reference_assessment
from assessor.core.training.results import ResultStore
from assessor.core.training.sample import SampleCentre, load_sample
from assessor.core.training.sealed import SealedSample, load_any_sample, unseal
from tests.trainer_keys import DEMO_CERT, DEMO_KEY, DEMO_PASSPHRASE, key_args
from tests.training_samples import PLAIN_TEST_SAMPLES

SAMPLE = "mawei-employer-veto"
PLAIN = PLAIN_TEST_SAMPLES / f"{SAMPLE}.json"


def _cli(capsys, *args: str | Path) -> tuple[int, str, str]:
    code = run_cli([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def _scoring(sample: SampleCentre, levels: dict[str, float | None], trainee: str) -> Assessment:
    own = reference_assessment(sample)
    own.visit.assessors = [AssessorRef(name="王芳", assessor_id=trainee)]
    own.scores = [
        IndicatorScore(
            indicator=s.indicator, score=levels[s.indicator], na=levels[s.indicator] is None
        )
        for s in own.scores
    ]
    return own


def _probes(sample: SampleCentre) -> list[dict[str, float | None]]:
    """What an attacker would submit: all lowest, all highest, the reference itself, and the
    reference with one indicator moved a level at a time."""
    rubric = rubric_for(sample.rubric)
    reference = {s.indicator: s.score for s in reference_assessment(sample).scores}
    lowest = {i.id: min(lv.points for lv in i.levels) for i in rubric.indicators}
    highest = {i.id: max(lv.points for lv in i.levels) for i in rubric.indicators}
    probes = [lowest, highest, reference]
    for ind in rubric.indicators[:6]:
        other = next(lv.points for lv in ind.levels if lv.points != reference[ind.id])
        probes.append({**reference, ind.id: other})
    return probes


def _pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_the_oracle_attack_reveals_no_reference_level(tmp_path: Path, capsys) -> None:
    """Any number of `train report` runs on a sealed test sample, with any scorings, give the
    trainee the same output: before the trainer judges, a refusal; after, the first result's
    trainee view. Identical outputs for different scorings carry nothing about the reference."""
    plain = load_sample(PLAIN)
    data = tmp_path / "data"
    files = []
    for n, levels in enumerate(_probes(plain)):
        path = tmp_path / f"probe{n}.json"
        path.write_text(_scoring(plain, levels, "T009").model_dump_json(), encoding="utf-8")
        files.append(path)

    def trainee_runs() -> list[tuple[int, str, str, str]]:
        runs = []
        for path in files:
            pdf = tmp_path / f"{path.stem}.pdf"
            text = _cli(capsys, "train", "report", "--sample", SAMPLE, "--scores", path,
                        "--data-dir", data, "--pdf", pdf)  # fmt: skip
            as_json = _cli(capsys, "train", "report", "--sample", SAMPLE, "--scores", path,
                           "--data-dir", data, "--json")  # fmt: skip
            pdf_text = _pdf_text(pdf) if pdf.exists() else ""
            shown = (text[1] + text[2]).replace(str(pdf), "<pdf>")  # the file named is the user's
            runs.append((text[0], shown, as_json[1] + as_json[2], pdf_text))
        return runs

    before = trainee_runs()
    assert all(run == before[0] for run in before)
    assert before[0][0] == 1 and "参考评分只有培训师能打开" in before[0][1]

    # The trainer judges the trainee's first submission (probe 0: everything at the lowest level).
    code, out, err = _cli(capsys, "train", "report", "--sample", SAMPLE, "--scores", files[0],
                          "--data-dir", data, *key_args())  # fmt: skip
    assert code == 0, err
    assert "参考 " in out and "理由：" in out  # the trainer's report has everything
    # A later scoring by the same trainee is refused, even for the trainer.
    code, _, err = _cli(capsys, "train", "report", "--sample", SAMPLE, "--scores", files[2],
                        "--data-dir", data, *key_args())  # fmt: skip
    assert code == 1 and "测试只算第一次提交" in err

    after = trainee_runs()
    assert all(run == after[0] for run in after)
    code, text, as_json, pdf_text = after[0]
    assert code == 0
    figures = {f["key"] for f in json.loads(as_json)["figures"]}
    assert figures == {"passed", "exact", "within_one", "failed"}
    everything = text + as_json + pdf_text
    assert "通过" in everything and "完全一致" in everything
    for entry in plain.dossier:
        assert entry.reference.rationale not in everything or len(entry.reference.rationale) < 8
    for never in (
        "参考 ",
        "总分：",
        "总分与参考之差",
        "等级：",
        "偏差",
        "偏宽",
        "偏严",
        "kappa",
        "9.4.3",
    ):
        assert never not in everything, never


def test_keys_issue_a_trainer_key_then_seal_check_and_open(tmp_path: Path, capsys) -> None:
    ca = tmp_path / "ca"
    secret = tmp_path / "pass.txt"
    secret.write_text("ca-passphrase\n", encoding="utf-8")
    assert _cli(capsys, "keys", "init-ca", "--out", ca, "--name", "某市卫生健康委员会",
                "--passphrase-file", secret)[0] == 0  # fmt: skip
    key = tmp_path / "张老师.p12"
    code, out, _ = _cli(capsys, "keys", "issue", "--ca", ca, "--name", "张老师", "--assessor-id",
                        "TR-01", "--out", key, "--role", "trainer", "--passphrase-file", secret,
                        "--ca-passphrase-file", secret)  # fmt: skip
    assert code == 0 and "已签发培训师密钥：张老师" in out
    cert = tmp_path / "张老师-cert.pem"
    assert cert.is_file()

    sealed = tmp_path / "sealed.json"
    code, _, err = _cli(capsys, "train", "seal", PLAIN, "--to", cert, "-o", sealed)
    assert code == 1 and "需要你的培训师密钥签名" in err and not sealed.exists()
    code, out, _ = _cli(capsys, "train", "seal", PLAIN, "--to", cert, "-o", sealed,
                        "--trainer-key", key, "--trainer-passphrase-file", secret)  # fmt: skip
    assert code == 0 and "已密封给培训师 张老师" in out
    assert isinstance(load_any_sample(sealed), SealedSample)
    code, out, _ = _cli(capsys, "train", "check", sealed)
    assert code == 0 and "公开部分检查通过" in out and "参考结果" not in out
    code, out, _ = _cli(capsys, "train", "check", sealed, "--trainer-key", key,
                        "--trainer-passphrase-file", secret)  # fmt: skip
    assert code == 0 and "参考结果：总分" in out
    assert unseal(load_any_sample(sealed), load_trainer_key(key, "ca-passphrase")) == load_sample(
        PLAIN
    )
    # The demonstration key is not one it was sealed to; an assessor certificate cannot seal.
    code, _, err = _cli(capsys, "train", "check", sealed, *key_args())
    assert code == 1 and "不是密封给培训师 示范培训师 的" in err
    code, _, err = _cli(capsys, "train", "to-xlsx", sealed, "-o", tmp_path / "s.xlsx")
    assert code == 1 and "密封的测试样例，不能转换为表格" in err


def test_from_xlsx_seals_to_the_trainer_and_never_writes_the_plain_file(
    tmp_path: Path, capsys
) -> None:
    table = tmp_path / "s.xlsx"
    assert _cli(capsys, "train", "to-xlsx", PLAIN, "-o", table)[0] == 0
    out = tmp_path / "s.json"
    code, text, err = _cli(
        capsys, "train", "from-xlsx", table, "--seal-to", DEMO_CERT, "-o", out, *key_args()
    )
    assert code == 0, err
    assert "参考评分已密封" in text
    assert list(tmp_path.glob("*.json")) == [out]
    sealed = load_any_sample(out)
    assert isinstance(sealed, SealedSample)
    assert unseal(sealed, load_trainer_key(DEMO_KEY, DEMO_PASSPHRASE)) == load_sample(PLAIN)


def test_a_retake_granted_with_the_trainer_key_counts_and_is_logged(tmp_path: Path, capsys) -> None:
    plain = load_sample(PLAIN)
    data = tmp_path / "data"
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    lowest = _probes(plain)[0]
    reference = {s.indicator: s.score for s in reference_assessment(plain).scores}
    first.write_text(_scoring(plain, lowest, "T010").model_dump_json(), encoding="utf-8")
    second.write_text(_scoring(plain, reference, "T010").model_dump_json(), encoding="utf-8")
    report = ["train", "report", "--sample", SAMPLE, "--data-dir", data, *key_args()]
    assert _cli(capsys, *report, "--scores", first)[0] == 0
    assert _cli(capsys, *report, "--scores", second)[0] == 1
    code, _, err = _cli(capsys, "train", "retake", "--trainee", "T010", "--sample", SAMPLE,
                        "--reason", "首次测试时断电", "--data-dir", data)  # fmt: skip
    assert code == 1 and "需要培训师密钥" in err
    code, out, _ = _cli(capsys, "train", "retake", "--trainee", "T010", "--sample", SAMPLE,
                        "--reason", "首次测试时断电", "--data-dir", data, *key_args())  # fmt: skip
    assert code == 0 and "已批准学员 T010 重考" in out
    assert _cli(capsys, *report, "--scores", second)[0] == 0
    assert _cli(capsys, *report, "--scores", first)[0] == 1  # one retake, one more attempt
    store = ResultStore(data, read_only=True)
    assert [r.passed for r in store.all()] == [False, True]
    assert [(g.trainee_id, g.trainer, g.reason) for g in store.retakes()] == [
        ("T010", "示范培训师", "首次测试时断电")
    ]
    # The trainee now sees the retake's result.
    code, out, _ = _cli(capsys, "train", "report", "--sample", SAMPLE, "--scores", first,
                        "--data-dir", data)  # fmt: skip
    assert code == 0 and "测试结果：通过" in out


@pytest.mark.parametrize("bad", ["wrong-passphrase", "not-a-key"])
def test_a_wrong_trainer_key_is_a_chinese_error(bad: str, tmp_path: Path, capsys) -> None:
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("nope-nope\n", encoding="utf-8")
    junk = tmp_path / "junk.p12"
    junk.write_bytes(b"junk")
    key = junk if bad == "not-a-key" else DEMO_KEY
    sealed = Path(__file__).parents[2] / "assets" / "samples" / f"{SAMPLE}.json"
    code, _, err = _cli(capsys, "train", "check", sealed, "--trainer-key", key,
                        "--trainer-passphrase-file", wrong)  # fmt: skip
    assert code == 1 and "无法打开培训师密钥" in err and "Traceback" not in err
