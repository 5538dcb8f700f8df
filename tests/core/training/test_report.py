"""The practice report: a real PDF, read back with pdftotext, marked 培训 on every page."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

from assessor.core.rubric.validate import LoadedRubric
from assessor.core.training.comparison import compare
from assessor.core.training.report import render_practice_report, render_test_report
from assessor.core.training.results import Trainee, result_of
from assessor.core.training.rule import ReliabilityRule
from assessor.core.training.trainee_view import trainee_view
from tests.training_samples import SMALL_REFERENCE, scoring, small_sample

SEVERE = {**SMALL_REFERENCE, "4.1.1": 3, "5.1.1": 2.5}
LI = Trainee(name="李静", trainee_id="T001")
AT = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)


def _text(pdf: bytes, tmp_path: Path) -> tuple[str, list[str]]:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    fonts = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    return out, fonts


def test_practice_report_holds_the_figures_and_the_reasons(
    small_rubric: LoadedRubric, tmp_path: Path
) -> None:
    c = compare(
        small_rubric, small_sample(small_rubric), scoring(small_rubric, SEVERE), ReliabilityRule()
    )
    text, fonts = _text(render_practice_report(c, LI, AT), tmp_path)
    assert "培训练习报告" in text and "培训/样例" in text
    assert "李静（T001）" in text and "2026-03-01 10:00:00（北京时间）" in text
    assert "60.0%（3/5 项指标）" in text and "0.200" in text and "-1.000" in text
    assert "你的评分 15.5，参考 23.5（-8）" in text
    assert "理由 4.1.1：依据档案。" in text
    # Every font is embedded: the report reads the same on every laptop.
    assert fonts and all(" yes " in line for line in fonts)


def test_a_test_sample_report_is_the_trainee_view_only(
    small_rubric: LoadedRubric, tmp_path: Path
) -> None:
    sample = small_sample(small_rubric, "test")
    c = compare(small_rubric, sample, scoring(small_rubric, SEVERE), ReliabilityRule())
    view = trainee_view(result_of(LI, c, AT), ReliabilityRule())
    text, fonts = _text(render_test_report(view, c.sample_title, LI, AT), tmp_path)
    text = "".join(text.split())  # table cells wrap anywhere
    assert "培训测试结果" in text and "培训/样例" in text
    assert "未通过" in text and "60.0%" in text and "100.0%" in text  # exact, within one
    # (the watermark may fall between the words of a wrapped cell)
    assert "参考不同" in text and "基础指标达标/未达标判断未全部一致" in text
    # Nothing of the reference, the totals, the grades, biases or indicators.
    for shown in ("理由4.1.1", "23.5", "15.5", "参考A", "偏严", "偏宽", "4.1.1", "kappa"):
        assert shown not in text, shown
    assert fonts and all(" yes " in line for line in fonts)
