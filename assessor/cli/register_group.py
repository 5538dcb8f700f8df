"""`assessor register …`: the commission's register of signed assessment files.

The group is defined here; each family of subcommands lives in its own module
(`register_import_cmd`, `register_review_cmds`, …), attaches itself with
`@command.command(...)` and is listed in `assessor.cli.main._COMMAND_MODULES`.
"""

from __future__ import annotations

from pathlib import Path

import click

REGISTER = click.Path(file_okay=False, path_type=Path)

db_option = click.option(
    "--db",
    "register",
    required=True,
    type=REGISTER,
    help="登记库文件夹（其中的 register.sqlite3 与隔离区 quarantine/）",
)

who_option = click.option(
    "--who", default=None, help="记录在日志中的操作人（默认：当前系统用户名）"
)


@click.group("register")
def command() -> None:
    """卫生健康委的评估登记库：导入签名评估文件、审核、查看导入记录。"""
