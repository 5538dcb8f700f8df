"""`assessor train …`: sample centres for trainers: check them, convert them to and from Excel."""

from __future__ import annotations

from pathlib import Path

import click

from assessor.core.problems import ProblemsError, UserError
from assessor.core.training.validate import CheckedSample, check_sample_file

_FILE = click.Path(dir_okay=False, path_type=Path)

_MODE_LABELS = {"practice": "练习（提交后显示参考评分与理由）", "test": "测验（只显示一致性结果）"}
_DIFFICULTY_LABELS = {"easy": "容易", "medium": "中等", "hard": "较难"}


@click.group("train")
def command() -> None:
    """培训：样例机构的检查、与 Excel 表格互相转换。"""


def _rubric_option(function):
    return click.option(
        "--rubric",
        "rubric_path",
        type=_FILE,
        help="评估标准文件（默认按样例记录的哈希在内置评估标准中查找）",
    )(function)


@command.command("check")
@click.argument("file", type=_FILE)
@_rubric_option
def check(file: Path, rubric_path: Path | None) -> None:
    """检查样例机构文件：指标齐全、参考评分合规、等级与总分同评分引擎一致、档案不照抄评分标准。"""
    try:
        checked = check_sample_file(file, [rubric_path] if rubric_path else [])
    except ProblemsError as exc:
        raise UserError(f"样例 {file} 未通过检查，共 {len(exc.problems)} 个问题：\n{exc}") from exc
    click.echo(f"样例 {file} 检查通过。")
    click.echo(render_checked(checked))


def render_checked(checked: CheckedSample) -> str:
    sample, result = checked.sample, checked.result
    rubric = checked.rubric.rubric
    na = sum(1 for entry in sample.dossier if entry.reference.na)
    unmet = [v.indicator for v in result.vetoes if v.status == "unmet"]
    return "\n".join(
        [
            f"编号：{sample.id}",
            f"名称：{sample.title}",
            f"用途：{_MODE_LABELS[sample.mode]}；难度：{_DIFFICULTY_LABELS[sample.difficulty]}",
            f"评估标准：{rubric.code} {rubric.version}（{checked.rubric.sha256[:16]}…）",
            f"档案：{len(sample.dossier)} 项指标，其中不适用 {na} 项",
            f"参考结果：总分 {result.total:g}，等级 {result.grade}"
            + (f"（基础指标未达标：{'、'.join(unmet)}）" if unmet else ""),
        ]
    )
