"""`assessor train list|report|trainees`: samples, a trainee's file against a sample, and the
trainer's class list. Attached to the `train` group of `train_cmds.py`."""

from __future__ import annotations

import json
from pathlib import Path

import click

from assessor.cli.common import FILE, data_dir_option
from assessor.cli.train_cmds import command as train
from assessor.cli.train_cmds import open_trainer_key, trainer_key_options
from assessor.core.assessment.model import CENTRE_KIND_LABELS, Assessment
from assessor.core.clock import now_utc
from assessor.core.problems import UserError, os_error_text
from assessor.core.storage.atomic import atomic_write_bytes
from assessor.core.storage.store import default_root
from assessor.core.training.attempts import record_test_result
from assessor.core.training.catalogue import all_samples, find_sample
from assessor.core.training.certification import standing_text
from assessor.core.training.comparison import Comparison
from assessor.core.training.figures import comparison_figures, disagreements
from assessor.core.training.numbers import percent_text
from assessor.core.training.results import ResultStore, Trainee, TraineeResult
from assessor.core.training.rule import load_rule
from assessor.core.training.sealed import SealedSample, unseal
from assessor.core.training.trainee_view import (
    TEST_VIEW_NOTE,
    TraineeView,
    trainee_figures,
    trainee_view,
)
from assessor.core.training.trainer import trainee_summaries

MODE_LABELS = {"practice": "练习", "test": "测试"}
DIFFICULTY_LABELS = {"easy": "容易", "medium": "中等", "hard": "较难"}


@train.command("list")
@data_dir_option
def list_samples(data_dir: Path | None) -> None:
    """列出样例机构（内置的与数据文件夹 training/samples 中的）。"""
    catalogue = all_samples(data_dir or default_root())
    if not catalogue.samples:
        click.echo("没有样例。")
    for s in catalogue.samples:
        kind = CENTRE_KIND_LABELS[s.centre.kind]
        sealed = "（已密封）" if isinstance(s, SealedSample) else ""
        click.echo(
            f"{s.id}  {MODE_LABELS[s.mode]}{sealed}  {DIFFICULTY_LABELS[s.difficulty]}  {kind}  "
            f"{s.title}"
        )
    for problem in catalogue.broken:
        click.echo(f"无法读取的样例：{problem}", err=True)


@train.command("report")
@click.option("--sample", "sample_name", required=True, help="样例编号（或样例文件路径）")
@click.option(
    "--scores", "scores_file", type=FILE, required=True, help="学员的评估文件（导出的 JSON）"
)
@click.option("--rubric", "rubric_path", type=FILE, help="评估标准文件（默认按样例记录的哈希查找）")
@click.option("--json", "as_json", is_flag=True, help="输出机器可读的 JSON")
@click.option(
    "--pdf",
    "pdf_path",
    type=FILE,
    help="另存练习报告 PDF（标注“培训”；测试样例只含学员可见的结果）",
)
@trainer_key_options
@data_dir_option
def report(
    sample_name: str,
    scores_file: Path,
    rubric_path: Path | None,
    as_json: bool,
    pdf_path: Path | None,
    trainer_key_path: Path | None,
    trainer_passphrase_file: Path | None,
    data_dir: Path | None,
) -> None:
    """把学员的评分与样例的参考评分比较。练习样例给出全部结果；测试样例只有培训师用培训师密钥
    才能评判（成绩按学员与样例只记第一次），学员只看到是否通过与一致性。"""
    from assessor.core.document.model import read_assessment
    from assessor.core.rubric.registry import rubric_for
    from assessor.core.training.comparison import compare

    root = data_dir or default_root()
    sample = find_sample(sample_name, root)
    scoring = read_assessment(scores_file)
    rule = load_rule(root)
    key = open_trainer_key(trainer_key_path, trainer_passphrase_file)
    if isinstance(sample, SealedSample) and key is None:
        # Nothing here depends on the scoring's levels: the reference cannot be probed.
        trainee = _trainee_of(scoring)
        result = _recorded(root, trainee, sample.id)
        view = trainee_view(result, rule)
        _emit_trainee_view(view, sample.title, as_json)
        if pdf_path is not None:
            _write_trainee_pdf(view, sample.title, trainee, result, pdf_path)
        return
    plain = unseal(sample, key) if isinstance(sample, SealedSample) else sample
    rubric = rubric_for(plain.rubric, [rubric_path] if rubric_path else [])
    comparison = compare(rubric, plain, scoring, rule)
    if plain.mode == "practice":
        click.echo(render_json(comparison) if as_json else render_text(comparison))
        if pdf_path is not None:
            write_pdf(comparison, scoring, pdf_path)
        return
    trainee = _trainee_of(scoring)
    result = record_test_result(
        root, trainee, comparison, vouched=isinstance(sample, SealedSample), at=scoring.updated_at
    )
    view = trainee_view(result, rule)
    if key is not None:
        click.echo(render_json(comparison) if as_json else render_text(comparison))
        click.echo(f"已记录学员 {trainee.name}（{trainee.trainee_id}）的测试成绩。", err=True)
    else:
        _emit_trainee_view(view, comparison.sample_title, as_json)
    if pdf_path is not None:
        _write_trainee_pdf(view, comparison.sample_title, trainee, result, pdf_path)


def _trainee_of(scoring: Assessment) -> Trainee:
    """The trainee who scored the file: its first assessor."""
    who = scoring.visit.assessors[0] if scoring.visit.assessors else None
    if who is None:
        raise UserError("评估文件中没有评估员（学员）姓名和编号，无法按学员记录测试成绩")
    return Trainee(name=who.name, trainee_id=who.assessor_id)


def _recorded(root: Path, trainee: Trainee, sample_id: str) -> TraineeResult:
    own = [
        r
        for r in ResultStore(root, read_only=True).all()
        if r.trainee.trainee_id == trainee.trainee_id and r.sample_id == sample_id
    ]
    if not own:
        raise UserError(
            f"样例 {sample_id} 是密封的测试样例：参考评分只有培训师能打开。请把评分文件交给培训师，"
            "由培训师运行 assessor train report … --trainer-key 培训师密钥.p12 评判；"
            "评判后再运行本命令，可看到你是否通过与一致性结果。"
        )
    return own[-1]  # the first attempt, or the retake a trainer granted and judged


def _emit_trainee_view(view: TraineeView, title: str, as_json: bool) -> None:
    figures = trainee_figures(view)
    if as_json:
        data = {
            "sample": view.sample_id,
            "mode": "test",
            "passed": view.passed,
            "figures": [vars(f) for f in figures],
        }
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(f"样例：{title}（{view.sample_id}，测试）")
    for f in figures:
        click.echo(f"{f.label}：{f.value}")
    click.echo(TEST_VIEW_NOTE)


def _write_trainee_pdf(
    view: TraineeView, title: str, trainee: Trainee, result: TraineeResult, path: Path
) -> None:
    from assessor.core.training.report import render_test_report

    try:
        atomic_write_bytes(path, render_test_report(view, title, trainee, result.submitted_at))
    except OSError as exc:
        raise UserError(f"无法写入 {path}：{os_error_text(exc)}") from exc
    click.echo(f"已写入测试结果 {path}", err=True)


def write_pdf(c: Comparison, scoring: Assessment, path: Path) -> None:
    """The practice report of the file's first assessor (the trainee who scored it)."""
    from assessor.core.training.report import render_practice_report

    who = scoring.visit.assessors[0] if scoring.visit.assessors else None
    trainee = Trainee(
        name=who.name if who else "（未填写）", trainee_id=who.assessor_id if who else "—"
    )
    try:
        atomic_write_bytes(path, render_practice_report(c, trainee, scoring.updated_at))
    except OSError as exc:
        raise UserError(f"无法写入 {path}：{os_error_text(exc)}") from exc
    click.echo(f"已写入练习报告 {path}", err=True)


def render_text(c: Comparison) -> str:
    lines = [f"{f.label}：{f.value}" for f in comparison_figures(c)]
    worst = disagreements(c)
    if worst:
        lines.append("")
        lines.append("差异最大的指标（附参考理由）：")
        for d in worst:
            lines.append(f"  {d.indicator} {d.short}：你的评分 {d.trainee}，参考 {d.reference}")
            lines.append(f"    理由：{d.rationale}")
    return "\n".join(lines)


def render_json(c: Comparison) -> str:
    data = {
        "sample": c.sample_id,
        "mode": c.mode,
        "passed": c.passed,
        "figures": [vars(f) for f in comparison_figures(c)],
        "disagreements": [vars(d) for d in disagreements(c)],
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


@train.command("trainees")
@data_dir_option
def trainees(data_dir: Path | None) -> None:
    """列出学员的成绩走势、认证状态与有效期。"""
    root = data_dir or default_root()
    rule = load_rule(root)
    rows = trainee_summaries(ResultStore(root, read_only=True).all(), rule, now_utc())
    if not rows:
        click.echo("还没有学员成绩。")
    for row in rows:
        trend = " → ".join(percent_text(x) for x in row.trend[-5:])
        click.echo(
            f"{row.trainee.trainee_id}  {row.trainee.name}  走势 {trend}  "
            f"{standing_text(row.certification, rule)}"
        )


commands = (train,)
