"""`assessor keys …`: the commission's certificate authority and the assessors' keys."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from assessor.cli.common import FILE, FOLDER, PASSPHRASE_HELP, read_passphrase
from assessor.core.problems import UserError, os_error_text
from assessor.core.signing import ASSESSOR_DAYS, CA_DAYS
from assessor.core.signing.revocation import RevocationReason


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
@click.option("--name", required=True, help="评估员（或培训师）姓名")
@click.option("--assessor-id", required=True, help="评估员（或培训师）编号")
@click.option("--out", required=True, type=FILE, help="写入的密钥文件（.p12）")
@click.option(
    "--role",
    type=click.Choice(["assessor", "trainer"]),
    default="assessor",
    show_default=True,
    help="assessor 评估员签名密钥；trainer 培训师密钥（RSA，用于密封测试样例的参考评分，"
    "证书另存为 <文件名>-cert.pem）",
)
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
    role: str,
    days: int,
    passphrase_file: Path | None,
    ca_passphrase_file: Path | None,
) -> None:
    """为一名评估员签发签名密钥和证书（口令保护的 PKCS#12 文件）；--role trainer 签发培训师密钥。"""
    from assessor.core.signing.keys import issue_assessor, load_ca

    ca = load_ca(ca_dir, read_passphrase(ca_passphrase_file, "CA 私钥口令", new=False))
    if role == "trainer":
        _issue_trainer(ca, out, name, assessor_id, days, passphrase_file)
        return
    passphrase = read_passphrase(passphrase_file, "评估员密钥口令", new=True)
    info = issue_assessor(
        ca,
        out,
        name=name,
        assessor_id=assessor_id,
        passphrase=passphrase,
        days=days,
        ledger=ca_dir,
    )
    click.echo(f"已签发：{info.name}（评估员编号 {info.assessor_id}）")
    click.echo(f"签发机构：{info.issuer}")
    click.echo(f"有效期：{_date(info.not_before)} 至 {_date(info.not_after)}")
    click.echo(f"SHA-256 指纹：{info.fingerprint}")
    click.echo(f"密钥文件：{out}（请将文件和口令分开交给评估员）")


def _issue_trainer(
    ca, out: Path, name: str, trainer_id: str, days: int, passphrase_file: Path | None
) -> None:
    from assessor.core.signing.trainer_key import issue_trainer, trainer_certificate_path

    passphrase = read_passphrase(passphrase_file, "培训师密钥口令", new=True)
    info = issue_trainer(
        ca, out, name=name, trainer_id=trainer_id, passphrase=passphrase, days=days
    )
    click.echo(f"已签发培训师密钥：{info.name}（编号 {info.assessor_id}）")
    click.echo(f"有效期：{_date(info.not_before)} 至 {_date(info.not_after)}")
    click.echo(f"SHA-256 指纹：{info.fingerprint}")
    click.echo(f"密钥文件：{out}（只交给培训师本人，口令另行告知）")
    click.echo(
        f"培训师证书：{trainer_certificate_path(out)}（可公开；"
        "assessor train seal 样例.json --to 此证书 --trainer-key 密钥文件 密封测试样例）"
    )


@command.command("revoke")
@click.option(
    "--ca",
    "ca_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="CA 目录（吊销记录 revoked.json 保存在其中）",
)
@click.option("--serial", type=int, default=None, help="要吊销的证书序列号（十进制）")
@click.option("--cert", "cert_path", type=FILE, default=None, help="要吊销的证书文件（PEM 或 DER）")
@click.option(
    "--reason",
    required=True,
    type=click.Choice([r.value for r in RevocationReason]),
    help="吊销原因：key_compromise 密钥泄露（如电脑丢失）、affiliation_changed 调离、"
    "superseded 已换发新证书、cessation_of_operation 不再从事评估、unspecified 未说明",
)
@click.option(
    "--at",
    "revoked_at",
    type=click.DateTime(["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]),
    default=None,
    help="吊销生效时间（北京时间，如 2026-05-01 08:00:00；默认：现在）",
)
def revoke_command(
    ca_dir: Path,
    serial: int | None,
    cert_path: Path | None,
    reason: str,
    revoked_at: datetime | None,
) -> None:
    """吊销一名评估员的证书（如电脑丢失）。之后用 keys crl 生成吊销列表交给导入方。"""
    from assessor.core.clock import BEIJING, beijing_text
    from assessor.core.signing.revocation import read_certificate, revoke

    if (serial is None) == (cert_path is None):
        raise UserError("请用 --serial 或 --cert 指定要吊销的证书（二选一）")
    subject = ""
    if cert_path is not None:
        cert = read_certificate(cert_path)
        serial, subject = cert.serial_number, cert.subject.rfc4514_string()
    assert serial is not None
    at = revoked_at.replace(tzinfo=BEIJING) if revoked_at else None
    entry = revoke(ca_dir, serial, RevocationReason(reason), at=at, subject=subject)
    click.echo(f"已吊销证书：序列号 {entry.serial}，生效时间 {beijing_text(entry.revoked_at)}")
    click.echo("请运行 assessor keys crl 生成新的吊销列表（CRL），交给导入评估文件的一方。")


@command.command("crl")
@click.option(
    "--ca",
    "ca_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="CA 目录",
)
@click.option("-o", "--out", required=True, type=FILE, help="写入的吊销列表文件（PEM）")
@click.option("--ca-passphrase-file", type=FILE, help=PASSPHRASE_HELP.format("CA 私钥口令"))
def crl_command(ca_dir: Path, out: Path, ca_passphrase_file: Path | None) -> None:
    """生成由 CA 签名的证书吊销列表（CRL，PEM 格式），导入时用 --crl 指定。"""
    from assessor.core.signing.keys import load_ca
    from assessor.core.signing.revocation import crl_pem, read_revocations
    from assessor.core.storage.atomic import atomic_write_bytes

    ca = load_ca(ca_dir, read_passphrase(ca_passphrase_file, "CA 私钥口令", new=False))
    revocations = read_revocations(ca_dir)
    try:
        atomic_write_bytes(out, crl_pem(ca, revocations))
    except OSError as exc:
        raise UserError(f"无法写入 {out}：{os_error_text(exc)}") from None
    click.echo(f"已生成吊销列表：{out}（共 {len(revocations.revoked)} 个已吊销证书）")
