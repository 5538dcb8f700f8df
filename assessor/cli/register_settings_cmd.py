"""`assessor register settings`: the commission's settings of a register (minimum team size)."""

from __future__ import annotations

from pathlib import Path

import click

from assessor.cli.register_group import command, db_option, who_option
from assessor.core.problems import UserError


@command.command("settings")
@db_option
@click.option(
    "--min-team-size",
    default=None,
    help="评估组最少人数（签名的成员数；默认 2）：此后导入的、签名成员少于该数的评估标记为待核实",
)
@who_option
def settings_command(register: Path, min_team_size: str | None, who: str | None) -> None:
    """查看或更改登记库的委员会设置。单人签名的文件即一人评估组，最少人数为 2 及以上时被标记。"""
    from assessor.core.register.register import Register
    from assessor.core.register.who import os_user

    size = _size(min_team_size)
    # Setting it first, before any import, creates the register.
    reg = Register.open(register, create=size is not None)
    if size is not None:
        reg.set_min_team_size(size, who=who or os_user())
        click.echo(f"已将评估组最少人数设为 {size}，此后导入的评估按此标记。")
    shown = reg.settings()
    click.echo(
        f"评估组最少人数：{shown.min_team_size}（签名成员少于此数的评估标记为「评估组人数不足」）"
    )


def _size(text: str | None) -> int | None:
    """The number given, or a Chinese error (click's own message would be English)."""
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        raise UserError(f"--min-team-size 应为整数（1 到 20），而不是「{text}」") from None
