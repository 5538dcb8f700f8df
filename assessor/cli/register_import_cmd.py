"""`assessor register import PATH... --db REGISTER`: signed files into the register."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from assessor.cli.common import FILE
from assessor.cli.register_group import command, db_option, who_option
from assessor.core.problems import UserError

if TYPE_CHECKING:
    from assessor.core.register.summary import Summary


def _default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 4))


@command.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@db_option
@click.option("--trust", "trust_paths", multiple=True, type=FILE, help="信任的 CA 证书，可多次指定")
@click.option("--allow-training", is_flag=True, help="接受培训/样例文件（内置培训密钥或示例）")
@click.option(
    "--rubric", "rubric_paths", multiple=True, type=FILE, help="评估标准文件（默认用内置的）"
)
@click.option(
    "--crl", "crl_paths", multiple=True, type=FILE, help="证书吊销列表（CRL），可多次指定"
)
@click.option(
    "--cycle-start",
    default="01-01",
    show_default=True,
    help="评估周期的起始日（MM-DD）；同一机构在同一周期内的多份评估会被标记",
)
@click.option("--dry-run", is_flag=True, help="只检查并报告结果，不写入登记库")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出汇总")
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=_default_workers,
    show_default="CPU 核数，最多 4",
    help="并行验证签名的进程数",
)
@click.option(
    "--chunk-size", type=click.IntRange(1, 10_000), default=None, hidden=True
)  # files per transaction; tests lower it to interrupt an import between chunks
@who_option
def import_command(
    paths: tuple[Path, ...],
    register: Path,
    trust_paths: tuple[Path, ...],
    allow_training: bool,
    rubric_paths: tuple[Path, ...],
    crl_paths: tuple[Path, ...],
    cycle_start: str,
    dry_run: bool,
    as_json: bool,
    workers: int,
    chunk_size: int | None,
    who: str | None,
) -> None:
    """导入签名评估文件（.json）、文件夹（含子文件夹）或 zip 文件到登记库。

    每个文件要么登记，要么连同原因复制到隔离区；汇总中的各项之和等于输入文件数。
    重复运行同一导入不会改变登记库；中断的导入再次运行时会接着完成。
    """
    from assessor.core.register.importer import CHUNK_SIZE
    from assessor.core.register.register import ImportRequest, Register
    from assessor.core.register.who import os_user

    if not trust_paths:
        click.echo(
            "注意：未指定 --trust，只能导入培训/样例文件（需同时加 --allow-training）。", err=True
        )
    from assessor.core.register.trust import cycle_start as parse_cycle_start

    try:
        parse_cycle_start(cycle_start)
    except UserError as exc:
        raise UserError(f"--cycle-start：{exc}") from None
    request = ImportRequest(
        trust=trust_paths,
        allow_training=allow_training,
        crls=crl_paths,
        cycle_start=cycle_start,
        rubrics=rubric_paths,
        who=who or os_user(),
        dry_run=dry_run,
        workers=workers,
        chunk_size=chunk_size or CHUNK_SIZE,
    )
    show_progress = sys.stderr.isatty() and not as_json
    summary = Register(register).import_files(
        list(paths),
        request,
        progress=(lambda s: click.echo(f"\r已处理 {s.inputs} 个文件…", err=True, nl=False))
        if show_progress
        else None,
    )
    if show_progress:
        click.echo("", err=True)
    if as_json:
        click.echo(json.dumps(summary.to_json(), ensure_ascii=False, indent=2))
    else:
        _print_summary(summary, register)


def _print_summary(summary: Summary, register: Path) -> None:
    from assessor.core.register.register import Register
    from assessor.core.register.rows import FLAG_KINDS, FlagKind, Reason
    from assessor.core.register.sources import SKIP_LABELS
    from assessor.core.register.summary import REASON_LABELS

    title = "试运行（未写入登记库）" if summary.dry_run else f"导入批次 {summary.batch_id}"
    resumed = "，接续上次中断的导入" if summary.resumed else ""
    click.echo(f"{title}{resumed}：输入文件 {summary.inputs} 个")
    click.echo(f"  新登记：{summary.registered}")
    click.echo(f"  修订版本：{summary.amendments}")
    click.echo(f"  重复（已在登记库中）：{summary.duplicates}")
    click.echo(f"  冲突（同一评估同一版本内容不同）：{summary.conflicts}")
    click.echo(f"  隔离：{summary.quarantined_total}")
    for code, count in sorted(summary.quarantined.items()):
        click.echo(f"    · {REASON_LABELS[Reason(code)]}（{code}）：{count}")
    for kind, count in sorted(summary.flags.items()):
        click.echo(f"  待核实 · {FLAG_KINDS[FlagKind(kind)].label}：{count} 份评估")
    if summary.flags:
        click.echo("  待核实的评估不会被批量确认或公示；用 register flags 查看并逐一核实。")
    if summary.skipped:
        reasons = "，".join(
            f"{SKIP_LABELS[r]} {n}" for r, n in sorted(summary.skipped_reasons.items())
        )
        click.echo(f"另有 {summary.skipped} 个条目未作为输入（{reasons}）。")
    if summary.quarantined_total and not summary.dry_run:
        click.echo(f"隔离文件及原因见：{Register(register).quarantine_folder}")
