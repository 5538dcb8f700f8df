"""`assessor followup …`: a follow-up visit (复查) on the assessor's laptop."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from assessor.cli.common import FILE, FOLDER, data_dir_option, key_options, open_store, signing_key
from assessor.core.problems import UserError


def _root(data_dir: Path | None) -> Path:
    from assessor.core.storage.store import default_root

    return data_dir or default_root()


@click.group("followup")
def command() -> None:
    """复查：导入卫生健康委的复查任务，逐项记录整改情况，签名导出复查记录。"""


@command.command("install")
@click.argument("task_file", type=FILE)
@click.option("--accept-root", "accepted", multiple=True, help="首次导入时：核对无误的根证书指纹")
@data_dir_option
def install_command(task_file: Path, accepted: tuple[str, ...], data_dir: Path | None) -> None:
    """核验并导入复查任务，列出待复查的整改事项。"""
    from assessor.core.cycle.laptop_followups import install_task

    task = install_task(_root(data_dir), task_file, accepted_roots=[a.lower() for a in accepted])
    click.echo(f"已导入复查任务 {task.task_id}：{task.centre.name}，{len(task.items)} 项待复查。")


@command.command("show")
@click.argument("task_id")
@data_dir_option
def show_command(task_id: str, data_dir: Path | None) -> None:
    """列出复查任务的整改事项、原评估发现与已填写的结论。"""
    from assessor.core.cycle.laptop_followups import load_task, outcomes
    from assessor.core.cycle.rectification import KIND_LABELS, OUTCOME_LABELS

    task = load_task(_root(data_dir), task_id)
    recorded = outcomes(_root(data_dir), task_id)
    click.echo(f"{task.centre.name}（{task.centre.uscc}）评估编号 {task.assessment_id}")
    for item in task.items:
        done = recorded.get(item.indicator_id)
        state = OUTCOME_LABELS[done.outcome] if done else "未填写"
        click.echo(
            f"  {item.indicator_id}  {KIND_LABELS[item.kind]}  期限 {item.due_on}  [{state}]\n"
            f"    原发现：{item.finding or '（无说明）'}"
        )


@command.command("record")
@click.argument("task_id")
@click.option("--item", "indicator_id", required=True, help="条款号，如 4.1.1")
@click.option(
    "--outcome",
    type=click.Choice(["rectified", "partly", "not_rectified"]),
    required=True,
    help="rectified 已整改、partly 部分整改、not_rectified 未整改",
)
@click.option("--note", default="", help="复查说明")
@click.option("--evidence", type=FILE, multiple=True, help="证据文件（照片、文档），可多次指定")
@data_dir_option
def record_command(
    task_id: str,
    indicator_id: str,
    outcome: str,
    note: str,
    evidence: tuple[Path, ...],
    data_dir: Path | None,
) -> None:
    """记录一项整改事项的复查结论。"""
    from assessor.core.cycle.laptop_followups import record_outcome
    from assessor.core.cycle.rectification import OUTCOME_LABELS

    record_outcome(_root(data_dir), task_id, indicator_id, outcome, note, evidence)
    click.echo(f"已记录 {indicator_id}：{OUTCOME_LABELS[outcome]}")


@command.command("sign")
@click.argument("task_id")
@click.option("--date", "visited", required=True, help="复查日期 YYYY-MM-DD")
@click.option("-o", "--out", "out_dir", type=FOLDER, required=True, help="导出文件夹")
@key_options
@data_dir_option
def sign_command(
    task_id: str,
    visited: str,
    out_dir: Path,
    key_path: Path | None,
    passphrase_file: Path | None,
    data_dir: Path | None,
) -> None:
    """签名导出复查记录（与原评估关联），交卫生健康委导入登记库。"""
    from assessor.core.cycle.laptop_followups import export_followup, sign_followup

    try:
        day = dt.date.fromisoformat(visited)
    except ValueError:
        raise UserError(f"--date 应为日期 YYYY-MM-DD，实际为「{visited}」") from None
    signer = signing_key(key_path, passphrase_file)
    _, signed = sign_followup(_root(data_dir), task_id, signer, day)
    path = export_followup(_root(data_dir), task_id, signed, out_dir)
    click.echo(f"已导出复查记录：{path}")


@command.command("amend")
@click.argument("task_id")
@data_dir_option
def amend_command(task_id: str, data_dir: Path | None) -> None:
    """复查改变评分时：为原评估新建修订版本（已整改的条款改为满分），再定稿、签名导出。"""
    from assessor.core.cycle.laptop_followups import amend_after_followup
    from assessor.core.rubric.registry import default_rubric

    key, changed = amend_after_followup(open_store(data_dir), task_id, [default_rubric()])
    click.echo(
        f"已新建修订版本 {key}：条款 {'、'.join(changed)} 改为满分。请核对后定稿并签名导出。"
    )
