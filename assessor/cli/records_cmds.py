"""`assessor list|export|amend`: the headless side of the home screen."""

from __future__ import annotations

from pathlib import Path

import click

from assessor.cli.common import FOLDER, data_dir_option, key_options, open_store, signing_key
from assessor.core.storage.store import record_key

_STATUS = {"draft": "草稿", "final": "已定稿"}


@click.command("list")
@data_dir_option
def list_command(data_dir: Path | None) -> None:
    """列出本机保存的评估记录。"""
    records = open_store(data_dir, read_only=True).list()
    if not records:
        click.echo("没有评估记录。")
    for r in records:
        if r.broken:
            click.echo(f"{r.key}  无法打开：{r.problem}")
            continue
        status = _STATUS[r.status.value] + ("，已签名" if r.signed else "") if r.status else ""
        day = r.visit_date.isoformat() if r.visit_date else "未填日期"
        training = "  [培训/样例]" if r.training else ""
        click.echo(f"{r.key}  {r.centre_name or '（未填机构名称）'}  {day}  {status}{training}")
        if r.recovery:
            click.echo(f"    注意：{r.recovery}")


@click.command("export")
@click.argument("key")
@click.option("-o", "--out", "out_dir", type=FOLDER, required=True, help="导出文件夹")
@key_options
@data_dir_option
def export_command(
    key: str,
    out_dir: Path,
    key_path: Path | None,
    passphrase_file: Path | None,
    data_dir: Path | None,
) -> None:
    """为已定稿的评估签名，并导出 PDF 报告与 JSON 文件。"""
    from assessor.core.export.signed_export import export_signed

    store = open_store(data_dir)
    signer = signing_key(key_path, passphrase_file)
    files = export_signed(store, key, signer, out_dir)
    click.echo(f"已导出：\n  {files.pdf_path}\n  {files.json_path}")


@click.command("amend")
@click.argument("key")
@click.option("--reason", required=True, help="修订原因")
@data_dir_option
def amend_command(key: str, reason: str, data_dir: Path | None) -> None:
    """为已定稿并签名的评估新建修订版本（草稿），原版本保留不变。"""
    from assessor.core.amendment import amend

    amended = amend(open_store(data_dir), key, reason)
    click.echo(f"已新建修订版本：{record_key(amended)}（第 {amended.version} 版，草稿）")


commands = (list_command, export_command, amend_command)
