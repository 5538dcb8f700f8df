"""`assessor register stats|export`: the register's statistics and its exports."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from assessor.cli.common import FILE
from assessor.cli.register_group import command, db_option
from assessor.core.problems import UserError

if TYPE_CHECKING:
    from assessor.core.register.stats_model import StatsFilter

SHOWN = 10


def filter_options(function):
    function = click.option(
        "--confirmed-only",
        is_flag=True,
        help="只统计/导出审核状态为「已确认」且无待核实事项的评估",
    )(function)
    function = click.option(
        "--by",
        default=None,
        metavar="district|operator|care-type|assessor",
        help="分组：行政区划 / 机构性质 / 托育服务类型 / 评估人员",
    )(function)
    function = click.option(
        "--year", default=None, metavar="YYYY", help="只统计该年（按评估日期）的评估"
    )(function)
    return click.option(
        "--rubric", "rubric_paths", multiple=True, type=FILE, help="评估标准文件（默认用内置的）"
    )(function)


def _filter(year: str | None, by: str | None, confirmed_only: bool) -> StatsFilter:
    """The filter the options ask for; a wrong value is a Chinese message, not click's English."""
    from assessor.core.register.stats_model import GROUP_BY_LABELS, GroupBy, StatsFilter

    if year is not None and not (year.isdigit() and 2000 <= int(year) <= 2999):
        raise UserError(f"--year 应为 2000 到 2999 之间的年份，而不是「{year}」")
    if by is not None and by not in {g.value for g in GroupBy}:
        choices = "、".join(f"{g.value}（{label}）" for g, label in GROUP_BY_LABELS.items())
        raise UserError(f"--by 只能是 {choices}，而不是「{by}」")
    return StatsFilter(
        year=int(year) if year else None,
        by=GroupBy(by) if by else None,
        confirmed_only=confirmed_only,
    )


def _rubrics(paths: tuple[Path, ...]) -> list:
    from assessor.core.rubric.registry import load_rubric_cached

    return [load_rubric_cached(p) for p in paths]


@command.command("stats")
@db_option
@filter_options
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出全部统计（含完整名单）")
def stats_command(
    register: Path,
    rubric_paths: tuple[Path, ...],
    year: str | None,
    by: str | None,
    confirmed_only: bool,
    as_json: bool,
) -> None:
    """登记库统计：等级分布、各维度得分率、最弱指标、基础指标、示范候选、警示名单、复评变化、评估员校准。

    只统计每份评估的当前版本。每项数字都注明评估份数，不足 5 份的标注「样本不足」。
    """
    from assessor.core.register.register import Register

    stats = Register.open(register).statistics(
        _filter(year, by, confirmed_only),
        _rubrics(rubric_paths),
        list_limit=None if as_json else SHOWN,
    )
    if as_json:
        click.echo(stats.model_dump_json(indent=2))
    else:
        from assessor.cli.register_stats_text import stats_text

        click.echo(stats_text(stats, SHOWN))


@command.command("export")
@db_option
@filter_options
@click.option("--csv", "csv_path", type=FILE, help="登记表 CSV（UTF-8 带 BOM，每份当前评估一行）")
@click.option("--xlsx", "xlsx_path", type=FILE, help="登记表 XLSX（各维度指标得分、统计图表）")
@click.option(
    "--public", "public_path", type=FILE, help="信息公示名单 CSV（仅已确认、无待核实事项、非培训）"
)
@click.option("--report", "report_path", type=FILE, help="统计报告 PDF")
@click.option("--columns", "list_columns", is_flag=True, help="列出 CSV 的中文列名与机器键名")
def export_command(
    register: Path,
    rubric_paths: tuple[Path, ...],
    year: str | None,
    by: str | None,
    confirmed_only: bool,
    csv_path: Path | None,
    xlsx_path: Path | None,
    public_path: Path | None,
    report_path: Path | None,
    list_columns: bool,
) -> None:
    """导出登记库：CSV、XLSX、信息公示名单、统计报告 PDF（可同时指定多个）。"""
    from assessor.core.register.exports.columns import PUBLIC_COLUMNS, REGISTER_COLUMNS
    from assessor.core.register.exports.run import EXPORT_LABELS, ExportRequest
    from assessor.core.register.register import Register

    if list_columns:
        for title, columns in (("登记表", REGISTER_COLUMNS), ("信息公示名单", PUBLIC_COLUMNS)):
            click.echo(f"{title}：")
            for column in columns:
                click.echo(f"  {column.title}\t{column.key}")
        return
    request = ExportRequest(csv_path, xlsx_path, public_path, report_path)
    if not request.outputs():
        raise UserError("请至少指定一种导出：--csv、--xlsx、--public 或 --report")
    reg = Register.open(register)
    chosen = _filter(year, by, confirmed_only)
    written = reg.export(chosen, request, _rubrics(rubric_paths))
    for kind, path in request.outputs():
        unit = "份评估" if kind != "public" else "家机构"
        click.echo(f"{EXPORT_LABELS[kind]}：{path}（{written[kind]} {unit}）")
    if request.public or request.report:
        from assessor.core.register.texts import held_text

        held = reg.statistics(chosen, list_limit=0).held_back
        click.echo(held_text("公示名单与统计报告只列已确认且无待核实事项的评估", held))
