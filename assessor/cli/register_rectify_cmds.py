"""`assessor register rectify …`: findings to rectify (整改), deadlines, notices and rates."""

from __future__ import annotations

from pathlib import Path

import click

from assessor.cli.common import FILE, PASSPHRASE_HELP, read_passphrase
from assessor.cli.register_group import command, db_option
from assessor.core.problems import UserError


@command.group("rectify")
def rectify_group() -> None:
    """整改：评估发现的问题生成整改事项，设定期限，出具整改通知书，统计整改率。"""


@rectify_group.command("deadlines")
@db_option
@click.option("--basic", type=int, default=None, help="基础指标未达标的整改期限（天）")
@click.option("--indicator", type=int, default=None, help="其他未得满分指标的整改期限（天）")
def deadlines_command(register: Path, basic: int | None, indicator: int | None) -> None:
    """查看或设定各类整改事项的期限。"""
    from assessor.core.cycle.rectification import KIND_LABELS
    from assessor.core.register.register import Register

    given = {k: v for k, v in (("basic", basic), ("indicator", indicator)) if v is not None}
    current = Register.open(register).cycle.deadlines(given)
    for kind, days in current.items():
        click.echo(f"{KIND_LABELS[kind]}：{days} 天")


@rectify_group.command("open")
@db_option
def open_command(register: Path) -> None:
    """为尚未生成整改事项的已登记评估生成整改事项。"""
    from assessor.core.register.register import Register

    opened = Register.open(register).cycle.open_items()
    click.echo(f"新生成整改事项 {opened} 项。")


@rectify_group.command("list")
@db_option
@click.option("--centre", "uscc", default="", help="只列出该机构（统一社会信用代码）")
@click.option("--open", "open_only", is_flag=True, help="只列出尚未整改完成的事项")
def list_command(register: Path, uscc: str, open_only: bool) -> None:
    """列出整改事项。"""
    from assessor.core.clock import beijing_today
    from assessor.core.cycle.rectification import KIND_LABELS, OUTCOME_LABELS
    from assessor.core.register.register import Register

    found = Register.open(register).cycle.items(uscc=uscc, open_only=open_only)
    today = beijing_today()
    for item in found:
        state = (
            "已完成" if item.state == "closed" else ("逾期" if item.overdue(today) else "待整改")
        )
        last = f"（复查：{OUTCOME_LABELS[item.outcome]}）" if item.outcome else ""
        click.echo(
            f"{item.uscc}  {item.centre_name}  {item.indicator_id}  {KIND_LABELS[item.kind]}  "
            f"期限 {item.due_on}  {state}{last}  {item.finding}"
        )
    click.echo(f"共 {len(found)} 项。")


@rectify_group.command("notice")
@db_option
@click.option("--centre", "uscc", required=True, help="机构的统一社会信用代码")
@click.option("-o", "--out", required=True, type=FILE, help="写入的整改通知书（.pdf）")
@click.option("--key", "key_path", type=FILE, required=True, help="卫生健康委的签名密钥（.p12）")
@click.option("--passphrase-file", type=FILE, help=PASSPHRASE_HELP.format("签名密钥口令"))
def notice_command(
    register: Path, uscc: str, out: Path, key_path: Path, passphrase_file: Path | None
) -> None:
    """为一家机构出具签名的整改通知书（PDF）。"""
    from assessor.core.clock import now_utc
    from assessor.core.register.register import Register
    from assessor.core.signing.keys import load_signer
    from assessor.core.storage.atomic import atomic_write_bytes

    cycle = Register.open(register).cycle
    signer = load_signer(key_path, read_passphrase(passphrase_file, "签名密钥口令", new=False))
    pdf = cycle.notice(uscc.strip().upper(), signer, now_utc())
    try:
        atomic_write_bytes(out, pdf)
    except OSError as exc:
        raise UserError(f"无法写入 {out}：{exc.strerror}") from exc
    click.echo(f"已出具整改通知书：{out}")


@rectify_group.command("rates")
@db_option
@click.option(
    "--by", type=click.Choice(["district", "kind"]), default="district", show_default=True
)
def rates_command(register: Path, by: str) -> None:
    """整改率：按区县或按事项类别，含逾期未整改数。"""
    from assessor.core.clock import beijing_today
    from assessor.core.cycle.rectification import KIND_LABELS
    from assessor.core.register.register import Register

    found = Register.open(register).cycle.rates(beijing_today(), by)
    for rate in found:
        group = KIND_LABELS.get(rate.group, rate.group) if by == "kind" else rate.group
        click.echo(
            f"{group}：事项 {rate.items}，已整改 {rate.closed}（{rate.percent}%），逾期 {rate.overdue}"
        )


@rectify_group.command("followup")
@db_option
@click.option("--centre", "uscc", required=True, help="机构的统一社会信用代码")
@click.option("-o", "--out", required=True, type=FILE, help="写入的复查任务（.assessor-followup）")
@click.option(
    "--trust", "trust", type=FILE, multiple=True, required=True, help="卫生健康委根证书（CA 证书）"
)
@click.option("--crl", type=FILE, default=None, help="当前证书吊销列表（keys crl 生成）")
@click.option("--key", "key_path", type=FILE, required=True, help="卫生健康委的签名密钥（.p12）")
@click.option("--passphrase-file", type=FILE, help=PASSPHRASE_HELP.format("签名密钥口令"))
def followup_command(
    register: Path,
    uscc: str,
    out: Path,
    trust: tuple[Path, ...],
    crl: Path | None,
    key_path: Path,
    passphrase_file: Path | None,
) -> None:
    """为一家机构生成签名的复查任务：只含待整改事项及原评估发现。"""
    from assessor.core.clock import now_utc
    from assessor.core.register.register import Register
    from assessor.core.signing.keys import load_signer
    from assessor.core.signing.verification import load_trust_roots
    from assessor.core.storage.atomic import atomic_write_bytes

    cycle = Register.open(register).cycle
    roots = load_trust_roots(trust)
    signer = load_signer(key_path, read_passphrase(passphrase_file, "签名密钥口令", new=False))
    task = cycle.followup_task(
        uscc.strip().upper(), trust_roots=roots, crl=crl, signer=signer, at=now_utc()
    )
    try:
        atomic_write_bytes(out, task)
    except OSError as exc:
        raise UserError(f"无法写入 {out}：{exc.strerror}") from exc
    click.echo(f"已生成复查任务：{out}")


@rectify_group.command("import")
@click.argument("followup_file", type=FILE)
@db_option
@click.option(
    "--trust", "trust", type=FILE, multiple=True, required=True, help="卫生健康委根证书（CA 证书）"
)
@click.option(
    "--crl", "crl_paths", multiple=True, type=FILE, help="证书吊销列表（CRL），可多次指定"
)
def import_command(
    followup_file: Path, register: Path, trust: tuple[Path, ...], crl_paths: tuple[Path, ...]
) -> None:
    """导入签名的复查记录：已整改的事项关闭，其余（含逾期的）保持待整改。

    指定 --crl 时，签名时间晚于其证书吊销时间的复查记录不予导入（与 register import 相同）。"""
    from assessor.core.clock import now_utc
    from assessor.core.register.register import Register
    from assessor.core.signing.revocation import load_crls
    from assessor.core.signing.verification import load_trust_roots

    cycle = Register.open(register).cycle
    roots = load_trust_roots(trust)
    revoked = load_crls(crl_paths, roots)
    result = cycle.import_followup(followup_file, roots, now_utc(), revoked)
    if result.already:
        click.echo(f"复查记录 {followup_file.name} 已导入过，未作改动。")
        return
    click.echo(f"已导入复查记录：关闭 {result.closed} 项，仍待整改 {result.still_open} 项。")
