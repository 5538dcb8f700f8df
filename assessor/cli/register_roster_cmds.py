"""`assessor register roster …`: the city's roster of registered (备案) childcare centres."""

from __future__ import annotations

from pathlib import Path

import click

from assessor.cli.common import FILE
from assessor.cli.register_group import command, db_option, who_option


@command.group("roster")
def roster_group() -> None:
    """托育机构备案名册：导入、模板、查看、未在名册中的机构。"""


@roster_group.command("template")
@click.option("-o", "--out", required=True, type=FILE, help="写入的名册模板（.xlsx）")
def template_command(out: Path) -> None:
    """生成空白名册模板（Excel）。"""
    from assessor.core.cycle.roster_template import write_roster_template

    write_roster_template(out)
    click.echo(f"已生成名册模板：{out}")


@roster_group.command("import")
@click.argument("roster_file", type=FILE)
@db_option
@who_option
def import_command(roster_file: Path, register: Path, who: str | None) -> None:
    """导入名册（.xlsx 或 .csv）。有任何错误则整份不导入；再次导入按统一社会信用代码更新，保留历史。"""
    from assessor.core.register.register import Register
    from assessor.core.register.who import os_user

    cycle = Register.open(register, create=True).cycle
    result = cycle.import_roster(roster_file, who=who or os_user())
    click.echo(
        f"已导入名册 {roster_file.name}：共 {result.rows} 家机构，新增 {result.added}，"
        f"更新 {result.updated}，未变 {result.unchanged}。"
    )
    if result.not_in_file:
        click.echo(f"此前名册中有 {result.not_in_file} 家机构未出现在本次文件中，已保留原记录。")


@roster_group.command("list")
@db_option
@click.option("--district", default="", help="只列出该区县（行政区划代码前 6 位）的机构")
def list_command(register: Path, district: str) -> None:
    """列出名册中的机构。"""
    from assessor.core.register.register import Register

    centres = Register.open(register).cycle.roster(district)
    for centre in centres:
        click.echo(f"{centre.uscc}  {centre.division_code}  {centre.name}  {centre.places or ''}")
    click.echo(f"共 {len(centres)} 家机构。")


@roster_group.command("missing")
@db_option
def missing_command(register: Path) -> None:
    """列出已登记评估、但不在名册中的机构。"""
    from assessor.core.register.register import Register

    centres = Register.open(register).cycle.missing_from_roster()
    for centre in centres:
        click.echo(
            f"{centre.uscc}  {centre.division_code}  {centre.name}  评估 {centre.assessments} 份"
        )
    click.echo(f"不在名册中的机构：{len(centres)} 家。")
