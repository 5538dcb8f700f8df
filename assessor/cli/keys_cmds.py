"""`assessor keys …`: the commission's certificate authority and the assessors' keys."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from assessor.cli.common import FILE, FOLDER, PASSPHRASE_HELP, read_passphrase
from assessor.core.signing import ASSESSOR_DAYS, CA_DAYS


def _date(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d")


@click.group("keys")
def command() -> None:
    """卫生健康委的证书颁发机构（CA）和评估员签名密钥。"""


@command.command("init-ca")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=FOLDER,
    help="CA 文件写入的目录（ca-cert.pem 与口令保护的 ca-key.pem）",
)
@click.option("--name", required=True, help="卫生健康委名称，如“XX市卫生健康委员会”")
@click.option(
    "--days", default=CA_DAYS, show_default=True, type=click.IntRange(min=1), help="有效天数"
)
@click.option("--passphrase-file", type=FILE, help=PASSPHRASE_HELP.format("CA 私钥口令"))
def init_ca_command(out_dir: Path, name: str, days: int, passphrase_file: Path | None) -> None:
    """创建卫生健康委的证书颁发机构（CA），用于签发评估员证书。"""
    from assessor.core.signing.keys import CA_CERT_FILE, CA_KEY_FILE, init_ca
    from assessor.core.signing.training import fingerprint

    passphrase = read_passphrase(passphrase_file, "CA 私钥口令", new=True)
    cert = init_ca(out_dir, name, passphrase, days=days)
    click.echo(f"已创建 CA：{cert.subject.rfc4514_string()}")
    click.echo(f"有效期至：{_date(cert.not_valid_after_utc)}")
    click.echo(f"SHA-256 指纹：{fingerprint(cert)}")
    click.echo(f"CA 证书：{out_dir / CA_CERT_FILE}（分发给导入和验证的一方，作为信任根）")
    click.echo(f"CA 私钥：{out_dir / CA_KEY_FILE}（口令保护；请离线保管，不要分发）")


@command.command("issue")
@click.option(
    "--ca",
    "ca_dir",
    required=True,
    type=FOLDER,
    help="CA 目录（由 keys init-ca 创建）",
)
@click.option("--name", required=True, help="评估员姓名")
@click.option("--assessor-id", required=True, help="评估员编号")
@click.option("--out", required=True, type=FILE, help="写入的密钥文件（.p12）")
@click.option(
    "--days", default=ASSESSOR_DAYS, show_default=True, type=click.IntRange(min=1), help="有效天数"
)
@click.option("--passphrase-file", type=FILE, help=PASSPHRASE_HELP.format("评估员密钥口令"))
@click.option("--ca-passphrase-file", type=FILE, help=PASSPHRASE_HELP.format("CA 私钥口令"))
def issue_command(
    ca_dir: Path,
    name: str,
    assessor_id: str,
    out: Path,
    days: int,
    passphrase_file: Path | None,
    ca_passphrase_file: Path | None,
) -> None:
    """为一名评估员签发签名密钥和证书（口令保护的 PKCS#12 文件）。"""
    from assessor.core.signing.keys import issue_assessor, load_ca

    ca = load_ca(ca_dir, read_passphrase(ca_passphrase_file, "CA 私钥口令", new=False))
    passphrase = read_passphrase(passphrase_file, "评估员密钥口令", new=True)
    info = issue_assessor(
        ca, out, name=name, assessor_id=assessor_id, passphrase=passphrase, days=days
    )
    click.echo(f"已签发：{info.name}（评估员编号 {info.assessor_id}）")
    click.echo(f"签发机构：{info.issuer}")
    click.echo(f"有效期：{_date(info.not_before)} 至 {_date(info.not_after)}")
    click.echo(f"SHA-256 指纹：{info.fingerprint}")
    click.echo(f"密钥文件：{out}（请将文件和口令分开交给评估员）")
