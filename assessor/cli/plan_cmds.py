"""`assessor plan install|list|start`: the commission's plan packages on an assessor's laptop."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from assessor.cli.common import FILE, data_dir_option, open_store
from assessor.core.problems import UserError

if TYPE_CHECKING:
    from assessor.core.cycle.package_model import PlanPackage


@click.group("plan")
def command() -> None:
    """评估任务：导入卫生健康委下发的任务包，查看计划访视，按计划开始评估。"""


@command.command("install")
@click.argument("package_file", type=FILE)
@click.option(
    "--accept-root",
    "accepted",
    multiple=True,
    help="首次导入时：核对无误的卫生健康委根证书 SHA-256 指纹",
)
@data_dir_option
def install_command(package_file: Path, accepted: tuple[str, ...], data_dir: Path | None) -> None:
    """核验任务包签名，安装评估标准、信任根与吊销列表，列出计划访视。"""
    from assessor.core.cycle.laptop_plans import install_package
    from assessor.core.storage.store import default_root

    installed = install_package(
        data_dir or default_root(), package_file, accepted_roots=[a.lower() for a in accepted]
    )
    package = installed.package
    again = f"，复查 {len(package.followups)} 家" if package.followups else ""
    click.echo(
        f"已导入评估任务：{package.commission} {package.cycle} 年度计划 {package.plan_id}，"
        f"评估组「{package.team.team_id}」，{len(package.visits)} 家机构{again}，"
        f"完成期限 {package.due_on.isoformat()}。"
    )


@command.command("list")
@data_dir_option
def list_command(data_dir: Path | None) -> None:
    """列出已导入的计划访视。"""
    from assessor.core.cycle.laptop_plans import installed_plans, planned_followups
    from assessor.core.storage.store import default_root

    plans = installed_plans(data_dir or default_root())
    if not plans:
        click.echo("没有已导入的评估任务。")
    for installed in plans:
        package = installed.package
        click.echo(
            f"计划 {package.plan_id}  评估组「{package.team.team_id}」  期限 {package.due_on}"
        )
        for visit in package.visits:
            centre = visit.centre
            click.echo(f"  {centre.uscc}  {centre.name}  {centre.address}")
        for task in planned_followups(package):
            centre = task.centre
            click.echo(
                f"  {centre.uscc}  {centre.name}  {centre.address}  复查 {len(task.items)} 项"
                f"（复查任务 {task.task_id}）"
            )


@command.command("start")
@click.option("--plan", "plan_id", required=True, help="计划编号")
@click.option("--centre", "uscc", required=True, help="机构的统一社会信用代码")
@click.option(
    "--followup", "followup", is_flag=True, help="开始计划中的复查（机构同时有评估与复查时）"
)
@data_dir_option
def start_command(plan_id: str, uscc: str, followup: bool, data_dir: Path | None) -> None:
    """按计划开始一次评估（机构信息取自名册），或一次复查（列出待整改事项与原评估发现）。"""
    from assessor.core.cycle.laptop_plans import (
        installed_plans,
        planned_assessment,
        planned_followups,
    )
    from assessor.core.storage.store import default_root, record_key

    root = data_dir or default_root()
    uscc = uscc.strip().upper()
    packages = [p.package for p in installed_plans(root) if p.package.plan_id == plan_id]
    visit = next((p for p in packages if uscc in {v.centre.uscc for v in p.visits}), None)
    again = next(
        (p for p in packages if uscc in {t.centre.uscc for t in planned_followups(p)}), None
    )
    if again is not None and (followup or visit is None):
        _start_followup(root, again, uscc)
        return
    package = visit
    if package is None:
        what = "复查" if followup else "访视"
        raise UserError(f"已导入的评估任务中没有计划 {plan_id} 对机构 {uscc} 的{what}")
    draft = planned_assessment(package, uscc)
    open_store(data_dir).create(draft)
    click.echo(f"已新建评估 {record_key(draft)}：{draft.centre.name}（计划 {plan_id}）")


def _start_followup(root: Path, package: PlanPackage, uscc: str) -> None:
    """Show the follow-up visit's open items with the previous finding and evidence; the
    outcomes are then recorded with `followup record` and signed with `followup sign`."""
    from assessor.core.cycle.laptop_followups import outcomes
    from assessor.core.cycle.laptop_plans import planned_followup
    from assessor.core.cycle.rectification import KIND_LABELS, OUTCOME_LABELS

    task = planned_followup(root, package, uscc)
    recorded = outcomes(root, task.task_id)
    click.echo(
        f"已开始复查 {task.task_id}：{task.centre.name}（计划 {package.plan_id}），"
        f"{len(task.items)} 项待整改事项"
    )
    for item in task.items:
        done = recorded.get(item.indicator_id)
        state = OUTCOME_LABELS[done.outcome] if done else "未填写"
        evidence = "、".join(item.evidence) or "（无）"
        click.echo(
            f"  {item.indicator_id}  {KIND_LABELS[item.kind]}  期限 {item.due_on}  [{state}]\n"
            f"    原发现：{item.finding or '（无说明）'}\n"
            f"    原证据：{evidence}"
        )
    click.echo(
        f"逐项记录：assessor followup record {task.task_id} --item 条款号 --outcome 结论；"
        f"全部记录后：assessor followup sign {task.task_id}"
    )
