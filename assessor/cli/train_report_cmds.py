"""`assessor train list|report|trainees`: samples, a trainee's file against a sample, and the
trainer's class list. Attached to the `train` group of `train_cmds.py`."""

from __future__ import annotations

import json
from pathlib import Path

import click

from assessor.cli.common import FILE, data_dir_option
from assessor.cli.train_cmds import command as train
from assessor.core.assessment.model import CENTRE_KIND_LABELS, Assessment
from assessor.core.clock import now_utc
from assessor.core.problems import UserError, os_error_text
from assessor.core.storage.atomic import atomic_write_bytes
from assessor.core.storage.store import default_root
from assessor.core.training.catalogue import all_samples, find_sample
from assessor.core.training.certification import standing_text
from assessor.core.training.comparison import Comparison
from assessor.core.training.figures import comparison_figures, disagreements
from assessor.core.training.numbers import percent_text
from assessor.core.training.results import ResultStore, Trainee
from assessor.core.training.rule import load_rule
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
        click.echo(
            f"{s.id}  {MODE_LABELS[s.mode]}  {DIFFICULTY_LABELS[s.difficulty]}  {kind}  {s.title}"
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
@click.option("--pdf", "pdf_path", type=FILE, help="另存练习报告 PDF（标注“培训”）")
@data_dir_option
def report(
    sample_name: str,
    scores_file: Path,
    rubric_path: Path | None,
    as_json: bool,
    pdf_path: Path | None,
    data_dir: Path | None,
) -> None:
    """把学员的评分与样例的参考评分比较，给出与练习界面相同的一致性结果。"""
    from assessor.core.document.model import read_assessment
    from assessor.core.rubric.registry import rubric_for
    from assessor.core.training.comparison import compare

    root = data_dir or default_root()
    sample = find_sample(sample_name, root)
    rubric = rubric_for(sample.rubric, [rubric_path] if rubric_path else [])
    scoring = read_assessment(scores_file)
    comparison = compare(rubric, sample, scoring, load_rule(root))
    click.echo(render_json(comparison) if as_json else render_text(comparison))
    if pdf_path is not None:
        write_pdf(comparison, scoring, pdf_path)


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
