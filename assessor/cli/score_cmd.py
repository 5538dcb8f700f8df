"""`assessor score FILE.json`: recompute and explain the result of an assessment file."""

from __future__ import annotations

import json
from pathlib import Path

import click

from assessor.cli.common import FILE, data_dir_option, laptop_rubrics
from assessor.core.problems import ProblemsError
from assessor.core.rubric.registry import rubric_for
from assessor.core.scoring.engine import compute_result, score_problems
from assessor.core.scoring.result import Result

_STATUS = {"met": "达标", "unmet": "未达标", "unscored": "未评分", "na": "不适用"}


@click.command("score")
@click.argument("file", type=FILE)
@click.option(
    "--rubric",
    "rubric_path",
    type=FILE,
    help="评估标准文件（默认按评估文件记录的哈希在内置评估标准中查找）",
)
@click.option("--json", "as_json", is_flag=True, help="输出机器可读的 JSON")
@data_dir_option
def command(file: Path, rubric_path: Path | None, as_json: bool, data_dir: Path | None) -> None:
    """重新计算评估文件（已签名或未签名）的得分、否决项和等级，并说明理由。"""
    from assessor.core.document.model import read_assessment

    assessment = read_assessment(file)
    given = [rubric_path] if rubric_path else []
    rubric = rubric_for(assessment.rubric, [*given, *laptop_rubrics(data_dir)])
    problems = score_problems(rubric, assessment, str(file))
    if problems:
        raise ProblemsError(problems)
    result = compute_result(rubric, assessment)
    if as_json:
        click.echo(json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2))
    else:
        click.echo(render_result(result))


def render_result(result: Result) -> str:
    lines = [f"{'维度':<10}{'得分':>8}{'满分':>8}{'已评':>8}"]
    for d in result.dimensions:
        lines.append(
            f"{d.id + ' ' + d.name:<10}{d.score:>8g}{d.max:>8g}{f'{d.scored}/{d.indicators}':>8}"
        )
    lines.append(f"{'合计':<10}{result.total:>8g}{result.max:>8g}")
    lines.append("")
    lines.append("基础指标（否决项）：")
    for v in result.vetoes:
        lines.append(f"  {v.indicator:<8}{v.short}：{_STATUS[v.status]}")
    e = result.explanation
    lines.append("")
    lines.append(f"等级：{e.grade}（{e.label}）")
    lines.extend(f"  · {reason}" for reason in e.reasons)
    c = result.completeness
    lines.append(f"完成度：{c.scored}/{c.total}")
    return "\n".join(lines)
