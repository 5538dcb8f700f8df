"""`assessor backup` / `assessor restore`: move the whole data folder to another laptop."""

from __future__ import annotations

from pathlib import Path

import click

from assessor.cli.common import FILE, data_dir_option
from assessor.core.backup import create_backup, restore_backup
from assessor.core.storage.store import default_root


def _size(size: int) -> str:
    return f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"


@click.command("backup")
@click.option("-o", "--out", "archive", type=FILE, required=True, help="备份文件（.zip）")
@data_dir_option
def backup_command(archive: Path, data_dir: Path | None) -> None:
    """把整个数据文件夹（评估记录、证据、签名文件、密钥）备份为一个文件，并校验其可恢复。"""
    source = data_dir or default_root()
    summary = create_backup(source, archive)
    click.echo(
        f"已备份 {source}：{summary.files} 个文件，共 {_size(summary.total_bytes)}，"
        f"写入 {summary.archive}（已校验）"
    )


@click.command("restore")
@click.argument("archive", type=FILE)
@click.option(
    "--replace",
    is_flag=True,
    help="数据文件夹已有数据时仍然恢复：原文件夹改名保留在旁边，不会删除",
)
@data_dir_option
def restore_command(archive: Path, replace: bool, data_dir: Path | None) -> None:
    """从备份文件恢复数据文件夹；先逐个校验文件，任何一处不符都不做改动。"""
    summary = restore_backup(archive, data_dir or default_root(), replace=replace)
    click.echo(
        f"已恢复到 {summary.folder}：{summary.files} 个文件，共 {_size(summary.total_bytes)}"
        f"（备份时间 {summary.created_at}）"
    )
    if summary.previous is not None:
        click.echo(f"原有数据已改名保留在 {summary.previous}")


commands = (backup_command, restore_command)
