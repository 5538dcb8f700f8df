"""`assessor plan install|list|start`: the commission's plan packages on an assessor's laptop."""

from __future__ import annotations

from pathlib import Path

import click

from assessor.cli.common import FILE, data_dir_option, open_store
from assessor.core.problems import UserError


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
    click.echo(
        f"已导入评估任务：{package.commission} {package.cycle} 年度计划 {package.plan_id}，"
        f"评估组「{package.team.team_id}」，{len(package.visits)} 家机构，"
        f"完成期限 {package.due_on.isoformat()}。"
    )


@command.command("list")
@data_dir_option
def list_command(data_dir: Path | None) -> None:
    """列出已导入的计划访视。"""
    from assessor.core.cycle.laptop_plans import installed_plans
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


@command.command("start")
@click.option("--plan", "plan_id", required=True, help="计划编号")
@click.option("--centre", "uscc", required=True, help="机构的统一社会信用代码")
@data_dir_option
def start_command(plan_id: str, uscc: str, data_dir: Path | None) -> None:
    """按计划开始一次评估：机构信息取自名册。"""
    from assessor.core.cycle.laptop_plans import installed_plans, planned_assessment
    from assessor.core.storage.store import default_root, record_key

    root = data_dir or default_root()
    packages = [p.package for p in installed_plans(root) if p.package.plan_id == plan_id]
    package = next((p for p in packages if uscc in {v.centre.uscc for v in p.visits}), None)
    if package is None:
        raise UserError(f"已导入的评估任务中没有计划 {plan_id} 对机构 {uscc} 的访视")
    draft = planned_assessment(package, uscc)
    open_store(data_dir).create(draft)
    click.echo(f"已新建评估 {record_key(draft)}：{draft.centre.name}（计划 {plan_id}）")
