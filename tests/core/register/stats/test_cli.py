"""`assessor register stats|export` through the command line, as a commission's staff runs it."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from assessor.cli.main import run_cli
from tests.core.register.stats import expected
from tests.core.register.stats.corpus import Corpus, current_documents


def test_stats_json(corpus: Corpus, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        run_cli(["register", "stats", "--db", str(corpus.register), "--json", "--by", "operator"])
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    docs = current_documents(corpus.files)
    assert data["count"] == len(docs)
    assert data["mean_total"] == str(expected.mean_total(docs))
    assert {g["grade"]: g["count"] for g in data["grades"]["grades"] if g["count"]} == (
        expected.grade_counts(docs)
    )
    assert data["filter"] == {"year": None, "by": "operator", "confirmed_only": False}
    assert any(group["insufficient"] for group in data["groups"])
    # The city's systems can check the output with the published schema, without this app.
    published = corpus.rubric_file.parent / "schema" / "statistics.schema.json"
    jsonschema.validate(data, json.loads(published.read_text(encoding="utf-8")))
    broken = {**data, "count": "很多"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, json.loads(published.read_text(encoding="utf-8")))


def test_stats_text_marks_small_samples(corpus: Corpus, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["register", "stats", "--db", str(corpus.register), "--by", "operator"]) == 0
    out = capsys.readouterr().out
    assert "等级分布" in out and "评估员尺度校准" in out and "按机构性质分组" in out
    assert "民办营利" in out
    assert "样本不足" in out  # a group with fewer than five assessments


def test_export_all_four(
    corpus: Corpus, register_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["register", "export", "--db", str(register_copy), "--csv", str(tmp_path / "a.csv"),
            "--xlsx", str(tmp_path / "a.xlsx"), "--public", str(tmp_path / "p.csv"),
            "--report", str(tmp_path / "r.pdf")]  # fmt: skip
    # Nothing confirmed yet: the public list and the report would be empty; nothing is written.
    assert run_cli(args) == 1
    assert "未写入文件" in capsys.readouterr().err
    assert not any((tmp_path / n).exists() for n in ("a.csv", "a.xlsx", "p.csv", "r.pdf"))

    docs = current_documents(corpus.files)
    held = expected.held_by_same_centre(docs)
    review = ["register", "review", "--db", str(register_copy), "--all", "--set", "已确认"]
    assert run_cli(review) == 0
    said = capsys.readouterr().out
    assert f"已将 {len(docs) - len(held)} 份评估的审核状态改为「已确认」" in said
    if held:
        assert f"另有 {len(held)} 份评估有待核实事项" in said and "同一机构" in said
    assert run_cli(args) == 0
    out = capsys.readouterr().out
    assert f"登记表 CSV：{tmp_path / 'a.csv'}（{len(docs)} 份评估）" in out
    assert "公示名单与统计报告只列已确认且无待核实事项的评估" in out
    assert all((tmp_path / n).stat().st_size > 0 for n in ("a.csv", "a.xlsx", "p.csv", "r.pdf"))


def test_columns_are_documented(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["register", "export", "--db", "x", "--columns"]) == 0
    out = capsys.readouterr().out
    assert "机构名称\tcentre_name" in out and "统一社会信用代码\tcentre_uscc" in out
    readme = (Path(__file__).resolve().parents[4] / "README.md").read_text(encoding="utf-8")
    for line in out.splitlines():
        if "\t" in line:
            title, key = line.strip().split("\t")
            assert f"`{key}`" in readme and title in readme, key


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["register", "stats", "--db", "{missing}"], "登记库不存在"),
        (["register", "export", "--db", "{register}"], "请至少指定一种导出"),
        (["register", "stats", "--db", "{register}", "--year", "1800"], "--year 应为 2000 到 2999"),
        (
            ["register", "export", "--db", "{register}", "--csv", "{out}", "--year", "明年"],
            "而不是「明年」",
        ),
        (
            ["register", "stats", "--db", "{register}", "--by", "city"],
            "--by 只能是 district（行政区划）",
        ),
    ],
)
def test_bad_input_is_a_chinese_message_and_exit_1(
    corpus: Corpus,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    values = {
        "missing": str(tmp_path / "无"),
        "register": str(corpus.register),
        "out": str(tmp_path / "a.csv"),
    }
    assert run_cli([a.format(**values) for a in args]) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "a.csv").exists()


def test_a_file_that_is_not_a_register(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "register.sqlite3").write_bytes(b"not a database at all" * 100)
    assert run_cli(["register", "stats", "--db", str(tmp_path)]) == 1
    assert "不是登记库或已损坏" in capsys.readouterr().err
