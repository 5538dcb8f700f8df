"""`assessor train …`: sample centres for trainers: check them, convert them to and from Excel."""

from __future__ import annotations

from pathlib import Path

import click

from assessor.core.problems import ProblemsError, UserError
from assessor.core.rubric.registry import rubric_for
from assessor.core.storage.atomic import atomic_write_bytes
from assessor.core.training.sample import load_sample, sample_json
from assessor.core.training.validate import CheckedSample, check_sample_file
from assessor.core.training.xlsx import sample_from_xlsx, sample_to_xlsx

_FILE = click.Path(dir_okay=False, path_type=Path)

_MODE_LABELS = {"practice": "练习（提交后显示参考评分与理由）", "test": "测验（只显示一致性结果）"}
_DIFFICULTY_LABELS = {"easy": "容易", "medium": "中等", "hard": "较难"}


@click.group("train")
def command() -> None:
    """培训：样例机构的检查，以及与 Excel 表格互相转换。"""


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


@command.command("to-xlsx")
@click.argument("sample_path", metavar="SAMPLE", type=_FILE)
@click.option("-o", "--out", required=True, type=_FILE, help="要写出的 Excel 表格（.xlsx）")
@click.option("--force", is_flag=True, help="覆盖已存在的输出文件")
@_rubric_option
def to_xlsx(sample_path: Path, out: Path, force: bool, rubric_path: Path | None) -> None:
    """把样例机构文件转换为 Excel 表格，供培训者修改或照着编写新样例。"""
    if out.suffix.lower() != ".xlsx":
        raise UserError(f"输出文件 {out} 应以 .xlsx 结尾")
    _refuse_existing(out, force)
    sample = load_sample(sample_path)
    try:
        rubric = rubric_for(sample.rubric, [rubric_path] if rubric_path else [])
    except UserError:
        rubric = None  # the table is still written, only without indicator names
        click.echo("未找到样例所用的评估标准：表格中不列指标名称和可选分值。", err=True)
    sample_to_xlsx(sample, out, rubric)
    click.echo(f"已写入 {out}（{len(sample.dossier)} 项指标的档案）")
    click.echo(f"改好后运行：assessor train from-xlsx {out} -o 样例.json")


@command.command("from-xlsx")
@click.argument("table", metavar="TABLE.xlsx", type=_FILE)
@click.option("-o", "--out", required=True, type=_FILE, help="要写出的样例机构文件（.json）")
@click.option("--force", is_flag=True, help="覆盖已存在的输出文件")
@_rubric_option
def from_xlsx(table: Path, out: Path, force: bool, rubric_path: Path | None) -> None:
    """把填写好的 Excel 表格转换为样例机构文件（JSON），并做与 train check 相同的检查；
    有问题时不写出任何文件。"""
    _refuse_existing(out, force)
    try:
        workbook = sample_from_xlsx(table)
        rubric = rubric_for(workbook.sample.rubric, [rubric_path] if rubric_path else [])
        checked = workbook.check(rubric)
    except ProblemsError as exc:
        raise UserError(
            f"表格 {table} 有 {len(exc.problems)} 个问题，未写入 {out}：\n{exc}"
        ) from exc
    try:
        atomic_write_bytes(out, sample_json(checked.sample))
    except OSError as exc:
        raise UserError(f"无法写入 {out}：{exc.strerror or exc}") from exc
    click.echo(f"已写入 {out}")
    click.echo(render_checked(checked))


def _refuse_existing(out: Path, force: bool) -> None:
    if out.exists() and not force:
        raise UserError(f"{out} 已存在，未作改动；如要覆盖请加 --force")
