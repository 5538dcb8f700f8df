"""`assessor register review|log`: review states and what came into the register."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import click

from assessor.cli.register_group import command, db_option, who_option
from assessor.core.problems import UserError
from assessor.core.register.rows import REVIEW_LABELS, ReviewState

_STATE_NAMES = {
    **{s.value: s for s in ReviewState},
    **{label: state for state, label in REVIEW_LABELS.items()},
}
STATE = click.Choice(sorted(_STATE_NAMES))


@command.command("review")
@db_option
@click.option("--id", "ids", multiple=True, help="评估编号，可多次指定")
@click.option("--grade", default="", help="只选该等级的评估")
@click.option("--division", default="", help="只选该行政区划代码的评估")
@click.option("--cycle", default="", help="只选该评估周期（年份）的评估")
@click.option("--batch", type=int, default=None, help="只选该导入批次登记的评估")
@click.option("--state", "current_state", type=STATE, default=None, help="只选处于该状态的评估")
@click.option("--all", "select_all", is_flag=True, help="选择全部当前评估")
@click.option("--set", "new_state", type=STATE, default=None, help="新的审核状态")
@click.option("--undo", is_flag=True, help="撤销所选评估的上一次状态更改")
@click.option("--comment", default="", help="审核意见")
@who_option
def review_command(
    register: Path,
    ids: tuple[str, ...],
    grade: str,
    division: str,
    cycle: str,
    batch: int | None,
    current_state: str | None,
    select_all: bool,
    new_state: str | None,
    undo: bool,
    comment: str,
    who: str | None,
) -> None:
    """更改评估的审核状态（待审核 / 已确认 / 有疑问 / 退回），可按条件批量更改或撤销。

    每次更改都记录操作人和时间，可用 register log --reviews 查看。
    """
    from assessor.core.register.db import connect
    from assessor.core.register.review import Selection, set_state, undo_last
    from assessor.core.register.who import os_user

    if (new_state is None) == (not undo):
        raise UserError("请用 --set 指定新的审核状态，或用 --undo 撤销上一次更改（二选一）")
    selection = Selection(
        assessment_ids=ids,
        grade=grade,
        division_code=division,
        cycle=cycle,
        batch_id=batch,
        state=_STATE_NAMES[current_state] if current_state else None,
    )
    if selection == Selection() and not select_all:
        raise UserError("请指定要审核的评估（--id 或筛选条件），或用 --all 选择全部当前评估")
    conn = connect(register)
    try:
        if undo:
            changed = undo_last(conn, selection, who=who or os_user())
            click.echo(f"已撤销 {changed} 份评估的上一次状态更改。")
        else:
            assert new_state is not None
            state = _STATE_NAMES[new_state]
            changed = set_state(conn, selection, state, who=who or os_user(), comment=comment)
            click.echo(f"已将 {changed} 份评估的审核状态改为「{REVIEW_LABELS[state]}」。")
    finally:
        conn.close()


@command.command("log")
@db_option
@click.option("--batch", type=int, default=None, help="列出该批次每个输入文件的结果")
@click.option("--reviews", is_flag=True, help="列出审核状态的更改记录")
@click.option("--id", "ids", multiple=True, help="与 --reviews 同用：只列这些评估")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
def log_command(
    register: Path, batch: int | None, reviews: bool, ids: tuple[str, ...], as_json: bool
) -> None:
    """查看登记库的导入批次（谁、何时、导入了什么、结果）或审核记录。"""
    from assessor.core.register.db import connect

    conn = connect(register)
    try:
        if reviews:
            rows = _review_rows(conn, ids)
        elif batch is not None:
            rows = _input_rows(conn, batch)
        else:
            rows = _batch_rows(conn)
    finally:
        conn.close()
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    show = _review_text if reviews else _input_text if batch is not None else _batch_text
    for row in rows:
        click.echo(show(row))
    if not rows:
        click.echo("没有记录。")


def _batch_text(row: dict[str, Any]) -> str:
    counts = row["counts"]
    result = (
        f"输入 {counts['inputs']}，新登记 {counts['registered']}，修订 {counts['amendments']}，"
        f"重复 {counts['duplicates']}，冲突 {counts['conflicts']}，隔离 {counts['quarantined_total']}"
        if counts
        else "无汇总"
    )
    return (
        f"批次 {row['batch']}  开始 {row['started_at']}  结束 {row['finished_at']}  "
        f"操作人 {row['who']}\n  导入：{'、'.join(row['inputs'])}\n  结果：{result}"
    )


def _input_text(row: dict[str, Any]) -> str:
    from assessor.core.register.rows import Outcome
    from assessor.core.register.summary import OUTCOME_LABELS

    outcome = OUTCOME_LABELS[Outcome(row["outcome"])]
    reason = f"：{row['reason']}（{row['reason_code']}）" if row["reason_code"] else ""
    return f"{row['seq']:>6}  {row['source']}  {outcome}{reason}"


def _review_text(row: dict[str, Any]) -> str:
    comment = f"  意见：{row['comment']}" if row["comment"] else ""
    return (
        f"{row['assessment_id']}  {row['at']}  {row['who']}  "
        f"{row['old_state']} → {row['new_state']}{comment}"
    )


def _text_time(value: object) -> str:
    from datetime import datetime

    from assessor.core.clock import beijing_text

    return beijing_text(value) if isinstance(value, datetime) else ""


def _batch_rows(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    from assessor.core.register.db import select
    from assessor.core.register.rows import BatchRow

    out = []
    for b in select(conn, BatchRow, "1 ORDER BY id"):
        out.append(
            {
                "batch": b.id,
                "started_at": _text_time(b.started_at),
                "finished_at": _text_time(b.finished_at)
                or "未完成（中断，再次运行同一导入即可完成）",
                "who": b.who,
                "inputs": b.inputs,
                "counts": json.loads(b.counts) if b.counts else None,
            }
        )
    return out


def _input_rows(conn: sqlite3.Connection, batch: int) -> list[dict[str, Any]]:
    from assessor.core.register.db import select
    from assessor.core.register.rows import BatchInputRow

    rows = select(conn, BatchInputRow, "batch_id = ? ORDER BY seq", (batch,))
    if not rows and not conn.execute("SELECT 1 FROM batches WHERE id = ?", (batch,)).fetchone():
        raise UserError(f"登记库中没有导入批次 {batch}")
    return [
        {
            "seq": r.seq,
            "source": r.source,
            "outcome": r.outcome.value,
            "reason_code": r.reason_code.value if r.reason_code else None,
            "reason": r.reason,
        }
        for r in rows
    ]


def _review_rows(conn: sqlite3.Connection, ids: tuple[str, ...]) -> list[dict[str, Any]]:
    from assessor.core.register.review import review_log

    return [
        {
            "assessment_id": r.assessment_id,
            "at": _text_time(r.at),
            "who": r.who,
            "old_state": REVIEW_LABELS[r.old_state],
            "new_state": REVIEW_LABELS[r.new_state],
            "comment": r.comment,
        }
        for r in review_log(conn, ids)
    ]
