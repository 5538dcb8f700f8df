"""`assessor register plan …`: the commission's visit plan for an assessment cycle."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict
from pathlib import Path

import click

from assessor.cli.common import FILE, PASSPHRASE_HELP, read_passphrase
from assessor.cli.register_group import command, db_option
from assessor.core.problems import UserError

_ALWAYS = {
    "never-assessed": "never_assessed",
    "low-grade": "low_grade",
    "open-flags": "open_flags",
}


@command.group("plan")
def plan_group() -> None:
    """评估计划：抽样、分派评估组、签发，并查看各访视的完成情况。"""


def _date(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UserError(f"{option} 应为日期 YYYY-MM-DD，实际为「{text}」") from None


def _cycle(text: str) -> str:
    if not (text.isdigit() and len(text) == 4):
        raise UserError(f"--cycle 应为四位年份，如 2027，实际为「{text}」")
    return text


@plan_group.command("new")
@db_option
@click.option("--cycle", required=True, help="评估周期（年份），如 2027")
@click.option("--sample", "sample", default=None, help="抽样比例，如 10%")
@click.option(
    "--by", type=click.Choice(["district"]), default="district", help="分层抽样单位：区县"
)
@click.option("--seed", type=int, default=None, help="随机种子：同一种子、同一名册抽出同一样本")
@click.option(
    "--always",
    type=click.Choice(sorted(_ALWAYS)),
    multiple=True,
    help="必查机构，可多次指定：never-assessed 从未评估、low-grade 上一周期低等级、open-flags 有待核实事项",
)
@click.option("--low-grades", default="C,D", show_default=True, help="视为低等级的等级")
@click.option(
    "--list", "listed", type=FILE, default=None, help="指定名单（.xlsx 或 .csv），代替抽样"
)
@click.option(
    "--followup",
    "followups",
    multiple=True,
    help="安排复查的机构（统一社会信用代码，可多次指定；all 表示所有有待整改事项的机构）",
)
@click.option("--teams", "teams_file", type=FILE, required=True, help="评估组名单（.xlsx 或 .csv）")
@click.option(
    "--ca",
    "ca_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="CA 目录：核对评估组成员是否持有卫生健康委签发、未吊销、到完成日期仍有效的证书",
)
@click.option("--due", required=True, help="计划完成日期 YYYY-MM-DD")
@click.option("--id", "plan_id", default="", help="计划编号（默认自动生成）")
@click.option("--key", "key_path", type=FILE, required=True, help="卫生健康委的签名密钥（.p12）")
@click.option("--passphrase-file", type=FILE, help=PASSPHRASE_HELP.format("签名密钥口令"))
@click.option("-o", "--out", type=FILE, default=None, help="另存签名的计划文件（.json）")
def new_command(
    register: Path,
    cycle: str,
    sample: str | None,
    by: str,
    seed: int | None,
    always: tuple[str, ...],
    low_grades: str,
    listed: Path | None,
    followups: tuple[str, ...],
    teams_file: Path,
    ca_dir: Path | None,
    due: str,
    plan_id: str,
    key_path: Path,
    passphrase_file: Path | None,
    out: Path | None,
) -> None:
    """抽样并分派评估组，生成由卫生健康委签名的评估计划。"""
    from assessor.core.clock import now_utc
    from assessor.core.cycle.plan_build import (
        FOLLOW_UP_ALL,
        PlanRequest,
        Sampling,
        read_uscc_list,
    )
    from assessor.core.cycle.sampling import parse_fraction
    from assessor.core.cycle.team_keys import uncertified_members
    from assessor.core.cycle.teams import read_teams
    from assessor.core.register.register import Register
    from assessor.core.signing.keys import load_signer
    from assessor.core.storage.atomic import atomic_write_bytes

    if sample is not None and listed is not None:
        raise UserError("请指定抽样比例 --sample，或指定名单 --list（二者选一）")
    if sample is None and listed is None and not followups:
        raise UserError(
            "请指定抽样比例 --sample，或指定名单 --list（二者选一），或复查机构 --followup"
        )
    codes_up = tuple(f.strip().upper() for f in followups if f.strip())
    if FOLLOW_UP_ALL.upper() in codes_up:
        codes_up = (FOLLOW_UP_ALL,)
    if sample is not None and seed is None:
        raise UserError("抽样需要随机种子 --seed（记录在计划中，便于复核）")
    sampling = None
    if sample is not None:
        grades = tuple(g.strip() for g in low_grades.split(",") if g.strip())
        sampling = Sampling(
            parse_fraction(sample), seed or 0, tuple(_ALWAYS[a] for a in always), grades
        )
    codes = read_uscc_list(listed) if listed is not None else ()
    teams = read_teams(teams_file)
    due_on = _date(due, "--due")
    created_at = now_utc()
    cycle_part = Register.open(register).cycle
    uncertified = uncertified_members(teams, ca_dir, created_at, due_on) if ca_dir else []
    signer = load_signer(key_path, read_passphrase(passphrase_file, "签名密钥口令", new=False))
    request = PlanRequest(
        cycle=_cycle(cycle),
        due_on=due_on,
        teams=teams,
        created_at=created_at,
        sampling=sampling,
        listed=codes,
        seed=seed or 0,
        plan_id=plan_id,
        followups=codes_up,
    )
    plan, signed = cycle_part.issue_plan(request, signer)
    if out is not None:
        try:
            atomic_write_bytes(out, signed)
        except OSError as exc:
            raise UserError(f"计划已保存在登记库中，但无法写入 {out}：{exc.strerror}") from exc
    click.echo(
        f"已签发评估计划 {plan.plan_id}（{plan.cycle} 年度）：共 {len(plan.visits)} 家机构。"
    )
    for team in plan.teams:
        count = sum(v.team_id == team.team_id for v in plan.visits)
        again = sum(f.team_id == team.team_id for f in plan.followups)
        click.echo(f"  {team.team_id}：{count} 家" + (f"，复查 {again} 家" if again else ""))
    if plan.followups:
        click.echo(f"复查：{len(plan.followups)} 家机构（有待整改事项）。")
    if uncertified:
        click.echo(
            f"注意：以下 {len(uncertified)} 名评估组成员没有可用的评估员证书，"
            "访视前须向其签发（keys issue），否则无法签名评估结果："
        )
        for member in uncertified:
            shown = member.assessor_id or "无编号"
            click.echo(f"  {member.team_id}  {member.name}（{shown}）：{member.why}")


@plan_group.command("list")
@db_option
def list_command(register: Path) -> None:
    """列出登记库中的评估计划。"""
    from assessor.core.register.register import Register

    plans = Register.open(register).cycle.plans()
    for plan_id, cycle, due_on, visits in plans:
        click.echo(f"{plan_id}  {cycle} 年度  完成期限 {due_on}  {visits} 家机构")
    click.echo(f"共 {len(plans)} 份评估计划。")


@plan_group.command("status")
@db_option
@click.option("--plan", "plan_id", required=True, help="计划编号")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
def status_command(register: Path, plan_id: str, as_json: bool) -> None:
    """各计划访视的状态：待访视、已完成（已登记签名文件）、逾期。"""
    from assessor.core.clock import beijing_today
    from assessor.core.cycle.plan_store import STATE_LABELS
    from assessor.core.register.register import Register

    cycle = Register.open(register).cycle
    states = cycle.visit_states(plan_id, beijing_today())
    again = cycle.followup_states(plan_id, beijing_today())
    if as_json:
        shown = [asdict(s) | {"kind": "visit"} for s in states]
        shown += [asdict(s) | {"kind": "followup"} for s in again]
        click.echo(json.dumps(shown, ensure_ascii=False, indent=2))
        return
    for s in states:
        click.echo(f"{s.uscc}  {s.district}  {s.team_id}  {STATE_LABELS[s.state]}  {s.name}")
    counts = {label: sum(s.state == state for s in states) for state, label in STATE_LABELS.items()}
    click.echo("；".join(f"{label} {n}" for label, n in counts.items()))
    if again:
        click.echo("复查：")
        for s in again:
            click.echo(f"{s.uscc}  {s.district}  {s.team_id}  {STATE_LABELS[s.state]}  {s.name}")


@plan_group.command("package")
@db_option
@click.option("--plan", "plan_id", required=True, help="计划编号")
@click.option("--team", required=True, help="评估组名称")
@click.option("-o", "--out", required=True, type=FILE, help="写入的任务包（.assessor-plan）")
@click.option(
    "--trust", "trust", type=FILE, multiple=True, required=True, help="卫生健康委根证书（CA 证书）"
)
@click.option("--crl", type=FILE, default=None, help="当前证书吊销列表（keys crl 生成）")
@click.option(
    "--rubric", "rubric_path", type=FILE, default=None, help="现行评估标准（默认：内置标准）"
)
@click.option("--key", "key_path", type=FILE, required=True, help="卫生健康委的签名密钥（.p12）")
@click.option("--passphrase-file", type=FILE, help=PASSPHRASE_HELP.format("签名密钥口令"))
def package_command(
    register: Path,
    plan_id: str,
    team: str,
    out: Path,
    trust: tuple[Path, ...],
    crl: Path | None,
    rubric_path: Path | None,
    key_path: Path,
    passphrase_file: Path | None,
) -> None:
    """为一个评估组生成签名的评估任务包，拷到评估员电脑上「导入评估任务」。"""
    from assessor.core.clock import now_utc
    from assessor.core.cycle.package_model import PlanPackage
    from assessor.core.paths import default_rubric_path
    from assessor.core.register.register import Register
    from assessor.core.signing.keys import load_signer
    from assessor.core.signing.verification import load_trust_roots
    from assessor.core.storage.atomic import atomic_write_bytes

    cycle = Register.open(register).cycle
    roots = load_trust_roots(trust)
    signer = load_signer(key_path, read_passphrase(passphrase_file, "签名密钥口令", new=False))
    signed = cycle.package(
        plan_id,
        team,
        rubric=rubric_path or default_rubric_path(),
        trust_roots=roots,
        crl=crl,
        signer=signer,
        at=now_utc(),
    )
    try:
        atomic_write_bytes(out, signed)
    except OSError as exc:
        raise UserError(f"无法写入 {out}：{exc.strerror}") from exc
    package = PlanPackage.model_validate_json(signed)
    click.echo(
        f"已生成评估组「{team}」的任务包：{out}（评估 {len(package.visits)} 家，"
        f"复查 {len(package.followups)} 家）"
    )


@plan_group.command("stats")
@db_option
@click.option(
    "--by", type=click.Choice(["district", "team"]), default="district", show_default=True
)
def stats_command(register: Path, by: str) -> None:
    """计划完成情况（按区县或评估组），以及逾期未完成的访视。"""
    from assessor.core.clock import beijing_today
    from assessor.core.register.register import Register

    today = beijing_today()
    cycle = Register.open(register).cycle
    rows = cycle.completion(today, by)
    late = cycle.overdue_visits(today)
    for row in rows:
        click.echo(
            f"{row.plan_id}  {row.group}：计划 {row.planned}，已完成 {row.done}，"
            f"待访视 {row.pending}，逾期 {row.overdue}"
        )
    click.echo(f"逾期未完成的计划访视：{len(late)} 家")
    for plan_id, state in late:
        click.echo(f"  {plan_id}  {state.uscc}  {state.name}  {state.district}  {state.team_id}")
