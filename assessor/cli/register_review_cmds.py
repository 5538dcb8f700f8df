"""`assessor register review|flags|log`: review states, flags to decide, what came in."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from assessor.cli.register_group import command, db_option, who_option
from assessor.core.problems import UserError
from assessor.core.register.rows import FLAG_KINDS, REVIEW_LABELS, FlagKind, ReviewState

if TYPE_CHECKING:
    from assessor.core.register.register import Register

_STATE_NAMES = {
    **{s.value: s for s in ReviewState},
    **{label: state for state, label in REVIEW_LABELS.items()},
}
STATE = click.Choice(sorted(_STATE_NAMES))


def _kinds_help() -> str:
    return "；".join(f"{k.value}={info.short}" for k, info in FLAG_KINDS.items())


def _kind(text: str | None) -> FlagKind | None:
    """A flag kind by its machine name or its short Chinese name; a wrong one is a Chinese error
    (click's own message would be English)."""
    if not text:
        return None
    for kind, info in FLAG_KINDS.items():
        if text in (kind.value, info.short):
            return kind
    raise UserError(f"--kind 只能是 {_kinds_help()}，而不是「{text}」")


@command.command("review")
@db_option
@click.option("--id", "ids", multiple=True, help="评估编号，可多次指定")
@click.option("--grade", default="", help="只选该等级的评估")
@click.option("--division", default="", help="只选该行政区划代码的评估")
@click.option("--cycle", default="", help="只选该评估周期（年份）的评估")
@click.option("--batch", type=int, default=None, help="只选该导入批次登记的评估")
@click.option("--state", "current_state", type=STATE, default=None, help="只选处于该状态的评估")
@click.option(
    "--flagged/--unflagged", default=None, help="只选有 / 没有待核实事项（未处理的标记）的评估"
)
@click.option("--kind", default=None, help=f"只选有该类待核实事项的评估（{_kinds_help()}）")
@click.option("--all", "select_all", is_flag=True, help="选择全部当前评估")
@click.option("--set", "new_state", type=STATE, default=None, help="新的审核状态")
@click.option(
    "--include-flagged",
    is_flag=True,
    help="确认时也确认有待核实事项的评估（须用 --comment 写明核实结论，视为逐项核实）",
)
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
    flagged: bool | None,
    kind: str | None,
    select_all: bool,
    new_state: str | None,
    include_flagged: bool,
    undo: bool,
    comment: str,
    who: str | None,
) -> None:
    """更改评估的审核状态（待审核 / 已确认 / 有疑问 / 退回），可按条件批量更改或撤销。

    批量确认会跳过有待核实事项的评估（并说明跳过了多少、为什么），除非加 --include-flagged。
    每次更改都记录操作人和时间，可用 register log --reviews 查看。
    """
    from assessor.core.register.filters import AssessmentFilter
    from assessor.core.register.register import Register
    from assessor.core.register.who import os_user

    if (new_state is None) == (not undo):
        raise UserError("请用 --set 指定新的审核状态，或用 --undo 撤销上一次更改（二选一）")
    selection = AssessmentFilter(
        assessment_ids=ids,
        grade=grade,
        division_code=division,
        cycle=cycle,
        batch_id=batch,
        state=_STATE_NAMES[current_state] if current_state else None,
        flagged=flagged,
        flag_kind=_kind(kind),
    )
    if selection.is_empty() and not select_all:
        raise UserError("请指定要审核的评估（--id 或筛选条件），或用 --all 选择全部当前评估")
    reg = Register.open(register)
    if undo:
        changed = reg.undo_review(selection, who=who or os_user())
        click.echo(f"已撤销 {changed} 份评估的上一次状态更改。")
        return
    assert new_state is not None
    state = _STATE_NAMES[new_state]
    result = reg.set_review(
        selection,
        state,
        who=who or os_user(),
        comment=comment,
        include_flagged=include_flagged,
    )
    click.echo(f"已将 {result.changed} 份评估的审核状态改为「{REVIEW_LABELS[state]}」。")
    if result.skipped_total:
        click.echo(
            result.skipped_text() + "请先用 register flags 逐一核实，"
            "或加 --include-flagged 并用 --comment 写明核实结论后一并确认。"
        )


@command.command("flags")
@db_option
@click.option("--kind", default=None, help=f"只列该类（{_kinds_help()}）")
@click.option("--open", "open_only", is_flag=True, help="只列未处理的")
@click.option(
    "--resolve", "resolve_id", type=int, default=None, help="核实该编号的事项（须 --comment）"
)
@click.option("--comment", default="", help="核实意见（--resolve 时必填）")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@who_option
def flags_command(
    register: Path,
    kind: str | None,
    open_only: bool,
    resolve_id: int | None,
    comment: str,
    as_json: bool,
    who: str | None,
) -> None:
    """待核实事项：导入时标记、须人工核实后才能确认和公示的评估（每项一行，成对的一项列两份评估）。

    --resolve 编号 --comment 意见：核实一项，记入审核记录；所涉评估随后可确认、公示。
    """
    from assessor.core.register.register import Register
    from assessor.core.register.who import os_user

    reg = Register.open(register)
    if resolve_id is not None:
        item = reg.resolve_flag(resolve_id, who=who or os_user(), comment=comment)
        click.echo(f"已核实待核实事项 {item.id}（{FLAG_KINDS[item.kind].short}）：{item.comment}")
        return
    found = reg.flags(kind=_kind(kind), open_only=open_only)
    if as_json:
        click.echo(json.dumps([i.to_json() for i in found], ensure_ascii=False, indent=2))
        return
    (held, centres), counts = reg.open_flags()
    click.echo(f"未处理：{held} 份评估（{centres} 家机构）有待核实事项。")
    for count in counts:
        click.echo(
            f"  · {FLAG_KINDS[count.kind].label}：{count.assessments} 份评估，{count.centres} 家机构"
        )
    for item in found:
        state = (
            "未处理"
            if item.closed_at is None
            else f"已处理（{item.closed_by}，{item.closed_at}：{item.comment}）"
        )
        click.echo(
            f"{item.id:>5}  {FLAG_KINDS[item.kind].short}  {'、'.join(item.assessments)}  "
            f"{item.centre_name}  {state}\n       {item.detail}"
        )
    if not found:
        click.echo("没有符合条件的待核实事项。")


@command.command("log")
@db_option
@click.option("--batch", type=int, default=None, help="列出该批次每个输入文件的结果")
@click.option("--reviews", is_flag=True, help="列出审核状态的更改记录（含待核实事项的核实）")
@click.option("--id", "ids", multiple=True, help="与 --reviews 同用：只列这些评估")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
def log_command(
    register: Path, batch: int | None, reviews: bool, ids: tuple[str, ...], as_json: bool
) -> None:
    """查看登记库的导入批次（谁、何时、导入了什么、结果、新标记的待核实事项）或审核记录。"""
    from assessor.core.register.register import Register

    reg = Register.open(register)
    if reviews:
        rows = _review_rows(reg, ids)
    elif batch is not None:
        rows = _input_rows(reg, batch)
    else:
        rows = _batch_rows(reg)
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
    flagged = "，".join(
        f"{FLAG_KINDS[FlagKind(kind)].short} {n} 份" for kind, n in row["flags"].items()
    )
    return (
        f"批次 {row['batch']}  开始 {row['started_at']}  结束 {row['finished_at']}  "
        f"操作人 {row['who']}\n  导入：{'、'.join(row['inputs'])}\n  结果：{result}"
        + (f"\n  新标记待核实：{flagged}" if flagged else "")
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


def _batch_rows(reg: Register) -> list[dict[str, Any]]:
    out = []
    for b in reg.batches():
        assert b.id is not None
        out.append(
            {
                "batch": b.id,
                "started_at": _text_time(b.started_at),
                "finished_at": _text_time(b.finished_at)
                or "未完成（中断，再次运行同一导入即可完成）",
                "who": b.who,
                "inputs": b.inputs,
                "counts": json.loads(b.counts) if b.counts else None,
                "flags": reg.batch_flags(b.id),
            }
        )
    return out


def _input_rows(reg: Register, batch: int) -> list[dict[str, Any]]:
    return [
        {
            "seq": r.seq,
            "source": r.source,
            "outcome": r.outcome.value,
            "reason_code": r.reason_code.value if r.reason_code else None,
            "reason": r.reason,
        }
        for r in reg.batch_inputs(batch)
    ]


def _review_rows(reg: Register, ids: tuple[str, ...]) -> list[dict[str, Any]]:
    return [
        {
            "assessment_id": r.assessment_id,
            "at": _text_time(r.at),
            "who": r.who,
            "old_state": REVIEW_LABELS[r.old_state],
            "new_state": REVIEW_LABELS[r.new_state],
            "comment": r.comment,
        }
        for r in reg.review_log(ids)
    ]
