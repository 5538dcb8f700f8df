"""`assessor selftest`: check that this installation can score, store, sign and verify."""

from __future__ import annotations

import click


@click.command("selftest")
def command() -> int:
    """自检：加载评估标准、评分、保存评估、签名导出并验证、登记册导入与统计、打开桌面程序主窗口（使用临时文件夹，不影响已有数据）。"""
    from assessor.devtools.selftest import run_selftest

    failed = False
    for step in run_selftest():
        mark = "通过" if step.ok else "失败"
        click.echo(f"[{mark}] {step.name}（{step.seconds:.2f} 秒）：{step.detail}")
        failed |= not step.ok
    click.echo("自检失败。" if failed else "自检通过。")
    return 1 if failed else 0
